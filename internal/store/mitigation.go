package store

import (
	"context"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// MitigationReader reads the mitigation family: mitigation action definitions
// and audit mitigation actions tasks with their per-check statistics and their
// executions. Getters return ErrNotFound for a missing row.
type MitigationReader interface {
	MitigationAction(ctx context.Context, name string) (iot.MitigationAction, error)
	// MitigationActions lists definitions by name, only those of typ unless it
	// is "". Page.After is a name.
	MitigationActions(ctx context.Context, typ iot.MitigationActionType, p Page) (actions []iot.MitigationAction, more bool, err error)
	CountMitigationActions(ctx context.Context) (int, error)

	// MitigationTask returns a task with its statistics.
	MitigationTask(ctx context.Context, id string) (iot.MitigationTask, error)
	// MitigationTasks lists the tasks that match f, newest first (start time,
	// then id, descending), without their statistics. Page.After is a
	// MitigationTaskKey.
	MitigationTasks(ctx context.Context, f MitigationTaskFilter, p Page) (tasks []iot.MitigationTask, more bool, err error)
	// InProgressMitigationTasks lists the ids of the tasks still IN_PROGRESS.
	InProgressMitigationTasks(ctx context.Context) ([]string, error)

	// MitigationExecutions returns the executions recorded for one finding in
	// one task, by Seq.
	MitigationExecutions(ctx context.Context, taskID, findingID string) ([]iot.MitigationExecution, error)
	// InProgressMitigationExecutions returns every execution still
	// IN_PROGRESS, of any task.
	InProgressMitigationExecutions(ctx context.Context) ([]iot.MitigationExecution, error)

	// CountAuditFindings counts the visible findings (see AuditReader) of one
	// check of an audit task: how many findings a mitigation task of that
	// audit has to go through.
	CountAuditFindings(ctx context.Context, auditTaskID, checkName string) (int64, error)

	// CertificateStates returns the device certificates with those ids that
	// exist, in no order, with their id, status and customer version only: a
	// mitigation task deactivates the certificates of a thousand findings at
	// once.
	CertificateStates(ctx context.Context, ids []string) ([]iot.Certificate, error)
}

// MitigationWriter writes the mitigation family. The caller has checked every
// rule.
type MitigationWriter interface {
	// PutMitigationAction inserts a definition or replaces the one of that
	// name.
	PutMitigationAction(ctx context.Context, a iot.MitigationAction) error
	// DeleteMitigationAction deletes a definition; ErrNotFound when absent.
	// Its tags are the caller's to delete.
	DeleteMitigationAction(ctx context.Context, name string) error

	// PutMitigationTask inserts a task or replaces the one with its id, with
	// its statistics. A task's target never changes after its insertion.
	PutMitigationTask(ctx context.Context, t iot.MitigationTask) error
	// PutMitigationExecutions inserts executions of an existing task or
	// replaces those with the same task, finding and Seq.
	PutMitigationExecutions(ctx context.Context, xs []iot.MitigationExecution) error
	// SetCertificatesStatus sets the status, modification time and
	// generation id of the device certificates with those ids, and
	// increments their customer version: UpdateCertificate's write for many
	// certificates at once.
	SetCertificatesStatus(ctx context.Context, ids []string, status iot.CertificateStatus, at time.Time, generationID string) error
	// DeleteMitigationTasksBefore deletes the tasks that started before t and
	// are no longer IN_PROGRESS, with their statistics and executions; it
	// returns how many tasks it deleted.
	DeleteMitigationTasksBefore(ctx context.Context, t time.Time) (int, error)
}

// MitigationTaskFilter selects mitigation tasks: those started at or after
// From that ended at or before To, or are still running and started at or
// before To; of Status, of AuditTaskID and covering Finding when set.
type MitigationTaskFilter struct {
	From, To time.Time
	Status   iot.MitigationTaskStatus
	// AuditTaskID keeps the tasks whose target is that audit's findings or
	// names a finding of that audit.
	AuditTaskID string
	// Finding keeps the tasks whose target names the finding, or is the
	// finding's audit with the finding's check in the mapping.
	Finding *MitigationFindingRef
}

// MitigationFindingRef is a finding as the tasks' filter needs it.
type MitigationFindingRef struct {
	ID, AuditTaskID, CheckName string
}

// MitigationTaskKey is the sort key of a task in MitigationTasks.
func MitigationTaskKey(t iot.MitigationTask) string { return timeKey(t.StartTime, t.ID) }
