package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Certificates", run: testCertificates})
}

func testCertificates(t *testing.T, open Opener) {
	t.Run("RoundTrip", func(t *testing.T) { testCertificateRoundTrip(t, open) })
	t.Run("Chains", func(t *testing.T) { testCertificateChains(t, open) })
	t.Run("Listing", func(t *testing.T) { testCertificateListing(t, open) })
	t.Run("ScanByStatus", func(t *testing.T) { testCertificateScan(t, open) })
	t.Run("CACertificates", func(t *testing.T) { testCACertificates(t, open) })
	t.Run("CAListing", func(t *testing.T) { testCAListing(t, open) })
	t.Run("ThingPrincipals", func(t *testing.T) { testThingPrincipals(t, open) })
	t.Run("AccountIsolation", func(t *testing.T) { testCertificateIsolation(t, open) })
}

// certCmp compares domain values of the certificate family: nil and empty
// collections are equal.
var certCmp = cmpopts.EquateEmpty()

// fixtureFacts returns distinct X.509 facts for a fixture certificate.
func fixtureFacts(n int) iot.X509Facts {
	return iot.X509Facts{
		NotBefore:             T0.Add(-time.Hour),
		NotAfter:              T0.Add(time.Duration(n+1) * 24 * time.Hour),
		KeyAlgorithm:          "RSA",
		KeyBits:               2048,
		Subject:               fmt.Sprintf("CN=device-%d", n),
		Issuer:                "CN=Fixture CA,O=iotdefender",
		SerialHex:             fmt.Sprintf("%02x", n+1),
		AuthorityKeyID:        "a1b2",
		SubjectKeyID:          fmt.Sprintf("c3d4%02x", n),
		CRLDistributionPoints: []string{"http://crl.example/ca.crl"},
		ROCAVulnerable:        n%2 == 1,
		WeakKeyFingerprint:    fmt.Sprintf("%020x", n),
	}
}

// fixtureCertificate returns a device certificate whose id sorts by n.
func fixtureCertificate(n int, created time.Time) iot.Certificate {
	return iot.Certificate{
		ID:              fmt.Sprintf("%064x", n),
		Status:          iot.CertificateActive,
		Mode:            iot.CertificateModeDefault,
		DER:             []byte{0x30, byte(n)},
		CreatedAt:       created,
		LastModifiedAt:  created,
		CustomerVersion: 1,
		GenerationID:    fmt.Sprintf("gen-%d", n),
		X509:            fixtureFacts(n),
	}
}

func fixtureChainCertificate(n int) iot.ChainCertificate {
	f := fixtureFacts(100 + n)
	f.CRLDistributionPoints = nil
	return iot.ChainCertificate{ID: fmt.Sprintf("c%063x", n), DER: []byte{0x30, 0x80, byte(n)}, X509: f}
}

func createCertificate(t *testing.T, s store.Store, account string, c iot.Certificate, chain ...iot.ChainCertificate) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error {
		created, err := tx.CreateCertificate(context.Background(), c, chain)
		if err == nil && !created {
			err = fmt.Errorf("certificate %s was not created", c.ID)
		}
		return err
	})
}

func testCertificateRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	want := fixtureCertificate(1, T0)
	want.CAID = fmt.Sprintf("%064x", 999)
	want.Mode = iot.CertificateModeSNIOnly
	createCertificate(t, s, Account.ID, want)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Certificate(ctx, want.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, certCmp); diff != "" {
			t.Errorf("Certificate (-want +got):\n%s", diff)
		}
		if _, err := tx.Certificate(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Certificate(absent) = %v, want ErrNotFound", err)
		}
		return nil
	})

	// A second create of the same id writes nothing.
	Update(t, s, Account.ID, func(tx store.Tx) error {
		again := fixtureCertificate(1, T0.Add(time.Hour))
		again.Status = iot.CertificateRevoked
		created, err := tx.CreateCertificate(ctx, again, nil)
		if err != nil || created {
			t.Errorf("CreateCertificate of an existing id = %v, %v; want false, nil", created, err)
		}
		return nil
	})

	updated := want
	updated.Status = iot.CertificateInactive
	updated.LastModifiedAt = T0.Add(time.Minute)
	updated.CustomerVersion = 2
	updated.GenerationID = "gen-updated"
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.UpdateCertificate(ctx, updated); err != nil {
			return err
		}
		if err := tx.UpdateCertificate(ctx, fixtureCertificate(2, T0)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateCertificate(absent) = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Certificate(ctx, want.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(updated, got, certCmp); diff != "" {
			t.Errorf("Certificate after update (-want +got):\n%s", diff)
		}
		return nil
	})

	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteCertificate(ctx, want.ID); err != nil {
			return err
		}
		if err := tx.DeleteCertificate(ctx, want.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteCertificate = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if _, err := tx.Certificate(ctx, want.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Certificate after delete = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testCertificateChains(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	inter1, inter2 := fixtureChainCertificate(1), fixtureChainCertificate(2)
	a := fixtureCertificate(1, T0)
	a.Chain = []string{inter1.ID, inter2.ID}
	b := fixtureCertificate(2, T0)
	b.Chain = []string{inter2.ID}
	createCertificate(t, s, Account.ID, a, inter1, inter2)
	createCertificate(t, s, Account.ID, b, inter2)

	wantChain := func(id string, want ...iot.ChainCertificate) {
		t.Helper()
		View(t, s, Account.ID, func(tx store.ReadTx) error {
			got, err := tx.CertificateChain(ctx, id)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got, certCmp); diff != "" {
				t.Errorf("CertificateChain(%s) (-want +got):\n%s", id[60:], diff)
			}
			return nil
		})
	}
	wantChain(a.ID, inter1, inter2)
	wantChain(b.ID, inter2)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Certificate(ctx, a.ID)
		if err == nil && !cmp.Equal(a.Chain, got.Chain) {
			t.Errorf("Certificate(a).Chain = %v, want %v", got.Chain, a.Chain)
		}
		return err
	})

	// Deleting a keeps the intermediate b still names, and drops the other.
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.DeleteCertificate(ctx, a.ID) })
	wantChain(b.ID, inter2)
	// A chain certificate stored anew after its last user went is the new one:
	// the old row was deleted, not left behind.
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.DeleteCertificate(ctx, b.ID) })
	renewed := inter2
	renewed.X509.Subject = "CN=renewed"
	c := fixtureCertificate(3, T0)
	c.Chain = []string{renewed.ID}
	createCertificate(t, s, Account.ID, c, renewed)
	wantChain(c.ID, renewed)
	wantChain(a.ID)
}

func testCertificateListing(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	caID := fmt.Sprintf("%064x", 777)
	// Seven certificates: ids 0..6; 2 and 3 share a creation millisecond (the id
	// breaks the tie); the odd ones are signed by the CA.
	var all []iot.Certificate
	for n := range 7 {
		created := T0.Add(time.Duration(n) * time.Second)
		if n == 3 {
			created = all[2].CreatedAt
		}
		c := fixtureCertificate(n, created)
		if n%2 == 1 {
			c.CAID = caID
		}
		all = append(all, c)
	}
	// Insert out of order, so that order comes from the listing, not the table.
	for _, n := range []int{4, 0, 6, 2, 5, 3, 1} {
		createCertificate(t, s, Account.ID, all[n])
	}
	ids := func(cs []iot.Certificate) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID[62:])
		}
		return out
	}
	tests := []struct {
		name      string
		ascending bool
		caID      string
		want      []int
	}{
		{"ascending", true, "", []int{0, 1, 2, 3, 4, 5, 6}},
		{"descending", false, "", []int{6, 5, 4, 3, 2, 1, 0}},
		{"by CA ascending", true, caID, []int{1, 3, 5}},
		{"by CA descending", false, caID, []int{5, 3, 1}},
		{"by unknown CA", true, fmt.Sprintf("%064x", 778), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []iot.Certificate
			for _, n := range tc.want {
				c := all[n]
				c.DER = nil
				want = append(want, c)
			}
			got := readAllPages(t, s, func(tx store.ReadTx, p store.Page) ([]iot.Certificate, bool, error) {
				return tx.Certificates(ctx, store.CertificateListing{Page: p, Ascending: tc.ascending, CAID: tc.caID})
			}, func(c iot.Certificate) string { return store.CreationKey(c.CreatedAt, c.ID) })
			if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, got, certCmp); diff != "" {
				t.Errorf("certificates (-want +got):\n%s", diff)
			}
		})
	}
}

