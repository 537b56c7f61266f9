package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

const (
	testAccount  = "123456789012"
	otherAccount = "210987654321"
)

// t0 is a Wednesday.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// The test catalogue: made-up checks with the shapes of real ones.
const (
	certCheck     = "TEST_DEVICE_CERT_CHECK"    // device certificates, configurable
	caCheck       = "TEST_CA_CERT_CHECK"        // CA certificates
	policyCheck   = "TEST_POLICY_CHECK"         // IoT policies
	sharedCheck   = "TEST_SHARED_CERT_CHECK"    // reads connections by principal
	clientIDCheck = "TEST_CLIENT_ID_CHECK"      // reads client id takeovers
	missingCheck  = "TEST_UNSUPPORTED_CHECK"    // Metadata.Unsupported
	noRelated     = checkWithoutRelated         // findings without related resources
	formerName    = "REVOKED_DEVICE_CERT_CHECK" // a former AWS name
	currentName   = "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"
	thresholdKey  = "TEST_THRESHOLD_IN_DAYS"
	unsupportedBy = "iotdefender holds no such data"
)

func testChecks() []*check.Check {
	meta := func(name string, sev check.Severity, typ check.ResourceType) check.Metadata {
		return check.Metadata{Name: name, Severity: sev, ResourceType: typ, ReasonCodes: []string{"R1", "R2"},
			MitigationActions: []string{"PUBLISH_FINDING_TO_SNS"}}
	}
	cert := meta(certCheck, check.Medium, check.DeviceCertificate)
	cert.Config = []check.ConfigKey{{Name: thresholdKey, Default: 30, Min: 30, Max: 3652}}
	unsupported := meta(missingCheck, check.Critical, check.CognitoIdentityPool)
	unsupported.Unsupported = unsupportedBy
	groups := func(*check.Scope) check.Visitor[*check.ConnectionGroup] { return nil }
	return []*check.Check{
		{Metadata: cert},
		{Metadata: meta(caCheck, check.Critical, check.CACertificate)},
		{Metadata: meta(policyCheck, check.Critical, check.IoTPolicy)},
		{Metadata: meta(noRelated, check.Critical, check.IssuerCertificate)},
		{Metadata: meta(currentName, check.Medium, check.DeviceCertificate)},
		check.New(meta(sharedCheck, check.Critical, check.DeviceCertificate), check.ConnectionsByPrincipal, 0, groups),
		check.New(meta(clientIDCheck, check.High, check.ClientID), check.TakeoversByClientID, 0, groups),
		check.NewUnsupported(unsupported),
	}
}

// behaviour is what a fake check does in one run; its error finishes the run.
type behaviour func(ctx context.Context, r check.Run) error

// fakeEvaluator runs each check's behaviour in turn (compliant with no
// resources when it has none) and records the runs' environments.
type fakeEvaluator struct {
	mu        sync.Mutex
	behaviour map[string]behaviour
	envs      map[string][]check.Env
	// err is what Evaluate returns after the runs; panic makes it panic.
	err   error
	panic bool
}

func newFakeEvaluator() *fakeEvaluator {
	return &fakeEvaluator{behaviour: map[string]behaviour{}, envs: map[string][]check.Env{}}
}

func (f *fakeEvaluator) set(name string, b behaviour) {
	f.mu.Lock()
	f.behaviour[name] = b
	f.mu.Unlock()
}

func (f *fakeEvaluator) env(name string) []check.Env {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]check.Env(nil), f.envs[name]...)
}

func (f *fakeEvaluator) Evaluate(ctx context.Context, account string, runs []check.Run) error {
	f.mu.Lock()
	fail, panics := f.err, f.panic
	f.mu.Unlock()
	if panics {
		panic("evaluator bug")
	}
	for _, r := range runs {
		f.mu.Lock()
		f.envs[r.Check.Name] = append(f.envs[r.Check.Name], r.Env)
		b := f.behaviour[r.Check.Name]
		f.mu.Unlock()
		if fail != nil {
			return fail // leaves the runs unfinished
		}
		var err error
		if b != nil {
			err = b(ctx, r)
		}
		r.Finished(err)
	}
	return nil
}

// examine reports n resources examined and the given findings.
func examine(n int, findings ...check.Finding) behaviour {
	return func(ctx context.Context, r check.Run) error {
		r.Report.Evaluated(n)
		for _, f := range findings {
			r.Report.NonCompliant(f)
		}
		return nil
	}
}

// blockAfter reports like examine, then blocks until ctx ends or release is
// closed; reached is closed once the findings are reported.
func blockAfter(reached, release chan struct{}, n int, findings ...check.Finding) behaviour {
	return func(ctx context.Context, r check.Run) error {
		if err := examine(n, findings...)(ctx, r); err != nil {
			return err
		}
		close(reached)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-release:
			return nil
		}
	}
}

func certFinding(id, reason string, related ...check.Resource) check.Finding {
	return check.Finding{
		Resource:   check.Resource{Type: check.DeviceCertificate, Identifier: iot.ResourceIdentifier{DeviceCertificateID: id}},
		ReasonCode: reason, Reason: "because " + reason, Related: related,
	}
}

func clientRelated(i int) check.Resource {
	return check.Resource{Type: check.ClientID, Identifier: iot.ResourceIdentifier{ClientID: fmt.Sprintf("client-%02d", i)},
		AdditionalInfo: map[string]string{"CONNECTION_TIME": fmt.Sprint(1560086374068 + i)}}
}

// recordingPublisher keeps what it is asked to publish.
type recordingPublisher struct {
	mu       sync.Mutex
	messages []published
	err      error
}

type published struct{ topic, message string }

