package registry

import (
	"context"
	"crypto"
	"testing"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// benchDevicePEMs makes n distinct RSA-2048 device certificates signed by one
// CA, reusing a few keys (a certificate's id depends on its serial too).
func benchDevicePEMs(b *testing.B, n int) (testCA, []string) {
	b.Helper()
	ca := newTestCA(b, certOpts{key: rsaKey(b, 2048)})
	keys := []crypto.Signer{rsaKey(b, 2048), rsaKey(b, 2048)}
	pems := make([]string, n)
	for i := range pems {
		pems[i], _ = ca.issue(b, certOpts{cn: "bench device", key: keys[i%len(keys)]})
	}
	return ca, pems
}

func BenchmarkRegisterCertificateWithoutCA(b *testing.B) {
	e := newCertEnv(b)
	ctx := context.Background()
	_, pems := benchDevicePEMs(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.r.RegisterCertificateWithoutCA(ctx, certAccount, pems[i], iot.CertificateActive); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegisterCertificateWithCA(b *testing.B) {
	e := newCertEnv(b)
	ctx := context.Background()
	ca, pems := benchDevicePEMs(b, b.N)
	if _, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly, SetAsActive: true}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.r.RegisterCertificate(ctx, certAccount, RegisterCertificateRequest{CertificatePEM: pems[i], CAPEM: ca.pem}); err != nil {
			b.Fatal(err)
		}
	}
}
