package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

func TestDescribeEndpoint(t *testing.T) {
	e := newEnv(t)
	for _, typ := range []*string{nil, aws.String("iot:Data"), aws.String("iot:Data-ATS"), aws.String("iot:CredentialProvider"), aws.String("iot:Jobs")} {
		out, err := e.Client.DescribeEndpoint(ctx(t), &awsiot.DescribeEndpointInput{EndpointType: typ})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.EndpointAddress); got != "iot.test:443" {
			t.Errorf("DescribeEndpoint(%s) = %q, want the configured endpoint", aws.ToString(typ), got)
		}
	}
	_, err := e.Client.DescribeEndpoint(ctx(t), &awsiot.DescribeEndpointInput{EndpointType: aws.String("iot:Shadow")})
	wantErr[*types.InvalidRequestException](t, err)
}
