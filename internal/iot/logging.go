package iot

// LogLevel is how much AWS IoT logs.
type LogLevel string

// Log levels.
const (
	LogDebug    LogLevel = "DEBUG"
	LogInfo     LogLevel = "INFO"
	LogWarn     LogLevel = "WARN"
	LogError    LogLevel = "ERROR"
	LogDisabled LogLevel = "DISABLED"
)

// LoggingOptions are the account's version 1 logging options
// (SetLoggingOptions).
type LoggingOptions struct {
	RoleARN  string
	LogLevel LogLevel
}

// Enabled reports whether these options send logs anywhere.
func (o LoggingOptions) Enabled() bool {
	return o.RoleARN != "" && o.LogLevel != LogDisabled
}

// V2LoggingOptions are the account's version 2 logging options
// (SetV2LoggingOptions).
type V2LoggingOptions struct {
	RoleARN         string
	DefaultLogLevel LogLevel
	DisableAllLogs  bool
	// EventConfigurations override the default level per event type.
	EventConfigurations []LogEventConfiguration
}

// Enabled reports whether these options send logs anywhere.
func (o V2LoggingOptions) Enabled() bool {
	return o.RoleARN != "" && !o.DisableAllLogs && o.DefaultLogLevel != LogDisabled
}

// LoggingSettings are both versions of an account's logging options; nil for
// a version never set. The LOGGING_DISABLED audit check reads them.
type LoggingSettings struct {
	V1 *LoggingOptions
	V2 *V2LoggingOptions
}

// Enabled reports whether either version sends logs anywhere.
func (s LoggingSettings) Enabled() bool {
	return s.V1 != nil && s.V1.Enabled() || s.V2 != nil && s.V2.Enabled()
}

// LogEventConfiguration overrides the logging of one event type (a log
// entry's eventType, such as Connect or Publish-In).
type LogEventConfiguration struct {
	EventType      string
	LogLevel       LogLevel // "" to keep the default level
	LogDestination string   // "" for the default log group
}

// LogTargetType is the kind of resource a v2 logging level applies to.
type LogTargetType string

// Log target types.
const (
	LogTargetDefault     LogTargetType = "DEFAULT"
	LogTargetThingGroup  LogTargetType = "THING_GROUP"
	LogTargetClientID    LogTargetType = "CLIENT_ID"
	LogTargetSourceIP    LogTargetType = "SOURCE_IP"
	LogTargetPrincipalID LogTargetType = "PRINCIPAL_ID"
)

// LogTarget names the resource a v2 logging level applies to. Name is empty
// for the DEFAULT target.
type LogTarget struct {
	Type LogTargetType
	Name string
}

// LogTargetConfiguration is the logging level of one target
// (SetV2LoggingLevel).
type LogTargetConfiguration struct {
	Target LogTarget
	Level  LogLevel
}
