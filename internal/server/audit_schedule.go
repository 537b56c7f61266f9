package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Scheduled audits.

func (a *API) CreateScheduledAudit(ctx context.Context, in *iotapi.CreateScheduledAuditRequest) (*iotapi.CreateScheduledAuditResponse, error) {
	tags := make([]iot.Tag, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, iot.Tag{Key: awsjson.Value(t.Key), Value: awsjson.Value(t.Value)})
	}
	arn, err := a.audit.CreateScheduledAudit(ctx, accountOf(ctx), audit.ScheduledAuditRequest{
		Name:         awsjson.Value(in.ScheduledAuditName),
		Frequency:    iot.AuditFrequency(in.Frequency),
		DayOfWeek:    string(in.DayOfWeek),
		DayOfMonth:   awsjson.Value(in.DayOfMonth),
		TargetChecks: auditCheckList(in.TargetCheckNames),
		Tags:         tags,
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateScheduledAuditResponse{ScheduledAuditArn: &arn}, nil
}

// auditCheckList keeps an absent list apart from an empty one.
func auditCheckList(names []string) []string {
	if names == nil {
		return nil
	}
	return append([]string{}, names...)
}

func (a *API) DescribeScheduledAudit(ctx context.Context, in *iotapi.DescribeScheduledAuditRequest) (*iotapi.DescribeScheduledAuditResponse, error) {
	s, err := a.audit.DescribeScheduledAudit(ctx, accountOf(ctx), awsjson.Value(in.ScheduledAuditName))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeScheduledAuditResponse{
		ScheduledAuditName: awsjson.Ptr(s.Name),
		ScheduledAuditArn:  awsjson.Ptr(s.ARN),
		Frequency:          iotapi.AuditFrequency(s.Frequency),
		DayOfWeek:          iotapi.DayOfWeek(s.DayOfWeek),
		DayOfMonth:         optString(s.DayOfMonth),
		TargetCheckNames:   s.TargetChecks,
	}, nil
}

func (a *API) UpdateScheduledAudit(ctx context.Context, in *iotapi.UpdateScheduledAuditRequest) (*iotapi.UpdateScheduledAuditResponse, error) {
	arn, err := a.audit.UpdateScheduledAudit(ctx, accountOf(ctx), audit.ScheduledAuditRequest{
		Name:         awsjson.Value(in.ScheduledAuditName),
		Frequency:    iot.AuditFrequency(in.Frequency),
		DayOfWeek:    string(in.DayOfWeek),
		DayOfMonth:   awsjson.Value(in.DayOfMonth),
		TargetChecks: auditCheckList(in.TargetCheckNames),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateScheduledAuditResponse{ScheduledAuditArn: &arn}, nil
}

func (a *API) DeleteScheduledAudit(ctx context.Context, in *iotapi.DeleteScheduledAuditRequest) (*iotapi.DeleteScheduledAuditResponse, error) {
	if err := a.audit.DeleteScheduledAudit(ctx, accountOf(ctx), awsjson.Value(in.ScheduledAuditName)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteScheduledAuditResponse{}, nil
}

func (a *API) ListScheduledAudits(ctx context.Context, in *iotapi.ListScheduledAuditsRequest) (*iotapi.ListScheduledAuditsResponse, error) {
	audits, next, err := a.audit.ListScheduledAudits(ctx, accountOf(ctx), auditListRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListScheduledAuditsResponse{ScheduledAudits: make([]iotapi.ScheduledAuditMetadata, 0, len(audits)), NextToken: optString(next)}
	for _, s := range audits {
		out.ScheduledAudits = append(out.ScheduledAudits, iotapi.ScheduledAuditMetadata{
			ScheduledAuditName: awsjson.Ptr(s.Name), ScheduledAuditArn: awsjson.Ptr(s.ARN),
			Frequency: iotapi.AuditFrequency(s.Frequency), DayOfWeek: iotapi.DayOfWeek(s.DayOfWeek), DayOfMonth: optString(s.DayOfMonth),
		})
	}
	return out, nil
}
