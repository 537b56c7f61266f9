package apitest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// Raw, SigV4-signed HTTP requests: the SDK validates some constraints before
// sending, so bad input reaches the server only this way.

// badinputRequest is one raw request: the path is sent as written (escaped,
// with its query string).
type badinputRequest struct {
	method string
	path   string
	header map[string]string
	body   string
}

// badinputResponse is what the server answered.
type badinputResponse struct {
	status int
	header http.Header
	body   []byte
}

// badinputSign signs req with the first account's key over a body whose
// SHA-256 is sum.
func badinputSign(t *testing.T, req *http.Request, sum [32]byte) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: firstKeyID, SecretAccessKey: firstSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iot", region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// badinputDo sends r, signed, and reads the whole answer.
func (e *env) badinputDo(t *testing.T, r badinputRequest) badinputResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), r.method, e.url+r.path, bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	raw := req.URL.RawQuery
	req.URL.RawQuery = badinputSigningQuery(raw)
	badinputSign(t, req, sha256.Sum256([]byte(r.body)))
	req.URL.RawQuery = raw // the signer writes the query again, dropping what does not parse
	return badinputRoundTrip(t, req)
}

// badinputSigningQuery is the query string to sign for raw, each key and value
// written again from what it decodes to. A component whose escapes are
// malformed ("%zz") stands for its own text, as SigV4 verifiers read it; the
// SDK's signer would drop it from the query instead.
func badinputSigningQuery(raw string) string {
	component := func(s string) string {
		decoded, err := url.QueryUnescape(s)
		if err != nil {
			decoded = s
		}
		return url.QueryEscape(decoded)
	}
	var pairs []string
	for pair := range strings.SplitSeq(raw, "&") {
		if pair != "" {
			k, v, _ := strings.Cut(pair, "=")
			pairs = append(pairs, component(k)+"="+component(v))
		}
	}
	return strings.Join(pairs, "&")
}

func badinputRoundTrip(t *testing.T, req *http.Request) badinputResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", req.Method, req.URL, err)
	}
	return badinputResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// badinputWantError checks that resp is an AWS-shaped error: the status, the
// code in x-amzn-ErrorType, a request id, and a JSON body whose message is
// exactly message.
func badinputWantError(t *testing.T, resp badinputResponse, status int, code, message string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status %d, want %d (body %s)", resp.status, status, resp.body)
	}
	if got := resp.header.Get("x-amzn-ErrorType"); got != code {
		t.Errorf("x-amzn-ErrorType %q, want %q", got, code)
	}
	if resp.header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("error body %q is not a JSON object: %v", resp.body, err)
	}
	if got, _ := body["message"].(string); got != message {
		t.Errorf("message\n got %q\nwant %q", got, message)
	}
}

