package certs

import (
	"bytes"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestParseDerivedFields(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	template := certTemplate("device-0001")
	template.SerialNumber = new(big.Int).SetBytes([]byte{0x00, 0x0a, 0xbc, 0xde, 0xf0})
	template.CRLDistributionPoints = []string{"http://crl.example.com/root.crl", "ldap://ldap.example.com/cn=root"}
	template.SubjectKeyId = []byte{1, 2, 3, 4}
	leafKey := ecKey(t, "device-p384", elliptic.P384())
	leaf := sign(t, template, ca, leafKey.Public(), caKey)

	got := mustParse(t, EncodeCertificatePEM(leaf.Raw))

	type fields struct {
		NotBefore, NotAfter                                      time.Time
		KeyAlgorithm                                             string
		KeyBits                                                  int
		Subject, Issuer, SerialHex, AuthorityKeyID, SubjectKeyID string
		CRLDistributionPoints                                    []string
		IsCA, ROCAVulnerable                                     bool
		WeakKeyFingerprint                                       string
		RawIssuerIsCASubject                                     bool
	}
	want := fields{
		NotBefore:             template.NotBefore,
		NotAfter:              template.NotAfter,
		KeyAlgorithm:          KeyEC,
		KeyBits:               384,
		Subject:               "CN=device-0001,O=Example Fleet",
		Issuer:                "CN=Fleet Root CA,O=Example Fleet",
		SerialHex:             "abcdef0",
		AuthorityKeyID:        hex.EncodeToString(ca.SubjectKeyId),
		SubjectKeyID:          "01020304",
		CRLDistributionPoints: template.CRLDistributionPoints,
		RawIssuerIsCASubject:  true,
	}
	gotFields := fields{
		NotBefore: got.NotBefore, NotAfter: got.NotAfter,
		KeyAlgorithm: got.KeyAlgorithm, KeyBits: got.KeyBits,
		Subject: got.Subject, Issuer: got.Issuer, SerialHex: got.SerialHex,
		AuthorityKeyID: got.AuthorityKeyID, SubjectKeyID: got.SubjectKeyID,
		CRLDistributionPoints: got.CRLDistributionPoints,
		IsCA:                  got.IsCA, ROCAVulnerable: got.ROCAVulnerable,
		WeakKeyFingerprint:   got.WeakKeyFingerprint,
		RawIssuerIsCASubject: bytes.Equal(got.RawIssuer, ca.RawSubject),
	}
	if diff := cmp.Diff(want, gotFields); diff != "" {
		t.Errorf("derived fields (-want +got):\n%s", diff)
	}
	if !bytes.Equal(got.DER, leaf.Raw) {
		t.Error("DER is not the leaf's DER")
	}
	if !mustParse(t, ca.Raw).IsCA {
		t.Error("CA certificate: IsCA = false")
	}
}

// The certificate id must be what AWS and openssl compute: SHA-256 of the DER.
func TestParseIDMatchesOpenSSLFingerprint(t *testing.T) {
	ca, _ := testCA(t, "Fleet Root CA")
	pemBytes := EncodeCertificatePEM(ca.Raw)
	out := runOpenSSL(t, "x509", "-noout", "-fingerprint", "-sha256", "-in", writeTemp(t, "ca.pem", pemBytes))
	_, fingerprint, _ := strings.Cut(strings.TrimSpace(out), "=")
	want := strings.ToLower(strings.ReplaceAll(fingerprint, ":", ""))
	if got := mustParse(t, pemBytes).ID; got != want {
		t.Errorf("ID = %s, openssl says %s", got, want)
	}
}

func TestParseForms(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	inter := sign(t, caTemplate("Fleet Intermediate CA"), ca, ecKey(t, "intermediate", elliptic.P256()).Public(), caKey)
	leaf := sign(t, certTemplate("device"), ca, ecKey(t, "device", elliptic.P256()).Public(), caKey)
	leafPEM := EncodeCertificatePEM(leaf.Raw)
	chainPEM := append(append(append([]byte{}, leafPEM...), EncodeCertificatePEM(inter.Raw)...), EncodeCertificatePEM(ca.Raw)...)

	tests := []struct {
		name      string
		input     []byte
		wantChain []string
	}{
		{"one PEM block", leafPEM, nil},
		{"PEM with CRLF and surrounding blanks", []byte("\r\n  " + strings.ReplaceAll(string(leafPEM), "\n", "\r\n") + "\r\n\n"), nil},
		{"PEM with text before the block", append([]byte("subject=CN=device\n"), leafPEM...), nil},
		{"leaf then chain", chainPEM, []string{"Fleet Intermediate CA", "Fleet Root CA"}},
		{"raw DER", leaf.Raw, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.input)
			if !bytes.Equal(c.DER, leaf.Raw) {
				t.Errorf("leaf is %q, want device", c.Leaf.Subject.CommonName)
			}
			if !bytes.Equal(c.PEM, leafPEM) {
				t.Errorf("PEM = %q, want the normalized leaf block", c.PEM)
			}
			var chain []string
			for _, cert := range c.Chain {
				chain = append(chain, cert.Subject.CommonName)
			}
			if diff := cmp.Diff(tt.wantChain, chain); diff != "" {
				t.Errorf("chain (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	ca, _ := testCA(t, "Fleet Root CA")
	caPEM := EncodeCertificatePEM(ca.Raw)
	tests := []struct {
		name    string
		input   []byte
		message string
	}{
		{"empty", nil, "empty"},
		{"blanks", []byte(" \n\t"), "empty"},
		{"not a certificate", []byte("hello"), "not a valid X.509"},
		{"private key block", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), `"PRIVATE KEY"`},
		{"broken PEM", []byte("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"), "no PEM block"},
		{"garbage inside PEM", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "not a valid X.509"},
		{"trailing data", append(append([]byte{}, caPEM...), "junk"...), "after PEM block 1"},
		{"DER with trailing bytes", append(append([]byte{}, ca.Raw...), 0), "not a valid X.509"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.input)
			wantError(t, err, iot.CertificateValidation, tt.message)
		})
	}
}

func TestParseKeyAlgorithms(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		pub       any
		wantAlg   string
		wantBits  int
		wantPrint bool
	}{
		{"RSA 2048", &rsaKey(t, "rsa2048", 2048).PublicKey, KeyRSA, 2048, true},
		{"RSA 1024", &rsaKey(t, "rsa1024", 1024).PublicKey, KeyRSA, 1024, true},
		{"EC P-256", ecKey(t, "p256", elliptic.P256()).Public(), KeyEC, 256, false},
		{"EC P-521", ecKey(t, "p521", elliptic.P521()).Public(), KeyEC, 521, false},
		{"Ed25519", edKey.Public(), KeyEd25519, 256, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, sign(t, certTemplate("device"), ca, tt.pub, caKey).Raw)
			if c.KeyAlgorithm != tt.wantAlg || c.KeyBits != tt.wantBits {
				t.Errorf("key = %s/%d, want %s/%d", c.KeyAlgorithm, c.KeyBits, tt.wantAlg, tt.wantBits)
			}
			if hasPrint := c.WeakKeyFingerprint != ""; hasPrint != tt.wantPrint {
				t.Errorf("WeakKeyFingerprint = %q, want one: %v", c.WeakKeyFingerprint, tt.wantPrint)
			}
		})
	}
}
