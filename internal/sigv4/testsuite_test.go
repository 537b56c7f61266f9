package sigv4

import (
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/clock"
)

// suiteDir is the AWS SigV4 test suite, shared by the projects of this
// checkout and not copied into the repository.
const suiteDir = "../../../shared/testdata/aws4_testsuite"

// The suite signs every request with these credentials, for this scope, at
// this time (AWS's "Signature Version 4 test suite" documentation).
var suiteCreds = Credentials{
	AccessKeyID:     "AKIDEXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	AccountID:       "123456789012",
}

const (
	suiteRegion  = "us-east-1"
	suiteService = "service"
	suiteTime    = "20150830T123600Z"
)

// knownBadSreq names the cases whose .sreq does not carry the signature of
// its .authz: get-vanilla-with-session-token's .sreq reuses get-vanilla's
// signature. The verifier must reject it as written and accept it with the
// .authz signature.
var knownBadSreq = map[string]bool{"get-vanilla-with-session-token": true}

type suiteCase struct {
	name  string
	dir   string
	sreq  string // signed request, raw HTTP
	authz string // expected Authorization header
	creq  string // expected canonical request
	sts   string // expected string to sign
}

func loadSuite(t *testing.T) []suiteCase {
	t.Helper()
	if _, err := os.Stat(suiteDir); err != nil {
		t.Fatalf("the AWS SigV4 test suite is missing: %v (expected at <repo>/../shared/testdata/aws4_testsuite)", err)
	}
	var cases []suiteCase
	err := filepath.WalkDir(suiteDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sreq") {
			return err
		}
		base := strings.TrimSuffix(path, ".sreq")
		c := suiteCase{name: filepath.Base(base), dir: filepath.Dir(path)}
		for ext, dst := range map[string]*string{".sreq": &c.sreq, ".authz": &c.authz, ".creq": &c.creq, ".sts": &c.sts} {
			b, err := os.ReadFile(base + ext)
			if err != nil {
				return err
			}
			*dst = string(b)
		}
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("found %d cases in %s, want the whole suite", len(cases), suiteDir)
	}
	return cases
}

// parseRawRequest reads a request the way Go's HTTP server would see it:
// the Host header moved to r.Host, folded header lines joined by a space,
// header keys canonical. It is lenient where the suite is: the request
// target may contain spaces and raw UTF-8.
func parseRawRequest(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	i := strings.LastIndex(rest, " HTTP/")
	if i < 0 {
		t.Fatalf("bad request line %q", lines[0])
	}
	target := rest[:i]
	path, rawQuery, _ := strings.Cut(target, "?")
	r := &http.Request{
		Method:     method,
		RequestURI: target,
		URL:        &url.URL{Path: path, RawQuery: rawQuery},
		Header:     http.Header{},
		Proto:      "HTTP/1.1",
	}
	var lastKey string
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			vs := r.Header[lastKey]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		lastKey = textproto.CanonicalMIMEHeaderKey(k)
		r.Header[lastKey] = append(r.Header[lastKey], strings.TrimSpace(v))
	}
	if h := r.Header["Host"]; len(h) > 0 {
		r.Host = h[0]
		delete(r.Header, "Host")
	}
	return r, []byte(body)
}

func suiteVerifier(lookup KeyLookup) *Verifier {
	now, _ := time.Parse(timeFormat, suiteTime)
	return &Verifier{Region: suiteRegion, Service: suiteService, Clock: clock.NewFake(now), Lookup: lookup}
}

func lookupOf(creds ...Credentials) KeyLookup {
	return func(id string) (Credentials, bool) {
		for _, c := range creds {
			if c.AccessKeyID == id {
				return c, true
			}
		}
		return Credentials{}, false
	}
}

