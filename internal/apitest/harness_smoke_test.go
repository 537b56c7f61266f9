package apitest

import (
	"testing"

	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

func TestUnimplementedOperationNamesItself(t *testing.T) {
	e := newEnv(t)
	_, err := e.Client.ListTopicRules(ctx(t), &awsiot.ListTopicRulesInput{})
	wantCode(t, err, "NotImplementedException")
}

func TestWrongSecretIsRefused(t *testing.T) {
	e := newEnv(t)
	_, err := e.client(firstKeyID, "not-the-secret").ListTopicRules(ctx(t), &awsiot.ListTopicRulesInput{})
	wantCode(t, err, "InvalidSignatureException")
	_, err = e.client("AKIDUNKNOWN000000000", "x").ListTopicRules(ctx(t), &awsiot.ListTopicRulesInput{})
	wantCode(t, err, "UnrecognizedClientException")
}

func TestValidationErrorIsTyped(t *testing.T) {
	e := newEnv(t)
	_, err := e.Client.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: strPtr("bad name")})
	ex := wantErr[*types.InvalidRequestException](t, err)
	if got := *ex.Message; got != "1 validation error detected: Value 'bad name' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+" {
		t.Errorf("message = %q", got)
	}
}

func strPtr(s string) *string { return &s }
