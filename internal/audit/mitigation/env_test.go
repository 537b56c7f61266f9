package mitigation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	_ "github.com/iotdefender/iotdefender/internal/audit/checks" // the real catalogue: allowed actions, reason codes
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

const (
	testAccount  = "123456789012"
	otherAccount = "210987654321"
	testRegion   = "us-east-1"
	testRole     = "arn:aws:iam::123456789012:role/mitigation"
	testTopic    = "arn:aws:sns:us-east-1:123456789012:findings"
	auditID      = "0123456789abcdef0123456789abcdef"
)

// Real check names, for their metadata.
const (
	expiringCheck     = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
	caExpiringCheck   = "CA_CERTIFICATE_EXPIRING_CHECK"
	permissiveCheck   = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
	loggingCheck      = "LOGGING_DISABLED_CHECK"
	intermediateCheck = "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"
	clientIDCheck     = "CONFLICTING_CLIENT_IDS_CHECK"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testEnv is a mitigation engine over a real SQLite store and registry, with
// a fake clock and a fake SNS publisher.
type testEnv struct {
	t     testing.TB
	dir   string
	st    *sqlite.Store
	reg   *registry.Registry
	clock *clock.Fake
	pub   *fakePublisher
	*Engine
	chunk    int
	findings int // findings added so far, for their ids
}

func newTestEnv(t testing.TB, chunk int) *testEnv {
	t.Helper()
	e := &testEnv{t: t, dir: t.TempDir(), clock: clock.NewFake(t0), pub: &fakePublisher{}, chunk: chunk}
	e.open()
	ctx := context.Background()
	for _, id := range []string{testAccount, otherAccount} {
		if err := e.st.System().CreateAccount(ctx, iot.Account{ID: id, RegistrationCode: "code-" + id, CreatedAt: t0},
			iot.AccessKey{AccessKeyID: "AKIDMITIGATION" + id, SecretAccessKey: "s", AccountID: id, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	e.start()
	return e
}

// open opens the store in the data directory and a registry over it.
func (e *testEnv) open() {
	e.t.Helper()
	st, err := sqlite.Open(context.Background(), e.dir, sqlite.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	e.st = st
	e.reg = registry.New(registry.Config{Store: st, Clock: e.clock, IDs: &ids.Sequence{}, Region: testRegion, Tokens: e.tokens()})
}

// crash stops everything as a killed process would: the store takes no more
// writes, then release lets what was under way go on (its writes fail). The
// process then starts again on the data directory.
func (e *testEnv) crash(release func()) {
	e.t.Helper()
	e.st.Close()
	release()
	e.Engine.Close()
	e.open()
	e.start()
}

func (e *testEnv) tokens() *pagetoken.Codec {
	return pagetoken.New([]byte("0123456789abcdef0123456789abcdef"), e.clock)
}

// start starts an engine on the store, as a process starting would.
func (e *testEnv) start() {
	e.t.Helper()
	e.Engine = New(Config{Store: e.st, Registry: e.reg, Clock: e.clock, IDs: &ids.Sequence{}, Region: testRegion,
		Tokens: e.tokens(), Checks: check.All(), Publisher: e.pub, ChunkSize: e.chunk, TickInterval: -1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := e.Engine.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	engine := e.Engine
	e.t.Cleanup(engine.Close)
}

func (e *testEnv) update(fn func(tx store.Tx) error) {
	e.t.Helper()
	if err := e.st.Update(context.Background(), testAccount, fn); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) view(fn func(tx store.ReadTx) error) {
	e.t.Helper()
	if err := e.st.View(context.Background(), testAccount, fn); err != nil {
		e.t.Fatal(err)
	}
}

// certificate stores a device certificate with id n (64 hex digits).
func (e *testEnv) certificate(n int, status iot.CertificateStatus) string {
	id := fmt.Sprintf("%064x", n)
	e.update(func(tx store.Tx) error {
		_, err := tx.CreateCertificate(context.Background(), iot.Certificate{ID: id, Status: status, Mode: iot.CertificateModeDefault,
			DER: []byte{byte(n)}, CreatedAt: t0, LastModifiedAt: t0, CustomerVersion: 1, GenerationID: "g",
			X509: iot.X509Facts{NotBefore: t0, NotAfter: t0.Add(24 * time.Hour), KeyAlgorithm: "EC", KeyBits: 256}}, nil)
		return err
	})
	return id
}

func (e *testEnv) certificateStatus(id string) iot.CertificateStatus {
	var c iot.Certificate
	e.view(func(tx store.ReadTx) (err error) {
		c, err = tx.Certificate(context.Background(), id)
		return err
	})
	return c.Status
}

// audit stores a finished audit task whose checks completed non-compliant.
func (e *testEnv) audit(id string, checks ...string) {
	e.update(func(tx store.Tx) error {
		ctx := context.Background()
		if err := tx.PutAuditTask(ctx, iot.AuditTask{ID: id, Type: iot.OnDemandAuditTask, Status: iot.AuditTaskCompleted,
			StartTime: t0.Add(-time.Minute), EndTime: t0}); err != nil {
			return err
		}
		for _, name := range checks {
			if err := tx.PutAuditCheckResult(ctx, id, iot.AuditCheckResult{CheckName: name, Status: iot.CheckNonCompliant}); err != nil {
				return err
			}
		}
		return nil
	})
}

// finding adds a finding of a check of an audit and returns it.
func (e *testEnv) finding(auditTask, checkName, reason string, resource iot.AuditResource, related ...iot.AuditResource) iot.AuditFinding {
	return e.addFinding(e.newFinding(auditTask, checkName, reason, resource, related...))
}

// suppressedFinding adds a finding that a suppression matched when the audit
// ran.
func (e *testEnv) suppressedFinding(auditTask, checkName, reason string, resource iot.AuditResource) iot.AuditFinding {
	f := e.newFinding(auditTask, checkName, reason, resource)
	f.Suppressed = true
	return e.addFinding(f)
}

func (e *testEnv) newFinding(auditTask, checkName, reason string, resource iot.AuditResource, related ...iot.AuditResource) iot.AuditFinding {
	e.findings++
	return iot.AuditFinding{ID: fmt.Sprintf("finding-%04d", e.findings), TaskID: auditTask, CheckName: checkName,
		TaskStartTime: t0.Add(-time.Minute), FindingTime: t0.Add(-time.Minute + time.Duration(e.findings)*time.Millisecond),
		Severity: "CRITICAL", Resource: resource, Related: related, Reason: "reason " + reason, ReasonCode: reason}
}

func (e *testEnv) addFinding(f iot.AuditFinding) iot.AuditFinding {
	e.update(func(tx store.Tx) error { return tx.AddAuditFindings(context.Background(), []iot.AuditFinding{f}) })
	return f
}

func deviceResource(id string) iot.AuditResource {
	return iot.AuditResource{Type: "DEVICE_CERTIFICATE", Identifier: iot.ResourceIdentifier{DeviceCertificateID: id}}
}

func policyResource(name string) iot.AuditResource {
	return iot.AuditResource{Type: "IOT_POLICY", Identifier: iot.ResourceIdentifier{
		PolicyVersion: &iot.PolicyVersionIdentifier{PolicyName: name, PolicyVersionID: "1"}}}
}

// action defines a mitigation action.
func (e *testEnv) action(name string, p iot.MitigationActionParams) Action {
	e.t.Helper()
	a, err := e.CreateMitigationAction(context.Background(), testAccount, CreateActionRequest{Name: name, RoleARN: testRole, Params: p})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// Parameters of each action type.
var (
	deactivateDevice = iot.MitigationActionParams{UpdateDeviceCertificate: &iot.UpdateCertificateParams{Action: "DEACTIVATE"}}
	deactivateCA     = iot.MitigationActionParams{UpdateCACertificate: &iot.UpdateCertificateParams{Action: "DEACTIVATE"}}
	blankPolicy      = iot.MitigationActionParams{ReplaceDefaultPolicyVersion: &iot.ReplaceDefaultPolicyVersionParams{TemplateName: "BLANK_POLICY"}}
	publishToTopic   = iot.MitigationActionParams{PublishFindingToSNS: &iot.PublishFindingToSNSParams{TopicARN: testTopic}}
	enableLogging    = iot.MitigationActionParams{EnableIoTLogging: &iot.EnableIoTLoggingParams{
		RoleARNForLogging: "arn:aws:iam::123456789012:role/logging", LogLevel: iot.LogWarn}}
)

func addToGroups(groups ...string) iot.MitigationActionParams {
	return iot.MitigationActionParams{AddThingsToThingGroup: &iot.AddThingsToThingGroupParams{ThingGroupNames: groups}}
}

// run starts a task and waits until it has ended.
func (e *testEnv) run(id string, target iot.MitigationTaskTarget, mapping map[string][]string) iot.MitigationTask {
	e.t.Helper()
	if _, err := e.StartAuditMitigationActionsTask(context.Background(), testAccount,
		StartTaskRequest{TaskID: id, Target: target, Mapping: mapping, ClientRequestToken: "token-" + id}); err != nil {
		e.t.Fatal(err)
	}
	return e.wait(id)
}

// wait polls a task until it leaves IN_PROGRESS.
func (e *testEnv) wait(id string) iot.MitigationTask {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		task, err := e.DescribeAuditMitigationActionsTask(context.Background(), testAccount, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if task.Status != iot.MitigationTaskInProgress {
			return task
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("mitigation task %s still in progress", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allPages reads a listing to its end: list returns the page after a token
// and the token of the next one.
func allPages[T any](t testing.TB, list func(next string) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	for next, pages := "", 0; ; pages++ {
		page, token, err := list(next)
		if err != nil || pages > 100 {
			t.Fatalf("page %d: %v", pages, err)
		}
		all = append(all, page...)
		if token == "" {
			return all
		}
		next = token
	}
}

// executions lists every execution of a task on a finding.
func (e *testEnv) executions(taskID, findingID string) []iot.MitigationExecution {
	e.t.Helper()
	return allPages(e.t, func(next string) ([]iot.MitigationExecution, string, error) {
		return e.ListAuditMitigationActionsExecutions(context.Background(), testAccount, ListExecutionsRequest{TaskID: taskID,
			FindingID: findingID, ListRequest: ListRequest{MaxResults: 2, NextToken: next}})
	})
}

// outcome is an execution without its times: what the tests compare.
type outcome struct {
	Action    string
	Status    iot.MitigationExecutionStatus
	ErrorCode string
}

func (e *testEnv) outcomes(taskID, findingID string) []outcome {
	var out []outcome
	for _, x := range e.executions(taskID, findingID) {
		out = append(out, outcome{x.ActionName, x.Status, x.ErrorCode})
	}
	return out
}

// fakePublisher records what is published. With release set, every call
// after the first blockAfter waits, signalling on blocked, until release is
// closed or its context ends; fail makes calls fail.
type fakePublisher struct {
	mu         sync.Mutex
	messages   []string
	calls      int
	blockAfter int
	release    chan struct{}
	blocked    chan struct{}
	fail       error
}

// holdAfter makes the calls after the first n wait until the returned
// function is called.
func (p *fakePublisher) holdAfter(n int) (release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blockAfter, p.release, p.blocked = n, make(chan struct{}), make(chan struct{}, 100)
	ch := p.release
	return func() { close(ch) }
}

// waitBlocked waits until a call is held.
func (p *fakePublisher) waitBlocked(t testing.TB) {
	t.Helper()
	select {
	case <-p.blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("no publication was held")
	}
}

func (p *fakePublisher) Publish(ctx context.Context, topicARN, message string) error {
	p.mu.Lock()
	p.calls++
	hold := p.release != nil && p.calls > p.blockAfter
	release, blocked, fail := p.release, p.blocked, p.fail
	p.mu.Unlock()
	if hold {
		blocked <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		return fail
	}
	if topicARN != testTopic {
		return errors.New("no such topic")
	}
	p.mu.Lock()
	p.messages = append(p.messages, message)
	p.mu.Unlock()
	return nil
}

func (p *fakePublisher) published() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.messages...)
}

func (p *fakePublisher) callCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}