func testCertificateScan(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	statuses := []iot.CertificateStatus{iot.CertificateActive, iot.CertificateInactive, iot.CertificateRevoked,
		iot.CertificatePendingTransfer, iot.CertificateActive}
	for n, status := range statuses {
		c := fixtureCertificate(n, T0)
		c.Status = status
		createCertificate(t, s, Account.ID, c)
	}
	other := fixtureCertificate(9, T0)
	createCertificate(t, s, Other.ID, other)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		var got []string
		for c, err := range tx.CertificatesByStatus(ctx, iot.CertificateActive, iot.CertificatePendingTransfer) {
			if err != nil {
				return err
			}
			if c.X509.SerialHex == "" {
				t.Errorf("scan returned %s without its X.509 facts", c.ID)
			}
			got = append(got, c.ID[63:])
		}
		if diff := cmp.Diff([]string{"0", "3", "4"}, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("CertificatesByStatus (-want +got):\n%s", diff)
		}
		// Stopping early releases the scan.
		for range tx.CertificatesByStatus(ctx, iot.CertificateActive) {
			break
		}
		return nil
	})
}

func fixtureCA(n int, created time.Time) iot.CACertificate {
	return iot.CACertificate{
		ID:              fmt.Sprintf("ca%062x", n),
		Status:          iot.CACertificateActive,
		Mode:            iot.CertificateModeDefault,
		DER:             []byte{0x30, 0xca, byte(n)},
		RawSubject:      []byte(fmt.Sprintf("subject-%d", n%3)),
		CreatedAt:       created,
		LastModifiedAt:  created,
		CustomerVersion: 1,
		GenerationID:    fmt.Sprintf("ca-gen-%d", n),
		X509:            fixtureFacts(200 + n),
	}
}

func createCA(t *testing.T, s store.Store, account string, c iot.CACertificate) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error {
		created, err := tx.CreateCACertificate(context.Background(), c)
		if err == nil && !created {
			err = fmt.Errorf("CA certificate %s was not created", c.ID)
		}
		return err
	})
}

func testCACertificates(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	want := fixtureCA(1, T0)
	want.AutoRegistration = true
	want.RegistrationConfig = iot.RegistrationConfig{TemplateBody: `{"Resources":{}}`, RoleARN: "arn:aws:iam::123456789012:role/jitp"}
	createCA(t, s, Account.ID, want)
	sameSubject := fixtureCA(4, T0) // 4 % 3 == 1: same subject as want
	createCA(t, s, Account.ID, sameSubject)
	createCA(t, s, Account.ID, fixtureCA(2, T0))

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.CACertificate(ctx, want.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, certCmp); diff != "" {
			t.Errorf("CACertificate (-want +got):\n%s", diff)
		}
		if _, err := tx.CACertificate(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CACertificate(absent) = %v, want ErrNotFound", err)
		}
		bySubject, err := tx.CACertificatesBySubject(ctx, want.RawSubject)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]iot.CACertificate{want, sameSubject}, bySubject, certCmp); diff != "" {
			t.Errorf("CACertificatesBySubject (-want +got):\n%s", diff)
		}
		return nil
	})

	Update(t, s, Account.ID, func(tx store.Tx) error {
		created, err := tx.CreateCACertificate(ctx, fixtureCA(1, T0.Add(time.Hour)))
		if err != nil || created {
			t.Errorf("CreateCACertificate of an existing id = %v, %v; want false, nil", created, err)
		}
		return nil
	})

	updated := want
	updated.Status = iot.CACertificateInactive
	updated.AutoRegistration = false
	updated.RegistrationConfig = iot.RegistrationConfig{TemplateName: "jitp-template"}
	updated.LastModifiedAt = T0.Add(time.Minute)
	updated.CustomerVersion = 2
	updated.GenerationID = "ca-gen-updated"
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.UpdateCACertificate(ctx, updated); err != nil {
			return err
		}
		if err := tx.UpdateCACertificate(ctx, fixtureCA(9, T0)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateCACertificate(absent) = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.CACertificate(ctx, want.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(updated, got, certCmp); diff != "" {
			t.Errorf("CACertificate after update (-want +got):\n%s", diff)
		}
		return nil
	})

	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteCACertificate(ctx, want.ID); err != nil {
			return err
		}
		if err := tx.DeleteCACertificate(ctx, want.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteCACertificate = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		bySubject, err := tx.CACertificatesBySubject(ctx, want.RawSubject)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]iot.CACertificate{sameSubject}, bySubject, certCmp); diff != "" {
			t.Errorf("CACertificatesBySubject after delete (-want +got):\n%s", diff)
		}
		return nil
	})
}

