package apitest

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Mitigation action definitions through aws-sdk-go-v2.

const mitigationRole = "arn:aws:iam::123456789012:role/mitigation"

// uuidV4 matches the action ids.
var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// mitigationParams are valid parameters of each action type.
func mitigationParams() map[types.MitigationActionType]*types.MitigationActionParams {
	return map[types.MitigationActionType]*types.MitigationActionParams{
		types.MitigationActionTypeUpdateDeviceCertificate: {UpdateDeviceCertificateParams: &types.UpdateDeviceCertificateParams{
			Action: types.DeviceCertificateUpdateActionDeactivate}},
		types.MitigationActionTypeUpdateCaCertificate: {UpdateCACertificateParams: &types.UpdateCACertificateParams{
			Action: types.CACertificateUpdateActionDeactivate}},
		types.MitigationActionTypeAddThingsToThingGroup: {AddThingsToThingGroupParams: &types.AddThingsToThingGroupParams{
			ThingGroupNames: []string{"quarantine"}, OverrideDynamicGroups: aws.Bool(false)}},
		types.MitigationActionTypeReplaceDefaultPolicyVersion: {ReplaceDefaultPolicyVersionParams: &types.ReplaceDefaultPolicyVersionParams{
			TemplateName: types.PolicyTemplateNameBlankPolicy}},
		types.MitigationActionTypeEnableIotLogging: {EnableIoTLoggingParams: &types.EnableIoTLoggingParams{
			RoleArnForLogging: aws.String("arn:aws:iam::123456789012:role/logging"), LogLevel: types.LogLevelInfo}},
		types.MitigationActionTypePublishFindingToSns: {PublishFindingToSnsParams: &types.PublishFindingToSnsParams{
			TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:findings")}},
	}
}

func createAction(t *testing.T, c *awsiot.Client, name string, p *types.MitigationActionParams) *awsiot.CreateMitigationActionOutput {
	t.Helper()
	out, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String(name),
		RoleArn: aws.String(mitigationRole), ActionParams: p})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ignoreSerde leaves the SDK's internal fields out of comparisons.
var ignoreSerde = cmpopts.IgnoreUnexported(types.MitigationActionParams{}, types.UpdateDeviceCertificateParams{},
	types.UpdateCACertificateParams{}, types.AddThingsToThingGroupParams{}, types.ReplaceDefaultPolicyVersionParams{},
	types.EnableIoTLoggingParams{}, types.PublishFindingToSnsParams{}, types.MitigationAction{},
	types.TaskStatisticsForAuditCheck{}, types.AuditMitigationActionsTaskTarget{})

func TestMitigationActionRoundTrips(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	if _, err := c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("quarantine")}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	for typ, p := range mitigationParams() {
		t.Run(string(typ), func(t *testing.T) {
			name := "action-" + string(typ)
			created := createAction(t, c, name, p)
			wantARN := "arn:aws:iot:us-east-1:123456789012:mitigationaction/" + name
			if aws.ToString(created.ActionArn) != wantARN || !uuidV4.MatchString(aws.ToString(created.ActionId)) {
				t.Errorf("created %s, %s", aws.ToString(created.ActionArn), aws.ToString(created.ActionId))
			}
			got, err := c.DescribeMitigationAction(ctx(t), &awsiot.DescribeMitigationActionInput{ActionName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(got.ActionName) != name || got.ActionType != typ || aws.ToString(got.ActionArn) != wantARN ||
				aws.ToString(got.ActionId) != aws.ToString(created.ActionId) || aws.ToString(got.RoleArn) != mitigationRole ||
				aws.ToTime(got.CreationDate).Before(before) || !aws.ToTime(got.LastModifiedDate).Equal(aws.ToTime(got.CreationDate)) {
				t.Errorf("described %+v", got)
			}
			if diff := cmp.Diff(p, got.ActionParams, ignoreSerde); diff != "" {
				t.Errorf("actionParams (-want +got):\n%s", diff)
			}
		})
	}

	// Update: role and parameters; the type cannot change.
	updated, err := c.UpdateMitigationAction(ctx(t), &awsiot.UpdateMitigationActionInput{ActionName: aws.String("action-ENABLE_IOT_LOGGING"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/other"), ActionParams: &types.MitigationActionParams{
			EnableIoTLoggingParams: &types.EnableIoTLoggingParams{RoleArnForLogging: aws.String("arn:aws:iam::123456789012:role/logs2"),
				LogLevel: types.LogLevelDebug}}})
	if err != nil || aws.ToString(updated.ActionArn) != "arn:aws:iot:us-east-1:123456789012:mitigationaction/action-ENABLE_IOT_LOGGING" {
		t.Fatalf("update: %+v, %v", updated, err)
	}
	got, _ := c.DescribeMitigationAction(ctx(t), &awsiot.DescribeMitigationActionInput{ActionName: aws.String("action-ENABLE_IOT_LOGGING")})
	if aws.ToString(got.RoleArn) != "arn:aws:iam::123456789012:role/other" || got.ActionParams.EnableIoTLoggingParams.LogLevel != types.LogLevelDebug ||
		aws.ToString(got.ActionId) != aws.ToString(updated.ActionId) {
		t.Errorf("after update: %+v", got)
	}

	for _, tc := range []struct {
		name string
		call func() error
		want func(t *testing.T, err error)
	}{
		{"describe a missing action", func() error {
			_, err := c.DescribeMitigationAction(ctx(t), &awsiot.DescribeMitigationActionInput{ActionName: aws.String("missing")})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
		{"update a missing action", func() error {
			_, err := c.UpdateMitigationAction(ctx(t), &awsiot.UpdateMitigationActionInput{ActionName: aws.String("missing"), RoleArn: aws.String(mitigationRole)})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
		{"change the type", func() error {
			_, err := c.UpdateMitigationAction(ctx(t), &awsiot.UpdateMitigationActionInput{ActionName: aws.String("action-ENABLE_IOT_LOGGING"),
				ActionParams: mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate]})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"name in use", func() error {
			_, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("action-ENABLE_IOT_LOGGING"),
				RoleArn: aws.String(mitigationRole), ActionParams: mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate]})
			return err
		}, func(t *testing.T, err error) {
			x := wantErr[*types.ResourceAlreadyExistsException](t, err)
			if aws.ToString(x.ResourceId) != aws.ToString(updated.ActionId) || aws.ToString(x.ResourceArn) != aws.ToString(updated.ActionArn) {
				t.Errorf("ResourceAlreadyExists names %s, %s", aws.ToString(x.ResourceId), aws.ToString(x.ResourceArn))
			}
		}},
		{"two parameter members", func() error {
			p := mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate]
			p.PublishFindingToSnsParams = mitigationParams()[types.MitigationActionTypePublishFindingToSns].PublishFindingToSnsParams
			_, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("two"),
				RoleArn: aws.String(mitigationRole), ActionParams: p})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"logging disabled", func() error {
			_, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("off"),
				RoleArn: aws.String(mitigationRole), ActionParams: &types.MitigationActionParams{EnableIoTLoggingParams: &types.EnableIoTLoggingParams{
					RoleArnForLogging: aws.String(mitigationRole), LogLevel: types.LogLevelDisabled}}})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"thing group that does not exist", func() error {
			_, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("nowhere"),
				RoleArn: aws.String(mitigationRole), ActionParams: &types.MitigationActionParams{
					AddThingsToThingGroupParams: &types.AddThingsToThingGroupParams{ThingGroupNames: []string{"missing"}}}})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"list with a forged token", func() error {
			_, err := c.ListMitigationActions(ctx(t), &awsiot.ListMitigationActionsInput{NextToken: aws.String("forged")})
			return err
		}, func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want(t, tc.call()) })
	}

	// Listing by name, a page at a time, and by type.
	var names []string
	p := awsiot.NewListMitigationActionsPaginator(c, &awsiot.ListMitigationActionsInput{MaxResults: aws.Int32(4)})
	for pages := 0; p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx(t))
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, a := range out.ActionIdentifiers {
			names = append(names, aws.ToString(a.ActionName))
			if a.CreationDate == nil || aws.ToString(a.ActionArn) == "" {
				t.Errorf("identifier %+v", a)
			}
		}
	}
	want := []string{"action-ADD_THINGS_TO_THING_GROUP", "action-ENABLE_IOT_LOGGING", "action-PUBLISH_FINDING_TO_SNS",
		"action-REPLACE_DEFAULT_POLICY_VERSION", "action-UPDATE_CA_CERTIFICATE", "action-UPDATE_DEVICE_CERTIFICATE"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("listing (-want +got):\n%s", diff)
	}
	byType, err := c.ListMitigationActions(ctx(t), &awsiot.ListMitigationActionsInput{ActionType: types.MitigationActionTypeUpdateCaCertificate})
	if err != nil || len(byType.ActionIdentifiers) != 1 || aws.ToString(byType.ActionIdentifiers[0].ActionName) != "action-UPDATE_CA_CERTIFICATE" {
		t.Errorf("listing by type: %+v, %v", byType, err)
	}

	// Tags, and another account that sees and touches nothing.
	tagged, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("tagged"),
		RoleArn: aws.String(mitigationRole), ActionParams: mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate],
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("security")}}})
	if err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx(t), &awsiot.ListTagsForResourceInput{ResourceArn: tagged.ActionArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "security" {
		t.Errorf("tags of the action: %+v, %v", tags, err)
	}
	other := e.otherAccount("210987654321")
	_, err = other.DescribeMitigationAction(ctx(t), &awsiot.DescribeMitigationActionInput{ActionName: aws.String("tagged")})
	wantErr[*types.ResourceNotFoundException](t, err)
	if out, err := other.ListMitigationActions(ctx(t), &awsiot.ListMitigationActionsInput{}); err != nil || len(out.ActionIdentifiers) != 0 {
		t.Errorf("the other account lists %+v, %v", out, err)
	}
	if _, err := other.DeleteMitigationAction(ctx(t), &awsiot.DeleteMitigationActionInput{ActionName: aws.String("tagged")}); err != nil {
		t.Errorf("the other account's delete: %v", err)
	}

	// Delete, twice: no error either time.
	for range 2 {
		if _, err := c.DeleteMitigationAction(ctx(t), &awsiot.DeleteMitigationActionInput{ActionName: aws.String("tagged")}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DescribeMitigationAction(ctx(t), &awsiot.DescribeMitigationActionInput{ActionName: aws.String("tagged")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestMitigationActionLimit(t *testing.T) {
	e := newEnv(t)
	p := mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate]
	for i := range 100 {
		createAction(t, e.Client, fmt.Sprintf("action-%03d", i), p)
	}
	_, err := e.Client.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("one-too-many"),
		RoleArn: aws.String(mitigationRole), ActionParams: p})
	wantErr[*types.LimitExceededException](t, err)
}