// badinputModelStatus returns the HTTP status the AWS IoT model gives the
// exception shape.
func badinputModelStatus(t *testing.T, shape string) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "api", "model", "iot-2015-05-28.json"))
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct {
			Exception bool `json:"exception"`
			Error     struct {
				HTTPStatusCode int `json:"httpStatusCode"`
			} `json:"error"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(raw, &model); err != nil {
		t.Fatal(err)
	}
	s, ok := model.Shapes[shape]
	if !ok || !s.Exception || s.Error.HTTPStatusCode == 0 {
		t.Fatalf("the model has no exception %s with a status", shape)
	}
	return s.Error.HTTPStatusCode
}

// badinputSeed is the account's state before the bad requests: one resource of
// each kind the table tries to change.
type badinputSeed struct {
	certID, certARN string
}

const (
	badinputThing    = "badinput-thing"
	badinputLone     = "badinput-lone" // a thing without principals: nothing stops its deletion
	badinputType     = "badinput-type"
	badinputGroup    = "badinput-group"
	badinputPolicy   = "badinput-policy"
	badinputAlias    = "badinput-alias"
	badinputAudit    = "badinput-audit"
	badinputRoleARN  = "arn:aws:iam::123456789012:role/badinput"
	badinputCheck    = "LOGGING_DISABLED_CHECK"
	badinputDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
)

// badinputSetUp fills the first account through the SDK.
func badinputSetUp(t *testing.T, c *awsiot.Client) badinputSeed {
	t.Helper()
	cx := ctx(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CreateThingType(cx, &awsiot.CreateThingTypeInput{ThingTypeName: aws.String(badinputType),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("sensors"), SearchableAttributes: []string{"color"}}}))
	thing, err := c.CreateThing(cx, &awsiot.CreateThingInput{ThingName: aws.String(badinputThing), ThingTypeName: aws.String(badinputType),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"color": "blue", "floor": "3"}}})
	must(thing, err)
	must(c.CreateThing(cx, &awsiot.CreateThingInput{ThingName: aws.String(badinputLone)}))
	must(c.CreateThingGroup(cx, &awsiot.CreateThingGroupInput{ThingGroupName: aws.String(badinputGroup),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("floor 3")},
		Tags:                 []types.Tag{{Key: aws.String("team"), Value: aws.String("fleet")}}}))
	must(c.AddThingToThingGroup(cx, &awsiot.AddThingToThingGroupInput{ThingName: aws.String(badinputThing), ThingGroupName: aws.String(badinputGroup)}))
	cert, err := c.CreateKeysAndCertificate(cx, &awsiot.CreateKeysAndCertificateInput{SetAsActive: true})
	must(cert, err)
	must(c.AttachThingPrincipal(cx, &awsiot.AttachThingPrincipalInput{ThingName: aws.String(badinputThing), Principal: cert.CertificateArn}))
	must(c.CreatePolicy(cx, &awsiot.CreatePolicyInput{PolicyName: aws.String(badinputPolicy), PolicyDocument: aws.String(badinputDocument)}))
	must(c.CreatePolicyVersion(cx, &awsiot.CreatePolicyVersionInput{PolicyName: aws.String(badinputPolicy),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}`)}))
	must(c.AttachPolicy(cx, &awsiot.AttachPolicyInput{PolicyName: aws.String(badinputPolicy), Target: cert.CertificateArn}))
	must(c.SetLoggingOptions(cx, &awsiot.SetLoggingOptionsInput{LoggingOptionsPayload: &types.LoggingOptionsPayload{
		RoleArn: aws.String(badinputRoleARN), LogLevel: types.LogLevelWarn}}))
	must(c.SetV2LoggingOptions(cx, &awsiot.SetV2LoggingOptionsInput{RoleArn: aws.String(badinputRoleARN), DefaultLogLevel: types.LogLevelInfo}))
	must(c.SetV2LoggingLevel(cx, &awsiot.SetV2LoggingLevelInput{LogLevel: types.LogLevelDebug,
		LogTarget: &types.LogTarget{TargetType: types.LogTargetTypeThingGroup, TargetName: aws.String(badinputGroup)}}))
	must(c.CreateRoleAlias(cx, &awsiot.CreateRoleAliasInput{RoleAlias: aws.String(badinputAlias), RoleArn: aws.String(badinputRoleARN),
		CredentialDurationSeconds: aws.Int32(3600)}))
	must(c.UpdateAccountAuditConfiguration(cx, &awsiot.UpdateAccountAuditConfigurationInput{RoleArn: aws.String(badinputRoleARN),
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{badinputCheck: {Enabled: true}}}))
	must(c.CreateScheduledAudit(cx, &awsiot.CreateScheduledAuditInput{ScheduledAuditName: aws.String(badinputAudit),
		Frequency: types.AuditFrequencyDaily, TargetCheckNames: []string{badinputCheck}}))
	return badinputSeed{certID: aws.ToString(cert.CertificateId), certARN: aws.ToString(cert.CertificateArn)}
}

