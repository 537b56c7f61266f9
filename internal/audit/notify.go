package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// notification is the audit completion notification (reference 3.8; schema
// arn:aws:iot:::schema:auditnotification/1.0). The per-check suppressed count
// is sent as suppressedNonCompliantResourcesCount [I].
type notification struct {
	AccountID               string              `json:"accountId"`
	TaskID                  string              `json:"taskId"`
	TaskStatus              iot.AuditTaskStatus `json:"taskStatus"`
	TaskType                iot.AuditTaskType   `json:"taskType"`
	ScheduledAuditName      string              `json:"scheduledAuditName,omitempty"`
	FailedChecksCount       int                 `json:"failedChecksCount"`
	CanceledChecksCount     int                 `json:"canceledChecksCount"`
	NonCompliantChecksCount int                 `json:"nonCompliantChecksCount"`
	CompliantChecksCount    int                 `json:"compliantChecksCount"`
	TotalChecksCount        int                 `json:"totalChecksCount"`
	TaskStartTime           int64               `json:"taskStartTime"` // epoch milliseconds
	AuditDetails            []notificationCheck `json:"auditDetails"`
}

type notificationCheck struct {
	CheckName                            string                  `json:"checkName"`
	CheckRunStatus                       iot.AuditCheckRunStatus `json:"checkRunStatus"`
	NonCompliantResourcesCount           int64                   `json:"nonCompliantResourcesCount"`
	SuppressedNonCompliantResourcesCount int64                   `json:"suppressedNonCompliantResourcesCount"`
	TotalResourcesCount                  int64                   `json:"totalResourcesCount"`
	Message                              string                  `json:"message,omitempty"`
	ErrorCode                            string                  `json:"errorCode,omitempty"`
}

func newNotification(account string, d TaskDetails) notification {
	n := notification{
		AccountID: account, TaskID: d.ID, TaskStatus: d.Status, TaskType: d.Type, ScheduledAuditName: d.ScheduledAuditName,
		FailedChecksCount: d.Statistics.Failed, CanceledChecksCount: d.Statistics.Canceled,
		NonCompliantChecksCount: d.Statistics.NonCompliant, CompliantChecksCount: d.Statistics.Compliant,
		TotalChecksCount: d.Statistics.Total, TaskStartTime: d.StartTime.UnixMilli(),
		AuditDetails: make([]notificationCheck, 0, len(d.Checks)),
	}
	for _, r := range d.Checks {
		n.AuditDetails = append(n.AuditDetails, notificationCheck{
			CheckName: r.CheckName, CheckRunStatus: r.Status, NonCompliantResourcesCount: r.NonCompliantResources,
			SuppressedNonCompliantResourcesCount: r.SuppressedResources, TotalResourcesCount: r.TotalResources,
			Message: r.Message, ErrorCode: r.ErrorCode,
		})
	}
	return n
}

// publishTimeout bounds one notification's publication.
const publishTimeout = 30 * time.Second

// notify publishes a finished task's notification when the account's SNS
// target is enabled. A notification that cannot be sent is logged; it does
// not change the task [I]. Notifications are sent at most once: a crash
// between a task's end and its notification loses the notification.
func (e *Engine) notify(ctx context.Context, account, taskID string) {
	if e.publisher == nil {
		return
	}
	var target *iot.AuditNotificationTarget
	d, err := e.DescribeAuditTask(ctx, account, taskID)
	if err == nil {
		err = e.store.View(ctx, account, func(tx store.ReadTx) error {
			cfg, err := configuredChecks(ctx, tx)
			target = cfg.SNS
			return err
		})
	}
	if err != nil {
		e.log.Error("audit notification not sent", "account", account, "task", taskID, "err", err)
		return
	}
	if target == nil || !target.Enabled || target.TargetARN == "" {
		return
	}
	body, err := json.Marshal(newNotification(account, d))
	if err != nil {
		e.log.Error("audit notification not sent", "account", account, "task", taskID, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := e.publisher.Publish(ctx, target.TargetARN, string(body)); err != nil {
		e.log.Error("audit notification not sent", "account", account, "task", taskID, "topic", target.TargetARN, "err", err)
	}
}
