package certs

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// makeCRL returns the DER of a CRL issued by issuer, revoking serials.
func makeCRL(t testing.TB, issuer *x509.Certificate, key crypto.Signer, nextUpdate time.Time, serials ...*big.Int) []byte {
	t.Helper()
	template := &x509.RevocationList{
		Number:     big.NewInt(42),
		ThisUpdate: testNow.Add(-time.Hour),
		NextUpdate: nextUpdate,
	}
	for _, s := range serials {
		template.RevokedCertificateEntries = append(template.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: s, RevocationTime: testNow.Add(-2 * time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, template, issuer, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseCRL(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	leadingZero := new(big.Int).SetBytes([]byte{0x00, 0x0f, 0xa1})
	der := makeCRL(t, ca, caKey, testNow.Add(24*time.Hour), big.NewInt(1000), leadingZero)

	for name, input := range map[string][]byte{
		"DER": der,
		"PEM": pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}),
	} {
		t.Run(name, func(t *testing.T) {
			crl, err := ParseCRL(input)
			if err != nil {
				t.Fatal(err)
			}
			type fields struct {
				Issuer, AuthorityKeyID string
				ThisUpdate, NextUpdate time.Time
				Number                 string
				Revoked                []string
			}
			want := fields{
				Issuer:         "CN=Fleet Root CA,O=Example Fleet",
				AuthorityKeyID: hex.EncodeToString(ca.SubjectKeyId),
				ThisUpdate:     testNow.Add(-time.Hour),
				NextUpdate:     testNow.Add(24 * time.Hour),
				Number:         "42",
				Revoked:        []string{"3e8", "fa1"},
			}
			got := fields{
				Issuer: crl.Issuer, AuthorityKeyID: crl.AuthorityKeyID,
				ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate,
				Number: crl.Number.String(), Revoked: crl.RevokedSerials(),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			for serial, want := range map[string]bool{"3e8": true, "fa1": true, "0fa1": false, "3E8": false, "1": false} {
				if got := crl.IsRevoked(serial); got != want {
					t.Errorf("IsRevoked(%q) = %v, want %v", serial, got, want)
				}
			}
		})
	}
}

// A serial read from a certificate and the same serial read from a CRL must
// compare equal.
func TestCRLSerialMatchesCertificateSerial(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	template := certTemplate("device")
	template.SerialNumber = new(big.Int).SetBytes([]byte{0x00, 0x80, 0x01, 0xff})
	device := mustParse(t, sign(t, template, ca, ecKey(t, "device", elliptic.P256()).Public(), caKey).Raw)
	crl, err := ParseCRL(makeCRL(t, ca, caKey, testNow.Add(time.Hour), template.SerialNumber))
	if err != nil {
		t.Fatal(err)
	}
	if !crl.IsRevoked(device.SerialHex) {
		t.Errorf("serial %s of the certificate not found in the CRL %v", device.SerialHex, crl.RevokedSerials())
	}
}

func TestParseCRLRejects(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	der := makeCRL(t, ca, caKey, testNow.Add(time.Hour))
	crlPEM := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
	tests := []struct {
		name    string
		input   []byte
		message string
	}{
		{"empty", nil, "not a valid X.509 CRL"},
		{"garbage", []byte("hello"), "not a valid X.509 CRL"},
		{"certificate instead", EncodeCertificatePEM(ca.Raw), `"CERTIFICATE"`},
		{"broken PEM", []byte("-----BEGIN X509 CRL-----\n!!\n"), "could not be decoded"},
		{"trailing data", append(append([]byte{}, crlPEM...), "junk"...), "after the PEM block"},
		{"truncated DER", der[:len(der)-10], "not a valid X.509 CRL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCRL(tt.input)
			wantError(t, err, iot.InvalidRequest, tt.message)
		})
	}
}

func TestCRLVerifyIssuer(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	other, _ := testCA(t, "Other CA")
	// Same name as the real CA, different key: only the key identifier and the
	// signature tell them apart.
	impostorKey := ecKey(t, "impostor", elliptic.P256())
	impostor := sign(t, caTemplate("Fleet Root CA"), nil, impostorKey.Public(), impostorKey)
	// Same name and no subject key identifier: only the signature tells.
	noSKI := *impostor
	noSKI.SubjectKeyId = nil

	crl, err := ParseCRL(makeCRL(t, ca, caKey, testNow.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		issuer  *x509.Certificate
		want    iot.Kind
		message string
	}{
		{"its issuer", ca, "", ""},
		{"another CA", other, iot.InvalidRequest, "was issued by"},
		{"same name, other key", impostor, iot.InvalidRequest, "authority key identifier"},
		{"same name, no key identifier", &noSKI, iot.InvalidRequest, "signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := crl.VerifyIssuer(tt.issuer)
			wantError(t, err, tt.want, tt.message)
		})
	}
}

func TestCRLSerialAgreesWithOpenSSL(t *testing.T) {
	ca, caKey := testCA(t, "Fleet Root CA")
	der := makeCRL(t, ca, caKey, testNow.Add(time.Hour), big.NewInt(0xabc))
	// openssl reads the CRL we parse and lists the same revoked serial.
	out := runOpenSSL(t, "crl", "-inform", "DER", "-noout", "-text", "-in", writeTemp(t, "ca.crl", der))
	if !strings.Contains(out, "Serial Number: 0ABC") {
		t.Errorf("openssl does not list serial 0ABC:\n%s", out)
	}
	crl, err := ParseCRL(der)
	if err != nil {
		t.Fatal(err)
	}
	if !crl.IsRevoked("abc") {
		t.Error(`IsRevoked("abc") = false`)
	}
}
