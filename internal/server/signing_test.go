package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSigningServiceNames: requests signed for "iot" and for "execute-api"
// (the signing name of older AWS IoT models, which the aws CLI v2 of Debian
// 12 still uses) are both served; another service name is refused.
func TestSigningServiceNames(t *testing.T) {
	e := newExtensionEnv(t)
	for service, want := range map[string]int{"iot": http.StatusOK, "execute-api": http.StatusOK, "iotevents": http.StatusForbidden} {
		req, err := http.NewRequest(http.MethodGet, e.url+"/things", nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(nil)
		creds := aws.Credentials{AccessKeyID: extKeyID, SecretAccessKey: extSecret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("ListThings signed for %s: status %d, want %d (%s)", service, resp.StatusCode, want, resp.Header.Get("x-amzn-ErrorType"))
		}
	}
}
