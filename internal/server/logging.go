package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// Logging options (v1 and v2) and v2 logging levels.

// wireLogTarget returns the wire form of a log target.
func wireLogTarget(t iot.LogTarget) *iotapi.LogTarget {
	return &iotapi.LogTarget{TargetType: iotapi.LogTargetType(t.Type), TargetName: optString(t.Name)}
}

func (a *API) SetLoggingOptions(ctx context.Context, in *iotapi.SetLoggingOptionsRequest) error {
	p := in.LoggingOptionsPayload
	return a.registry.SetLoggingOptions(ctx, accountOf(ctx), iot.LoggingOptions{RoleARN: awsjson.Value(p.RoleArn), LogLevel: iot.LogLevel(p.LogLevel)})
}

func (a *API) GetLoggingOptions(ctx context.Context, _ *iotapi.GetLoggingOptionsRequest) (*iotapi.GetLoggingOptionsResponse, error) {
	o, err := a.registry.GetLoggingOptions(ctx, accountOf(ctx))
	if err != nil {
		return nil, err
	}
	return &iotapi.GetLoggingOptionsResponse{RoleArn: optString(o.RoleARN), LogLevel: iotapi.LogLevel(o.LogLevel)}, nil
}

func (a *API) SetV2LoggingOptions(ctx context.Context, in *iotapi.SetV2LoggingOptionsRequest) error {
	o := iot.V2LoggingOptions{RoleARN: awsjson.Value(in.RoleArn), DefaultLogLevel: iot.LogLevel(in.DefaultLogLevel),
		DisableAllLogs: awsjson.Value(in.DisableAllLogs)}
	for _, e := range in.EventConfigurations {
		o.EventConfigurations = append(o.EventConfigurations, iot.LogEventConfiguration{
			EventType: awsjson.Value(e.EventType), LogLevel: iot.LogLevel(e.LogLevel), LogDestination: awsjson.Value(e.LogDestination),
		})
	}
	return a.registry.SetV2LoggingOptions(ctx, accountOf(ctx), o)
}

// GetV2LoggingOptions answers with the options as set. verbose asks for every
// event type event-based logging supports; iotdefender keeps no catalogue of
// them, so it answers with the configured ones either way.
func (a *API) GetV2LoggingOptions(ctx context.Context, _ *iotapi.GetV2LoggingOptionsRequest) (*iotapi.GetV2LoggingOptionsResponse, error) {
	o, err := a.registry.GetV2LoggingOptions(ctx, accountOf(ctx))
	if err != nil {
		return nil, err
	}
	out := &iotapi.GetV2LoggingOptionsResponse{RoleArn: optString(o.RoleARN), DefaultLogLevel: iotapi.LogLevel(o.DefaultLogLevel),
		DisableAllLogs: awsjson.Ptr(o.DisableAllLogs)}
	for _, e := range o.EventConfigurations {
		out.EventConfigurations = append(out.EventConfigurations, iotapi.LogEventConfiguration{
			EventType: awsjson.Ptr(e.EventType), LogLevel: iotapi.LogLevel(e.LogLevel), LogDestination: optString(e.LogDestination),
		})
	}
	return out, nil
}

func (a *API) SetV2LoggingLevel(ctx context.Context, in *iotapi.SetV2LoggingLevelRequest) error {
	target := iot.LogTarget{Type: iot.LogTargetType(in.LogTarget.TargetType), Name: awsjson.Value(in.LogTarget.TargetName)}
	return a.registry.SetV2LoggingLevel(ctx, accountOf(ctx), iot.LogTargetConfiguration{Target: target, Level: iot.LogLevel(in.LogLevel)})
}

func (a *API) ListV2LoggingLevels(ctx context.Context, in *iotapi.ListV2LoggingLevelsRequest) (*iotapi.ListV2LoggingLevelsResponse, error) {
	levels, next, err := a.registry.ListV2LoggingLevels(ctx, accountOf(ctx), iot.LogTargetType(in.TargetType),
		registry.ListRequest{NextToken: awsjson.Value(in.NextToken), MaxResults: int(awsjson.Value(in.MaxResults))})
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListV2LoggingLevelsResponse{LogTargetConfigurations: make([]iotapi.LogTargetConfiguration, 0, len(levels)), NextToken: optString(next)}
	for _, c := range levels {
		out.LogTargetConfigurations = append(out.LogTargetConfigurations, iotapi.LogTargetConfiguration{
			LogTarget: wireLogTarget(c.Target), LogLevel: iotapi.LogLevel(c.Level),
		})
	}
	return out, nil
}

func (a *API) DeleteV2LoggingLevel(ctx context.Context, in *iotapi.DeleteV2LoggingLevelRequest) error {
	return a.registry.DeleteV2LoggingLevel(ctx, accountOf(ctx), iot.LogTarget{Type: iot.LogTargetType(in.TargetType), Name: awsjson.Value(in.TargetName)})
}
