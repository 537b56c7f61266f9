package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "AuditData", run: testAuditData})
}

func testAuditData(t *testing.T, open Opener) {
	t.Run("UploadedCRLs", func(t *testing.T) { testUploadedCRLs(t, open) })
	t.Run("ConnectionEvents", func(t *testing.T) { testConnectionEvents(t, open) })
	t.Run("Issuers", func(t *testing.T) { testAuditIssuers(t, open) })
	t.Run("DistributionPoints", func(t *testing.T) { testDistributionPoints(t, open) })
	t.Run("AuditCertificates", func(t *testing.T) { testAuditCertificates(t, open) })
	t.Run("Snapshot", func(t *testing.T) { testSnapshot(t, open) })
}

func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func fixtureCRL(issuer string, thisUpdate time.Time, serials ...string) store.UploadedCRL {
	return store.UploadedCRL{
		Issuer: issuer, AuthorityKeyID: "a1b2", IssuerCertificateID: "ca-" + issuer,
		ThisUpdate: thisUpdate, NextUpdate: thisUpdate.Add(24 * time.Hour), Number: "7",
		DER: []byte("der of " + issuer), Serials: serials, UploadedAt: T0,
	}
}

func testUploadedCRLs(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	first := fixtureCRL("CN=B", T0, "0a", "01")
	newer := fixtureCRL("CN=B", T0.Add(time.Hour), "02")
	newer.NextUpdate = time.Time{}
	newer.Number = ""
	other := fixtureCRL("CN=A", T0, "ff")
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, c := range []store.UploadedCRL{first, other, newer} {
			if err := tx.PutUploadedCRL(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.UploadedCRLs(ctx)
		if err != nil {
			return err
		}
		wantA, wantB := other, newer
		wantA.DER, wantB.DER = nil, nil
		if diff := cmp.Diff([]store.UploadedCRL{wantA, wantB}, got); diff != "" {
			t.Errorf("UploadedCRLs (-want +got):\n%s", diff)
		}
		one, err := tx.UploadedCRL(ctx, "CN=B", "a1b2")
		if err != nil {
			return err
		}
		wantB = newer
		wantB.Serials = nil
		if diff := cmp.Diff(wantB, one); diff != "" {
			t.Errorf("UploadedCRL (-want +got):\n%s", diff)
		}
		if _, err := tx.UploadedCRL(ctx, "CN=B", "other key"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UploadedCRL of an unknown key: %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := tx.UploadedCRLs(ctx)
		if len(got) != 0 {
			t.Errorf("another account sees %d CRLs", len(got))
		}
		return err
	})
}

func fixtureEvent(principal, client string, at time.Duration, typ iot.ConnectionEventType, reason string) iot.ConnectionEvent {
	return iot.ConnectionEvent{
		ClientID: client, Timestamp: T0.Add(at), Type: typ, SessionID: "s-" + client,
		Principal: principal, IPAddress: "192.0.2.1", DisconnectReason: reason, VersionNumber: 1,
	}
}

// audited returns connection records as the audit's scans read them: without
// their IP address, version and disconnect reason.
func audited(events ...iot.ConnectionEvent) []iot.ConnectionEvent {
	out := make([]iot.ConnectionEvent, len(events))
	for i, e := range events {
		out[i] = iot.ConnectionEvent{ClientID: e.ClientID, Timestamp: e.Timestamp, Type: e.Type, SessionID: e.SessionID, Principal: e.Principal}
	}
	return out
}

func testConnectionEvents(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	c, d := iot.Connected, iot.Disconnected
	events := []iot.ConnectionEvent{
		fixtureEvent("p2", "x", 3*time.Second, c, ""),
		fixtureEvent("p1", "y", 2*time.Second, c, ""),
		fixtureEvent("p1", "x", 1*time.Second, c, ""),
		fixtureEvent("p1", "x", 5*time.Second, d, "DUPLICATE_CLIENTID"),
		fixtureEvent("p2", "z", 9*time.Second, d, "DUPLICATE_CLIENTID"),
		fixtureEvent("p1", "y", 20*time.Second, d, "CLIENT_INITIATED_DISCONNECT"),
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.AddConnectionEvents(ctx, events); err != nil {
			return err
		}
		return tx.AddConnectionEvents(ctx, events[:2]) // delivered twice
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		return tx.AddConnectionEvents(ctx, []iot.ConnectionEvent{fixtureEvent("p1", "q", time.Second, c, "")})
	})
	from, to := T0, T0.Add(10*time.Second)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		byPrincipal, err := collect(tx.ConnectionEventsByPrincipal(ctx, from, to))
		if err != nil {
			return err
		}
		if diff := cmp.Diff(audited(events[2], events[1], events[3], events[0], events[4]), byPrincipal); diff != "" {
			t.Errorf("ConnectionEventsByPrincipal (-want +got):\n%s", diff)
		}
		takeovers, err := collect(tx.TakeoversByClientID(ctx, from, to))
		if err != nil {
			return err
		}
		want := audited(events[3], events[4])
		for i := range want {
			want[i].DisconnectReason = "DUPLICATE_CLIENTID"
		}
		if diff := cmp.Diff(want, takeovers); diff != "" {
			t.Errorf("TakeoversByClientID (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			name     string
			from, to time.Time
			want     int64
		}{
			{"whole window", from, to, 3},
			{"to is exclusive", from, T0.Add(2 * time.Second), 1},
			{"nothing", T0.Add(time.Hour), T0.Add(2 * time.Hour), 0},
		} {
			n, err := tx.CountClientIDs(ctx, tc.from, tc.to)
			if err != nil {
				return err
			}
			if n != tc.want {
				t.Errorf("CountClientIDs %s = %d, want %d", tc.name, n, tc.want)
			}
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := collect(tx.ConnectionEventsByPrincipal(ctx, from, to))
		if len(got) != 1 || got[0].ClientID != "q" {
			t.Errorf("the other account's records: %v", got)
		}
		return err
	})
}