// badinputSnapshot reads the account's whole state through the SDK: every
// resource listed, then described, as JSON text keyed by kind and name.
func badinputSnapshot(t *testing.T, c *awsiot.Client) map[string]string {
	t.Helper()
	cx := ctx(t)
	state := map[string]string{}
	put := func(key string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("snapshot of %s: %v", key, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		state[key] = string(b)
	}

	var things []string
	for p := awsiot.NewListThingsPaginator(c, &awsiot.ListThingsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(cx)
		put("things", nil, err)
		for _, th := range page.Things {
			things = append(things, aws.ToString(th.ThingName))
		}
	}
	slices.Sort(things)
	put("things", things, nil)
	for _, name := range things {
		d, err := c.DescribeThing(cx, &awsiot.DescribeThingInput{ThingName: aws.String(name)})
		put("thing/"+name, d, err)
		pr, err := c.ListThingPrincipals(cx, &awsiot.ListThingPrincipalsInput{ThingName: aws.String(name)})
		put("thing/"+name+"/principals", pr, err)
		gr, err := c.ListThingGroupsForThing(cx, &awsiot.ListThingGroupsForThingInput{ThingName: aws.String(name)})
		put("thing/"+name+"/groups", gr, err)
	}

	thingTypes, err := c.ListThingTypes(cx, &awsiot.ListThingTypesInput{MaxResults: aws.Int32(250)})
	put("thing-types", thingTypes, err)
	for _, tt := range thingTypes.ThingTypes {
		d, err := c.DescribeThingType(cx, &awsiot.DescribeThingTypeInput{ThingTypeName: tt.ThingTypeName})
		put("thing-type/"+aws.ToString(tt.ThingTypeName), d, err)
		tags, err := c.ListTagsForResource(cx, &awsiot.ListTagsForResourceInput{ResourceArn: d.ThingTypeArn})
		put("thing-type/"+aws.ToString(tt.ThingTypeName)+"/tags", tags, err)
	}

	groups, err := c.ListThingGroups(cx, &awsiot.ListThingGroupsInput{MaxResults: aws.Int32(250)})
	put("thing-groups", groups, err)
	for _, g := range groups.ThingGroups {
		d, err := c.DescribeThingGroup(cx, &awsiot.DescribeThingGroupInput{ThingGroupName: g.GroupName})
		put("thing-group/"+aws.ToString(g.GroupName), d, err)
		tags, err := c.ListTagsForResource(cx, &awsiot.ListTagsForResourceInput{ResourceArn: d.ThingGroupArn})
		put("thing-group/"+aws.ToString(g.GroupName)+"/tags", tags, err)
	}

	certs, err := c.ListCertificates(cx, &awsiot.ListCertificatesInput{PageSize: aws.Int32(250)})
	put("certificates", certs, err)
	for _, ct := range certs.Certificates {
		d, err := c.DescribeCertificate(cx, &awsiot.DescribeCertificateInput{CertificateId: ct.CertificateId})
		put("certificate/"+aws.ToString(ct.CertificateId), d, err)
		pol, err := c.ListAttachedPolicies(cx, &awsiot.ListAttachedPoliciesInput{Target: ct.CertificateArn})
		put("certificate/"+aws.ToString(ct.CertificateId)+"/policies", pol, err)
	}

	policies, err := c.ListPolicies(cx, &awsiot.ListPoliciesInput{PageSize: aws.Int32(250)})
	put("policies", policies, err)
	for _, p := range policies.Policies {
		name := aws.ToString(p.PolicyName)
		versions, err := c.ListPolicyVersions(cx, &awsiot.ListPolicyVersionsInput{PolicyName: p.PolicyName})
		put("policy/"+name+"/versions", versions, err)
		for _, v := range versions.PolicyVersions {
			d, err := c.GetPolicyVersion(cx, &awsiot.GetPolicyVersionInput{PolicyName: p.PolicyName, PolicyVersionId: v.VersionId})
			put("policy/"+name+"/version/"+aws.ToString(v.VersionId), d, err)
		}
	}

	v1, err := c.GetLoggingOptions(cx, &awsiot.GetLoggingOptionsInput{})
	put("logging", v1, err)
	v2, err := c.GetV2LoggingOptions(cx, &awsiot.GetV2LoggingOptionsInput{})
	if nc := (*types.NotConfiguredException)(nil); errors.As(err, &nc) {
		v2, err = nil, nil
	}
	put("logging/v2", v2, err)
	levels, err := c.ListV2LoggingLevels(cx, &awsiot.ListV2LoggingLevelsInput{})
	if nc := (*types.NotConfiguredException)(nil); errors.As(err, &nc) {
		levels, err = nil, nil
	}
	put("logging/v2/levels", levels, err)

	aliases, err := c.ListRoleAliases(cx, &awsiot.ListRoleAliasesInput{PageSize: aws.Int32(250)})
	put("role-aliases", aliases, err)
	for _, a := range aliases.RoleAliases {
		d, err := c.DescribeRoleAlias(cx, &awsiot.DescribeRoleAliasInput{RoleAlias: aws.String(a)})
		put("role-alias/"+a, d, err)
	}

	audit, err := c.DescribeAccountAuditConfiguration(cx, &awsiot.DescribeAccountAuditConfigurationInput{})
	put("audit/configuration", audit, err)
	audits, err := c.ListScheduledAudits(cx, &awsiot.ListScheduledAuditsInput{MaxResults: aws.Int32(250)})
	put("audit/scheduled", audits, err)
	for _, a := range audits.ScheduledAudits {
		d, err := c.DescribeScheduledAudit(cx, &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: a.ScheduledAuditName})
		put("audit/scheduled/"+aws.ToString(a.ScheduledAuditName), d, err)
	}
	return state
}

