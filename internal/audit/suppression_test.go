package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func cert(id string) iot.ResourceIdentifier { return iot.ResourceIdentifier{DeviceCertificateID: id} }

func TestCreateAuditSuppression(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	week := t0.Add(7 * 24 * time.Hour)
	created := SuppressionRequest{CheckName: certCheck, Resource: cert("aa"), Expiration: &week, Description: ptr("known"), ClientRequestToken: "tok-1"}
	if err := e.CreateAuditSuppression(ctx, testAccount, created); err != nil {
		t.Fatal(err)
	}
	got, err := e.DescribeAuditSuppression(ctx, testAccount, certCheck, cert("AA"))
	want := iot.AuditSuppression{CheckName: certCheck, Resource: cert("aa"), Expiration: week, Description: "known", ClientRequestToken: "tok-1"}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("DescribeAuditSuppression (-want +got) err=%v:\n%s", err, diff)
	}
	// The same request again (an SDK retry) succeeds.
	if err := e.CreateAuditSuppression(ctx, testAccount, created); err != nil {
		t.Errorf("retry with the same token: %v", err)
	}

	for _, tc := range []struct {
		name string
		req  SuppressionRequest
		kind iot.Kind
		want string
	}{
		{"existing key", SuppressionRequest{CheckName: certCheck, Resource: cert("aa"), Indefinitely: ptr(true), ClientRequestToken: "tok-2"}, iot.AlreadyExists, "already exists"},
		{"token used for another suppression", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Indefinitely: ptr(true), ClientRequestToken: "tok-1"}, iot.InvalidRequest, "tok-1"},
		{"token with another lifetime", SuppressionRequest{CheckName: certCheck, Resource: cert("aa"), Indefinitely: ptr(true), ClientRequestToken: "tok-1"}, iot.InvalidRequest, "tok-1"},
		{"no lifetime", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "expirationDate"},
		{"indefinitely false", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Indefinitely: ptr(false), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "expirationDate"},
		{"both lifetimes", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Indefinitely: ptr(true), Expiration: &week, ClientRequestToken: "tok-3"}, iot.InvalidRequest, "not both"},
		{"past expiration", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Expiration: ptr(t0), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "future"},
		{"unknown check", SuppressionRequest{CheckName: "NOPE", Resource: cert("bb"), Indefinitely: ptr(true), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "NOPE"},
		{"wrong member for the check", SuppressionRequest{CheckName: caCheck, Resource: cert("bb"), Indefinitely: ptr(true), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "caCertificateId"},
		{"two members", SuppressionRequest{CheckName: certCheck, Resource: iot.ResourceIdentifier{DeviceCertificateID: "bb", ClientID: "c"}, Indefinitely: ptr(true), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "exactly one"},
		{"no member", SuppressionRequest{CheckName: certCheck, Indefinitely: ptr(true), ClientRequestToken: "tok-3"}, iot.InvalidRequest, "exactly one"},
		{"no token", SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Indefinitely: ptr(true)}, iot.InvalidRequest, "clientRequestToken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.CreateAuditSuppression(ctx, testAccount, tc.req)
			wantKind(t, err, tc.kind)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not mention %q", err, tc.want)
			}
		})
	}

	// An expired suppression is replaced by a new one for the same key.
	e.clock.Set(week.Add(time.Second))
	if err := e.CreateAuditSuppression(ctx, testAccount, SuppressionRequest{CheckName: certCheck, Resource: cert("aa"),
		Indefinitely: ptr(true), ClientRequestToken: "tok-4"}); err != nil {
		t.Errorf("create over an expired suppression: %v", err)
	}
	// Keys are per account: the other account may use the same key and token.
	if err := e.CreateAuditSuppression(ctx, otherAccount, created); err == nil || !strings.Contains(err.Error(), "future") {
		t.Errorf("the week has passed: %v", err)
	}
	created.Expiration = ptr(week.Add(24 * time.Hour))
	if err := e.CreateAuditSuppression(ctx, otherAccount, created); err != nil {
		t.Errorf("the other account's suppression: %v", err)
	}
}

