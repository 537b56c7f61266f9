package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
)

// Deleting a thing group takes its policy attachments with it, so the policy can
// then be deleted.
func TestDeleteThingGroupDetachesItsPolicies(t *testing.T) {
	e := newEnv(t)
	c := ctx(t)
	group, err := e.Client.CreateThingGroup(c, &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("floor-1")})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
	if _, err := e.Client.CreatePolicy(c, &awsiot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.AttachPolicy(c, &awsiot.AttachPolicyInput{PolicyName: aws.String("p"), Target: group.ThingGroupArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteThingGroup(c, &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor-1")}); err != nil {
		t.Fatal(err)
	}
	targets, err := e.Client.ListTargetsForPolicy(c, &awsiot.ListTargetsForPolicyInput{PolicyName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.Targets) != 0 {
		t.Errorf("targets after the group was deleted: %v", targets.Targets)
	}
	if _, err := e.Client.DeletePolicy(c, &awsiot.DeletePolicyInput{PolicyName: aws.String("p")}); err != nil {
		t.Errorf("DeletePolicy after its only target was deleted: %v", err)
	}
}