func testCAListing(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	var all []iot.CACertificate
	for n := range 5 {
		c := fixtureCA(n, T0.Add(time.Duration(n)*time.Second))
		if n%2 == 0 {
			c.RegistrationConfig.TemplateName = "fleet"
		}
		all = append(all, c)
	}
	for _, n := range []int{3, 0, 4, 1, 2} {
		createCA(t, s, Account.ID, all[n])
	}
	tests := []struct {
		name      string
		ascending bool
		template  string
		want      []int
	}{
		{"ascending", true, "", []int{0, 1, 2, 3, 4}},
		{"descending", false, "", []int{4, 3, 2, 1, 0}},
		{"by template", true, "fleet", []int{0, 2, 4}},
		{"by template descending", false, "fleet", []int{4, 2, 0}},
		{"by unknown template", true, "other", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []iot.CACertificate
			for _, n := range tc.want {
				c := all[n]
				c.DER = nil
				want = append(want, c)
			}
			got := readAllPages(t, s, func(tx store.ReadTx, p store.Page) ([]iot.CACertificate, bool, error) {
				return tx.CACertificates(ctx, store.CACertificateListing{Page: p, Ascending: tc.ascending, TemplateName: tc.template})
			}, func(c iot.CACertificate) string { return store.CreationKey(c.CreatedAt, c.ID) })
			if diff := cmp.Diff(want, got, certCmp); diff != "" {
				t.Errorf("CA certificates (-want +got):\n%s", diff)
			}
		})
	}
}

func testThingPrincipals(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	attach := func(thing, principal string, typ iot.ThingPrincipalType) iot.ThingPrincipal {
		p := iot.ThingPrincipal{ThingName: thing, Principal: principal, Type: typ, AttachedAt: T0}
		Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutThingPrincipal(ctx, p) })
		return p
	}
	lampA := attach("lamp", "arn:cert/a", iot.ThingPrincipalNonExclusive)
	lampB := attach("lamp", "arn:cert/b", iot.ThingPrincipalExclusive)
	lampC := attach("lamp", "arn:cert/c", iot.ThingPrincipalNonExclusive)
	doorA := attach("door", "arn:cert/a", iot.ThingPrincipalNonExclusive)
	// Attaching again changes the type and keeps the attachment time.
	p := iot.ThingPrincipal{ThingName: "lamp", Principal: "arn:cert/c", Type: iot.ThingPrincipalExclusive, AttachedAt: T0.Add(time.Hour)}
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutThingPrincipal(ctx, p) })
	lampC.Type = iot.ThingPrincipalExclusive

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ThingPrincipal(ctx, "lamp", "arn:cert/c")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(lampC, got); diff != "" {
			t.Errorf("ThingPrincipal (-want +got):\n%s", diff)
		}
		if _, err := tx.ThingPrincipal(ctx, "door", "arn:cert/b"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ThingPrincipal(absent) = %v, want ErrNotFound", err)
		}
		return nil
	})

	type listing func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error)
	byPrincipal := func(p iot.ThingPrincipal) string { return p.Principal }
	byThing := func(p iot.ThingPrincipal) string { return p.ThingName }
	tests := []struct {
		name string
		list listing
		key  func(iot.ThingPrincipal) string
		want []iot.ThingPrincipal
	}{
		{"principals of lamp", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.ThingPrincipals(ctx, "lamp", "", p)
		}, byPrincipal, []iot.ThingPrincipal{lampA, lampB, lampC}},
		{"exclusive principals of lamp", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.ThingPrincipals(ctx, "lamp", iot.ThingPrincipalExclusive, p)
		}, byPrincipal, []iot.ThingPrincipal{lampB, lampC}},
		{"principals of an unknown thing", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.ThingPrincipals(ctx, "absent", "", p)
		}, byPrincipal, nil},
		{"things of a", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.PrincipalThings(ctx, "arn:cert/a", "", p)
		}, byThing, []iot.ThingPrincipal{doorA, lampA}},
		{"non-exclusive things of a", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.PrincipalThings(ctx, "arn:cert/a", iot.ThingPrincipalNonExclusive, p)
		}, byThing, []iot.ThingPrincipal{doorA, lampA}},
		{"exclusive things of a", func(tx store.ReadTx, p store.Page) ([]iot.ThingPrincipal, bool, error) {
			return tx.PrincipalThings(ctx, "arn:cert/a", iot.ThingPrincipalExclusive, p)
		}, byThing, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, readAllPages(t, s, tc.list, tc.key), certCmp); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteThingPrincipal(ctx, "lamp", "arn:cert/a"); err != nil {
			return err
		}
		if err := tx.DeleteThingPrincipal(ctx, "lamp", "arn:cert/a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteThingPrincipal = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		things, _, err := tx.PrincipalThings(ctx, "arn:cert/a", "", store.Page{Limit: 10})
		if diff := cmp.Diff([]iot.ThingPrincipal{doorA}, things, certCmp); diff != "" {
			t.Errorf("PrincipalThings after detach (-want +got):\n%s", diff)
		}
		return err
	})
}