func testAuditIssuers(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	root := fixtureCA(1, T0)
	root.X509.Subject, root.X509.Issuer = "CN=Root", "CN=Root"
	intermediate := fixtureCA(2, T0)
	intermediate.X509.Subject, intermediate.X509.Issuer = "CN=Intermediate", "CN=Root"
	inactive := fixtureCA(3, T0)
	inactive.Status = iot.CACertificateInactive
	for _, ca := range []iot.CACertificate{root, intermediate, inactive} {
		createCA(t, s, Account.ID, ca)
	}
	chain := fixtureChainCertificate(1)
	chain.X509.Subject = "CN=Intermediate"
	signed := fixtureCertificate(1, T0)
	signed.CAID = intermediate.ID
	chained := fixtureCertificate(2, T0)
	chained.Chain = []string{chain.ID}
	revoked := fixtureCertificate(3, T0)
	revoked.CAID, revoked.Status = intermediate.ID, iot.CertificateRevoked
	createCertificate(t, s, Account.ID, signed)
	createCertificate(t, s, Account.ID, chained, chain)
	createCertificate(t, s, Account.ID, revoked)

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		issuers, err := tx.IssuerCertificates(ctx, "CN=Intermediate")
		if err != nil {
			return err
		}
		var got []string
		for _, c := range issuers {
			got = append(got, fmt.Sprintf("%s registered=%t der=%x", c.ID, c.Registered, c.DER))
		}
		want := []string{
			fmt.Sprintf("%s registered=true der=%x", intermediate.ID, intermediate.DER),
			fmt.Sprintf("%s registered=false der=%x", chain.ID, chain.DER),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("IssuerCertificates (-want +got):\n%s", diff)
		}

		intermediates, err := tx.IntermediateCertificates(ctx)
		if err != nil {
			return err
		}
		got = nil
		for _, c := range intermediates {
			devices, err := collect(tx.ActiveCertificatesThrough(ctx, c))
			if err != nil {
				return err
			}
			got = append(got, fmt.Sprintf("%s %s %v", c.ID, c.X509.Subject, devices))
		}
		want = []string{
			fmt.Sprintf("%s CN=Intermediate [%s]", intermediate.ID, signed.ID),
			fmt.Sprintf("%s %s []", inactive.ID, inactive.X509.Subject),
			fmt.Sprintf("%s CN=Intermediate [%s]", chain.ID, chained.ID),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("IntermediateCertificates and their devices (-want +got):\n%s", diff)
		}

		active, err := collect(tx.ActiveCACertificates(ctx))
		if err != nil {
			return err
		}
		got = nil
		for _, c := range active {
			got = append(got, c.ID)
		}
		if diff := cmp.Diff([]string{root.ID, intermediate.ID}, got); diff != "" {
			t.Errorf("ActiveCACertificates (-want +got):\n%s", diff)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := tx.IntermediateCertificates(ctx)
		if len(got) != 0 {
			t.Errorf("another account sees %d intermediates", len(got))
		}
		return err
	})
}

