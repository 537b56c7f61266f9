package registry

import (
	"context"
	"testing"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestDescribeEndpoint(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	for _, typ := range []string{"", "iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"} {
		got, err := r.DescribeEndpoint(ctx, policyTestAccount, typ)
		if err != nil || got != "iot.example:8443" {
			t.Errorf("DescribeEndpoint(%q) = %q, %v; want the configured endpoint", typ, got, err)
		}
	}
	for _, typ := range []string{"iot:data-ats", "iot:Shadow", "Data"} {
		_, err := r.DescribeEndpoint(ctx, policyTestAccount, typ)
		wantPolicyKind(t, err, iot.InvalidRequest)
	}
}
