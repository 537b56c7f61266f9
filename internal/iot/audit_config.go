package iot

// AuditConfiguration is an account's Device Defender audit configuration.
type AuditConfiguration struct {
	// RoleARN is the role the audit would assume to read the account's data.
	RoleARN string
	// SNS is where audit completion notifications go; nil when none is set.
	SNS *AuditNotificationTarget
	// Checks holds every check configured at least once, by check name. A
	// check absent here is disabled with its default configuration.
	Checks map[string]AuditCheckConfiguration
}

// AuditNotificationTarget is the SNS topic audit notifications are sent to.
type AuditNotificationTarget struct {
	TargetARN string
	RoleARN   string
	Enabled   bool
}

// AuditCheckConfiguration is one check's state in the account configuration.
type AuditCheckConfiguration struct {
	Enabled bool
	// Config holds the configuration values set explicitly, by name; the
	// check's defaults apply to the others.
	Config map[string]int64
}

// CheckEnabled reports whether the named check is enabled.
func (c AuditConfiguration) CheckEnabled(name string) bool { return c.Checks[name].Enabled }
