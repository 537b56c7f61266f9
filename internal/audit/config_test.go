package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// allChecks is the test catalogue's state with the given checks changed.
func allChecks(changed map[string]iot.AuditCheckConfiguration) map[string]iot.AuditCheckConfiguration {
	out := map[string]iot.AuditCheckConfiguration{}
	for _, ch := range testChecks() {
		out[ch.Name] = changed[ch.Name]
	}
	return out
}

func TestAccountAuditConfiguration(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	describe := func(account string) iot.AuditConfiguration {
		t.Helper()
		cfg, err := e.DescribeAccountAuditConfiguration(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if diff := cmp.Diff(iot.AuditConfiguration{Checks: allChecks(nil)}, describe(testAccount)); diff != "" {
		t.Errorf("never configured (-want +got):\n%s", diff)
	}

	role := "arn:aws:iam::123456789012:role/audit"
	sns := &iot.AuditNotificationTarget{TargetARN: "arn:aws:sns:eu-west-1:123456789012:audits", RoleARN: "arn:aws:iam::123456789012:role/sns", Enabled: true}
	err := e.UpdateAccountAuditConfiguration(ctx, testAccount, ConfigurationUpdate{RoleARN: role, SNS: sns,
		Checks: map[string]CheckUpdate{certCheck: {Enabled: true, Config: map[string]string{thresholdKey: "90"}}, caCheck: {Enabled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	// Later updates merge: untouched checks, role and target stay.
	err = e.UpdateAccountAuditConfiguration(ctx, testAccount, ConfigurationUpdate{
		Checks: map[string]CheckUpdate{caCheck: {Enabled: false}, policyCheck: {Enabled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	want := iot.AuditConfiguration{RoleARN: role, SNS: sns, Checks: allChecks(map[string]iot.AuditCheckConfiguration{
		certCheck:   {Enabled: true, Config: map[string]int64{thresholdKey: 90}},
		caCheck:     {Enabled: false},
		policyCheck: {Enabled: true},
	})}
	if diff := cmp.Diff(want, describe(testAccount)); diff != "" {
		t.Errorf("merged configuration (-want +got):\n%s", diff)
	}
	// An empty configuration map resets the values to their defaults; a
	// check named without enabled is disabled, the member's default.
	err = e.UpdateAccountAuditConfiguration(ctx, testAccount, ConfigurationUpdate{Checks: map[string]CheckUpdate{certCheck: {Config: map[string]string{}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(testAccount).Checks[certCheck]; got.Config != nil || got.Enabled {
		t.Errorf("after reset: %+v, want disabled without values", got)
	}
	if diff := cmp.Diff(iot.AuditConfiguration{Checks: allChecks(nil)}, describe(otherAccount)); diff != "" {
		t.Errorf("the other account (-want +got):\n%s", diff)
	}
}

func TestUpdateAccountAuditConfigurationErrors(t *testing.T) {
	role := "arn:aws:iam::123456789012:role/audit"
	for _, tc := range []struct {
		name      string
		configure bool // configure the account first
		update    ConfigurationUpdate
		want      string
	}{
		{"first without role", false, ConfigurationUpdate{Checks: map[string]CheckUpdate{caCheck: {Enabled: true}}}, "roleArn"},
		{"first without an enabled check", false, ConfigurationUpdate{RoleARN: role, Checks: map[string]CheckUpdate{caCheck: {Enabled: false}}}, "at least one"},
		{"unknown check", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{"NOPE_CHECK": {Enabled: true}}}, "NOPE_CHECK"},
		{"former check name", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{formerName: {Enabled: true}}}, currentName},
		{"key of no check", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{caCheck: {Config: map[string]string{thresholdKey: "60"}}}}, "takes no configuration"},
		{"unknown key", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{certCheck: {Config: map[string]string{"OTHER": "60"}}}}, "accepts " + thresholdKey},
		{"below minimum", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{certCheck: {Config: map[string]string{thresholdKey: "29"}}}}, "from 30 to 3652"},
		{"above maximum", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{certCheck: {Config: map[string]string{thresholdKey: "3653"}}}}, "from 30 to 3652"},
		{"not a number", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{certCheck: {Config: map[string]string{thresholdKey: "ninety"}}}}, "ninety"},
		{"enabled target without topic", true, ConfigurationUpdate{SNS: &iot.AuditNotificationTarget{RoleARN: role, Enabled: true}}, "targetArn"},
		{"target not a topic", true, ConfigurationUpdate{SNS: &iot.AuditNotificationTarget{TargetARN: "arn:aws:sqs:eu-west-1:123456789012:q", RoleARN: role}}, "SNS topic"},
		{"disable a scheduled check", true, ConfigurationUpdate{Checks: map[string]CheckUpdate{caCheck: {Enabled: false}}}, "weekly"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t)
			ctx := context.Background()
			if tc.configure {
				e.enable(testAccount, caCheck, certCheck)
				_, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "weekly", Frequency: iot.Weekly, DayOfWeek: "MON", TargetChecks: []string{caCheck}})
				if err != nil {
					t.Fatal(err)
				}
			}
			before, _ := e.DescribeAccountAuditConfiguration(ctx, testAccount)
			err := e.UpdateAccountAuditConfiguration(ctx, testAccount, tc.update)
			wantKind(t, err, iot.InvalidRequest)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not mention %q", err, tc.want)
			}
			after, _ := e.DescribeAccountAuditConfiguration(ctx, testAccount)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused update changed the configuration (-before +after):\n%s", diff)
			}
		})
	}
}

func TestDeleteAccountAuditConfiguration(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	wantKind(t, e.DeleteAccountAuditConfiguration(ctx, testAccount, true), iot.NotFound)
	e.enable(testAccount, caCheck)
	if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "daily", Frequency: iot.Daily,
		TargetChecks: []string{caCheck}, Tags: []iot.Tag{{Key: "team", Value: "fleet"}}}); err != nil {
		t.Fatal(err)
	}
	wantKind(t, e.DeleteAccountAuditConfiguration(ctx, testAccount, false), iot.InvalidRequest)
	if err := e.DeleteAccountAuditConfiguration(ctx, testAccount, true); err != nil {
		t.Fatal(err)
	}
	cfg, err := e.DescribeAccountAuditConfiguration(ctx, testAccount)
	if diff := cmp.Diff(iot.AuditConfiguration{Checks: allChecks(nil)}, cfg); err != nil || diff != "" {
		t.Errorf("after delete (-want +got) err=%v:\n%s", err, diff)
	}
	_, err = e.DescribeScheduledAudit(ctx, testAccount, "daily")
	wantKind(t, err, iot.NotFound)
	if tags := e.tags(e.scheduledAuditARN(testAccount, "daily")); len(tags) != 0 {
		t.Errorf("tags of the deleted scheduled audit remain: %v", tags)
	}
	wantKind(t, e.DeleteAccountAuditConfiguration(ctx, testAccount, true), iot.NotFound)
	// Without scheduled audits the flag is not needed.
	e.enable(testAccount, caCheck)
	if err := e.DeleteAccountAuditConfiguration(ctx, testAccount, false); err != nil {
		t.Errorf("delete without scheduled audits: %v", err)
	}
}
