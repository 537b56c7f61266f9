package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// FuzzVerify feeds arbitrary Authorization headers, paths, query strings
// and dates to Verify: it must never panic, and must answer with an *Error
// of a known code unless the request really is signed (as the
// get-vanilla seed from the test suite is). The seed corpus is in
// testdata/fuzz/FuzzVerify.
func FuzzVerify(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "+
		"Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "/", "", "20150830T123600Z")
	f.Add("", "/things/a%20b", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"+
		"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "")
	f.Add("AWS4-HMAC-SHA256 Credential=/, SignedHeaders=;;, Signature==", "/./../a//b/", "a&&=b&%zz=%&+=+", "2015")

	v := suiteVerifier(lookupOf(suiteCreds))
	f.Fuzz(func(t *testing.T, authorization, path, rawQuery, date string) {
		r := &http.Request{
			Method:     http.MethodGet,
			URL:        &url.URL{Path: path, RawQuery: rawQuery},
			RequestURI: path + "?" + rawQuery,
			Host:       "example.amazonaws.com",
			Header:     http.Header{},
		}
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		creds, err := v.Verify(r, nil)
		if err == nil {
			if creds != suiteCreds {
				t.Fatalf("Verify accepted the request for %+v", creds)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Verify returned %T %v, want *Error", err, err)
		}
		switch e.Code {
		case CodeMissingAuthenticationToken, CodeIncompleteSignature, CodeUnrecognizedClient, CodeInvalidSignature:
		default:
			t.Fatalf("Verify returned unknown code %q", e.Code)
		}
	})
}
