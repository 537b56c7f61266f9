package mitigation

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Each action type applied to real registry resources, before and after.

func wantCounts(t *testing.T, task iot.MitigationTask, want map[string]iot.MitigationFindingCounts) {
	t.Helper()
	if diff := cmp.Diff(want, task.Statistics); diff != "" {
		t.Errorf("statistics (-want +got):\n%s", diff)
	}
}

func TestUpdateDeviceCertificate(t *testing.T) {
	e := newTestEnv(t, 2)
	active, revoked, inactive := e.certificate(1, iot.CertificateActive), e.certificate(2, iot.CertificateRevoked), e.certificate(3, iot.CertificateInactive)
	e.audit(auditID, expiringCheck)
	f1 := e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(active))
	f2 := e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(revoked))
	f3 := e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(inactive))
	e.action("deactivate", deactivateDevice)

	task := e.run("deactivate-all", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: {"deactivate"}})

	if task.Status != iot.MitigationTaskFailed || task.EndTime.IsZero() {
		t.Errorf("task %s, ended %v; want FAILED with an end time", task.Status, task.EndTime)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{expiringCheck: {Total: 3, Succeeded: 2, Failed: 1}})
	for id, want := range map[string]iot.CertificateStatus{active: iot.CertificateInactive, revoked: iot.CertificateRevoked, inactive: iot.CertificateInactive} {
		if got := e.certificateStatus(id); got != want {
			t.Errorf("certificate %s… is %s, want %s", id[60:], got, want)
		}
	}
	e.view(func(tx store.ReadTx) error {
		c, err := tx.Certificate(context.Background(), active)
		if err == nil && (c.CustomerVersion != 2 || c.GenerationID == "g") {
			t.Errorf("deactivated certificate: version %d, generation %q; the registry's update was not applied", c.CustomerVersion, c.GenerationID)
		}
		return err
	})
	for f, want := range map[string]outcome{
		f1.ID: {"deactivate", iot.ExecutionCompleted, ""},
		f2.ID: {"deactivate", iot.ExecutionFailed, iot.ExecutionErrorInvalidState},
		f3.ID: {"deactivate", iot.ExecutionCompleted, ""},
	} {
		if diff := cmp.Diff([]outcome{want}, e.outcomes("deactivate-all", f)); diff != "" {
			t.Errorf("executions on %s (-want +got):\n%s", f, diff)
		}
	}
	failed := e.executions("deactivate-all", f2.ID)[0]
	if failed.Message == "" || failed.StartTime.IsZero() || failed.EndTime.IsZero() {
		t.Errorf("failed execution %+v: want a message, a start and an end", failed)
	}
}

func TestUpdateDeviceCertificateOfRevokedIntermediate(t *testing.T) {
	e := newTestEnv(t, 10)
	a, b := e.certificate(1, iot.CertificateActive), e.certificate(2, iot.CertificateActive)
	untouched := e.certificate(3, iot.CertificateActive)
	e.audit(auditID, intermediateCheck)
	issuer := iot.AuditResource{Type: "ISSUER_CERTIFICATE", Identifier: iot.ResourceIdentifier{
		IssuerCertificate: &iot.IssuerCertificateIdentifier{Subject: "CN=intermediate", IssuerID: "ab", SerialNumber: "01"}}}
	f := e.finding(auditID, intermediateCheck, "INTERMEDIATE_CA_REVOKED_BY_ISSUER", issuer, deviceResource(a), deviceResource(b))
	e.action("deactivate", deactivateDevice)

	task := e.run("intermediate", iot.MitigationTaskTarget{FindingIDs: []string{f.ID}}, map[string][]string{intermediateCheck: {"deactivate"}})

	if task.Status != iot.MitigationTaskCompleted {
		t.Errorf("task %s, want COMPLETED", task.Status)
	}
	for id, want := range map[string]iot.CertificateStatus{a: iot.CertificateInactive, b: iot.CertificateInactive, untouched: iot.CertificateActive} {
		if got := e.certificateStatus(id); got != want {
			t.Errorf("certificate %s… is %s, want %s", id[60:], got, want)
		}
	}
}

