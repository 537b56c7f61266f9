package apitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// Audit suppressions through the SDK, which fills clientRequestToken.

func certResource(id string) *types.ResourceIdentifier {
	return &types.ResourceIdentifier{DeviceCertificateId: aws.String(id)}
}

// hexID is a well-formed certificate id made of n.
func hexID(n int) string { return fmt.Sprintf("%064x", n) }

const (
	certA = "c7691e1b9bb2a9b1b1db9a1b7d0d8c7cf0e4cfb2c5e23f1d1c2d3e4f5a6b7c8d"
	certB = "b193ab7162c0fadca83246d24fa090300a1236fe58137e121b011804d8ac1d6b"
)

func TestAuditSuppressions(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	const expiring = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
	expires := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Second)
	if _, err := c.CreateAuditSuppression(ctx(t), &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring),
		ResourceIdentifier: certResource(certA), ExpirationDate: &expires, Description: aws.String("rotating next week")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAuditSuppression(ctx(t), &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring),
		ResourceIdentifier: certResource(certB), SuppressIndefinitely: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeAuditSuppression(ctx(t), &awsiot.DescribeAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA)})
	if err != nil || !aws.ToTime(got.ExpirationDate).Equal(expires) || aws.ToBool(got.SuppressIndefinitely) || got.SuppressIndefinitely == nil ||
		aws.ToString(got.Description) != "rotating next week" || aws.ToString(got.ResourceIdentifier.DeviceCertificateId) != certA {
		t.Errorf("DescribeAuditSuppression %+v, %v", got, err)
	}

	for _, tc := range []struct {
		name string
		in   *awsiot.CreateAuditSuppressionInput
		want func(error)
	}{
		{"existing", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA), SuppressIndefinitely: aws.Bool(true)},
			func(err error) { wantErr[*types.ResourceAlreadyExistsException](t, err) }},
		{"no lifetime", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(hexID(0xab))},
			func(err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"past", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(hexID(0xab)), ExpirationDate: aws.Time(time.Now().Add(-time.Hour))},
			func(err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"unknown check", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String("NOPE"), ResourceIdentifier: certResource(hexID(0xab)), SuppressIndefinitely: aws.Bool(true)},
			func(err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"member of another resource type", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring),
			ResourceIdentifier: &types.ResourceIdentifier{ClientId: aws.String("c")}, SuppressIndefinitely: aws.Bool(true)},
			func(err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"reused token", &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(hexID(0xab)), SuppressIndefinitely: aws.Bool(true),
			ClientRequestToken: aws.String("token-1")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateAuditSuppression(ctx(t), tc.in)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				// Reused for another suppression.
				_, err = c.CreateAuditSuppression(ctx(t), &awsiot.CreateAuditSuppressionInput{CheckName: aws.String(expiring),
					ResourceIdentifier: certResource(hexID(0xcd)), SuppressIndefinitely: aws.Bool(true), ClientRequestToken: aws.String("token-1")})
				wantErr[*types.InvalidRequestException](t, err)
				return
			}
			tc.want(err)
		})
	}

	if _, err := c.UpdateAuditSuppression(ctx(t), &awsiot.UpdateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA),
		SuppressIndefinitely: aws.Bool(true), Description: aws.String("for good")}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.DescribeAuditSuppression(ctx(t), &awsiot.DescribeAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA)})
	if got.ExpirationDate != nil || !aws.ToBool(got.SuppressIndefinitely) || aws.ToString(got.Description) != "for good" {
		t.Errorf("updated suppression %+v", got)
	}
	_, err = c.UpdateAuditSuppression(ctx(t), &awsiot.UpdateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(hexID(0xef)), SuppressIndefinitely: aws.Bool(true)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.DescribeAuditSuppression(ctx(t), &awsiot.DescribeAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(hexID(0xef))})
	wantErr[*types.ResourceNotFoundException](t, err)

	// The list, ascending by expiration with indefinite ones last, paged.
	if _, err := c.UpdateAuditSuppression(ctx(t), &awsiot.UpdateAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA),
		ExpirationDate: &expires}); err != nil {
		t.Fatal(err)
	}
	var listed []string
	p := awsiot.NewListAuditSuppressionsPaginator(c, &awsiot.ListAuditSuppressionsInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Suppressions {
			listed = append(listed, aws.ToString(s.ResourceIdentifier.DeviceCertificateId))
		}
	}
	if len(listed) != 3 || listed[0] != certA {
		t.Errorf("ascending %v", listed)
	}
	// The Go SDK never sends ascendingOrder=false; the engine tests cover descending lists.
	desc, err := c.ListAuditSuppressions(ctx(t), &awsiot.ListAuditSuppressionsInput{ResourceIdentifier: certResource(certA)})
	if err != nil || len(desc.Suppressions) != 1 || aws.ToString(desc.Suppressions[0].CheckName) != expiring {
		t.Errorf("by resource %+v, %v", desc, err)
	}

	other := e.otherAccount("210987654321")
	if out, err := other.ListAuditSuppressions(ctx(t), &awsiot.ListAuditSuppressionsInput{}); err != nil || len(out.Suppressions) != 0 {
		t.Errorf("other account lists %+v, %v", out, err)
	}
	_, err = other.DescribeAuditSuppression(ctx(t), &awsiot.DescribeAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA)})
	wantErr[*types.ResourceNotFoundException](t, err)

	for range 2 { // deleting is idempotent
		if _, err := c.DeleteAuditSuppression(ctx(t), &awsiot.DeleteAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DescribeAuditSuppression(ctx(t), &awsiot.DescribeAuditSuppressionInput{CheckName: aws.String(expiring), ResourceIdentifier: certResource(certA)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.DeleteAuditSuppression(ctx(t), &awsiot.DeleteAuditSuppressionInput{CheckName: aws.String("NOPE"), ResourceIdentifier: certResource(certA)})
	wantErr[*types.InvalidRequestException](t, err)
}