// badinputResource names a resource that a refused request must not have
// created.
type badinputResource struct{ kind, name string }

// wantAbsent checks that the resource does not exist.
func (r badinputResource) wantAbsent(t *testing.T, c *awsiot.Client) {
	t.Helper()
	cx := ctx(t)
	name := aws.String(r.name)
	var err error
	switch r.kind {
	case "thing":
		_, err = c.DescribeThing(cx, &awsiot.DescribeThingInput{ThingName: name})
	case "thing-type":
		_, err = c.DescribeThingType(cx, &awsiot.DescribeThingTypeInput{ThingTypeName: name})
	case "thing-group":
		_, err = c.DescribeThingGroup(cx, &awsiot.DescribeThingGroupInput{ThingGroupName: name})
	case "policy":
		_, err = c.GetPolicy(cx, &awsiot.GetPolicyInput{PolicyName: name})
	case "role-alias":
		_, err = c.DescribeRoleAlias(cx, &awsiot.DescribeRoleAliasInput{RoleAlias: name})
	case "certificate":
		_, err = c.DescribeCertificate(cx, &awsiot.DescribeCertificateInput{CertificateId: name})
	case "scheduled-audit":
		_, err = c.DescribeScheduledAudit(cx, &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: name})
	default:
		t.Fatalf("unknown resource kind %q", r.kind)
	}
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("%s %s after the refused request: error %v, want ResourceNotFoundException", r.kind, r.name, err)
	}
}

// badinputCertificatePEM returns a self-signed certificate in PEM that the
// account has not registered.
func badinputCertificatePEM() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "badinput device"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// badinputCertificateID is the AWS certificate id of a PEM certificate: the
// SHA-256 of its DER form, in hex.
func badinputCertificateID(certPEM string) string {
	block, _ := pem.Decode([]byte(certPEM))
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:])
}

// badinputJSONString quotes s as a JSON string.
func badinputJSONString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// badinputSignUnsigned signs req without a hash of its body
// (X-Amz-Content-Sha256: UNSIGNED-PAYLOAD), for bodies too large to hash.
func badinputSignUnsigned(t *testing.T, req *http.Request) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: firstKeyID, SecretAccessKey: firstSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "iot", region, time.Now()); err != nil {
		t.Fatal(err)
	}
}
