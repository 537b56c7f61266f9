package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit/mitigation"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Audit mitigation actions tasks.

func (a *API) StartAuditMitigationActionsTask(ctx context.Context, in *iotapi.StartAuditMitigationActionsTaskRequest) (*iotapi.StartAuditMitigationActionsTaskResponse, error) {
	req := mitigation.StartTaskRequest{TaskID: awsjson.Value(in.TaskId), Mapping: in.AuditCheckToActionsMapping,
		ClientRequestToken: awsjson.Value(in.ClientRequestToken)}
	if t := in.Target; t != nil {
		req.Target = iot.MitigationTaskTarget{AuditTaskID: awsjson.Value(t.AuditTaskId), FindingIDs: t.FindingIds,
			ReasonCodeFilter: t.AuditCheckToReasonCodeFilter}
	}
	id, err := a.mitigation.StartAuditMitigationActionsTask(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	return &iotapi.StartAuditMitigationActionsTaskResponse{TaskId: awsjson.Ptr(id)}, nil
}

// DescribeAuditMitigationActionsTask sends every counter of every mapped
// check, and endTime once the task has ended (reference 5).
func (a *API) DescribeAuditMitigationActionsTask(ctx context.Context, in *iotapi.DescribeAuditMitigationActionsTaskRequest) (*iotapi.DescribeAuditMitigationActionsTaskResponse, error) {
	task, err := a.mitigation.DescribeAuditMitigationActionsTask(ctx, accountOf(ctx), awsjson.Value(in.TaskId))
	if err != nil {
		return nil, err
	}
	out := &iotapi.DescribeAuditMitigationActionsTaskResponse{
		TaskStatus: iotapi.AuditMitigationActionsTaskStatus(task.Status),
		StartTime:  awsjson.NewTime(task.StartTime),
		EndTime:    auditTime(task.EndTime),
		Target: &iotapi.AuditMitigationActionsTaskTarget{AuditTaskId: optString(task.Target.AuditTaskID),
			FindingIds: task.Target.FindingIDs, AuditCheckToReasonCodeFilter: task.Target.ReasonCodeFilter},
		AuditCheckToActionsMapping: task.Mapping,
		TaskStatistics:             make(map[string]iotapi.TaskStatisticsForAuditCheck, len(task.Statistics)),
		ActionsDefinition:          make([]iotapi.MitigationAction, 0, len(task.Actions)),
	}
	for name, c := range task.Statistics {
		out.TaskStatistics[name] = iotapi.TaskStatisticsForAuditCheck{
			TotalFindingsCount: awsjson.Ptr(c.Total), FailedFindingsCount: awsjson.Ptr(c.Failed),
			SucceededFindingsCount: awsjson.Ptr(c.Succeeded), SkippedFindingsCount: awsjson.Ptr(c.Skipped),
			CanceledFindingsCount: awsjson.Ptr(c.Canceled),
		}
	}
	for _, d := range task.Actions {
		out.ActionsDefinition = append(out.ActionsDefinition, iotapi.MitigationAction{Name: awsjson.Ptr(d.Name),
			Id: awsjson.Ptr(d.ID), RoleArn: awsjson.Ptr(d.RoleARN), ActionParams: paramsToWire(d.Params)})
	}
	return out, nil
}

func (a *API) ListAuditMitigationActionsTasks(ctx context.Context, in *iotapi.ListAuditMitigationActionsTasksRequest) (*iotapi.ListAuditMitigationActionsTasksResponse, error) {
	req := mitigation.ListTasksRequest{
		ListRequest: mitigationListRequest(in.NextToken, in.MaxResults),
		AuditTaskID: awsjson.Value(in.AuditTaskId), FindingID: awsjson.Value(in.FindingId),
		Status: iot.MitigationTaskStatus(in.TaskStatus),
	}
	if in.StartTime != nil {
		req.From = in.StartTime.Time
	}
	if in.EndTime != nil {
		req.To = in.EndTime.Time
	}
	tasks, next, err := a.mitigation.ListAuditMitigationActionsTasks(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListAuditMitigationActionsTasksResponse{Tasks: make([]iotapi.AuditMitigationActionsTaskMetadata, 0, len(tasks)),
		NextToken: optString(next)}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, iotapi.AuditMitigationActionsTaskMetadata{TaskId: awsjson.Ptr(t.ID),
			StartTime: awsjson.NewTime(t.StartTime), TaskStatus: iotapi.AuditMitigationActionsTaskStatus(t.Status)})
	}
	return out, nil
}

// ListAuditMitigationActionsExecutions sends errorCode, message, startTime and
// endTime only when set.
func (a *API) ListAuditMitigationActionsExecutions(ctx context.Context, in *iotapi.ListAuditMitigationActionsExecutionsRequest) (*iotapi.ListAuditMitigationActionsExecutionsResponse, error) {
	executions, next, err := a.mitigation.ListAuditMitigationActionsExecutions(ctx, accountOf(ctx), mitigation.ListExecutionsRequest{
		ListRequest: mitigationListRequest(in.NextToken, in.MaxResults),
		TaskID:      awsjson.Value(in.TaskId), FindingID: awsjson.Value(in.FindingId),
		Status: iot.MitigationExecutionStatus(in.ActionStatus),
	})
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListAuditMitigationActionsExecutionsResponse{
		ActionsExecutions: make([]iotapi.AuditMitigationActionExecutionMetadata, 0, len(executions)), NextToken: optString(next)}
	for _, x := range executions {
		out.ActionsExecutions = append(out.ActionsExecutions, iotapi.AuditMitigationActionExecutionMetadata{
			TaskId: awsjson.Ptr(x.TaskID), FindingId: awsjson.Ptr(x.FindingID), ActionName: awsjson.Ptr(x.ActionName),
			ActionId: awsjson.Ptr(x.ActionID), Status: iotapi.AuditMitigationActionsExecutionStatus(x.Status),
			StartTime: auditTime(x.StartTime), EndTime: auditTime(x.EndTime),
			ErrorCode_: optString(x.ErrorCode), Message: optString(x.Message),
		})
	}
	return out, nil
}

func (a *API) CancelAuditMitigationActionsTask(ctx context.Context, in *iotapi.CancelAuditMitigationActionsTaskRequest) (*iotapi.CancelAuditMitigationActionsTaskResponse, error) {
	if err := a.mitigation.CancelAuditMitigationActionsTask(ctx, accountOf(ctx), awsjson.Value(in.TaskId)); err != nil {
		return nil, err
	}
	return &iotapi.CancelAuditMitigationActionsTaskResponse{}, nil
}
