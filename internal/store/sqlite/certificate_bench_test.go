package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const benchAccount = "123456789012"

func benchCertificateStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.System().CreateAccount(ctx, iot.Account{ID: benchAccount, RegistrationCode: "code", CreatedAt: t0},
		iot.AccessKey{AccessKeyID: "AKIDBENCH", SecretAccessKey: "s", AccountID: benchAccount, CreatedAt: t0}); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchCertificate is a device certificate with facts of realistic sizes.
func benchCertificate(n int) iot.Certificate {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Millisecond)
	der := make([]byte, 900)
	der[0], der[1] = byte(n), byte(n>>8)
	return iot.Certificate{
		ID: fmt.Sprintf("%064x", n), Status: iot.CertificateActive, Mode: iot.CertificateModeDefault, DER: der,
		CreatedAt: t, LastModifiedAt: t, CustomerVersion: 1, GenerationID: fmt.Sprintf("00000000-0000-4000-8000-%012x", n),
		X509: iot.X509Facts{
			NotBefore: t, NotAfter: t.AddDate(1, 0, 0), KeyAlgorithm: "RSA", KeyBits: 2048,
			Subject: fmt.Sprintf("CN=device-%d,O=Example Corp,C=US", n), Issuer: "CN=Example Device CA,O=Example Corp,C=US",
			SerialHex: fmt.Sprintf("%040x", n), AuthorityKeyID: fmt.Sprintf("%040x", 1), SubjectKeyID: fmt.Sprintf("%040x", n),
			CRLDistributionPoints: []string{"http://crl.example.com/device-ca.crl"}, WeakKeyFingerprint: fmt.Sprintf("%020x", n),
		},
	}
}

func BenchmarkCreateCertificate(b *testing.B) {
	s := benchCertificateStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		err := s.Update(ctx, benchAccount, func(tx store.Tx) error {
			_, err := tx.CreateCertificate(ctx, benchCertificate(i), nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCertificatesByStatus measures the audit's scan, per certificate.
func BenchmarkCertificatesByStatus(b *testing.B) {
	s := benchCertificateStore(b)
	ctx := context.Background()
	const rows = 100000
	err := s.Update(ctx, benchAccount, func(tx store.Tx) error {
		for i := range rows {
			c := benchCertificate(i)
			if i%10 == 0 {
				c.Status = iot.CertificateInactive
			}
			if _, err := tx.CreateCertificate(ctx, c, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		err := s.View(ctx, benchAccount, func(tx store.ReadTx) error {
			for _, err := range tx.CertificatesByStatus(ctx, iot.CertificateActive, iot.CertificatePendingTransfer) {
				if err != nil {
					return err
				}
				if n++; n == b.N {
					break
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
