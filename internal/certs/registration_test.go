package certs

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestValidateForRegistration(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256 := ecKey(t, "p256", elliptic.P256()).Public()
	tests := []struct {
		name string
		pub  any
		now  time.Time
		want iot.Kind
	}{
		{"EC P-256 inside validity", p256, testNow, ""},
		{"EC P-384", ecKey(t, "p384", elliptic.P384()).Public(), testNow, ""},
		{"EC P-521", ecKey(t, "p521", elliptic.P521()).Public(), testNow, ""},
		{"RSA 2048", &rsaKey(t, "rsa2048", 2048).PublicKey, testNow, ""},
		{"at notBefore", p256, testNow.Add(-24 * time.Hour), ""},
		{"at notAfter", p256, testNow.Add(365 * 24 * time.Hour), ""},
		{"before notBefore", p256, testNow.Add(-25 * time.Hour), iot.CertificateValidation},
		{"after notAfter", p256, testNow.Add(366 * 24 * time.Hour), iot.CertificateValidation},
		{"RSA 1024", &rsaKey(t, "rsa1024", 1024).PublicKey, testNow, iot.CertificateValidation},
		{"EC P-224", ecKey(t, "p224", elliptic.P224()).Public(), testNow, iot.CertificateValidation},
		{"Ed25519", edKey.Public(), testNow, iot.CertificateValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, sign(t, certTemplate("device"), ca, tt.pub, caKey).Raw)
			wantError(t, ValidateForRegistration(c, tt.now), tt.want, "")
		})
	}
}

func TestValidateCA(t *testing.T) {
	key := ecKey(t, "ca", elliptic.P256())
	noCertSign := caTemplate("CA without keyCertSign")
	noCertSign.KeyUsage = x509.KeyUsageDigitalSignature
	noKeyUsage := caTemplate("CA without key usage")
	noKeyUsage.KeyUsage = 0
	notCA := certTemplate("not a CA")
	notCA.BasicConstraintsValid = true
	tests := []struct {
		name     string
		template *x509.Certificate
		want     iot.Kind
	}{
		{"CA", caTemplate("CA"), ""},
		{"CA without key usage", noKeyUsage, ""},
		{"CA:FALSE", notCA, iot.CertificateValidation},
		{"no basic constraints", certTemplate("plain"), iot.CertificateValidation},
		{"key usage without keyCertSign", noCertSign, iot.CertificateValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, sign(t, tt.template, nil, key.Public(), key).Raw)
			wantError(t, ValidateCA(c), tt.want, "")
		})
	}
}

func TestVerifySignedBy(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	other, _ := testCA(t, "Other CA")
	device := mustParse(t, sign(t, certTemplate("device"), ca, ecKey(t, "device", elliptic.P256()).Public(), caKey).Raw)
	tests := []struct {
		name string
		ca   *x509.Certificate
		want iot.Kind
	}{
		{"its CA", ca, ""},
		{"another CA", other, iot.CertificateValidation},
		{"itself, not a CA", device.Leaf, iot.CertificateValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, VerifySignedBy(device, tt.ca), tt.want, "")
		})
	}
}

func TestVerifyVerificationCertificate(t *testing.T) {
	const code = "8a6b3c1d9e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"
	ca, caKey := testCA(t, "Fleet Root CA")
	other, otherKey := testCA(t, "Other CA")
	verificationKey := ecKey(t, "verification", elliptic.P256()).Public()
	caCert := mustParse(t, ca.Raw)
	tests := []struct {
		name         string
		verification *Certificate
		want         iot.Kind
	}{
		{"code as CN, signed by the CA", mustParse(t, sign(t, certTemplate(code), ca, verificationKey, caKey).Raw), ""},
		{"wrong CN", mustParse(t, sign(t, certTemplate("not-the-code"), ca, verificationKey, caKey).Raw), iot.RegistrationCodeValidation},
		{"signed by another key", mustParse(t, sign(t, certTemplate(code), other, verificationKey, otherKey).Raw), iot.CertificateValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, VerifyVerificationCertificate(tt.verification, caCert, code), tt.want, "")
		})
	}
}
