package registry

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

// Helpers shared by the tests of the policy and settings families.

const (
	policyTestAccount = "123456789012"
	policyTestOther   = "210987654321"
	policyTestRegion  = "eu-west-1"
)

var policyT0 = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// newPolicyTestRegistry returns a registry over a fresh SQLite store holding
// two accounts, with a fake clock at policyT0 and sequential ids.
func newPolicyTestRegistry(t testing.TB) (*Registry, *clock.Fake) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i, account := range []string{policyTestAccount, policyTestOther} {
		key := iot.AccessKey{AccessKeyID: "AKIDPOLICYTEST" + string(rune('A'+i)), SecretAccessKey: "s", AccountID: account, CreatedAt: policyT0}
		if err := st.System().CreateAccount(ctx, iot.Account{ID: account, RegistrationCode: "code", CreatedAt: policyT0}, key); err != nil {
			t.Fatal(err)
		}
	}
	clk := clock.NewFake(policyT0)
	r := New(Config{Store: st, Clock: clk, IDs: &ids.Sequence{}, Region: policyTestRegion, Endpoint: "iot.example:8443",
		Tokens: pagetoken.New([]byte("0123456789abcdef0123456789abcdef"), clk)})
	return r, clk
}

// wantPolicyKind fails the test unless err is of the kind.
func wantPolicyKind(t *testing.T, err error, kind iot.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v (kind %s), want %s", err, iot.KindOf(err), kind)
	}
}

// mustPolicy fails the test on err.
func mustPolicy(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Policy documents of the tests.
const (
	// devicePolicy lets a device publish to its own topics only.
	devicePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish",` +
		`"Resource":"arn:aws:iot:eu-west-1:123456789012:topic/${iot:Connection.Thing.ThingName}/data"}]}`
	// broadPolicy lets any client connect with any client id.
	broadPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect",` +
		`"Resource":"arn:aws:iot:eu-west-1:123456789012:client/*"}]}`
	// wildcardDenyPolicy denies with an MQTT wildcard, which policies read literally.
	wildcardDenyPolicy = `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:eu-west-1:123456789012:topicfilter/building/*"},` +
		`{"Effect":"Deny","Action":"iot:Subscribe","Resource":"arn:aws:iot:eu-west-1:123456789012:topicfilter/building/control_room/#"}]}`
)

// policyCognitoID is a Cognito identity id, a policy target that needs no
// other family.
func policyCognitoID(n int) string {
	return "eu-west-1:00000000-0000-0000-0000-" + string(rune('0'+n/10)) + string(rune('0'+n%10)) + "0000000000"
}

// allMarkerPages follows the markers of a listing from req to its end.
func allMarkerPages[T any](t *testing.T, req MarkerRequest, list func(MarkerRequest) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	for {
		page, next, err := list(req)
		mustPolicy(t, err)
		all = append(all, page...)
		if next == "" {
			return all
		}
		req.Marker = next
	}
}
