package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/server"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/storetest"
)

const (
	extAccount = "123456789012"
	extKeyID   = "AKIDEXTENSION0000001"
	extSecret  = "extension-secret-00000000000000000000000"
)

// extensionEnv is a running iotdefender and a client signing with SigV4.
type extensionEnv struct {
	t   *testing.T
	app *app.App
	url string
}

func newExtensionEnv(t *testing.T) *extensionEnv {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{
		DataDir: t.TempDir(), Region: "us-east-1", Endpoint: "iot.test:443", AccountID: extAccount,
		AccessKeyID: extKeyID, SecretAccessKey: extSecret, KeyPoolSize: -1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &extensionEnv{t: t, app: a, url: srv.URL}
}

// call sends a SigV4-signed request and returns the status and decoded body.
func (e *extensionEnv) call(method, path string, body []byte) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: extKeyID, SecretAccessKey: extSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iot", "us-east-1", time.Now()); err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("%s %s: body is not JSON: %v", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		out["errorType"] = resp.Header.Get("x-amzn-ErrorType")
	}
	return resp.StatusCode, out
}

// wantRefused checks an AWS-shaped InvalidRequestException whose message
// contains want.
func wantRefused(t *testing.T, status int, body map[string]any, want string) {
	t.Helper()
	msg, _ := body["message"].(string)
	if status != http.StatusBadRequest || !strings.HasPrefix(body["errorType"].(string), "InvalidRequestException") || !strings.Contains(msg, want) {
		t.Errorf("got %d %v, want 400 InvalidRequestException with %q", status, body, want)
	}
}

func TestUploadCRL(t *testing.T) {
	e := newExtensionEnv(t)
	root := storetest.NewTestCA(t, "Root", nil)
	intermediate := storetest.NewTestCA(t, "Issuing", root)
	device := intermediate.Issue(t, "device")
	stranger := storetest.NewTestCA(t, "Stranger", nil)
	impostor := storetest.NewTestCA(t, "Root", nil) // same name as the root, another key
	storetest.Update(t, e.app.Store, extAccount, func(tx store.Tx) error {
		ctx := context.Background()
		if _, err := tx.CreateCACertificate(ctx, root.Registered()); err != nil {
			return err
		}
		d := storetest.Device(device, "")
		d.Chain = []string{intermediate.Cert.ID}
		_, err := tx.CreateCertificate(ctx, d, []iot.ChainCertificate{storetest.Chain(intermediate.Cert)})
		return err
	})
	now := time.Now().UTC().Truncate(time.Second)
	rootCRL := root.CRL(t, now.Add(-time.Hour), intermediate.Cert)

	t.Run("DER of a registered CA", func(t *testing.T) {
		status, body := e.call(http.MethodPut, server.CRLPath, rootCRL)
		want := map[string]any{"issuer": "CN=Root", "issuerCertificateId": root.Cert.ID, "revokedCount": 1.0,
			"thisUpdate": float64(now.Add(-time.Hour).Unix()), "nextUpdate": float64(now.Add(23 * time.Hour).Unix())}
		if status != http.StatusOK {
			t.Fatalf("status %d: %v", status, body)
		}
		delete(body, "authorityKeyId")
		if diff := cmp.Diff(want, body); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
	})
	t.Run("PEM of a chain certificate", func(t *testing.T) {
		crl := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: intermediate.CRL(t, now, device)})
		status, body := e.call(http.MethodPut, server.CRLPath, crl)
		if status != http.StatusOK || body["issuerCertificateId"] != intermediate.Cert.ID || body["revokedCount"] != 1.0 {
			t.Errorf("got %d %v", status, body)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		tests := []struct {
			name string
			body []byte
			want string
		}{
			{"garbage", []byte("not a CRL"), "not a valid X.509 CRL"},
			{"empty", nil, "must be a CRL"},
			{"unknown issuer", stranger.CRL(t, now), `"CN=Stranger" is neither a registered CA certificate nor a certificate of a registered chain`},
			{"another key of the same name", impostor.CRL(t, now), "does not match the issuer's subject key identifier"},
			{"bad signature", tampered(root.CRL(t, now)), "signature does not verify"},
			{"older than the stored one", root.CRL(t, now.Add(-2*time.Hour)), "A newer CRL"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, body := e.call(http.MethodPut, server.CRLPath, tt.body)
				wantRefused(t, status, body, tt.want)
			})
		}
	})
	t.Run("stored, newest per issuer", func(t *testing.T) {
		if status, body := e.call(http.MethodPut, server.CRLPath, root.CRL(t, now)); status != http.StatusOK {
			t.Fatalf("newer CRL refused: %v", body)
		}
		storetest.View(t, e.app.Store, extAccount, func(tx store.ReadTx) error {
			crls, err := tx.UploadedCRLs(context.Background())
			var got []string
			for _, c := range crls {
				got = append(got, c.Issuer+" "+c.ThisUpdate.Format(time.RFC3339)+" "+strings.Join(c.Serials, ","))
			}
			want := []string{"CN=Issuing " + now.Format(time.RFC3339) + " " + device.SerialHex, "CN=Root " + now.Format(time.RFC3339) + " "}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stored CRLs (-want +got):\n%s", diff)
			}
			return err
		})
	})
}