func TestUpdateCACertificate(t *testing.T) {
	e := newTestEnv(t, 10)
	ca := fmt.Sprintf("%064x", 99)
	e.update(func(tx store.Tx) error {
		_, err := tx.CreateCACertificate(context.Background(), iot.CACertificate{ID: ca, Status: iot.CACertificateActive,
			Mode: iot.CertificateModeSNIOnly, DER: []byte{1}, RawSubject: []byte{2}, CreatedAt: t0, LastModifiedAt: t0,
			CustomerVersion: 1, GenerationID: "g", X509: iot.X509Facts{NotBefore: t0, NotAfter: t0.Add(time.Hour), KeyAlgorithm: "EC", KeyBits: 256}})
		return err
	})
	e.audit(auditID, caExpiringCheck)
	e.finding(auditID, caExpiringCheck, "CERTIFICATE_APPROACHING_EXPIRATION",
		iot.AuditResource{Type: "CA_CERTIFICATE", Identifier: iot.ResourceIdentifier{CACertificateID: ca}})
	e.action("deactivate-ca", deactivateCA)

	task := e.run("ca", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{caExpiringCheck: {"deactivate-ca"}})

	if task.Status != iot.MitigationTaskCompleted {
		t.Errorf("task %s, want COMPLETED", task.Status)
	}
	got, err := e.reg.DescribeCACertificate(context.Background(), testAccount, ca)
	if err != nil || got.Status != iot.CACertificateInactive || got.CustomerVersion != 2 {
		t.Errorf("CA certificate after the task: %s, version %d, %v; want INACTIVE, version 2", got.Status, got.CustomerVersion, err)
	}
}

