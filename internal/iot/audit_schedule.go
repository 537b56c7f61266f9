package iot

import "time"

// AuditFrequency is how often a scheduled audit runs.
type AuditFrequency string

// Frequencies.
const (
	Daily    AuditFrequency = "DAILY"
	Weekly   AuditFrequency = "WEEKLY"
	Biweekly AuditFrequency = "BIWEEKLY"
	Monthly  AuditFrequency = "MONTHLY"
)

// LastDayOfMonth is the DayOfMonth of a monthly audit that runs on the last day.
const LastDayOfMonth = "LAST"

// ScheduledAudit runs an audit of its target checks at regular times.
type ScheduledAudit struct {
	Name      string
	Frequency AuditFrequency
	// DayOfWeek (SUN..SAT) is set for WEEKLY and BIWEEKLY audits only.
	DayOfWeek string
	// DayOfMonth ("1".."31" or LAST) is set for MONTHLY audits only.
	DayOfMonth   string
	TargetChecks []string
	CreatedAt    time.Time
	// Anchor is the first run of the current schedule: BIWEEKLY audits run
	// every fourteen days from it.
	Anchor time.Time
	// NextRun is when the audit runs next.
	NextRun time.Time
	// LastRun is when it last ran; zero before its first run.
	LastRun time.Time
}
