package evaluate

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	_ "github.com/iotdefender/iotdefender/internal/audit/checks"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
	"github.com/iotdefender/iotdefender/internal/store/storetest"
)

var (
	account = storetest.Account.ID
	start   = storetest.T0.Add(30 * 24 * time.Hour)
	window  = check.Window{From: start.Add(-31 * 24 * time.Hour), To: start.Add(-2 * time.Hour)}
)

func newStore(t testing.TB) *sqlite.Store {
	t.Helper()
	var s *sqlite.Store
	storetest.NewWithAccounts(t.(*testing.T), func(t *testing.T) store.Store {
		var err error
		if s, err = sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{}); err != nil {
			t.Fatal(err)
		}
		return s
	})
	return s
}

// recorder records one run.
type recorder struct {
	mu        sync.Mutex
	evaluated int
	findings  []check.Finding
	message   string
	finished  int
	err       error
}

func (r *recorder) Evaluated(n int) { r.mu.Lock(); r.evaluated += n; r.mu.Unlock() }
func (r *recorder) NonCompliant(f check.Finding) {
	r.mu.Lock()
	r.findings = append(r.findings, f)
	r.mu.Unlock()
}
func (r *recorder) Message(text string) { r.mu.Lock(); r.message = text; r.mu.Unlock() }

// evaluate runs the checks and returns their records by name.
func evaluate(t *testing.T, e *Evaluator, checks ...*check.Check) map[string]*recorder {
	t.Helper()
	records := map[string]*recorder{}
	var runs []check.Run
	for _, c := range checks {
		rec := &recorder{}
		records[c.Name] = rec
		config := map[string]int64{}
		for _, k := range c.Config {
			config[k.Name] = k.Default
		}
		runs = append(runs, check.Run{
			Check:    c,
			Env:      check.Env{Account: account, Region: "us-east-1", Start: start, Config: config, Window: window},
			Report:   rec,
			Finished: func(err error) { rec.mu.Lock(); rec.finished++; rec.err = err; rec.mu.Unlock() },
		})
	}
	if err := e.Evaluate(context.Background(), account, runs); err != nil {
		t.Fatal(err)
	}
	for name, rec := range records {
		if rec.finished != 1 {
			t.Errorf("%s finished %d times, want once", name, rec.finished)
		}
	}
	return records
}

func registered(t *testing.T, name string) *check.Check {
	t.Helper()
	c, ok := check.Lookup(name)
	if !ok {
		t.Fatalf("%s is not registered", name)
	}
	return c
}

// countingCheck counts the rows of data d it sees, calling onRow for each.
func countingCheck[R any](name string, d check.Data, seen *int, onRow func(R)) *check.Check {
	return check.New(check.Metadata{Name: name}, d, 0, func(s *check.Scope) check.Visitor[R] {
		return check.VisitFunc[R](func(row R) error {
			*seen++
			if onRow != nil {
				onRow(row)
			}
			s.Report.Evaluated(1)
			return nil
		})
	})
}

// countingStore counts the snapshots and scans the evaluator asks for.
type countingStore struct {
	store.Store
	mu    sync.Mutex
	calls map[string]int
}

func (s *countingStore) count(name string) {
	s.mu.Lock()
	s.calls[name]++
	s.mu.Unlock()
}

func (s *countingStore) Snapshot(ctx context.Context, account string, n int, fn func([]store.ReadTx) error) error {
	s.count("Snapshot")
	s.mu.Lock()
	s.calls["transactions"] += n
	s.mu.Unlock()
	return s.Store.Snapshot(ctx, account, n, func(txs []store.ReadTx) error {
		wrapped := make([]store.ReadTx, len(txs))
		for i, tx := range txs {
			wrapped[i] = countingTx{ReadTx: tx, s: s}
		}
		return fn(wrapped)
	})
}

type countingTx struct {
	store.ReadTx
	s *countingStore
}

func (t countingTx) AuditCertificates(ctx context.Context, part, parts int) iter.Seq2[iot.Certificate, error] {
	t.s.count("AuditCertificates")
	return t.ReadTx.AuditCertificates(ctx, part, parts)
}

