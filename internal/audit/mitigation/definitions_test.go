package mitigation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func TestDefinitionRoundTrip(t *testing.T) {
	e := newTestEnv(t, 10)
	e.group("quarantine", "")
	ctx := context.Background()
	tags := []iot.Tag{{Key: "team", Value: "security"}}
	created, err := e.CreateMitigationAction(ctx, testAccount, CreateActionRequest{Name: "isolate", RoleARN: testRole,
		Params: addToGroups("quarantine"), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	want := Action{ARN: "arn:aws:iot:us-east-1:123456789012:mitigationaction/isolate", MitigationAction: iot.MitigationAction{
		Name: "isolate", ID: created.ID, Type: iot.MitigationAddThingsToThingGroup, RoleARN: testRole,
		Params: addToGroups("quarantine"), CreatedAt: t0, LastModifiedAt: t0}}
	if diff := cmp.Diff(want, created); diff != "" || !strings.HasPrefix(created.ID, "00000000-0000-4000-8000-") {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	got, err := e.DescribeMitigationAction(ctx, testAccount, "isolate")
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("described (-want +got) err=%v:\n%s", err, diff)
	}
	e.view(func(tx store.ReadTx) error {
		stored, err := tx.Tags(ctx, want.ARN)
		if diff := cmp.Diff(tags, stored); err != nil || diff != "" {
			t.Errorf("tags (-want +got) err=%v:\n%s", err, diff)
		}
		return err
	})

	e.clock.Advance(time.Minute)
	e.group("review", "")
	role := "arn:aws:iam::123456789012:role/other"
	params := addToGroups("quarantine", "review")
	params.AddThingsToThingGroup.OverrideDynamicGroups = true
	updated, err := e.UpdateMitigationAction(ctx, testAccount, UpdateActionRequest{Name: "isolate", RoleARN: &role, Params: &params})
	want.RoleARN, want.Params, want.LastModifiedAt = role, params, t0.Add(time.Minute)
	if diff := cmp.Diff(want, updated); err != nil || diff != "" {
		t.Errorf("updated (-want +got) err=%v:\n%s", err, diff)
	}
	if _, err := e.UpdateMitigationAction(ctx, testAccount, UpdateActionRequest{Name: "isolate", Params: &deactivateDevice}); !errors.Is(err, iot.InvalidRequest) {
		t.Errorf("changing the type: %v, want InvalidRequest", err)
	}
	if _, err := e.UpdateMitigationAction(ctx, testAccount, UpdateActionRequest{Name: "missing", RoleARN: &role}); !errors.Is(err, iot.NotFound) {
		t.Errorf("updating a missing action: %v, want ResourceNotFound", err)
	}
	if _, err := e.CreateMitigationAction(ctx, testAccount, CreateActionRequest{Name: "isolate", RoleARN: testRole, Params: deactivateDevice}); !errors.Is(err, iot.AlreadyExists) {
		t.Errorf("a second action named isolate: %v, want ResourceAlreadyExists", err)
	}
	if _, err := e.DescribeMitigationAction(ctx, otherAccount, "isolate"); !errors.Is(err, iot.NotFound) {
		t.Errorf("the other account describes it: %v", err)
	}

	for range 2 { // deleting is idempotent
		if err := e.DeleteMitigationAction(ctx, testAccount, "isolate"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.DescribeMitigationAction(ctx, testAccount, "isolate"); !errors.Is(err, iot.NotFound) {
		t.Errorf("deleted action: %v", err)
	}
	e.view(func(tx store.ReadTx) error {
		if stored, err := tx.Tags(ctx, want.ARN); err != nil || len(stored) != 0 {
			t.Errorf("tags of the deleted action: %v, %v", stored, err)
		}
		return nil
	})
}

func TestDefinitionRefusals(t *testing.T) {
	e := newTestEnv(t, 10)
	e.group("quarantine", "")
	var eleven []string
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("g%d", i))
	}
	for _, tc := range []struct {
		name   string
		req    CreateActionRequest
		reason string
	}{
		{"no parameters", CreateActionRequest{Params: iot.MitigationActionParams{}}, "exactly one"},
		{"two parameter members", CreateActionRequest{Params: iot.MitigationActionParams{
			UpdateDeviceCertificate: deactivateDevice.UpdateDeviceCertificate, PublishFindingToSNS: publishToTopic.PublishFindingToSNS}}, "exactly one"},
		{"device certificate action other than DEACTIVATE", CreateActionRequest{Params: iot.MitigationActionParams{
			UpdateDeviceCertificate: &iot.UpdateCertificateParams{Action: "REVOKE"}}}, "DEACTIVATE"},
		{"CA certificate action other than DEACTIVATE", CreateActionRequest{Params: iot.MitigationActionParams{
			UpdateCACertificate: &iot.UpdateCertificateParams{}}}, "DEACTIVATE"},
		{"no thing group", CreateActionRequest{Params: addToGroups()}, "1 to 10"},
		{"eleven thing groups", CreateActionRequest{Params: addToGroups(eleven...)}, "1 to 10"},
		{"a thing group twice", CreateActionRequest{Params: addToGroups("quarantine", "quarantine")}, "twice"},
		{"a thing group that does not exist", CreateActionRequest{Params: addToGroups("quarantine", "missing")}, "does not exist"},
		{"another template", CreateActionRequest{Params: iot.MitigationActionParams{
			ReplaceDefaultPolicyVersion: &iot.ReplaceDefaultPolicyVersionParams{TemplateName: "FULL_POLICY"}}}, "BLANK_POLICY"},
		{"logging disabled", CreateActionRequest{Params: iot.MitigationActionParams{EnableIoTLogging: &iot.EnableIoTLoggingParams{
			RoleARNForLogging: testRole, LogLevel: iot.LogDisabled}}}, "DEBUG, INFO, WARN or ERROR"},
		{"logging without a role", CreateActionRequest{Params: iot.MitigationActionParams{EnableIoTLogging: &iot.EnableIoTLoggingParams{
			LogLevel: iot.LogInfo}}}, "roleArnForLogging"},
		{"a topic that is not an SNS ARN", CreateActionRequest{Params: iot.MitigationActionParams{
			PublishFindingToSNS: &iot.PublishFindingToSNSParams{TopicARN: "arn:aws:sqs:us-east-1:123456789012:queue"}}}, "SNS topic"},
		{"no name", CreateActionRequest{Name: "-", Params: deactivateDevice}, "1 to 128"},
		{"no role", CreateActionRequest{RoleARN: "-", Params: deactivateDevice}, "roleArn"},
		{"reserved tag", CreateActionRequest{Params: deactivateDevice, Tags: []iot.Tag{{Key: "aws:x"}}}, "reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			switch req.Name {
			case "":
				req.Name = "refused"
			case "-":
				req.Name = ""
			}
			switch req.RoleARN {
			case "":
				req.RoleARN = testRole
			case "-":
				req.RoleARN = ""
			}
			_, err := e.CreateMitigationAction(context.Background(), testAccount, req)
			if !errors.Is(err, iot.InvalidRequest) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("create: %v; want InvalidRequest saying %q", err, tc.reason)
			}
			if _, err := e.DescribeMitigationAction(context.Background(), testAccount, "refused"); !errors.Is(err, iot.NotFound) {
				t.Errorf("a refused create left an action: %v", err)
			}
		})
	}
}

