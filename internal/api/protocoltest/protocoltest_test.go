package protocoltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/api/apigen"
	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/protocoltest/suite"
)

// suitesDir holds botocore's protocol test suites, outside the repository.
const suitesDir = "../../../../shared/testdata/protocols"

// skipped lists the cases that test only what a client does, with the reason a
// server has nothing to read back.
var skipped = map[string]string{
	"RestJsonQueryIdempotencyTokenAutoFill":          "the client fills in an idempotency token the parameters do not hold",
	"SDKAppliedContentEncoding_restJson1":            "the client compresses the body; the case holds no body to read",
	"SDKAppendedGzipAfterProvidedEncoding_restJson1": "the client compresses the body; the case holds no body to read",
	"RestJsonQueryParamsStringListMap":               "the client lets a named query member win over a map key; a server puts every parameter in the map (RestJsonAllQueryStringTypes)",
	"RestJsonQueryPrecedence":                        "the client lets a named query member win over a map key; the map value it drops is not on the wire",
}

func loadSuite(t *testing.T, file, prefix string) []*suite.Group {
	t.Helper()
	path := filepath.Join(suitesDir, file)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the protocol test suites must be at %s (botocore's rest-json cases): %v", suitesDir, err)
	}
	groups, err := suite.Load(path, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return groups
}

// The committed generated files must be what the generator makes of the suites;
// run `go generate ./internal/api/protocoltest` after changing the generator.
func TestGeneratedCodeMatchesSuites(t *testing.T) {
	loadSuite(t, suite.InputFile, "In")
	files, err := suite.GeneratedFiles(suitesDir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator makes of the suites: run go generate ./internal/api/protocoltest", name)
		}
	}
}

// Every serialized request routes to its operation and decodes, through the
// generated code, into the case's parameters.
func TestInputCases(t *testing.T) {
	runCases(t, suite.InputFile, "In", checkInput)
}

// runCases runs check on every case of a suite but the skipped ones, and logs
// how many pass.
func runCases(t *testing.T, file, prefix string, check func(*testing.T, *suite.Group, unit, *suite.Case)) {
	all := units()
	passed := 0
	for _, g := range loadSuite(t, file, prefix) {
		for _, c := range g.Cases {
			t.Run(c.ID, func(t *testing.T) {
				if reason, ok := skipped[c.ID]; ok {
					t.Skip(reason)
				}
				check(t, g, all[g.Prefix], c)
				if !t.Failed() {
					passed++
				}
			})
		}
	}
	t.Logf("%d cases of %s pass", passed, file)
}