func (t countingTx) ConnectionEventsByPrincipal(ctx context.Context, from, to time.Time) iter.Seq2[iot.ConnectionEvent, error] {
	t.s.count("ConnectionEventsByPrincipal")
	return t.ReadTx.ConnectionEventsByPrincipal(ctx, from, to)
}

func (t countingTx) DefaultPolicyVersions(ctx context.Context) iter.Seq2[iot.PolicyVersion, error] {
	t.s.count("DefaultPolicyVersions")
	return t.ReadTx.DefaultPolicyVersions(ctx)
}

func device(n int, status iot.CertificateStatus) iot.Certificate {
	id := strings.Repeat("0", 63) + string(rune('a'+n))
	return iot.Certificate{ID: id, Status: status, Mode: iot.CertificateModeDefault, DER: []byte{byte(n)},
		CreatedAt: storetest.T0, LastModifiedAt: storetest.T0, CustomerVersion: 1, GenerationID: "g",
		X509: iot.X509Facts{NotBefore: storetest.T0, NotAfter: start.Add(time.Duration(n) * 24 * time.Hour), KeyAlgorithm: "EC", KeyBits: 256}}
}

func connection(principal, client string, at time.Duration) iot.ConnectionEvent {
	return iot.ConnectionEvent{ClientID: client, Principal: principal, SessionID: "s-" + client,
		Timestamp: window.From.Add(at), Type: iot.Connected, IPAddress: "192.0.2.1"}
}

