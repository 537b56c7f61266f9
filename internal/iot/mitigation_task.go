package iot

import "time"

// MitigationTaskStatus is the state of an audit mitigation actions task.
type MitigationTaskStatus string

// Mitigation task states. IN_PROGRESS is the only one that changes.
const (
	MitigationTaskInProgress MitigationTaskStatus = "IN_PROGRESS"
	MitigationTaskCompleted  MitigationTaskStatus = "COMPLETED"
	MitigationTaskFailed     MitigationTaskStatus = "FAILED"
	MitigationTaskCanceled   MitigationTaskStatus = "CANCELED"
)

// MitigationTaskTarget names the findings a task applies actions to: those of
// one audit task (narrowed by ReasonCodeFilter when set), or a list of
// findings.
type MitigationTaskTarget struct {
	AuditTaskID string
	FindingIDs  []string
	// ReasonCodeFilter keeps, of the audit's findings, those whose check is a
	// key and whose reason code is listed under it.
	ReasonCodeFilter map[string][]string
}

// MitigationFindingCounts are a task's counts of the findings of one check.
// Once the task has ended, Total is the sum of the other four.
type MitigationFindingCounts struct {
	Total, Succeeded, Failed, Skipped, Canceled int64
}

// Finished is how many findings the task is done with.
func (c MitigationFindingCounts) Finished() int64 {
	return c.Succeeded + c.Failed + c.Skipped + c.Canceled
}

// MitigationTask is an audit mitigation actions task.
type MitigationTask struct {
	ID     string // chosen by the caller
	Status MitigationTaskStatus
	// StartTime is when the task was started; EndTime when it left
	// IN_PROGRESS, zero before.
	StartTime, EndTime time.Time
	ClientRequestToken string
	Target             MitigationTaskTarget
	// Mapping gives, by check name, the names of the actions applied to each
	// of the check's findings, in order.
	Mapping map[string][]string
	// Actions are the definitions of the mapped actions as they were when the
	// task started: the task applies them as they were then.
	Actions []MitigationAction
	// Statistics counts the findings of each mapped check.
	Statistics map[string]MitigationFindingCounts
	// Cursor is where the task stands in its findings: the engine's key of the
	// last finding it is done with, "" before the first.
	Cursor string
	// Resumes counts how often the task was resumed after the process stopped
	// while it ran.
	Resumes int
}

// MitigationExecutionStatus is the state of one action applied to one
// finding.
type MitigationExecutionStatus string

// Execution states.
const (
	ExecutionPending    MitigationExecutionStatus = "PENDING"
	ExecutionInProgress MitigationExecutionStatus = "IN_PROGRESS"
	ExecutionCompleted  MitigationExecutionStatus = "COMPLETED"
	ExecutionFailed     MitigationExecutionStatus = "FAILED"
	ExecutionSkipped    MitigationExecutionStatus = "SKIPPED"
	ExecutionCanceled   MitigationExecutionStatus = "CANCELED"
)

// Error codes of a FAILED execution.
const (
	ExecutionErrorInvalidState            = "INVALID_STATE_OF_RESOURCE"
	ExecutionErrorInsufficientPermissions = "INSUFFICIENT_PERMISSIONS"
)

// MitigationExecution is one action of a task applied to one finding.
type MitigationExecution struct {
	TaskID    string
	FindingID string
	// Seq is the action's position in the list of actions of the finding's
	// check (Mapping), from 0.
	Seq        int
	ActionName string
	ActionID   string
	Status     MitigationExecutionStatus
	StartTime  time.Time
	EndTime    time.Time
	ErrorCode  string
	Message    string
}