func checkInput(t *testing.T, g *suite.Group, u unit, c *suite.Case) {
	s := c.Serialized
	uri := s.URI
	// A client endpoint with a path is a server mounted under that path.
	if g.ClientEndpoint != "" {
		endpoint, err := url.Parse(g.ClientEndpoint)
		if err != nil {
			t.Fatal(err)
		}
		uri = strings.TrimPrefix(uri, strings.TrimSuffix(endpoint.Path, "/"))
	}
	body := ""
	if s.Body != nil {
		body = *s.Body
	}
	r := httptest.NewRequest(s.Method, uri, strings.NewReader(body))
	for k, v := range s.Headers {
		r.Header.Set(k, v)
	}
	if s.Host != "" {
		r.Host = s.Host
	}
	op, params, ok := u.match(r)
	if !ok || op != c.Operation {
		t.Fatalf("%s %s routed to %q (matched %t), want %s", s.Method, uri, op, ok, c.Operation)
	}
	in, err := u.codecs[op].Decode(&awsjson.Request{HTTP: r, Body: []byte(body), Params: params})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	got := map[string]any{}
	if ref := g.Model.Operations[op].Input; ref != nil {
		p, _ := toParams(g.Model, &apigen.Member{Shape: ref.Shape}, reflect.ValueOf(in))
		got = p.(map[string]any)
		dropEmptyBound(g.Model.Shapes[ref.Shape], got)
	}
	want := dropNulls(c.Params).(map[string]any)
	if ref := g.Model.Operations[op].Input; ref != nil {
		dropEmptyBound(g.Model.Shapes[ref.Shape], want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded input (-want +got):\n%s", diff)
	}
}

// Every result encodes, through the generated code, into the case's response;
// every error renders through awsjson.WriteError into the case's status, error
// code and members.
func TestOutputCases(t *testing.T) {
	runCases(t, suite.OutputFile, "Out", func(t *testing.T, g *suite.Group, u unit, c *suite.Case) {
		if c.ErrorCode != "" {
			checkError(t, g, u, c)
		} else {
			checkOutput(t, g, u, c)
		}
	})
}

func checkOutput(t *testing.T, g *suite.Group, u unit, c *suite.Case) {
	codec := u.codecs[c.Operation]
	op := g.Model.Operations[c.Operation]
	var out any
	if codec.NewOutput != nil {
		out = codec.NewOutput()
		v, err := fromParams(g.Model, &apigen.Member{Shape: op.Output.Shape}, c.Result, reflect.TypeOf(out).Elem())
		if err != nil {
			t.Fatal(err)
		}
		reflect.ValueOf(out).Elem().Set(v)
	} else if len(c.Result) > 0 {
		t.Fatalf("operation %s has no output, the case has the result %v", c.Operation, c.Result)
	}
	rec := httptest.NewRecorder()
	if err := codec.Encode(rec, out); err != nil {
		t.Fatalf("encode: %v", err)
	}
	checkStatusAndHeaders(t, c.Response, rec, nil)

	want := c.Response.Body
	if op.Output == nil {
		checkRawBody(t, want, rec.Body.String())
		return
	}
	s := g.Model.Shapes[op.Output.Shape]
	if s.Payload == "" {
		// Servers write an object even when no member is in the body; the cases
		// with no body at all check that clients accept its absence.
		if strings.TrimSpace(want) == "" {
			want = "{}"
		}
		checkJSONBody(t, g.Model, &apigen.Member{Shape: op.Output.Shape}, want, rec.Body.String())
		return
	}
	payload := s.Members[s.Payload]
	if ps := g.Model.Shapes[payload.Shape]; ps.Type == "structure" && strings.TrimSpace(want) != "" {
		checkJSONBody(t, g.Model, payload, want, rec.Body.String())
		return
	}
	checkRawBody(t, want, rec.Body.String())
}

func checkError(t *testing.T, g *suite.Group, u unit, c *suite.Case) {
	newErr := u.exceptions[c.ErrorCode]
	if newErr == nil {
		t.Fatalf("no exception has the code %s", c.ErrorCode)
	}
	e := newErr()
	shape := exceptionShape(g.Model, c.ErrorCode)
	v, err := fromParams(g.Model, &apigen.Member{Shape: shape}, c.Error, reflect.TypeOf(e).Elem())
	if err != nil {
		t.Fatal(err)
	}
	reflect.ValueOf(e).Elem().Set(v)
	if c.ErrorMessage != "" && e.Error() != c.ErrorMessage {
		t.Errorf("Error() = %q, want %q", e.Error(), c.ErrorMessage)
	}
	rec := httptest.NewRecorder()
	awsjson.WriteError(rec, e)

	if code := responseErrorCode(t, c.Response); code != c.ErrorCode {
		t.Fatalf("the case's response carries the code %q, its errorCode is %q", code, c.ErrorCode)
	}
	checkStatusAndHeaders(t, c.Response, rec, func(name string) bool { return strings.EqualFold(name, "X-Amzn-Errortype") })
	if got := rec.Header().Get("X-Amzn-Errortype"); got != c.ErrorCode {
		t.Errorf("x-amzn-ErrorType = %q, want %q", got, c.ErrorCode)
	}
	want := c.Response.Body
	if strings.TrimSpace(want) == "" {
		want = "{}"
	}
	var members map[string]any
	if err := json.Unmarshal([]byte(want), &members); err != nil {
		t.Fatalf("the case's error body: %v", err)
	}
	// "code" and "__type" carry the error code in some services' bodies: the
	// header carries it here.
	delete(members, "code")
	delete(members, "__type")
	b, _ := json.Marshal(members)
	checkJSONBody(t, g.Model, &apigen.Member{Shape: shape}, string(b), rec.Body.String())
}

// exceptionShape names the exception shape with the error code.
func exceptionShape(m *apigen.Model, code string) string {
	for name, s := range m.Shapes {
		if !s.Exception {
			continue
		}
		if s.Error != nil && s.Error.Code != "" {
			name = s.Error.Code
		}
		if name == code {
			return name
		}
	}
	return ""
}

// responseErrorCode reads the error code of a response as a client does: from
// x-amzn-ErrorType, else from the body's "code" or "__type", without a namespace
// ("ns#Code") or URI ("Code:http://...").
func responseErrorCode(t *testing.T, r *suite.Response) string {
	code := ""
	for k, v := range r.Headers {
		if strings.EqualFold(k, "X-Amzn-Errortype") {
			code = v
		}
	}
	if code == "" {
		var body struct {
			Code string `json:"code"`
			Type string `json:"__type"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("the case's error body: %v", err)
		}
		code = body.Code + body.Type
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	code, _, _ = strings.Cut(code, ":")
	return code
}

// checkStatusAndHeaders compares the status and the headers the case lists
// (names in any case), except those skip says to leave out.
func checkStatusAndHeaders(t *testing.T, want *suite.Response, rec *httptest.ResponseRecorder, skip func(string) bool) {
	t.Helper()
	if rec.Code != want.StatusCode {
		t.Errorf("status %d, want %d", rec.Code, want.StatusCode)
	}
	for name, value := range want.Headers {
		if skip != nil && skip(name) {
			continue
		}
		if got, ok := rec.Header()[http.CanonicalHeaderKey(name)]; !ok || strings.Join(got, ", ") != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
}

func checkRawBody(t *testing.T, want, got string) {
	t.Helper()
	if got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}

// checkJSONBody compares two JSON bodies of the member's shape as values, in
// the params form: key order, spacing, timestamp forms and null members do not
// matter.
func checkJSONBody(t *testing.T, m *apigen.Model, ref *apigen.Member, want, got string) {
	t.Helper()
	var wantJSON, gotJSON any
	if err := json.Unmarshal([]byte(want), &wantJSON); err != nil {
		t.Fatalf("the case's body: %v", err)
	}
	if err := json.Unmarshal([]byte(got), &gotJSON); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	wantParams, err := bodyParams(m, ref, wantJSON)
	if err != nil {
		t.Fatalf("the case's body: %v", err)
	}
	gotParams, err := bodyParams(m, ref, gotJSON)
	if err != nil {
		t.Fatalf("body %s: %v", got, err)
	}
	if diff := cmp.Diff(wantParams, gotParams); diff != "" {
		t.Errorf("body (-want +got):\n%s\ngot body: %s", diff, got)
	}
}
