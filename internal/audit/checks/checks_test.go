package checks

import (
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// awsCheckNames are the 17 audit checks of AWS IoT Device Defender.
var awsCheckNames = []string{
	"AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
	"CA_CERTIFICATE_EXPIRING_CHECK",
	"CA_CERTIFICATE_KEY_QUALITY_CHECK",
	"CONFLICTING_CLIENT_IDS_CHECK",
	"DEVICE_CERTIFICATE_AGE_CHECK",
	"DEVICE_CERTIFICATE_EXPIRING_CHECK",
	"DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
	"DEVICE_CERTIFICATE_SHARED_CHECK",
	"INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK",
	"IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
	"IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
	"IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
	"IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
	"LOGGING_DISABLED_CHECK",
	"REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
	"REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
	"UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
}

func TestCatalogueIsAWSs(t *testing.T) {
	var got []string
	for _, c := range check.All() {
		got = append(got, c.Name)
	}
	if diff := cmp.Diff(awsCheckNames, got); diff != "" {
		t.Errorf("registered checks (-want +got):\n%s", diff)
	}
	for _, c := range check.All() {
		switch {
		case c.Severity == "" || c.ResourceType == "" || len(c.ReasonCodes) == 0:
			t.Errorf("%s: incomplete metadata %+v", c.Name, c.Metadata)
		case !slices.Contains(c.MitigationActions, actionPublishToSNS):
			t.Errorf("%s: PUBLISH_FINDING_TO_SNS is allowed for every check, got %v", c.Name, c.MitigationActions)
		case (c.Unsupported == "") == (c.Reads() == check.NoData):
			t.Errorf("%s: reads %v with Unsupported %q", c.Name, c.Reads(), c.Unsupported)
		}
	}
}

// recorder is the Reporter of the tests: it records what a check reports and
// fails the test on a reason code the check's metadata does not declare.
type recorder struct {
	t        *testing.T
	check    *check.Check
	result   result
	findings []check.Finding
}

// result is what the golden files hold for one run of a check.
type result struct {
	Evaluated int             `json:"evaluated"`
	Findings  []goldenFinding `json:"findings"`
	Message   string          `json:"message,omitempty"`
}

type goldenFinding struct {
	Resource   string   `json:"resource"`
	ReasonCode string   `json:"reasonCode"`
	Reason     string   `json:"reason"`
	Related    []string `json:"related,omitempty"`
}

func (r *recorder) Evaluated(n int) { r.result.Evaluated += n }

func (r *recorder) NonCompliant(f check.Finding) {
	if !slices.Contains(r.check.ReasonCodes, f.ReasonCode) {
		r.t.Errorf("%s reported reason code %q, not in its metadata %v", r.check.Name, f.ReasonCode, r.check.ReasonCodes)
	}
	if f.Resource.Type != r.check.ResourceType {
		r.t.Errorf("%s reported a %s resource, its metadata says %s", r.check.Name, f.Resource.Type, r.check.ResourceType)
	}
	r.findings = append(r.findings, f)
	gf := goldenFinding{Resource: resourceText(f.Resource), ReasonCode: f.ReasonCode, Reason: f.Reason}
	for _, rel := range f.Related {
		gf.Related = append(gf.Related, resourceText(rel))
	}
	r.result.Findings = append(r.result.Findings, gf)
}

func (r *recorder) Message(text string) {
	if len(text) > maxMessage {
		r.t.Errorf("%s: message of %d characters, the API allows %d", r.check.Name, len(text), maxMessage)
	}
	r.result.Message = text
}

func resourceText(res check.Resource) string {
	s := string(res.Type) + " " + res.Identifier.Key()
	for _, k := range slices.Sorted(maps.Keys(res.AdditionalInfo)) {
		s += " " + k + "=" + res.AdditionalInfo[k]
	}
	return s
}

// checkCase is one run of a check over fixed rows.
type checkCase struct {
	name  string
	scope func(*check.Scope) // adjusts the fixture scope
	rows  any                // []R for the check's row type R
}

// runCase runs one case of a check through its visitor, as the evaluator does.
func runCase(t *testing.T, c *check.Check, cc checkCase) (result, []check.Finding) {
	t.Helper()
	rec := &recorder{t: t, check: c, result: result{Findings: []goldenFinding{}}}
	s := fixtureScope(c, rec)
	if cc.scope != nil {
		cc.scope(s)
	}
	if err := visitRows(c, s, cc.rows); err != nil {
		t.Fatalf("%s, case %s: %v", c.Name, cc.name, err)
	}
	return rec.result, rec.findings
}

// TestChecks runs every supported check over its fixtures and compares what it
// reports with testdata/<CHECK>.json (go test -update rewrites them). It also
// requires the fixtures to make each check emit every reason code it declares
// and to hold at least one compliant resource.
func TestChecks(t *testing.T) {
	for _, c := range check.All() {
		if c.Unsupported != "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			cases, ok := fixtures[c.Name]
			if !ok {
				t.Fatalf("no fixtures for %s", c.Name)
			}
			got := map[string]result{}
			emitted := map[string]bool{}
			compliant := false
			for _, cc := range cases {
				res, findings := runCase(t, c, cc)
				got[cc.name] = res
				resources := map[string]bool{}
				for _, f := range findings {
					emitted[f.ReasonCode] = true
					resources[f.Resource.Identifier.Key()] = true
				}
				compliant = compliant || res.Evaluated > len(resources)
			}
			for _, code := range c.ReasonCodes {
				if !emitted[code] {
					t.Errorf("no fixture makes %s emit %s", c.Name, code)
				}
			}
			if !compliant {
				t.Errorf("no fixture of %s has a compliant resource", c.Name)
			}
			compareGolden(t, filepath.Join("testdata", c.Name+".json"), got)
		})
	}
}

func compareGolden(t *testing.T, path string, got map[string]result) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var wantResults map[string]result
	if err := json.Unmarshal(want, &wantResults); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantResults, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestUnsupportedChecksCannotBegin(t *testing.T) {
	var unsupported []string
	for _, c := range check.All() {
		if c.Unsupported == "" {
			continue
		}
		unsupported = append(unsupported, c.Name)
		if _, ok := check.Begin[*check.ConnectionGroup](c, &check.Scope{}); ok {
			t.Errorf("%s is unsupported but has a visitor", c.Name)
		}
	}
	sort.Strings(unsupported)
	want := []string{
		"AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
		"IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
		"IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
		"UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
	}
	if diff := cmp.Diff(want, unsupported); diff != "" {
		t.Errorf("unsupported checks (-want +got):\n%s", diff)
	}
}

func TestMessageIsCut(t *testing.T) {
	long := message(string(make([]byte, 3000)), "tail")
	if len(long) != maxMessage {
		t.Errorf("message of %d characters, want %d", len(long), maxMessage)
	}
	if got := message("a.", "", "b."); got != "a. b." {
		t.Errorf("message = %q", got)
	}
	accented := message(strings.Repeat("é", 1500))
	if !utf8.ValidString(accented) || len(accented) > maxMessage {
		t.Errorf("a cut message of %d bytes, valid UTF-8: %t", len(accented), utf8.ValidString(accented))
	}
}