// canonicalForms derives the canonical request and the string to sign of r
// the way Verify does, with the normalized path and the body's hash.
func canonicalForms(t *testing.T, v *Verifier, r *http.Request, body []byte) (creq, sts string) {
	t.Helper()
	s := new(scratch)
	a, err := v.parse(r, s)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	uri := appendNormalizedURI(nil, requestPath(r))
	req := append(appendCanonicalRequest(nil, r, uri, s.query, a.signedHeaders), s.hashBody(body)...)
	return string(req), string(appendStringToSign(nil, a.amzDate, a.scope, req))
}

func TestSuite(t *testing.T) {
	for _, c := range loadSuite(t) {
		t.Run(c.name, func(t *testing.T) {
			v := suiteVerifier(lookupOf(suiteCreds))
			r, body := parseRawRequest(t, c.sreq)
			sent := r.Header.Get("Authorization")
			if knownBadSreq[c.name] {
				if _, err := v.Verify(r, body); !isCode(err, CodeInvalidSignature) {
					t.Errorf("Verify(.sreq with a wrong signature) = %v, want %s", err, CodeInvalidSignature)
				}
				r.Header.Set("Authorization", c.authz)
			} else if sent != c.authz {
				t.Fatalf(".sreq Authorization = %q, .authz = %q", sent, c.authz)
			}

			creq, sts := canonicalForms(t, v, r, body)
			if diff := cmp.Diff(c.creq, creq); diff != "" {
				t.Errorf("canonical request (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.sts, sts); diff != "" {
				t.Errorf("string to sign (-want +got):\n%s", diff)
			}
			got, err := v.Verify(r, body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if diff := cmp.Diff(suiteCreds, got); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSuiteTampered(t *testing.T) {
	for _, c := range loadSuite(t) {
		tampers := map[string]func(r *http.Request, body []byte) (*Verifier, []byte){
			"host": func(r *http.Request, body []byte) (*Verifier, []byte) {
				r.Host = "example.amazonaws.com.evil"
				return suiteVerifier(lookupOf(suiteCreds)), body
			},
			"signed header": func(r *http.Request, body []byte) (*Verifier, []byte) {
				for name := range strings.SplitSeq(signedHeadersOf(r), ";") {
					if name != "host" && name != "x-amz-date" {
						k := textproto.CanonicalMIMEHeaderKey(name)
						r.Header[k] = append(r.Header[k], "tampered")
						return suiteVerifier(lookupOf(suiteCreds)), body
					}
				}
				r.Method = "PUT" // no other signed header: change the method instead
				return suiteVerifier(lookupOf(suiteCreds)), body
			},
			"body": func(r *http.Request, body []byte) (*Verifier, []byte) {
				return suiteVerifier(lookupOf(suiteCreds)), append(body, 'x')
			},
			"secret": func(r *http.Request, body []byte) (*Verifier, []byte) {
				other := suiteCreds
				other.SecretAccessKey += "x"
				return suiteVerifier(lookupOf(other)), body
			},
			"query": func(r *http.Request, body []byte) (*Verifier, []byte) {
				r.URL.RawQuery += "&extra=1"
				return suiteVerifier(lookupOf(suiteCreds)), body
			},
			"path": func(r *http.Request, body []byte) (*Verifier, []byte) {
				path, query, _ := strings.Cut(r.RequestURI, "?")
				r.RequestURI = path + "x"
				if query != "" {
					r.RequestURI += "?" + query
				}
				return suiteVerifier(lookupOf(suiteCreds)), body
			},
		}
		for name, tamper := range tampers {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				r, body := parseRawRequest(t, c.sreq)
				r.Header.Set("Authorization", c.authz)
				v, body := tamper(r, body)
				_, err := v.Verify(r, body)
				var e *Error
				if !errors.As(err, &e) || e.Code != CodeInvalidSignature || e.Message != messageSignatureInvalid {
					t.Errorf("Verify(tampered) = %v, want the signature mismatch", err)
				}
			})
		}
	}
}

func signedHeadersOf(r *http.Request) string {
	_, after, _ := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders=")
	signed, _, _ := strings.Cut(after, ",")
	return signed
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
