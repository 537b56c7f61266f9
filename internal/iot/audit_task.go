package iot

import "time"

// AuditTaskType says how an audit task was started.
type AuditTaskType string

// Audit task types.
const (
	OnDemandAuditTask  AuditTaskType = "ON_DEMAND_AUDIT_TASK"
	ScheduledAuditTask AuditTaskType = "SCHEDULED_AUDIT_TASK"
)

// AuditTaskStatus is the state of an audit task.
type AuditTaskStatus string

// Audit task states. IN_PROGRESS is the only one that changes.
const (
	AuditTaskInProgress AuditTaskStatus = "IN_PROGRESS"
	AuditTaskCompleted  AuditTaskStatus = "COMPLETED"
	AuditTaskFailed     AuditTaskStatus = "FAILED"
	AuditTaskCanceled   AuditTaskStatus = "CANCELED"
)

// AuditCheckRunStatus is the state of one check in an audit task.
type AuditCheckRunStatus string

// Check run states.
const (
	CheckInProgress               AuditCheckRunStatus = "IN_PROGRESS"
	CheckWaitingForDataCollection AuditCheckRunStatus = "WAITING_FOR_DATA_COLLECTION"
	CheckCompliant                AuditCheckRunStatus = "COMPLETED_COMPLIANT"
	CheckNonCompliant             AuditCheckRunStatus = "COMPLETED_NON_COMPLIANT"
	CheckFailed                   AuditCheckRunStatus = "FAILED"
	CheckCanceled                 AuditCheckRunStatus = "CANCELED"
)

// Completed reports whether the check ran to its end (compliant or not).
func (s AuditCheckRunStatus) Completed() bool { return s == CheckCompliant || s == CheckNonCompliant }

// Finished reports whether the check will not change any more.
func (s AuditCheckRunStatus) Finished() bool {
	return s.Completed() || s == CheckFailed || s == CheckCanceled
}

// Error codes of a FAILED check.
const (
	CheckErrorInsufficientPermissions = "INSUFFICIENT_PERMISSIONS"
	CheckErrorDisabled                = "AUDIT_CHECK_DISABLED"
)

// AuditTask is one run of an audit: on demand or by a scheduled audit.
type AuditTask struct {
	ID        string
	Type      AuditTaskType
	Status    AuditTaskStatus
	StartTime time.Time
	// EndTime is when the task left IN_PROGRESS; zero before.
	EndTime time.Time
	// ScheduledAuditName names the scheduled audit that started the task.
	ScheduledAuditName string
	// PreviousRun is the start of the previous run of the same scheduled audit:
	// the windowed checks look at what happened since. Zero for on-demand tasks
	// and for a scheduled audit's first run.
	PreviousRun time.Time
	// Resumes counts how often the task was resumed after the process stopped
	// while it ran.
	Resumes int
}

// AuditCheckResult is one check of an audit task: its state and, once
// completed, its counts.
type AuditCheckResult struct {
	CheckName string
	Status    AuditCheckRunStatus
	// TotalResources is how many resources the check examined.
	TotalResources int64
	// NonCompliantResources counts the resources with at least one finding,
	// suppressed ones included; SuppressedResources is the suppressed subset.
	NonCompliantResources int64
	SuppressedResources   int64
	ErrorCode             string
	Message               string
	// Config is the configuration the check runs with, defaults applied,
	// fixed when the task starts.
	Config map[string]int64
}

// Compliant reports whether the check found no unsuppressed non-compliant
// resource.
func (r AuditCheckResult) Compliant() bool { return r.NonCompliantResources == r.SuppressedResources }