// groupsOf returns the names of a thing's groups.
func (e *testEnv) groupsOf(thing string) []string {
	groups, _, err := e.reg.ListThingGroupsForThing(context.Background(), testAccount, thing, registry.ListRequest{MaxResults: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	return names
}

func (e *testEnv) thing(name, certID string, groups ...string) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.reg.CreateThing(ctx, testAccount, registry.CreateThingRequest{Name: name}); err != nil {
		e.t.Fatal(err)
	}
	if certID != "" {
		if err := e.reg.AttachThingPrincipal(ctx, testAccount, name, e.reg.CertificateARN(testAccount, certID), ""); err != nil {
			e.t.Fatal(err)
		}
	}
	for _, g := range groups {
		if err := e.reg.AddThingToThingGroup(ctx, testAccount, registry.ThingGroupMembership{GroupName: g, ThingName: name}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *testEnv) group(name, parent string) {
	e.t.Helper()
	if _, err := e.reg.CreateThingGroup(context.Background(), testAccount, registry.CreateThingGroupRequest{Name: name, Parent: parent}); err != nil {
		e.t.Fatal(err)
	}
}

func TestAddThingsToThingGroup(t *testing.T) {
	e := newTestEnv(t, 10)
	e.group("quarantine", "")
	e.group("review", "")
	e.group("review-sub", "review")
	var ten []string
	for i := range 10 {
		ten = append(ten, fmt.Sprintf("full-%d", i))
		e.group(ten[i], "")
	}
	shared, atLimit, inHierarchy, alone := e.certificate(1, iot.CertificateActive), e.certificate(2, iot.CertificateActive),
		e.certificate(3, iot.CertificateActive), e.certificate(4, iot.CertificateActive)
	e.thing("lamp", shared)
	e.thing("fan", shared, "quarantine") // already in one of the groups: stays
	e.thing("full", atLimit, ten...)
	e.thing("sub", inHierarchy, "review-sub")
	e.audit(auditID, expiringCheck)
	var findings []iot.AuditFinding
	for _, c := range []string{shared, atLimit, inHierarchy, alone} {
		findings = append(findings, e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(c)))
	}
	e.action("isolate", addToGroups("quarantine", "review"))

	task := e.run("isolate", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: {"isolate"}})

	wantCounts(t, task, map[string]iot.MitigationFindingCounts{expiringCheck: {Total: 4, Succeeded: 2, Failed: 2}})
	for thing, want := range map[string][]string{
		"lamp": {"quarantine", "review"},
		"fan":  {"quarantine", "review"},
		"full": ten,                          // at the limit of 10 groups: unchanged
		"sub":  {"quarantine", "review-sub"}, // added to the first group, then refused: one group per hierarchy
	} {
		if diff := cmp.Diff(want, e.groupsOf(thing)); diff != "" {
			t.Errorf("groups of %s (-want +got):\n%s", thing, diff)
		}
	}
	for i, want := range []iot.MitigationExecutionStatus{iot.ExecutionCompleted, iot.ExecutionFailed, iot.ExecutionFailed, iot.ExecutionCompleted} {
		if got := e.outcomes("isolate", findings[i].ID)[0]; got.Status != want {
			t.Errorf("execution on finding %d: %+v, want %s", i, got, want)
		}
	}
}

func (e *testEnv) policy(name string, versions int) {
	e.t.Helper()
	ctx := context.Background()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`
	if _, err := e.reg.CreatePolicy(ctx, testAccount, registry.CreatePolicyRequest{Name: name, Document: doc}); err != nil {
		e.t.Fatal(err)
	}
	for range versions - 1 {
		if _, err := e.reg.CreatePolicyVersion(ctx, testAccount, name, doc, false); err != nil {
			e.t.Fatal(err)
		}
	}
}

func TestReplaceDefaultPolicyVersion(t *testing.T) {
	e := newTestEnv(t, 10)
	e.policy("permissive", 1)
	e.policy("full", 5)
	e.audit(auditID, permissiveCheck)
	ok := e.finding(auditID, permissiveCheck, "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", policyResource("permissive"))
	full := e.finding(auditID, permissiveCheck, "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", policyResource("full"))
	e.action("blank", blankPolicy)

	task := e.run("blank", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{permissiveCheck: {"blank"}})

	wantCounts(t, task, map[string]iot.MitigationFindingCounts{permissiveCheck: {Total: 2, Succeeded: 1, Failed: 1}})
	ctx := context.Background()
	p, v, err := e.reg.GetPolicy(ctx, testAccount, "permissive")
	if err != nil || p.DefaultVersionID != 2 || v.Document != BlankPolicyDocument {
		t.Errorf("permissive policy: default version %d, document %s, %v; want version 2 with the blank document", p.DefaultVersionID, v.Document, err)
	}
	if len(v.Analysis.BroadActions) != 0 || len(v.Analysis.Misconfigurations) != 0 {
		t.Errorf("the blank document is not clean for the audit: %+v", v.Analysis)
	}
	versions, _ := e.reg.ListPolicyVersions(ctx, testAccount, "full")
	p, _, _ = e.reg.GetPolicy(ctx, testAccount, "full")
	if len(versions) != 5 || p.DefaultVersionID != 1 {
		t.Errorf("policy at the version limit: %d versions, default %d; want 5 and 1 unchanged", len(versions), p.DefaultVersionID)
	}
	if got := e.outcomes("blank", ok.ID)[0]; got.Status != iot.ExecutionCompleted {
		t.Errorf("execution on the permissive policy: %+v", got)
	}
	if got := e.outcomes("blank", full.ID)[0]; got.Status != iot.ExecutionFailed || got.ErrorCode != iot.ExecutionErrorInvalidState {
		t.Errorf("execution on the policy at the limit: %+v, want FAILED, INVALID_STATE_OF_RESOURCE", got)
	}
}

func TestEnableIoTLogging(t *testing.T) {
	ctx := context.Background()
	events := []iot.LogEventConfiguration{{EventType: "Connect", LogLevel: iot.LogDebug}}
	for _, tc := range []struct {
		name   string
		before *iot.V2LoggingOptions
		want   iot.V2LoggingOptions
	}{
		{"never configured", nil,
			iot.V2LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logging", DefaultLogLevel: iot.LogWarn}},
		{"all logs disabled", &iot.V2LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/old", DisableAllLogs: true, EventConfigurations: events},
			iot.V2LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logging", DefaultLogLevel: iot.LogWarn, EventConfigurations: events}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, 10)
			if tc.before != nil {
				if err := e.reg.SetV2LoggingOptions(ctx, testAccount, *tc.before); err != nil {
					t.Fatal(err)
				}
			}
			e.audit(auditID, loggingCheck)
			e.finding(auditID, loggingCheck, "LOGGING_DISABLED", iot.AuditResource{Type: "ACCOUNT_SETTINGS", Identifier: iot.ResourceIdentifier{Account: testAccount}})
			e.action("enable-logging", enableLogging)

			task := e.run("logging", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{loggingCheck: {"enable-logging"}})

			if task.Status != iot.MitigationTaskCompleted {
				t.Errorf("task %s, want COMPLETED", task.Status)
			}
			got, err := e.reg.GetV2LoggingOptions(ctx, testAccount)
			if diff := cmp.Diff(tc.want, got); err != nil || diff != "" {
				t.Errorf("v2 logging options (-want +got) err=%v:\n%s", err, diff)
			}
		})
	}
}

func TestPublishFindingToSNS(t *testing.T) {
	e := newTestEnv(t, 10)
	e.audit(auditID, clientIDCheck)
	related := iot.AuditResource{Type: "CLIENT_ID", Identifier: iot.ResourceIdentifier{ClientID: "other"},
		AdditionalInfo: map[string]string{"CONNECTION_TIME": "1560086374068"}}
	f := e.finding(auditID, clientIDCheck, "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS",
		iot.AuditResource{Type: "CLIENT_ID", Identifier: iot.ResourceIdentifier{ClientID: "lamp"}}, related)
	notify := e.action("notify", publishToTopic)

	task := e.run("notify", iot.MitigationTaskTarget{FindingIDs: []string{f.ID}}, map[string][]string{clientIDCheck: {"notify"}})

	if task.Status != iot.MitigationTaskCompleted {
		t.Errorf("task %s, want COMPLETED", task.Status)
	}
	messages := e.pub.published()
	if len(messages) != 1 {
		t.Fatalf("%d messages published, want 1", len(messages))
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(messages[0]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"accountId": testAccount, "taskId": "notify", "actionName": "notify", "actionId": notify.ID,
		"finding": map[string]any{
			"findingId": f.ID, "taskId": auditID, "checkName": clientIDCheck,
			"taskStartTime": float64(f.TaskStartTime.UnixMilli()) / 1000, "findingTime": float64(f.FindingTime.UnixMilli()) / 1000,
			"severity":             "CRITICAL",
			"nonCompliantResource": map[string]any{"resourceType": "CLIENT_ID", "resourceIdentifier": map[string]any{"clientId": "lamp"}},
			"relatedResources": []any{map[string]any{"resourceType": "CLIENT_ID", "resourceIdentifier": map[string]any{"clientId": "other"},
				"additionalInfo": map[string]any{"CONNECTION_TIME": "1560086374068"}}},
			"reasonForNonCompliance": f.Reason, "reasonForNonComplianceCode": f.ReasonCode, "isSuppressed": false,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("published message (-want +got):\n%s", diff)
	}
}

func TestPublishFindingToSNSFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"refused", &smithy.GenericAPIError{Code: "AuthorizationError", Message: "not allowed"}, iot.ExecutionErrorInsufficientPermissions},
		{"no topic", &smithy.GenericAPIError{Code: "NotFound", Message: "Topic does not exist"}, iot.ExecutionErrorInvalidState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, 10)
			e.pub.fail = tc.err
			e.audit(auditID, loggingCheck)
			f := e.finding(auditID, loggingCheck, "LOGGING_DISABLED", iot.AuditResource{Type: "ACCOUNT_SETTINGS", Identifier: iot.ResourceIdentifier{Account: testAccount}})
			e.action("notify", publishToTopic)
			e.action("enable-logging", enableLogging)

			task := e.run("notify", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{loggingCheck: {"notify", "enable-logging"}})

			if task.Status != iot.MitigationTaskFailed {
				t.Errorf("task %s, want FAILED", task.Status)
			}
			want := []outcome{{"notify", iot.ExecutionFailed, tc.code}, {"enable-logging", iot.ExecutionSkipped, ""}}
			if diff := cmp.Diff(want, e.outcomes("notify", f.ID)); diff != "" {
				t.Errorf("executions (-want +got):\n%s", diff)
			}
			if _, err := e.reg.GetV2LoggingOptions(context.Background(), testAccount); err == nil {
				t.Error("logging was enabled after the publication failed")
			}
		})
	}
}