func (p *recordingPublisher) Publish(ctx context.Context, topic, message string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.messages = append(p.messages, published{topic, message})
	return p.err
}

func (p *recordingPublisher) all() []published {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]published(nil), p.messages...)
}

// testEngine is an engine over a SQLite store in a temporary directory, with a
// fake clock at t0, sequential ids, the test catalogue and a fake evaluator.
type testEngine struct {
	*Engine
	t     testing.TB
	dir   string
	store *sqlite.Store
	clock *clock.Fake
	eval  *fakeEvaluator
	pub   *recordingPublisher
	ids   *ids.Sequence
	// closeFn stops the engine and closes its store, once.
	closeFn func()
}

// newTestEngine starts an engine on a new data directory with both accounts.
func newTestEngine(t testing.TB) *testEngine {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{testAccount, otherAccount} {
		err := st.System().CreateAccount(context.Background(), iot.Account{ID: id, RegistrationCode: "code-" + id, CreatedAt: t0},
			iot.AccessKey{AccessKeyID: "AKID" + id, SecretAccessKey: "s", AccountID: id, CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	return reopen(t, dir, clock.NewFake(t0), &ids.Sequence{}, newFakeEvaluator())
}

// testBatchSize makes the tests' audits write findings in many small batches.
const testBatchSize = 3

// reopen starts an engine on an existing data directory, as a new process would.
func reopen(t testing.TB, dir string, clk *clock.Fake, seq *ids.Sequence, eval *fakeEvaluator) *testEngine {
	return startEngine(t, dir, clk, seq, eval, testBatchSize)
}

func startEngine(t testing.TB, dir string, clk *clock.Fake, seq *ids.Sequence, eval *fakeEvaluator, batchSize int) *testEngine {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pub := &recordingPublisher{}
	e := New(Config{
		Store: st, Clock: clk, IDs: seq, Region: "eu-west-1",
		Tokens:    pagetoken.New([]byte("0123456789abcdef0123456789abcdef"), clk),
		Checks:    testChecks(),
		Evaluator: eval, Publisher: pub,
		Log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		TickInterval: -1,
		BatchSize:    batchSize,
	})
	te := &testEngine{Engine: e, t: t, dir: dir, store: st, clock: clk, eval: eval, pub: pub, ids: seq}
	closed := false
	te.closeFn = func() {
		if !closed {
			closed = true
			e.Close()
			st.Close()
		}
	}
	t.Cleanup(te.closeFn)
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return te
}

// wait waits until no audit or notification runs.
func (e *testEngine) wait() { e.work.Wait() }

// enable configures the account's audit with the given checks enabled.
func (e *testEngine) enable(account string, names ...string) {
	e.t.Helper()
	checks := map[string]CheckUpdate{}
	for _, n := range names {
		checks[n] = CheckUpdate{Enabled: true}
	}
	err := e.UpdateAccountAuditConfiguration(context.Background(), account, ConfigurationUpdate{
		RoleARN: "arn:aws:iam::" + account + ":role/audit", Checks: checks})
	if err != nil {
		e.t.Fatal(err)
	}
}

// audit starts an on-demand audit and waits for it to finish.
func (e *testEngine) audit(names ...string) TaskDetails {
	e.t.Helper()
	id, err := e.StartOnDemandAuditTask(context.Background(), testAccount, names)
	if err != nil {
		e.t.Fatal(err)
	}
	e.wait()
	return e.describe(id)
}

func (e *testEngine) describe(id string) TaskDetails {
	e.t.Helper()
	d, err := e.DescribeAuditTask(context.Background(), testAccount, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// findings lists every finding of a task.
func (e *testEngine) findings(taskID string) []iot.AuditFinding {
	e.t.Helper()
	var all []iot.AuditFinding
	req := ListFindingsRequest{TaskID: taskID, ListRequest: ListRequest{MaxResults: 250}}
	for {
		page, next, err := e.ListAuditFindings(context.Background(), testAccount, req)
		if err != nil {
			e.t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		req.NextToken = next
	}
}

// countFindings counts the resources of a check's findings in the store,
// visible or not.
func (e *testEngine) countFindings(taskID, checkName string) (resources, suppressed int64, err error) {
	err = e.store.View(context.Background(), testAccount, func(tx store.ReadTx) error {
		resources, suppressed, err = tx.CountAuditFindingResources(context.Background(), taskID, checkName)
		return err
	})
	return resources, suppressed, err
}

// tags returns the tags of a resource of the test account.
func (e *testEngine) tags(arn string) []iot.Tag {
	e.t.Helper()
	var tags []iot.Tag
	err := e.store.View(context.Background(), testAccount, func(tx store.ReadTx) (err error) {
		tags, err = tx.Tags(context.Background(), arn)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return tags
}

func wantKind(t testing.TB, err error, kind iot.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v (kind %s), want %s", err, iot.KindOf(err), kind)
	}
}

func ptr[T any](v T) *T { return &v }

func TestFindingID(t *testing.T) {
	at := time.UnixMilli(0x0123456789ab)
	if got, want := findingID(at, "00000000-0000-4000-8000-00000000002a"), "01234567-89ab-7000-8000-00000000002a"; got != want {
		t.Errorf("findingID = %s, want %s", got, want)
	}
	a := findingID(at, ids.Random{}.UUID())
	b := findingID(at.Add(time.Millisecond), ids.Random{}.UUID())
	if len(a) != 36 || a[14] != '7' || !strings.ContainsAny(a[19:20], "89ab") || a >= b {
		t.Errorf("ids %s, %s: want version 7, RFC 9562 variant, growing with time", a, b)
	}
}
