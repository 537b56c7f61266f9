package sigv4

import (
	"errors"
	"testing"
)

// TestServiceAliases: a credential scope naming an alias of the service is
// accepted like the service's own name; any other service is still refused.
func TestServiceAliases(t *testing.T) {
	v := testVerifier()
	v.Aliases = []string{"execute-api"}
	for _, service := range []string{"iot", "execute-api"} {
		r := signing{service: service}.request(t, "GET", "/things?maxResults=2", "")
		if creds, err := v.Verify(r, nil); err != nil || creds != testCreds {
			t.Errorf("signed for %s: got %+v, %v; want the test credentials", service, creds, err)
		}
	}
	r := signing{service: "s3"}.request(t, "GET", "/things", "")
	var e *Error
	if _, err := v.Verify(r, nil); !errors.As(err, &e) || e.Code != CodeInvalidSignature {
		t.Errorf("signed for s3: got %v, want %s", err, CodeInvalidSignature)
	}
	// Without aliases, only the service's own name is accepted.
	r = signing{service: "execute-api"}.request(t, "GET", "/things", "")
	if _, err := testVerifier().Verify(r, nil); !errors.As(err, &e) || e.Code != CodeInvalidSignature {
		t.Errorf("signed for execute-api without aliases: got %v, want %s", err, CodeInvalidSignature)
	}
}