func testDistributionPoints(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	device := fixtureCertificate(1, T0)
	device.X509.CRLDistributionPoints = []string{"http://crl.example/b.crl", "http://crl.example/a.crl"}
	same := fixtureCertificate(2, T0)
	same.X509.CRLDistributionPoints = device.X509.CRLDistributionPoints
	inactive := fixtureCertificate(3, T0)
	inactive.Status = iot.CertificateInactive
	inactive.X509.CRLDistributionPoints = []string{"http://crl.example/inactive.crl"}
	none := fixtureCertificate(4, T0)
	none.X509.CRLDistributionPoints = nil
	chain := fixtureChainCertificate(1)
	chain.X509.CRLDistributionPoints = []string{"http://crl.example/chain.crl"}
	ca := fixtureCA(1, T0)
	ca.X509.CRLDistributionPoints = []string{"http://crl.example/root.crl"}
	createCA(t, s, Account.ID, ca)
	createCertificate(t, s, Account.ID, device)
	createCertificate(t, s, Account.ID, same)
	createCertificate(t, s, Account.ID, inactive)
	none.Chain = []string{chain.ID}
	createCertificate(t, s, Account.ID, none, chain)

	tests := []struct {
		name string
		from store.DistributionPointSources
		want []string
	}{
		{"active device certificates", store.DistributionPointSources{DeviceCertificates: true},
			[]string{"http://crl.example/a.crl", "http://crl.example/b.crl"}},
		{"CA certificates", store.DistributionPointSources{CACertificates: true}, []string{"http://crl.example/root.crl"}},
		{"chain certificates", store.DistributionPointSources{ChainCertificates: true}, []string{"http://crl.example/chain.crl"}},
		{"all", store.DistributionPointSources{DeviceCertificates: true, CACertificates: true, ChainCertificates: true},
			[]string{"http://crl.example/a.crl", "http://crl.example/b.crl", "http://crl.example/chain.crl", "http://crl.example/root.crl"}},
		{"none", store.DistributionPointSources{}, nil},
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, tt := range tests {
			got, err := tx.CRLDistributionPoints(ctx, tt.from)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		return nil
	})
}

