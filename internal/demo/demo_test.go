package demo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/auditcli"
	"github.com/iotdefender/iotdefender/internal/demo"
	"github.com/iotdefender/iotdefender/internal/iotclient/iotclienttest"
)

// notTripped are the checks iotdefender runs that the demo fleet leaves
// compliant, and why no honest fleet built through the API can trip them.
var notTripped = map[string]string{
	"DEVICE_CERTIFICATE_AGE_CHECK": "a certificate's age counts from its registration in the account, which is " +
		"now for every certificate the demo registers, and the smallest threshold is 30 days",
}

// TestDemoFleetTripsEveryCheck builds the demo fleet on a server with the
// demo's weak-key blocklist, audits it with every check iotdefender runs, and
// wants every check but those of notTripped to find a non-compliant resource.
func TestDemoFleetTripsEveryCheck(t *testing.T) {
	blocklist := filepath.Join(t.TempDir(), "weak-keys.txt")
	fp, err := demo.DebianWeakKeyFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocklist, []byte(fp+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := iotclienttest.Start(t, func(c *app.Config) { c.WeakKeyBlocklist = blocklist })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out bytes.Buffer
	dataDir := t.TempDir()
	res, err := demo.Run(ctx, demo.Options{Client: s.Client, Out: &out, DataDir: dataDir, ExpiryLead: 2 * time.Second})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if res.Existed || res.Account != iotclienttest.Account || len(res.Things) != 14 {
		t.Errorf("result %+v, want a new fleet of 14 things in %s", res, iotclienttest.Account)
	}
	written, err := os.ReadFile(filepath.Join(dataDir, demo.BlocklistFile))
	if err != nil || !strings.Contains(string(written), "\n"+fp+"\n") {
		t.Errorf("blocklist file %q (%v), want the fingerprint %s on a line", written, err, fp)
	}
	for _, want := range []string{"iotdefender audit run --enable", "--weak-key-blocklist " + res.Blocklist, "DEVICE_CERTIFICATE_AGE_CHECK"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}

	var report bytes.Buffer
	audit, err := auditcli.Run(ctx, s.Client.IoT, auditcli.Options{Enable: true, Out: &report, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("audit: %v\n%s", err, report.String())
	}
	if !audit.Completed() {
		t.Fatalf("audit %s", audit.Task.TaskStatus)
	}
	ran := 0
	for _, c := range check.All() {
		if c.Unsupported != "" {
			continue
		}
		ran++
		d, ok := audit.Task.AuditDetails[c.Name]
		if !ok {
			t.Errorf("%s was not run", c.Name)
			continue
		}
		if why, ok := notTripped[c.Name]; ok {
			if d.CheckRunStatus != types.AuditCheckRunStatusCompletedCompliant {
				t.Errorf("%s: %s, want COMPLETED_COMPLIANT (the demo cannot trip it: %s)", c.Name, d.CheckRunStatus, why)
			}
			continue
		}
		if d.CheckRunStatus != types.AuditCheckRunStatusCompletedNonCompliant || aws.ToInt64(d.NonCompliantResourcesCount) < 1 {
			t.Errorf("%s: %s with %d non-compliant resources, want COMPLETED_NON_COMPLIANT", c.Name, d.CheckRunStatus, aws.ToInt64(d.NonCompliantResourcesCount))
		}
	}
	if ran != len(audit.Task.AuditDetails) || ran != 13 {
		t.Errorf("%d checks run of %d runnable, want 13", len(audit.Task.AuditDetails), ran)
	}

	// Every reason code the fleet is built to cause.
	codes := map[string]bool{}
	var token *string
	for {
		page, err := s.Client.IoT.ListAuditFindings(ctx, &awsiot.ListAuditFindingsInput{TaskId: aws.String(audit.TaskID), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Findings {
			codes[aws.ToString(f.CheckName)+" "+aws.ToString(f.ReasonForNonComplianceCode)] = true
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	for _, want := range []string{
		"DEVICE_CERTIFICATE_EXPIRING_CHECK CERTIFICATE_APPROACHING_EXPIRATION",
		"DEVICE_CERTIFICATE_EXPIRING_CHECK CERTIFICATE_PAST_EXPIRATION",
		"CA_CERTIFICATE_EXPIRING_CHECK CERTIFICATE_APPROACHING_EXPIRATION",
		"DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361",
		"DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166",
		"CA_CERTIFICATE_KEY_QUALITY_CHECK CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361",
		"IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT",
		"IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS",
	} {
		if !codes[want] {
			t.Errorf("no finding %s; findings: %v", want, codes)
		}
	}
	// The healthy policy is not among the findings.
	if strings.Contains(report.String(), "greenhouse-sensor-policy") {
		t.Errorf("the tight policy has a finding:\n%s", report.String())
	}

	// A second run finds the fleet and makes nothing.
	out.Reset()
	again, err := demo.Run(ctx, demo.Options{Client: s.Client, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Existed || len(again.Things) != 14 || !strings.Contains(out.String(), "already exists") {
		t.Errorf("second run %+v:\n%s", again, out.String())
	}
	things, err := s.Client.IoT.ListThings(ctx, &awsiot.ListThingsInput{})
	if err != nil || len(things.Things) != 14 {
		t.Errorf("%d things after the second run (%v), want 14", len(things.Things), err)
	}
}

func TestDebianWeakKeyFingerprint(t *testing.T) {
	// openssl rsa -RSAPublicKey_in -in testdata/debian-weak-rsa2048.pem -noout -modulus | sha1sum | cut -c21-40
	const want = "b7ead9492dfd921fc4f9"
	got, err := demo.DebianWeakKeyFingerprint()
	if err != nil || got != want {
		t.Errorf("fingerprint %q (%v), want %q", got, err, want)
	}
}
