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

// LogEventConfiguration overrides the logging of one event type.
type LogEventConfiguration struct {
	EventType      string
	LogLevel       LogLevel // "" to keep the default level
	LogDestination string   // "" for the default log group
}

// LogEventTypes are the event types that event-based logging knows, in the
// order of the API model.
var LogEventTypes = []string{
	"THING", "THING_GROUP", "THING_TYPE", "THING_GROUP_MEMBERSHIP", "THING_GROUP_HIERARCHY",
	"THING_TYPE_ASSOCIATION", "JOB", "JOB_EXECUTION", "POLICY", "CERTIFICATE", "CA_CERTIFICATE",
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
