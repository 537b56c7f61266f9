package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// AuditReader reads the audit's own records: account audit configuration, audit
// tasks and their check results, findings, suppressions, scheduled audits.
// Getters return ErrNotFound for a missing row.
type AuditReader interface {
	// AuditConfiguration returns the account's audit configuration;
	// ErrNotFound when it was never set or was deleted.
	AuditConfiguration(ctx context.Context) (iot.AuditConfiguration, error)

	AuditTask(ctx context.Context, id string) (iot.AuditTask, error)
	// AuditTasks lists the tasks that match f, newest first (start time, then
	// id, descending). Page.After is an AuditTaskKey.
	AuditTasks(ctx context.Context, f AuditTaskFilter, p Page) (tasks []iot.AuditTask, more bool, err error)
	// InProgressAuditTasks lists every task still IN_PROGRESS.
	InProgressAuditTasks(ctx context.Context) ([]iot.AuditTask, error)
	// AuditCheckResult returns one check of a task.
	AuditCheckResult(ctx context.Context, taskID, checkName string) (iot.AuditCheckResult, error)
	// AuditCheckResults returns every check of a task, by check name.
	AuditCheckResults(ctx context.Context, taskID string) ([]iot.AuditCheckResult, error)

	// A finding is visible once its check has completed (COMPLETED_COMPLIANT or
	// COMPLETED_NON_COMPLIANT): AuditFinding, AuditFindings and
	// AuditFindingRelated see no finding of a check still running, failed or
	// canceled.

	// AuditFinding returns a visible finding with at most related of its
	// related resources.
	AuditFinding(ctx context.Context, id string, related int) (iot.AuditFinding, error)
	// AuditFindings lists the visible findings that match f. With a TaskID
	// they are ordered by check name, finding time and id (Page.After is an
	// AuditFindingKey(f, true)); otherwise newest first by finding time then
	// id (AuditFindingKey(f, false)).
	AuditFindings(ctx context.Context, f AuditFindingFilter, p Page) (findings []iot.AuditFinding, more bool, err error)
	// AuditFindingRelated lists the related resources of a visible finding in
	// the order the check reported them. Page.After is the decimal index of
	// the last resource returned.
	AuditFindingRelated(ctx context.Context, findingID string, p Page) (related []iot.AuditResource, more bool, err error)
	// UnindexedAuditChecks lists the completed checks whose findings are not
	// yet in the resource index (IndexAuditFindingResources), oldest task
	// first, at most limit of them.
	UnindexedAuditChecks(ctx context.Context, limit int) ([]AuditCheckRef, error)
	// CountAuditFindingResources counts the distinct resources of one check's
	// findings in a task, visible or not, and how many of them are suppressed.
	CountAuditFindingResources(ctx context.Context, taskID, checkName string) (resources, suppressed int64, err error)

	// AuditSuppression returns the suppression of a check on the resource with
	// that ResourceIdentifier.Key.
	AuditSuppression(ctx context.Context, checkName, resourceKey string) (iot.AuditSuppression, error)
	// AuditSuppressionByToken returns the suppression created with a client
	// request token.
	AuditSuppressionByToken(ctx context.Context, token string) (iot.AuditSuppression, error)
	// AuditSuppressions lists the suppressions that match f ordered by
	// expiration (indefinite ones after every date), then check name and
	// resource key; ascending unless f.Descending. Page.After is an
	// AuditSuppressionKey.
	AuditSuppressions(ctx context.Context, f AuditSuppressionFilter, p Page) (suppressions []iot.AuditSuppression, more bool, err error)
	CountAuditSuppressions(ctx context.Context) (int, error)

	ScheduledAudit(ctx context.Context, name string) (iot.ScheduledAudit, error)
	// ScheduledAudits lists scheduled audits by name.
	ScheduledAudits(ctx context.Context, p Page) (audits []iot.ScheduledAudit, more bool, err error)
	// DueScheduledAudits lists the scheduled audits whose next run is at or
	// before t, by name.
	DueScheduledAudits(ctx context.Context, t time.Time) ([]iot.ScheduledAudit, error)
	CountScheduledAudits(ctx context.Context) (int, error)
}

