package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const loggingRoleARN = "arn:aws:iam::123456789012:role/iot-logging"

func TestLoggingOptionsV1(t *testing.T) {
	e := newEnv(t)
	got, err := e.Client.GetLoggingOptions(ctx(t), &awsiot.GetLoggingOptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got.RoleArn != nil || got.LogLevel != "" {
		t.Errorf("GetLoggingOptions never set = %s, %s; want neither", aws.ToString(got.RoleArn), got.LogLevel)
	}
	_, err = e.Client.SetLoggingOptions(ctx(t), &awsiot.SetLoggingOptionsInput{LoggingOptionsPayload: &types.LoggingOptionsPayload{
		RoleArn: aws.String(loggingRoleARN), LogLevel: types.LogLevelInfo}})
	if err != nil {
		t.Fatal(err)
	}
	got, err = e.Client.GetLoggingOptions(ctx(t), &awsiot.GetLoggingOptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.RoleArn) != loggingRoleARN || got.LogLevel != types.LogLevelInfo {
		t.Errorf("GetLoggingOptions = %s, %s", aws.ToString(got.RoleArn), got.LogLevel)
	}

	theirs, err := e.otherAccount("210987654321").GetLoggingOptions(ctx(t), &awsiot.GetLoggingOptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if theirs.RoleArn != nil {
		t.Errorf("another account's GetLoggingOptions = %s", aws.ToString(theirs.RoleArn))
	}
}

func TestLoggingOptionsV2(t *testing.T) {
	e := newEnv(t)
	_, err := e.Client.GetV2LoggingOptions(ctx(t), &awsiot.GetV2LoggingOptionsInput{})
	wantErr[*types.NotConfiguredException](t, err)
	_, err = e.Client.SetV2LoggingOptions(ctx(t), &awsiot.SetV2LoggingOptionsInput{DefaultLogLevel: types.LogLevelInfo})
	wantErr[*types.InvalidRequestException](t, err)

	in := &awsiot.SetV2LoggingOptionsInput{RoleArn: aws.String(loggingRoleARN), DefaultLogLevel: types.LogLevelWarn,
		EventConfigurations: []types.LogEventConfiguration{{EventType: aws.String("Connect"), LogLevel: types.LogLevelDebug, LogDestination: aws.String("iot/connect")}}}
	if _, err := e.Client.SetV2LoggingOptions(ctx(t), in); err != nil {
		t.Fatal(err)
	}
	got, err := e.Client.GetV2LoggingOptions(ctx(t), &awsiot.GetV2LoggingOptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.RoleArn) != loggingRoleARN || got.DefaultLogLevel != types.LogLevelWarn || got.DisableAllLogs {
		t.Errorf("GetV2LoggingOptions = %s, %s, disable %v", aws.ToString(got.RoleArn), got.DefaultLogLevel, got.DisableAllLogs)
	}
	if diff := cmp.Diff(in.EventConfigurations, got.EventConfigurations, cmpopts.IgnoreUnexported(types.LogEventConfiguration{})); diff != "" {
		t.Errorf("event configurations (-want +got):\n%s", diff)
	}
	if _, err := e.Client.SetV2LoggingOptions(ctx(t), &awsiot.SetV2LoggingOptionsInput{DisableAllLogs: true}); err != nil {
		t.Fatal(err)
	}
	got, err = e.Client.GetV2LoggingOptions(ctx(t), &awsiot.GetV2LoggingOptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.DisableAllLogs || got.RoleArn != nil || got.DefaultLogLevel != types.LogLevelError {
		t.Errorf("after disabling all logs = %s, %s, disable %v", aws.ToString(got.RoleArn), got.DefaultLogLevel, got.DisableAllLogs)
	}
	_, err = e.otherAccount("210987654321").GetV2LoggingOptions(ctx(t), &awsiot.GetV2LoggingOptionsInput{})
	wantErr[*types.NotConfiguredException](t, err)
}

func TestV2LoggingLevels(t *testing.T) {
	e := newEnv(t)
	clientTarget := &types.LogTarget{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("sensor-1")}
	_, err := e.Client.SetV2LoggingLevel(ctx(t), &awsiot.SetV2LoggingLevelInput{LogTarget: clientTarget, LogLevel: types.LogLevelDebug})
	wantErr[*types.NotConfiguredException](t, err)
	_, err = e.Client.ListV2LoggingLevels(ctx(t), &awsiot.ListV2LoggingLevelsInput{})
	wantErr[*types.NotConfiguredException](t, err)
	if _, err := e.Client.SetV2LoggingOptions(ctx(t), &awsiot.SetV2LoggingOptionsInput{RoleArn: aws.String(loggingRoleARN)}); err != nil {
		t.Fatal(err)
	}
	targets := []*types.LogTarget{
		{TargetType: types.LogTargetTypeDefault},
		clientTarget,
		{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("sensor-0")},
		{TargetType: types.LogTargetTypeSourceIp, TargetName: aws.String("10.1.2.3")},
		{TargetType: types.LogTargetTypePrincipalId, TargetName: aws.String("abc123")},
	}
	for _, target := range targets {
		if _, err := e.Client.SetV2LoggingLevel(ctx(t), &awsiot.SetV2LoggingLevelInput{LogTarget: target, LogLevel: types.LogLevelInfo}); err != nil {
			t.Fatalf("SetV2LoggingLevel %s: %v", target.TargetType, err)
		}
	}
	_, err = e.Client.SetV2LoggingLevel(ctx(t), &awsiot.SetV2LoggingLevelInput{LogTarget: &types.LogTarget{TargetType: types.LogTargetTypeClientId}, LogLevel: types.LogLevelInfo})
	wantErr[*types.InvalidRequestException](t, err)

	pages := awsiot.NewListV2LoggingLevelsPaginator(e.Client, &awsiot.ListV2LoggingLevelsInput{MaxResults: aws.Int32(2)})
	got := allPages(t, pages, func(out *awsiot.ListV2LoggingLevelsOutput) []string {
		var levels []string
		for _, c := range out.LogTargetConfigurations {
			levels = append(levels, string(c.LogTarget.TargetType)+"/"+aws.ToString(c.LogTarget.TargetName)+"="+string(c.LogLevel))
		}
		return levels
	})
	want := []string{"CLIENT_ID/sensor-0=INFO", "CLIENT_ID/sensor-1=INFO", "DEFAULT/=INFO", "PRINCIPAL_ID/abc123=INFO", "SOURCE_IP/10.1.2.3=INFO"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListV2LoggingLevels in pages of 2 (-want +got):\n%s", diff)
	}
	clients, err := e.Client.ListV2LoggingLevels(ctx(t), &awsiot.ListV2LoggingLevelsInput{TargetType: types.LogTargetTypeClientId})
	if err != nil {
		t.Fatal(err)
	}
	if len(clients.LogTargetConfigurations) != 2 {
		t.Errorf("CLIENT_ID levels = %d, want 2", len(clients.LogTargetConfigurations))
	}
	_, err = e.Client.ListV2LoggingLevels(ctx(t), &awsiot.ListV2LoggingLevelsInput{NextToken: aws.String("forged-token")})
	wantErr[*types.InvalidRequestException](t, err)

	if _, err := e.Client.DeleteV2LoggingLevel(ctx(t), &awsiot.DeleteV2LoggingLevelInput{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("sensor-1")}); err != nil {
		t.Fatal(err)
	}
	clients, err = e.Client.ListV2LoggingLevels(ctx(t), &awsiot.ListV2LoggingLevelsInput{TargetType: types.LogTargetTypeClientId})
	if err != nil {
		t.Fatal(err)
	}
	if len(clients.LogTargetConfigurations) != 1 || aws.ToString(clients.LogTargetConfigurations[0].LogTarget.TargetName) != "sensor-0" {
		t.Errorf("CLIENT_ID levels after delete = %+v", clients.LogTargetConfigurations)
	}

	// The other account's levels are its own.
	other := e.otherAccount("210987654321")
	if _, err := other.SetV2LoggingOptions(ctx(t), &awsiot.SetV2LoggingOptionsInput{RoleArn: aws.String(loggingRoleARN)}); err != nil {
		t.Fatal(err)
	}
	theirs, err := other.ListV2LoggingLevels(ctx(t), &awsiot.ListV2LoggingLevelsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs.LogTargetConfigurations) != 0 {
		t.Errorf("another account lists %d levels", len(theirs.LogTargetConfigurations))
	}
}
