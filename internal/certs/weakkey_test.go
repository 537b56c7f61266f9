package certs

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// debianWeakKeyFingerprint is the openssl-blacklist line of
// testdata/debian-weak-rsa2048.pem, as computed by
//
//	openssl rsa -RSAPublicKey_in -in debian-weak-rsa2048.pem -noout -modulus | sha1sum | cut -c21-40
const debianWeakKeyFingerprint = "b7ead9492dfd921fc4f9"

// opensslFingerprint computes the blocklist line the way openssl-blacklist's
// own instructions do: the SHA-1 of openssl's modulus line, last 20 digits.
func opensslFingerprint(t *testing.T, args ...string) string {
	t.Helper()
	sum := sha1.Sum([]byte(runOpenSSL(t, args...)))
	return hex.EncodeToString(sum[:])[20:]
}

func TestWeakKeyFingerprintMatchesOpenSSL(t *testing.T) {
	t.Run("certificate", func(t *testing.T) {
		key := rsaKey(t, "rsa2048", 2048)
		cert := sign(t, caTemplate("CA"), nil, &key.PublicKey, key)
		path := writeTemp(t, "cert.pem", EncodeCertificatePEM(cert.Raw))
		want := opensslFingerprint(t, "x509", "-noout", "-modulus", "-in", path)
		if got := WeakKeyFingerprint(&key.PublicKey); got != want {
			t.Errorf("WeakKeyFingerprint = %s, openssl gives %s", got, want)
		}
		if got := mustParse(t, cert.Raw).WeakKeyFingerprint; got != want {
			t.Errorf("Certificate.WeakKeyFingerprint = %s, openssl gives %s", got, want)
		}
	})
	t.Run("Debian weak key", func(t *testing.T) {
		want := opensslFingerprint(t, "rsa", "-RSAPublicKey_in", "-noout", "-modulus", "-in", "testdata/debian-weak-rsa2048.pem")
		if got := WeakKeyFingerprint(readRSAPublicKey(t, "testdata/debian-weak-rsa2048.pem")); got != want {
			t.Errorf("WeakKeyFingerprint = %s, openssl gives %s", got, want)
		}
	})
}

func TestWeakKeyBlocklistFindsDebianKey(t *testing.T) {
	list := strings.Join([]string{
		"# This is a list of known-compromised 2048-bit keys in OpenSSL format.",
		"#",
		"00005890bc78bcbee3ca",
		"",
		"  " + strings.ToUpper(debianWeakKeyFingerprint) + "  ",
		"ffffd80c186767f2473a",
	}, "\n")
	blocklist, err := LoadWeakKeyBlocklist(strings.NewReader(list))
	if err != nil {
		t.Fatal(err)
	}
	if got := blocklist.Len(); got != 3 {
		t.Errorf("Len = %d, want 3", got)
	}
	weak := WeakKeyFingerprint(readRSAPublicKey(t, "testdata/debian-weak-rsa2048.pem"))
	if weak != debianWeakKeyFingerprint {
		t.Errorf("fingerprint of the Debian weak key = %s, want %s", weak, debianWeakKeyFingerprint)
	}
	if !blocklist.Contains(weak) {
		t.Error("Debian weak key not found in the blocklist")
	}
	if blocklist.Contains(WeakKeyFingerprint(readRSAPublicKey(t, "testdata/roca-rsa2048.pem"))) {
		t.Error("an unlisted key was found")
	}
	if blocklist.Contains("") {
		t.Error(`Contains("") = true`)
	}
}

func TestLoadWeakKeyBlocklistRejects(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  string
	}{
		{"too short", "# header\n00005890bc78bcbee3c\n", "line 2 "},
		{"too long", "00005890bc78bcbee3ca0\n", "line 1 "},
		{"not hex", "\n\n00005890bc78bcbee3cg\n", "line 3 "},
		{"full SHA-1", "a6d0fdec21d718b7f75eb7ead9492dfd921fc4f9\n", "line 1 "},
		{"text", "00005890bc78bcbee3ca\nhello world\n", "line 2 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadWeakKeyBlocklist(strings.NewReader(tt.input))
			wantError(t, err, iot.InvalidRequest, tt.line)
		})
	}
}

func TestLoadWeakKeyBlocklistEmpty(t *testing.T) {
	blocklist, err := LoadWeakKeyBlocklist(strings.NewReader("# only a header\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if blocklist.Len() != 0 {
		t.Errorf("Len = %d, want 0", blocklist.Len())
	}
}
