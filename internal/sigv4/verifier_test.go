package sigv4

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/clock"
)

// testNow is the server's time in these tests: 20260101T003500Z.
var testNow = time.Date(2026, 1, 1, 0, 35, 0, 0, time.UTC)

var testCreds = Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "test-secret", AccountID: "123456789012"}

func testVerifier() *Verifier {
	return &Verifier{Region: "us-east-1", Service: "iot", Clock: clock.NewFake(testNow), Lookup: lookupOf(testCreds)}
}

// signing describes how aws-sdk-go-v2's signer signs a test request; the
// zero value signs the Authorization header form at testNow for testCreds,
// us-east-1 and iot.
type signing struct {
	offset      time.Duration // signing time relative to testNow
	region      string
	service     string
	secret      string
	payloadHash string // the body's hash when empty
	presign     bool
	expires     string // X-Amz-Expires of a presigned request, none when empty
	token       string // session token
}

// request returns a server-side request (as Go's server would hand it to
// a handler) signed as s says.
func (s signing) request(t testing.TB, method, target, body string) *http.Request {
	t.Helper()
	return s.sign(t, httptest.NewRequest(method, target, strings.NewReader(body)), body)
}

// sign signs the server-side request r, whose body is body, as s says. A
// presigned request is returned anew, with the signed query.
func (s signing) sign(t testing.TB, r *http.Request, body string) *http.Request {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: or(s.secret, testCreds.SecretAccessKey), SessionToken: s.token}
	payloadHash := or(s.payloadHash, hexSHA256([]byte(body)))
	region, service := or(s.region, "us-east-1"), or(s.service, "iot")
	at := testNow.Add(s.offset)
	if !s.presign {
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payloadHash, service, region, at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if s.expires != "" {
		r.URL.RawQuery = addParam(r.URL.RawQuery, "X-Amz-Expires="+s.expires)
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, payloadHash, service, region, at)
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewRequest(r.Method, signed, strings.NewReader(body))
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func addParam(rawQuery, param string) string {
	if rawQuery == "" {
		return param
	}
	return rawQuery + "&" + param
}

// editAuthorization rewrites the Authorization header of r.
func editAuthorization(r *http.Request, old, new string) *http.Request {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
	return r
}

// editQuery rewrites the raw query of r.
func editQuery(r *http.Request, old, new string) *http.Request {
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, old, new, 1)
	r.RequestURI = r.URL.RequestURI()
	return r
}

// target is the request the error table signs, then breaks.
const target = "/things/a%20b?x=1"

// signedGET returns a builder of a GET of target, signed as s says.
func signedGET(s signing) func(t *testing.T) *http.Request {
	return func(t *testing.T) *http.Request { return s.request(t, "GET", target, "") }
}

// editedAuthorization returns a builder of a signed GET of target whose
// Authorization header has old replaced by new.
func editedAuthorization(old, new string) func(t *testing.T) *http.Request {
	return func(t *testing.T) *http.Request {
		return editAuthorization(signing{}.request(t, "GET", target, ""), old, new)
	}
}

// editedPresignedQuery returns a builder of a GET of target presigned for
// five minutes whose query has old replaced by new.
func editedPresignedQuery(old, new string) func(t *testing.T) *http.Request {
	return func(t *testing.T) *http.Request {
		return editQuery(signing{presign: true, expires: "300"}.request(t, "GET", target, ""), old, new)
	}
}