func testCertificateIsolation(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	cert := fixtureCertificate(1, T0)
	ca := fixtureCA(1, T0)
	createCertificate(t, s, Account.ID, cert, fixtureChainCertificate(1))
	createCA(t, s, Account.ID, ca)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		return tx.PutThingPrincipal(ctx, iot.ThingPrincipal{ThingName: "lamp", Principal: "p", Type: iot.ThingPrincipalNonExclusive, AttachedAt: T0})
	})

	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.Certificate(ctx, cert.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's Certificate = %v, want ErrNotFound", err)
		}
		if chain, err := tx.CertificateChain(ctx, cert.ID); err != nil || len(chain) != 0 {
			t.Errorf("other account's CertificateChain = %v, %v; want none", chain, err)
		}
		if certs, _, err := tx.Certificates(ctx, store.CertificateListing{Page: store.Page{Limit: 10}}); err != nil || len(certs) != 0 {
			t.Errorf("other account's Certificates = %v, %v; want none", certs, err)
		}
		if _, err := tx.CACertificate(ctx, ca.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's CACertificate = %v, want ErrNotFound", err)
		}
		if cas, err := tx.CACertificatesBySubject(ctx, ca.RawSubject); err != nil || len(cas) != 0 {
			t.Errorf("other account's CACertificatesBySubject = %v, %v; want none", cas, err)
		}
		if cas, _, err := tx.CACertificates(ctx, store.CACertificateListing{Page: store.Page{Limit: 10}}); err != nil || len(cas) != 0 {
			t.Errorf("other account's CACertificates = %v, %v; want none", cas, err)
		}
		if _, err := tx.ThingPrincipal(ctx, "lamp", "p"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's ThingPrincipal = %v, want ErrNotFound", err)
		}
		if ps, _, err := tx.PrincipalThings(ctx, "p", "", store.Page{Limit: 10}); err != nil || len(ps) != 0 {
			t.Errorf("other account's PrincipalThings = %v, %v; want none", ps, err)
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		if err := tx.UpdateCertificate(ctx, cert); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's UpdateCertificate = %v, want ErrNotFound", err)
		}
		if err := tx.DeleteCertificate(ctx, cert.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's DeleteCertificate = %v, want ErrNotFound", err)
		}
		if err := tx.DeleteCACertificate(ctx, ca.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's DeleteCACertificate = %v, want ErrNotFound", err)
		}
		if err := tx.DeleteThingPrincipal(ctx, "lamp", "p"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's DeleteThingPrincipal = %v, want ErrNotFound", err)
		}
		return nil
	})
	// The same certificate and CA can be registered in another account.
	createCertificate(t, s, Other.ID, cert, fixtureChainCertificate(1))
	createCA(t, s, Other.ID, ca)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.Certificate(ctx, cert.ID)
		return err
	})
}

// readAllPages reads the whole of a listing of the fixture account, two items
// a page, each page starting after the key of the previous page's last item.
func readAllPages[T any](t *testing.T, s store.Store, list func(store.ReadTx, store.Page) ([]T, bool, error), key func(T) string) []T {
	t.Helper()
	var all []T
	collectPages(t, 2, func(p store.Page) (string, bool) {
		var page []T
		var more bool
		View(t, s, Account.ID, func(tx store.ReadTx) (err error) {
			page, more, err = list(tx, p)
			return err
		})
		if len(page) > p.Limit {
			t.Fatalf("a page of %d items, asked for %d", len(page), p.Limit)
		}
		all = append(all, page...)
		if len(page) == 0 {
			return "", more
		}
		return key(page[len(page)-1]), more
	})
	return all
}