func load(t *testing.T, s *sqlite.Store, certificates []iot.Certificate, events []iot.ConnectionEvent) {
	t.Helper()
	b := s.Bulk(context.Background(), account)
	for _, c := range certificates {
		if err := b.Certificate(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ConnectionEvents(events...); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluateReadsEachKindOnce(t *testing.T) {
	s := newStore(t)
	load(t, s, []iot.Certificate{
		device(1, iot.CertificateActive), device(2, iot.CertificatePendingTransfer), device(3, iot.CertificateInactive),
		device(40, iot.CertificateActive),
	}, []iot.ConnectionEvent{connection("p1", "a", time.Hour), connection("p1", "b", 2*time.Hour), connection("p2", "c", time.Hour)})
	counting := &countingStore{Store: s, calls: map[string]int{}}
	var first, second, groups int
	records := evaluate(t, New(Config{Store: counting}),
		countingCheck[*iot.Certificate]("FIRST", check.DeviceCertificates, &first, nil),
		countingCheck[*iot.Certificate]("SECOND", check.DeviceCertificates, &second, nil),
		countingCheck[*check.ConnectionGroup]("GROUPS", check.ConnectionsByPrincipal, &groups, nil),
		registered(t, "DEVICE_CERTIFICATE_EXPIRING_CHECK"),
		registered(t, "DEVICE_CERTIFICATE_SHARED_CHECK"),
	)
	// The certificates are read once, in certificateParts parts on as many
	// transactions, the records on one more.
	want := map[string]int{"Snapshot": 1, "transactions": certificateParts + 1, "AuditCertificates": certificateParts, "ConnectionEventsByPrincipal": 1}
	if diff := cmp.Diff(want, counting.calls); diff != "" {
		t.Errorf("store calls (-want +got):\n%s", diff)
	}
	if first != 3 || second != 3 || groups != 2 {
		t.Errorf("rows seen: %d, %d device certificates (want 3 each), %d principals (want 2)", first, second, groups)
	}
	expiring := records["DEVICE_CERTIFICATE_EXPIRING_CHECK"]
	if expiring.evaluated != 3 || len(expiring.findings) != 2 || expiring.err != nil {
		t.Errorf("expiring check: %d evaluated, %d findings (want 3, 2), err %v", expiring.evaluated, len(expiring.findings), expiring.err)
	}
	if shared := records["DEVICE_CERTIFICATE_SHARED_CHECK"]; shared.evaluated != 2 || len(shared.findings) != 1 {
		t.Errorf("shared check: %d evaluated, %d findings (want 2, 1)", shared.evaluated, len(shared.findings))
	}
}

// TestEvaluateSeesOneSnapshot writes a certificate and a connection record in
// one transaction while the audit runs: no scan sees either.
func TestEvaluateSeesOneSnapshot(t *testing.T) {
	s := newStore(t)
	load(t, s, []iot.Certificate{device(1, iot.CertificateActive), device(2, iot.CertificateActive)},
		[]iot.ConnectionEvent{connection("p1", "a", time.Hour), connection("p2", "b", time.Hour)})
	written := make(chan struct{})
	var once sync.Once
	write := func(*iot.Certificate) {
		once.Do(func() {
			err := s.Update(context.Background(), account, func(tx store.Tx) error {
				if _, err := tx.CreateCertificate(context.Background(), device(3, iot.CertificateActive), nil); err != nil {
					return err
				}
				return tx.AddConnectionEvents(context.Background(), []iot.ConnectionEvent{connection("p3", "c", time.Hour)})
			})
			if err != nil {
				t.Error(err)
			}
			close(written)
		})
	}
	var certificates, groups int
	evaluate(t, New(Config{Store: s}),
		countingCheck[*iot.Certificate]("WRITER", check.DeviceCertificates, &certificates, write),
		countingCheck[*check.ConnectionGroup]("READER", check.ConnectionsByPrincipal, &groups, func(*check.ConnectionGroup) {
			select {
			case <-written:
			case <-time.After(10 * time.Second):
				t.Error("the certificate scan never reached its first row")
			}
		}),
	)
	if certificates != 2 || groups != 2 {
		t.Errorf("the audit saw %d certificates and %d principals, want 2 and 2 (its snapshot)", certificates, groups)
	}
}

func TestEvaluatePanickingCheckFailsAlone(t *testing.T) {
	s := newStore(t)
	load(t, s, []iot.Certificate{device(1, iot.CertificateActive), device(2, iot.CertificateActive)}, nil)
	var panicking, calm int
	records := evaluate(t, New(Config{Store: s}),
		countingCheck[*iot.Certificate]("PANICKING", check.DeviceCertificates, &panicking, func(*iot.Certificate) { panic("boom") }),
		countingCheck[*iot.Certificate]("CALM", check.DeviceCertificates, &calm, nil),
	)
	if err := records["PANICKING"].err; !errors.Is(err, errInternal) {
		t.Errorf("the panicking check finished with %v, want %v", err, errInternal)
	}
	if panicking != 1 {
		t.Errorf("the panicking check saw %d rows after its panic, want none", panicking-1)
	}
	if calm := records["CALM"]; calm.err != nil || calm.evaluated != 2 {
		t.Errorf("the other check: err %v, %d evaluated (want nil, 2)", calm.err, calm.evaluated)
	}
}

func TestEvaluateUnsupportedChecksFail(t *testing.T) {
	s := newStore(t)
	c := registered(t, "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK")
	rec := evaluate(t, New(Config{Store: s}), c)[c.Name]
	if rec.err == nil || rec.err.Error() != c.Unsupported {
		t.Errorf("finished with %v, want the check's Unsupported message", rec.err)
	}
}

// TestEvaluateRevocations runs the three revocation checks over real
// certificates and CRLs: one uploaded, one fetched from a distribution point.
func TestEvaluateRevocations(t *testing.T) {
	var rootCRL []byte
	crlServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(rootCRL) }))
	defer crlServer.Close()
	url := crlServer.URL + "/root.crl"

	root := storetest.NewTestCA(t, "Root", nil)
	intermediate := storetest.NewTestCA(t, "Issuing", root, url)
	revoked := root.Issue(t, "revoked", url)
	fine := root.Issue(t, "fine", url)
	chained := intermediate.Issue(t, "chained")
	rootCRL = root.CRL(t, start.Add(-time.Hour), revoked, intermediate.Cert)

	other := storetest.NewTestCA(t, "Other", nil)
	otherRevoked := other.Issue(t, "other-revoked")
	otherCRL, err := certs.ParseCRL(other.CRL(t, start.Add(-time.Hour), otherRevoked))
	if err != nil {
		t.Fatal(err)
	}

	s := newStore(t)
	storetest.Update(t, s, account, func(tx store.Tx) error {
		ctx := context.Background()
		for _, ca := range []*storetest.TestCA{root, other} {
			if _, err := tx.CreateCACertificate(ctx, ca.Registered()); err != nil {
				return err
			}
		}
		for _, c := range []iot.Certificate{storetest.Device(revoked, root.Cert.ID), storetest.Device(fine, root.Cert.ID),
			storetest.Device(otherRevoked, other.Cert.ID)} {
			if _, err := tx.CreateCertificate(ctx, c, nil); err != nil {
				return err
			}
		}
		withChain := storetest.Device(chained, "")
		withChain.Chain = []string{intermediate.Cert.ID}
		if _, err := tx.CreateCertificate(ctx, withChain, []iot.ChainCertificate{storetest.Chain(intermediate.Cert)}); err != nil {
			return err
		}
		return tx.PutUploadedCRL(ctx, store.UploadedCRL{Issuer: otherCRL.Issuer, AuthorityKeyID: otherCRL.AuthorityKeyID,
			IssuerCertificateID: other.Cert.ID, ThisUpdate: otherCRL.ThisUpdate, DER: otherCRL.DER,
			Serials: otherCRL.RevokedSerials(), UploadedAt: start})
	})
	checks := []*check.Check{
		registered(t, "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"),
		registered(t, "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"),
		registered(t, "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"),
	}
	clk := clock.NewFake(start)

	t.Run("fetching from any address", func(t *testing.T) {
		records := evaluate(t, New(Config{Store: s, Fetcher: certs.NewFetcher(certs.FetchAll, clk)}), checks...)
		devices := records["REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"]
		if got, want := findingIDs(devices.findings), []string{revoked.ID, otherRevoked.ID}; !sameSet(got, want) {
			t.Errorf("revoked device certificates %v, want %v", got, want)
		}
		// The chained certificate's issuer (Issuing) publishes no CRL.
		if devices.evaluated != 3 || !strings.Contains(devices.message, `"CN=Issuing" (1)`) {
			t.Errorf("device check: %d evaluated (want 3), message %q", devices.evaluated, devices.message)
		}
		inter := records["INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"]
		if len(inter.findings) != 1 || len(inter.findings[0].Related) != 1 ||
			inter.findings[0].Related[0].Identifier.DeviceCertificateID != chained.ID {
			t.Errorf("intermediate check findings: %+v", inter.findings)
		}
		if cas := records["REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"]; cas.evaluated != 2 || len(cas.findings) != 0 || cas.message != "" {
			t.Errorf("CA check: %d evaluated (two roots), %d findings, message %q", cas.evaluated, len(cas.findings), cas.message)
		}
	})

	t.Run("fetching from public addresses only", func(t *testing.T) {
		records := evaluate(t, New(Config{Store: s, Fetcher: certs.NewFetcher(certs.FetchPublic, clk)}), checks...)
		devices := records["REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"]
		if got, want := findingIDs(devices.findings), []string{otherRevoked.ID}; !sameSet(got, want) {
			t.Errorf("revoked device certificates %v, want only the one of the uploaded CRL %v", got, want)
		}
		if devices.evaluated != 1 || !strings.Contains(devices.message, "CRLs not obtained: "+url) {
			t.Errorf("device check: %d evaluated (want 1), message %q", devices.evaluated, devices.message)
		}
	})
}

func findingIDs(findings []check.Finding) []string {
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.Resource.Identifier.DeviceCertificateID)
	}
	return ids
}

func sameSet(a, b []string) bool {
	return cmp.Diff(a, b, cmp.Transformer("sort", func(s []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range s {
			m[v] = true
		}
		return m
	})) == ""
}