// tampered changes the last byte of a CRL's signature.
func tampered(der []byte) []byte {
	out := bytes.Clone(der)
	out[len(out)-1] ^= 0x01
	return out
}

func TestIngestConnectionEvents(t *testing.T) {
	e := newExtensionEnv(t)
	principal := strings.Repeat("ab", 32)
	batch := `{"events": [
		{"clientId": "sensor-1", "timestamp": 1767225600000, "eventType": "connected", "sessionIdentifier": "00000000-0000-0000-0000-000000000001",
		 "principalIdentifier": "` + principal + `", "ipAddress": "192.0.2.1", "versionNumber": 0, "thingName": "sensor"},
		{"clientId": "sensor-1", "timestamp": 1767225660000, "eventType": "disconnected", "sessionIdentifier": "00000000-0000-0000-0000-000000000001",
		 "principalIdentifier": "` + principal + `", "clientInitiatedDisconnect": false, "disconnectReason": "DUPLICATE_CLIENTID", "versionNumber": 1}
	]}`
	status, body := e.call(http.MethodPost, server.ConnectionEventsPath, []byte(batch))
	if status != http.StatusOK || body["accepted"] != 2.0 {
		t.Fatalf("got %d %v, want 200 {accepted: 2}", status, body)
	}
	tests := []struct {
		name, body, want string
	}{
		{"not JSON", `{"events": [`, "must be a JSON object"},
		{"no events", `{}`, `no "events" array`},
		{"missing client id", `{"events": [{"timestamp": 1, "eventType": "connected", "principalIdentifier": "p"}]}`, "events[0]: clientId is required"},
		{"second event bad type", `{"events": [{"clientId": "a", "timestamp": 1, "eventType": "connected", "principalIdentifier": "p"},
			{"clientId": "b", "timestamp": 1, "eventType": "subscribed", "principalIdentifier": "p"}]}`, "events[1]: eventType must be connected or disconnected"},
		{"timestamp as text", `{"events": [{"clientId": "a", "timestamp": true, "eventType": "connected", "principalIdentifier": "p"}]}`, "events[0]: timestamp has the wrong type"},
		{"fractional timestamp", `{"events": [{"clientId": "a", "timestamp": 1.5, "eventType": "connected", "principalIdentifier": "p"}]}`, "events[0]: timestamp must be epoch milliseconds"},
		{"reason on a connection", `{"events": [{"clientId": "a", "timestamp": 1, "eventType": "connected", "principalIdentifier": "p", "disconnectReason": "X"}]}`, "events[0]: disconnectReason is only for disconnected events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(http.MethodPost, server.ConnectionEventsPath, []byte(tt.body))
			wantRefused(t, status, body, tt.want)
		})
	}
	storetest.View(t, e.app.Store, extAccount, func(tx store.ReadTx) error {
		n, err := tx.CountClientIDs(context.Background(), time.UnixMilli(0), time.UnixMilli(1<<50))
		if n != 1 {
			t.Errorf("%d client ids stored, want 1: a refused batch stores nothing", n)
		}
		var got []iot.ConnectionEvent
		for ev, err := range tx.TakeoversByClientID(context.Background(), time.UnixMilli(0), time.UnixMilli(1<<50)) {
			if err != nil {
				return err
			}
			got = append(got, ev)
		}
		want := []iot.ConnectionEvent{{ClientID: "sensor-1", Timestamp: time.UnixMilli(1767225660000).UTC(), Type: iot.Disconnected,
			SessionID: "00000000-0000-0000-0000-000000000001", Principal: principal, DisconnectReason: "DUPLICATE_CLIENTID"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored takeovers (-want +got):\n%s", diff)
		}
		return err
	})
}