func TestDefinitionLimit(t *testing.T) {
	e := newTestEnv(t, 10)
	ctx := context.Background()
	for i := range MaxActions {
		e.action(fmt.Sprintf("action-%03d", i), deactivateDevice)
	}
	if _, err := e.CreateMitigationAction(ctx, testAccount, CreateActionRequest{Name: "one-too-many", RoleARN: testRole,
		Params: deactivateDevice}); !errors.Is(err, iot.LimitExceeded) {
		t.Errorf("action beyond the limit: %v, want LimitExceeded", err)
	}
	if _, err := e.CreateMitigationAction(ctx, otherAccount, CreateActionRequest{Name: "one-too-many", RoleARN: testRole,
		Params: deactivateDevice}); err != nil {
		t.Errorf("the limit is per account: %v", err)
	}
}

func TestListDefinitions(t *testing.T) {
	e := newTestEnv(t, 10)
	ctx := context.Background()
	for i := range 5 {
		e.action(fmt.Sprintf("device-%d", i), deactivateDevice)
	}
	e.action("notify", publishToTopic)
	for _, tc := range []struct {
		name string
		typ  iot.MitigationActionType
		want []string
	}{
		{"all", "", []string{"device-0", "device-1", "device-2", "device-3", "device-4", "notify"}},
		{"by type", iot.MitigationPublishFindingToSNS, []string{"notify"}},
		{"a type without actions", iot.MitigationEnableIoTLogging, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range allPages(t, func(next string) ([]Action, string, error) {
				return e.ListMitigationActions(ctx, testAccount, ListActionsRequest{Type: tc.typ, ListRequest: ListRequest{MaxResults: 2, NextToken: next}})
			}) {
				got = append(got, a.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("listing (-want +got):\n%s", diff)
			}
		})
	}
	for _, req := range []ListActionsRequest{{Type: "NO_SUCH_TYPE"}, {ListRequest: ListRequest{NextToken: "forged"}}} {
		if _, _, err := e.ListMitigationActions(ctx, testAccount, req); !errors.Is(err, iot.InvalidRequest) {
			t.Errorf("list %+v: %v, want InvalidRequest", req, err)
		}
	}
}
