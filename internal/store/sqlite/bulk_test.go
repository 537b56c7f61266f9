package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func TestBulkLoadsAcrossBatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := s.System().CreateAccount(ctx, iot.Account{ID: "123456789012", RegistrationCode: "r", CreatedAt: t0},
		iot.AccessKey{AccessKeyID: "AKIDBULK", SecretAccessKey: "s", AccountID: "123456789012", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	const n = bulkBatch + 10 // the last batch is committed by Close
	b := s.Bulk(ctx, "123456789012")
	for i := range n {
		c := iot.Certificate{ID: fmt.Sprintf("%064x", i), Status: iot.CertificateActive, Mode: iot.CertificateModeDefault,
			DER: []byte{byte(i)}, CreatedAt: t0, LastModifiedAt: t0, CustomerVersion: 1, GenerationID: "g",
			X509: iot.X509Facts{NotBefore: t0, NotAfter: t0.Add(time.Hour), KeyAlgorithm: "EC", KeyBits: 256}}
		if err := b.Certificate(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ConnectionEvents(iot.ConnectionEvent{ClientID: "c", Principal: "p", Timestamp: t0, Type: iot.Connected}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Certificate(iot.Certificate{ID: fmt.Sprintf("%064x", 0), DER: []byte{0}}); err == nil {
		t.Error("a second certificate with the same id was accepted")
	}
	err = s.View(ctx, "123456789012", func(tx store.ReadTx) error {
		count := 0
		for _, err := range tx.CertificatesByStatus(ctx, iot.CertificateActive) {
			if err != nil {
				return err
			}
			count++
		}
		if count != n {
			t.Errorf("%d certificates stored, want %d", count, n)
		}
		clients, err := tx.CountClientIDs(ctx, t0, t0.Add(time.Second))
		if clients != 1 {
			t.Errorf("%d client ids stored, want 1", clients)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