// AuditWriter writes the audit's own records. Put methods insert the row or
// replace the existing one.
type AuditWriter interface {
	// PutAuditConfiguration replaces the account's audit configuration, its
	// check configurations included.
	PutAuditConfiguration(ctx context.Context, c iot.AuditConfiguration) error
	// DeleteAuditConfiguration deletes it; ErrNotFound when there is none.
	DeleteAuditConfiguration(ctx context.Context) error

	PutAuditTask(ctx context.Context, t iot.AuditTask) error
	// PutAuditCheckResult writes one check of an existing task.
	PutAuditCheckResult(ctx context.Context, taskID string, r iot.AuditCheckResult) error
	// AddAuditFindings inserts findings of checks of existing tasks, with their
	// related resources.
	AddAuditFindings(ctx context.Context, findings []iot.AuditFinding) error
	// SettleAuditFindings ends the writing of one check's findings: it deletes
	// the duplicates (a finding whose resource key and reason code an earlier
	// one of the check has; the first stays) and counts the distinct resources
	// of the findings and how many of them are suppressed.
	SettleAuditFindings(ctx context.Context, taskID, checkName string) (resources, suppressed int64, err error)
	// IndexAuditFindingResources enters the findings of a completed check in
	// the resource index, which AuditFindings reads to list a resource's
	// findings across tasks; once is enough, later calls do nothing. Until
	// then AuditFindings reads the check's findings from the task's, slower.
	// An audit writes its findings fastest without that index, and enters
	// them once it has completed.
	IndexAuditFindingResources(ctx context.Context, taskID, checkName string) error
	// DeleteAuditFindings deletes every finding of one check of a task.
	DeleteAuditFindings(ctx context.Context, taskID, checkName string) error
	// DeleteAuditTasksBefore deletes the tasks that started before t and are
	// no longer IN_PROGRESS, with their check results and findings; it returns
	// how many tasks it deleted.
	DeleteAuditTasksBefore(ctx context.Context, t time.Time) (int, error)

	PutAuditSuppression(ctx context.Context, s iot.AuditSuppression) error
	// DeleteAuditSuppression deletes a suppression; ErrNotFound when absent.
	DeleteAuditSuppression(ctx context.Context, checkName, resourceKey string) error

	PutScheduledAudit(ctx context.Context, a iot.ScheduledAudit) error
	// DeleteScheduledAudit deletes a scheduled audit; ErrNotFound when absent.
	// Its tags are the caller's to delete.
	DeleteScheduledAudit(ctx context.Context, name string) error
}

// AuditTaskFilter selects audit tasks: those started in [From, To], of Type and
// Status when set.
type AuditTaskFilter struct {
	From, To time.Time
	Type     iot.AuditTaskType
	Status   iot.AuditTaskStatus
}

// AuditFindingFilter selects findings: of one task, or found in [From, To];
// optionally of one check, of one resource (ResourceIdentifier.Key) and
// suppressed or not.
type AuditFindingFilter struct {
	TaskID      string
	From, To    time.Time
	CheckName   string
	ResourceKey string
	Suppressed  *bool
	// Related is how many related resources to return with each finding.
	Related int
}

// AuditCheckRef names one check of a task.
type AuditCheckRef struct {
	TaskID, CheckName string
}

// AuditSuppressionFilter selects suppressions of one check and one resource
// (ResourceIdentifier.Key) when set.
type AuditSuppressionFilter struct {
	CheckName   string
	ResourceKey string
	Descending  bool
}

// AuditTaskKey is the sort key of a task in AuditTasks.
func AuditTaskKey(t iot.AuditTask) string { return timeKey(t.StartTime, t.ID) }

// AuditFindingKey is the sort key of a finding in AuditFindings: for a listing
// by task when byTask, else for a listing by time.
func AuditFindingKey(f iot.AuditFinding, byTask bool) string {
	if byTask {
		return f.CheckName + "\x00" + timeKey(f.FindingTime, f.ID)
	}
	return timeKey(f.FindingTime, f.ID)
}

// AuditSuppressionKey is the sort key of a suppression in AuditSuppressions.
func AuditSuppressionKey(s iot.AuditSuppression) string {
	return strconv.FormatInt(SuppressionExpirationOrder(s), 10) + "/" + s.CheckName + "\x00" + s.Resource.Key()
}

// SuppressionExpirationOrder is the expiration a suppression sorts by: its
// expiration in Unix milliseconds, after every date when it is indefinite.
func SuppressionExpirationOrder(s iot.AuditSuppression) int64 {
	if s.Indefinitely {
		return 1<<63 - 1
	}
	return s.Expiration.UnixMilli()
}

// timeKey is a sort key of a time (ms) and an id.
func timeKey(t time.Time, id string) string {
	return strconv.FormatInt(t.UnixMilli(), 10) + "/" + id
}

// SplitPageKey splits a key made by AuditTaskKey, AuditFindingKey (by time) or
// AuditSuppressionKey into its leading number and the rest.
func SplitPageKey(key string) (n int64, rest string, err error) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			n, err = strconv.ParseInt(key[:i], 10, 64)
			if err == nil {
				return n, key[i+1:], nil
			}
			break
		}
	}
	return 0, "", fmt.Errorf("store: malformed page key %q", key)
}