func TestVerifyErrors(t *testing.T) {
	mismatch := &Error{CodeInvalidSignature, messageSignatureInvalid}
	tests := []struct {
		name    string
		request func(t *testing.T) *http.Request
		body    string // sent body, when it differs from the signed one
		want    *Error
		// quoted: the want message ends with the request's Authorization
		// header, which carries a signature of the moment.
		quoted bool
	}{
		{
			name:    "valid",
			request: signedGET(signing{}),
		},
		{
			name: "valid POST with a body",
			request: func(t *testing.T) *http.Request {
				return signing{}.request(t, "POST", target, `{"attributePayload":{}}`)
			},
			body: `{"attributePayload":{}}`,
		},
		{
			name:    "no authentication",
			request: func(t *testing.T) *http.Request { return httptest.NewRequest("GET", target, nil) },
			want:    &Error{CodeMissingAuthenticationToken, "Missing Authentication Token"},
		},
		{
			name: "empty Authorization header",
			request: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("GET", target, nil)
				r.Header["Authorization"] = []string{""}
				return r
			},
			want: &Error{CodeIncompleteSignature, "Authorization header requires 'Credential' parameter. " +
				"Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="},
		},
		{
			name: "another scheme",
			request: func(t *testing.T) *http.Request {
				r := signing{}.request(t, "GET", target, "")
				r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
				return r
			},
			want: &Error{CodeIncompleteSignature, "Authorization header requires 'Credential' parameter. " +
				"Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz"},
		},
		{
			name: "no Signature",
			request: func(t *testing.T) *http.Request {
				r := signing{}.request(t, "GET", target, "")
				auth, _, _ := strings.Cut(r.Header.Get("Authorization"), ", Signature=")
				r.Header.Set("Authorization", auth)
				return r
			},
			want: &Error{CodeIncompleteSignature, "Authorization header requires 'Signature' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/iot/aws4_request, SignedHeaders=host;x-amz-date"},
		},
		{
			name: "no date header",
			request: func(t *testing.T) *http.Request {
				r := signing{}.request(t, "GET", target, "")
				r.Header.Del("X-Amz-Date")
				return r
			},
			want:   &Error{CodeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="},
			quoted: true,
		},
		{
			name:    "unsupported algorithm",
			request: editedAuthorization("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
			want:    &Error{CodeIncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		},
		{
			name:    "host not signed",
			request: editedAuthorization("SignedHeaders=host;", "SignedHeaders="),
			want:    &Error{CodeIncompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization."},
		},
		{
			name:    "x-amz-date not signed",
			request: editedAuthorization(";x-amz-date", ""),
			want:    &Error{CodeIncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."},
		},
		{
			name:    "credential without scope",
			request: editedAuthorization("/us-east-1/iot/aws4_request", ""),
			want: &Error{CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, " +
				"e.g. keyid/date/region/service/term, got 'AKIDTEST/20260101'"},
		},
		{
			name: "malformed X-Amz-Date",
			request: func(t *testing.T) *http.Request {
				r := signing{}.request(t, "GET", target, "")
				r.Header.Set("X-Amz-Date", "2026-01-01T00:35:00Z")
				return r
			},
			want: &Error{CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:35:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		},
		{
			name:    "unknown access key",
			request: editedAuthorization("AKIDTEST", "AKIDOTHER"),
			want:    &Error{CodeUnrecognizedClient, "The security token included in the request is invalid."},
		},
		{
			name:    "other region",
			request: signedGET(signing{region: "eu-west-1"}),
			want:    &Error{CodeInvalidSignature, "Credential should be scoped to a valid region, not 'eu-west-1'."},
		},
		{
			name:    "other service",
			request: signedGET(signing{service: "s3"}),
			want:    &Error{CodeInvalidSignature, "Credential should be scoped to correct service: 'iot'."},
		},
		{
			name:    "other terminator",
			request: editedAuthorization("aws4_request", "aws5_request"),
			want:    &Error{CodeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		},
		{
			name:    "scope date is not the request date",
			request: editedAuthorization("/20260101/", "/20251231/"),
			want: &Error{CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
				"'20251231' != '20260101', from '20260101T003500Z'."},
		},
		{
			name:    "14 minutes old",
			request: signedGET(signing{offset: -14 * time.Minute}),
		},
		{
			name:    "14 minutes ahead",
			request: signedGET(signing{offset: 14 * time.Minute}),
		},
		{
			name:    "20 minutes old",
			request: signedGET(signing{offset: -20 * time.Minute}),
			want:    &Error{CodeInvalidSignature, "Signature expired: 20260101T001500Z is now earlier than 20260101T002000Z (20260101T003500Z - 15 min.)"},
		},
		{
			name:    "20 minutes ahead",
			request: signedGET(signing{offset: 20 * time.Minute}),
			want:    &Error{CodeInvalidSignature, "Signature not yet current: 20260101T005500Z is still later than 20260101T005000Z (20260101T003500Z + 15 min.)"},
		},
		{
			name:    "wrong secret",
			request: signedGET(signing{secret: "not-the-secret"}),
			want:    mismatch,
		},
		{
			name: "signature not hex",
			request: func(t *testing.T) *http.Request {
				r := signing{}.request(t, "GET", target, "")
				auth, _, _ := strings.Cut(r.Header.Get("Authorization"), "Signature=")
				r.Header.Set("Authorization", auth+"Signature="+strings.Repeat("zz", 32))
				return r
			},
			want: mismatch,
		},
		{
			name:    "body changed",
			request: func(t *testing.T) *http.Request { return signing{}.request(t, "POST", target, `{"a":1}`) },
			body:    `{"a":2}`,
			want:    mismatch,
		},
		{
			name: "unsigned payload",
			request: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("POST", target, nil)
				r.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
				if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: testCreds.SecretAccessKey},
					r, unsignedPayload, "iot", "us-east-1", testNow); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: "any body at all",
		},
		{
			name: "declared payload hash is not the body's",
			request: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("POST", target, nil)
				declared := hexSHA256([]byte("signed body"))
				r.Header.Set("X-Amz-Content-Sha256", declared)
				if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: testCreds.SecretAccessKey},
					r, declared, "iot", "us-east-1", testNow); err != nil {
					t.Fatal(err)
				}
				return r
			},
			body: "sent body",
			want: mismatch,
		},
		{
			name:    "session token",
			request: signedGET(signing{token: "token/+="}),
		},
		{
			name: "Date header instead of X-Amz-Date",
			request: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("GET", target, nil)
				r.Header.Set("Date", testNow.Format(http.TimeFormat))
				signWithDateHeader(t, r, testCreds, testNow)
				return r
			},
		},
		{
			name: "Date header not signed",
			request: func(t *testing.T) *http.Request {
				r := httptest.NewRequest("GET", target, nil)
				r.Header.Set("Date", testNow.Format(http.TimeFormat))
				signWithDateHeader(t, r, testCreds, testNow)
				return editAuthorization(r, "date;host", "host")
			},
			want: &Error{CodeIncompleteSignature, "'Date' must be a 'SignedHeader' in the AWS Authorization."},
		},

		// Presigned URLs.
		{
			name:    "presigned",
			request: signedGET(signing{presign: true, expires: "300"}),
		},
		{
			name: "presigned with the body's hash",
			request: func(t *testing.T) *http.Request {
				return signing{presign: true, expires: "300", payloadHash: hexSHA256([]byte("b"))}.request(t, "POST", target, "b")
			},
			body: "b",
		},
		{
			name:    "presigned with a session token",
			request: signedGET(signing{presign: true, expires: "60", token: "a b/c+d"}),
		},
		{
			name:    "presigned without X-Amz-Expires, within the skew",
			request: signedGET(signing{presign: true, offset: -10 * time.Minute}),
		},
		{
			name:    "presigned without X-Amz-Expires, past the skew",
			request: signedGET(signing{presign: true, offset: -20 * time.Minute}),
			want:    &Error{CodeInvalidSignature, "Signature expired: 20260101T001500Z is now earlier than 20260101T002000Z (20260101T003500Z - 15 min.)"},
		},
		{
			name:    "presigned two hours ago for three",
			request: signedGET(signing{presign: true, expires: "10800", offset: -2 * time.Hour}),
		},
		{
			name:    "presigned and expired",
			request: signedGET(signing{presign: true, expires: "300", offset: -10 * time.Minute}),
			want:    &Error{CodeInvalidSignature, "Signature expired: 20260101T002500Z is now earlier than 20260101T003000Z (20260101T003500Z - 5 min.)"},
		},
		{
			name:    "presigned for the future",
			request: signedGET(signing{presign: true, expires: "3600", offset: 20 * time.Minute}),
			want:    &Error{CodeInvalidSignature, "Signature not yet current: 20260101T005500Z is still later than 20260101T005000Z (20260101T003500Z + 15 min.)"},
		},
		{
			name:    "presigned with X-Amz-Expires 0",
			request: signedGET(signing{presign: true, expires: "0"}),
			want:    &Error{CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '0'."},
		},
		{
			name:    "presigned for more than a week",
			request: signedGET(signing{presign: true, expires: "604801"}),
			want:    &Error{CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '604801'."},
		},
		{
			name:    "presigned for a week",
			request: signedGET(signing{presign: true, expires: "604800"}),
		},
		{
			name: "presigned with parameters missing",
			request: func(t *testing.T) *http.Request {
				return httptest.NewRequest("GET", "/things/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T003500Z", nil)
			},
			want: &Error{CodeIncompleteSignature, "AWS query-string parameters must include 'X-Amz-Credential'. " +
				"AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."},
		},
		{
			name:    "presigned with another algorithm",
			request: editedPresignedQuery("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
			want:    &Error{CodeIncompleteSignature, "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256', got 'AWS4-ECDSA-P256-SHA256'."},
		},
		{
			name:    "presigned without host signed",
			request: editedPresignedQuery("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
			want:    &Error{CodeIncompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization."},
		},
		{
			name:    "presigned with a parameter changed",
			request: editedPresignedQuery("x=1", "x=2"),
			want:    mismatch,
		},
		{
			name:    "presigned with the expiry extended",
			request: editedPresignedQuery("X-Amz-Expires=300", "X-Amz-Expires=3000"),
			want:    mismatch,
		},
		{
			name:    "presigned for another region",
			request: signedGET(signing{presign: true, expires: "300", region: "us-west-2"}),
			want:    &Error{CodeInvalidSignature, "Credential should be scoped to a valid region, not 'us-west-2'."},
		},
		{
			name:    "presigned with an unknown key",
			request: editedPresignedQuery("AKIDTEST", "AKIDOTHER"),
			want:    &Error{CodeUnrecognizedClient, "The security token included in the request is invalid."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.request(t)
			body := tt.body
			creds, err := testVerifier().Verify(r, []byte(body))
			var got *Error
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("Verify returned %T %v, want *Error", err, err)
			}
			if tt.quoted {
				tt.want.Message += r.Header.Get("Authorization")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("Verify error (-want +got):\n%s", diff)
			}
			if got == nil && creds != testCreds {
				t.Errorf("Verify = %+v, want %+v", creds, testCreds)
			}
			if got != nil && got.HTTPStatus() != http.StatusForbidden {
				t.Errorf("HTTPStatus = %d, want 403", got.HTTPStatus())
			}
		})
	}
}

// signWithDateHeader signs r the Authorization header way with its Date
// header as the request time; aws-sdk-go-v2 always uses X-Amz-Date.
func signWithDateHeader(t *testing.T, r *http.Request, creds Credentials, at time.Time) {
	t.Helper()
	const signed = "date;host"
	date := stamp(at)
	scope := date[:8] + "/us-east-1/iot/aws4_request"
	creq := appendCanonicalRequest(nil, r, appendNormalizedURI(nil, requestPath(r)), appendQueryParams(nil, r.URL.RawQuery), signed)
	creq = append(creq, hexSHA256(nil)...)
	var sum [32]byte
	newSigningKey(deriveKey(creds.SecretAccessKey, date[:8], "us-east-1", "iot")).sign(appendStringToSign(nil, date, scope, creq), &sum)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/"+scope+", SignedHeaders="+signed+", Signature="+hex.EncodeToString(sum[:]))
}
