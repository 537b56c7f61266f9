package server

import (
	"context"
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// The audit family: account audit configuration and audit tasks. Findings,
// suppressions and scheduled audits are in the other audit_*.go files.

// WithAudit sets the audit engine the audit operations use.
func (a *API) WithAudit(e *audit.Engine) *API {
	a.audit = e
	return a
}

// auditNotificationType is the one key of auditNotificationTargetConfigurations.
const auditNotificationType = "SNS"

func auditListRequest(next *string, maxResults *int32) audit.ListRequest {
	return audit.ListRequest{NextToken: awsjson.Value(next), MaxResults: int(awsjson.Value(maxResults))}
}

func auditTime(t time.Time) *awsjson.Time {
	if t.IsZero() {
		return nil
	}
	return awsjson.NewTime(t)
}

// ---- account audit configuration

func (a *API) UpdateAccountAuditConfiguration(ctx context.Context, in *iotapi.UpdateAccountAuditConfigurationRequest) (*iotapi.UpdateAccountAuditConfigurationResponse, error) {
	u := audit.ConfigurationUpdate{RoleARN: awsjson.Value(in.RoleArn), Checks: map[string]audit.CheckUpdate{}}
	for kind, target := range in.AuditNotificationTargetConfigurations {
		if kind != auditNotificationType {
			return nil, iot.Errorf(iot.InvalidRequest, "%q is not a notification type; the only one is SNS.", kind)
		}
		u.SNS = &iot.AuditNotificationTarget{TargetARN: awsjson.Value(target.TargetArn), RoleARN: awsjson.Value(target.RoleArn),
			Enabled: awsjson.Value(target.Enabled)}
	}
	for name, c := range in.AuditCheckConfigurations {
		u.Checks[name] = audit.CheckUpdate{Enabled: awsjson.Value(c.Enabled), Config: c.Configuration}
	}
	if err := a.audit.UpdateAccountAuditConfiguration(ctx, accountOf(ctx), u); err != nil {
		return nil, err
	}
	return &iotapi.UpdateAccountAuditConfigurationResponse{}, nil
}

func (a *API) DescribeAccountAuditConfiguration(ctx context.Context, in *iotapi.DescribeAccountAuditConfigurationRequest) (*iotapi.DescribeAccountAuditConfigurationResponse, error) {
	cfg, err := a.audit.DescribeAccountAuditConfiguration(ctx, accountOf(ctx))
	if err != nil {
		return nil, err
	}
	out := &iotapi.DescribeAccountAuditConfigurationResponse{
		RoleArn:                  optString(cfg.RoleARN),
		AuditCheckConfigurations: make(map[string]iotapi.AuditCheckConfiguration, len(cfg.Checks)),
	}
	if t := cfg.SNS; t != nil {
		out.AuditNotificationTargetConfigurations = map[string]iotapi.AuditNotificationTarget{auditNotificationType: {
			TargetArn: optString(t.TargetARN), RoleArn: optString(t.RoleARN), Enabled: awsjson.Ptr(t.Enabled)}}
	}
	for name, c := range cfg.Checks {
		wire := iotapi.AuditCheckConfiguration{Enabled: awsjson.Ptr(c.Enabled)}
		if len(c.Config) > 0 {
			wire.Configuration = make(map[string]string, len(c.Config))
			for k, v := range c.Config {
				wire.Configuration[k] = strconv.FormatInt(v, 10)
			}
		}
		out.AuditCheckConfigurations[name] = wire
	}
	return out, nil
}

func (a *API) DeleteAccountAuditConfiguration(ctx context.Context, in *iotapi.DeleteAccountAuditConfigurationRequest) (*iotapi.DeleteAccountAuditConfigurationResponse, error) {
	if err := a.audit.DeleteAccountAuditConfiguration(ctx, accountOf(ctx), awsjson.Value(in.DeleteScheduledAudits)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteAccountAuditConfigurationResponse{}, nil
}

// ---- audit tasks

func (a *API) StartOnDemandAuditTask(ctx context.Context, in *iotapi.StartOnDemandAuditTaskRequest) (*iotapi.StartOnDemandAuditTaskResponse, error) {
	id, err := a.audit.StartOnDemandAuditTask(ctx, accountOf(ctx), in.TargetCheckNames)
	if err != nil {
		return nil, err
	}
	return &iotapi.StartOnDemandAuditTaskResponse{TaskId: &id}, nil
}

// DescribeAuditTask always sends every counter, and suppressedNonCompliantResourcesCount
// with the other counts; checkCompliant only for a completed check, errorCode
// and message only when set (reference 5).
func (a *API) DescribeAuditTask(ctx context.Context, in *iotapi.DescribeAuditTaskRequest) (*iotapi.DescribeAuditTaskResponse, error) {
	d, err := a.audit.DescribeAuditTask(ctx, accountOf(ctx), awsjson.Value(in.TaskId))
	if err != nil {
		return nil, err
	}
	count := func(n int) *int32 { return awsjson.Ptr(int32(n)) }
	s := d.Statistics
	out := &iotapi.DescribeAuditTaskResponse{
		TaskStatus:    iotapi.AuditTaskStatus(d.Status),
		TaskType:      iotapi.AuditTaskType(d.Type),
		TaskStartTime: awsjson.NewTime(d.StartTime),
		TaskStatistics: &iotapi.TaskStatistics{
			TotalChecks: count(s.Total), InProgressChecks: count(s.InProgress),
			WaitingForDataCollectionChecks: count(s.WaitingForDataCollection), CompliantChecks: count(s.Compliant),
			NonCompliantChecks: count(s.NonCompliant), FailedChecks: count(s.Failed), CanceledChecks: count(s.Canceled),
		},
		ScheduledAuditName: optString(d.ScheduledAuditName),
		AuditDetails:       make(map[string]iotapi.AuditCheckDetails, len(d.Checks)),
	}
	for _, r := range d.Checks {
		details := iotapi.AuditCheckDetails{
			CheckRunStatus:                       iotapi.AuditCheckRunStatus(r.Status),
			TotalResourcesCount:                  awsjson.Ptr(r.TotalResources),
			NonCompliantResourcesCount:           awsjson.Ptr(r.NonCompliantResources),
			SuppressedNonCompliantResourcesCount: awsjson.Ptr(r.SuppressedResources),
			ErrorCode_:                           optString(r.ErrorCode),
			Message:                              optString(r.Message),
		}
		if r.Status.Completed() {
			details.CheckCompliant = awsjson.Ptr(r.Compliant())
		}
		out.AuditDetails[r.CheckName] = details
	}
	return out, nil
}

func (a *API) ListAuditTasks(ctx context.Context, in *iotapi.ListAuditTasksRequest) (*iotapi.ListAuditTasksResponse, error) {
	req := audit.ListTasksRequest{
		ListRequest: auditListRequest(in.NextToken, in.MaxResults),
		Type:        iot.AuditTaskType(in.TaskType),
		Status:      iot.AuditTaskStatus(in.TaskStatus),
	}
	if in.StartTime != nil {
		req.From = in.StartTime.Time
	}
	if in.EndTime != nil {
		req.To = in.EndTime.Time
	}
	tasks, next, err := a.audit.ListAuditTasks(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListAuditTasksResponse{Tasks: make([]iotapi.AuditTaskMetadata, 0, len(tasks)), NextToken: optString(next)}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, iotapi.AuditTaskMetadata{TaskId: awsjson.Ptr(t.ID),
			TaskStatus: iotapi.AuditTaskStatus(t.Status), TaskType: iotapi.AuditTaskType(t.Type)})
	}
	return out, nil
}

func (a *API) CancelAuditTask(ctx context.Context, in *iotapi.CancelAuditTaskRequest) (*iotapi.CancelAuditTaskResponse, error) {
	if err := a.audit.CancelAuditTask(ctx, accountOf(ctx), awsjson.Value(in.TaskId)); err != nil {
		return nil, err
	}
	return &iotapi.CancelAuditTaskResponse{}, nil
}