func TestUpdateAndDeleteAuditSuppression(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	if err := e.CreateAuditSuppression(ctx, testAccount, SuppressionRequest{CheckName: certCheck, Resource: cert("aa"),
		Indefinitely: ptr(true), Description: ptr("first"), ClientRequestToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	day := t0.Add(24 * time.Hour)
	describe := func() iot.AuditSuppression {
		t.Helper()
		s, err := e.DescribeAuditSuppression(ctx, testAccount, certCheck, cert("aa"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		req  SuppressionRequest
		want iot.AuditSuppression
		err  iot.Kind
	}{
		{"stopping indefinite needs a date", SuppressionRequest{Indefinitely: ptr(false)}, iot.AuditSuppression{}, iot.InvalidRequest},
		{"a date ends indefinite", SuppressionRequest{Expiration: &day},
			iot.AuditSuppression{Expiration: day, Description: "first"}, ""},
		{"description only", SuppressionRequest{Description: ptr("second")},
			iot.AuditSuppression{Expiration: day, Description: "second"}, ""},
		{"indefinite again", SuppressionRequest{Indefinitely: ptr(true)},
			iot.AuditSuppression{Indefinitely: true, Description: "second"}, ""},
		{"past date", SuppressionRequest{Expiration: ptr(t0.Add(-time.Second))}, iot.AuditSuppression{}, iot.InvalidRequest},
		{"both", SuppressionRequest{Expiration: &day, Indefinitely: ptr(true)}, iot.AuditSuppression{}, iot.InvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := describe()
			tc.req.CheckName, tc.req.Resource = certCheck, cert("aa")
			err := e.UpdateAuditSuppression(ctx, testAccount, tc.req)
			if tc.err != "" {
				wantKind(t, err, tc.err)
				if diff := cmp.Diff(before, describe()); diff != "" {
					t.Errorf("a refused update changed the suppression (-before +after):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want.CheckName, tc.want.Resource, tc.want.ClientRequestToken = certCheck, cert("aa"), "tok"
			if diff := cmp.Diff(tc.want, describe()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	wantKind(t, e.UpdateAuditSuppression(ctx, testAccount, SuppressionRequest{CheckName: certCheck, Resource: cert("bb"), Indefinitely: ptr(true)}), iot.NotFound)
	wantKind(t, e.UpdateAuditSuppression(ctx, otherAccount, SuppressionRequest{CheckName: certCheck, Resource: cert("aa"), Indefinitely: ptr(true)}), iot.NotFound)

	wantKind(t, e.DeleteAuditSuppression(ctx, testAccount, "NOPE", cert("aa")), iot.InvalidRequest)
	if err := e.DeleteAuditSuppression(ctx, otherAccount, certCheck, cert("aa")); err != nil {
		t.Errorf("deleting what the other account does not have: %v", err)
	}
	for range 2 { // idempotent
		if err := e.DeleteAuditSuppression(ctx, testAccount, certCheck, cert("aa")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.DescribeAuditSuppression(ctx, testAccount, certCheck, cert("aa"))
	wantKind(t, err, iot.NotFound)
}

func TestListAuditSuppressions(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	day := 24 * time.Hour
	for i, s := range []struct {
		check, cert string
		expires     time.Duration // 0: indefinite
	}{
		{certCheck, "aa", 3 * day}, {certCheck, "bb", 0}, {currentName, "aa", day}, {certCheck, "cc", 2 * day}, {currentName, "dd", 0},
	} {
		req := SuppressionRequest{CheckName: s.check, Resource: cert(s.cert), ClientRequestToken: string(rune('a' + i))}
		if s.expires == 0 {
			req.Indefinitely = ptr(true)
		} else {
			req.Expiration = ptr(t0.Add(s.expires))
		}
		if err := e.CreateAuditSuppression(ctx, testAccount, req); err != nil {
			t.Fatal(err)
		}
	}
	label := map[string]string{certCheck: "cert", currentName: "revoked"}
	list := func(account string, req ListSuppressionsRequest) []string {
		t.Helper()
		var got []string
		for {
			page, next, err := e.ListAuditSuppressions(ctx, account, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page {
				got = append(got, label[s.CheckName]+"/"+s.Resource.DeviceCertificateID)
			}
			if next == "" {
				return got
			}
			req.NextToken = next
		}
	}
	aa := cert("aa")
	for _, tc := range []struct {
		name string
		req  ListSuppressionsRequest
		want []string
	}{
		// Ties in expiration go by check name.
		{"ascending, indefinite last", ListSuppressionsRequest{ListRequest: ListRequest{MaxResults: 2}},
			[]string{"revoked/aa", "cert/cc", "cert/aa", "revoked/dd", "cert/bb"}},
		{"descending", ListSuppressionsRequest{Descending: true},
			[]string{"cert/bb", "revoked/dd", "cert/aa", "cert/cc", "revoked/aa"}},
		{"by check", ListSuppressionsRequest{CheckName: currentName}, []string{"revoked/aa", "revoked/dd"}},
		{"by resource", ListSuppressionsRequest{Resource: &aa}, []string{"revoked/aa", "cert/aa"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, list(testAccount, tc.req)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := list(otherAccount, ListSuppressionsRequest{}); len(got) != 0 {
		t.Errorf("the other account lists %v", got)
	}
	_, next, _ := e.ListAuditSuppressions(ctx, testAccount, ListSuppressionsRequest{ListRequest: ListRequest{MaxResults: 1}})
	for _, req := range []ListSuppressionsRequest{
		{CheckName: "NOPE"},
		{Resource: &iot.ResourceIdentifier{}},
		{Descending: true, ListRequest: ListRequest{NextToken: next}},
	} {
		_, _, err := e.ListAuditSuppressions(ctx, testAccount, req)
		wantKind(t, err, iot.InvalidRequest)
	}
}