// testAuditCertificates checks that the parts of the audit's certificate scan
// are disjoint and hold every ACTIVE and PENDING_TRANSFER certificate, whatever
// the number of parts.
func testAuditCertificates(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	var want []string
	for n := range 40 {
		c := fixtureCertificate(n, T0)
		c.ID = fmt.Sprintf("%x", sha256.Sum256([]byte{byte(n)}))
		switch n % 4 {
		case 1:
			c.Status = iot.CertificatePendingTransfer
		case 2:
			c.Status = iot.CertificateInactive
		}
		if c.Status != iot.CertificateInactive {
			want = append(want, c.ID)
		}
		createCertificate(t, s, Account.ID, c)
	}
	other := fixtureCertificate(99, T0)
	createCertificate(t, s, Other.ID, other)
	slices.Sort(want)
	for _, parts := range []int{1, 2, 3, 16} {
		View(t, s, Account.ID, func(tx store.ReadTx) error {
			var got []string
			for part := range parts {
				certs, err := collect(tx.AuditCertificates(ctx, part, parts))
				if err != nil {
					return err
				}
				for _, c := range certs {
					got = append(got, c.ID)
					if c.CreatedAt != T0 || c.X509.SerialHex == "" || c.Status == "" {
						t.Errorf("certificate %s read without its audit fields: %+v", c.ID, c)
					}
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%d parts (-want +got):\n%s", parts, diff)
			}
			return nil
		})
	}
}

// testConcurrentSnapshots checks that two audits' snapshots may run at once:
// while the second waits for connections the first holds, the first can
// still write (its findings), and then both end.
func testConcurrentSnapshots(t *testing.T, s store.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var second sync.WaitGroup
	secondErr := make(chan error, 4)
	err := s.Snapshot(ctx, Account.ID, 3, func([]store.ReadTx) error {
		for range 3 {
			second.Go(func() {
				secondErr <- s.Snapshot(ctx, Account.ID, 3, func([]store.ReadTx) error { return nil })
			})
		}
		time.Sleep(100 * time.Millisecond) // the others wait for connections now
		written := make(chan struct{})
		go func() { // reports with t.Error: t.Fatal belongs to the test's goroutine
			defer close(written)
			for i := range 3 {
				event := fixtureEvent("p", fmt.Sprintf("while-waiting-%d", i), 0, iot.Connected, "")
				if err := s.Update(ctx, Account.ID, func(tx store.Tx) error {
					return tx.AddConnectionEvents(ctx, []iot.ConnectionEvent{event})
				}); err != nil {
					t.Errorf("a write while snapshots waited for connections: %v", err)
				}
			}
		}()
		select {
		case <-written:
		case <-time.After(10 * time.Second):
			t.Error("writes stopped while snapshots waited for connections")
		}
		// A snapshot waiting its turn, or for connections, gives up when its
		// context ends.
		var waiting sync.WaitGroup
		for range 2 {
			waiting.Go(func() {
				short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
				began := time.Now()
				err := s.Snapshot(short, Account.ID, 3, func([]store.ReadTx) error { return nil })
				if !errors.Is(err, context.DeadlineExceeded) || time.Since(began) > 5*time.Second {
					t.Errorf("a waiting snapshot whose context ended: %v after %v", err, time.Since(began))
				}
			})
		}
		waiting.Wait()
		// Account-independent reads (access keys, accounts) go on too.
		sysCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := s.System().Accounts(sysCtx); err != nil {
			t.Errorf("listing accounts while snapshots waited for connections: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	second.Wait()
	close(secondErr)
	for err := range secondErr {
		if err != nil {
			t.Errorf("snapshot begun during another: %v", err)
		}
	}
}

// testSnapshot checks that the transactions of a snapshot all see one state,
// however writes and the snapshot's reads interleave.
func testSnapshot(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	add := func(client string) {
		Update(t, s, Account.ID, func(tx store.Tx) error {
			return tx.AddConnectionEvents(ctx, []iot.ConnectionEvent{fixtureEvent("p", client, 0, iot.Connected, "")})
		})
	}
	count := func(tx store.ReadTx) int64 {
		n, err := tx.CountClientIDs(ctx, T0, T0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	add("before")
	err := s.Snapshot(ctx, Account.ID, 3, func(txs []store.ReadTx) error {
		if len(txs) != 3 {
			t.Fatalf("Snapshot gave %d transactions, want 3", len(txs))
		}
		add("during") // committed after the snapshot began, before any of its reads
		for i, tx := range txs {
			if n := count(tx); n != 1 {
				t.Errorf("transaction %d sees %d client ids, want 1 (the state when the snapshot began)", i, n)
			}
			add(fmt.Sprintf("between-%d", i))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if n := count(tx); n != 5 {
			t.Errorf("after the snapshot: %d client ids, want 5", n)
		}
		return nil
	})
	testConcurrentSnapshots(t, s)
	wantErr := errors.New("from fn")
	if err := s.Snapshot(ctx, Account.ID, 1, func([]store.ReadTx) error { return wantErr }); !errors.Is(err, wantErr) {
		t.Errorf("Snapshot returned %v, want fn's error", err)
	}
}
