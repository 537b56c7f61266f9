package evaluate

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
	"github.com/iotdefender/iotdefender/internal/store/storetest"
)

// Fleet of the benchmark: the rate it reports projects to the 1,000,000
// certificates and records of the target fleet.
const (
	benchCertificates = 100_000
	benchCAs          = 100
	benchEvents       = 100_000
	benchPolicies     = 1_000
)

// BenchmarkEvaluate runs every supported check over a generated fleet and
// reports the rows read per second.
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.System().CreateAccount(ctx, storetest.Account, iot.AccessKey{AccessKeyID: "AKIDBENCH", SecretAccessKey: "s",
		AccountID: account, CreatedAt: storetest.T0}); err != nil {
		b.Fatal(err)
	}
	loadBenchFleet(b, s)

	var checks []*check.Check
	for _, c := range check.All() {
		if c.Unsupported == "" {
			checks = append(checks, c)
		}
	}
	e := New(Config{Store: s})
	b.ReportAllocs()
	cpuBefore := cpuTime(b)
	for b.Loop() {
		var failed atomic.Int32
		runs := make([]check.Run, len(checks))
		for i, c := range checks {
			config := map[string]int64{}
			for _, k := range c.Config {
				config[k.Name] = k.Default
			}
			runs[i] = check.Run{Check: c, Report: &countingReporter{},
				Env:      check.Env{Account: account, Start: start, Config: config, Window: window},
				Finished: func(err error) { failed.Add(int32(boolInt(err != nil))) }}
		}
		if err := e.Evaluate(ctx, account, runs); err != nil {
			b.Fatal(err)
		}
		if failed.Load() != 0 {
			b.Fatalf("%d checks failed", failed.Load())
		}
	}
	rows := float64(benchCertificates + benchCAs + benchEvents + benchPolicies)
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	// CPU time says what the evaluation costs when other processes share the
	// cores; on two idle cores the wall time approaches half of it.
	b.ReportMetric(float64((cpuTime(b)-cpuBefore).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// countingReporter counts what a check reports, without keeping it.
type countingReporter struct{ evaluated, findings int }

func (r *countingReporter) Evaluated(n int)            { r.evaluated += n }
func (r *countingReporter) NonCompliant(check.Finding) { r.findings++ }
func (r *countingReporter) Message(string)             {}

// loadBenchFleet loads certificates spread over CAs (a few expiring, a few
// with weak keys), policies (a tenth overly permissive), and connection
// records (two per principal, a hundredth shared).
func loadBenchFleet(b *testing.B, s *sqlite.Store) {
	b.Helper()
	bulk := s.Bulk(context.Background(), account)
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchCAs {
		must(bulk.CACertificate(iot.CACertificate{ID: fmt.Sprintf("ca%062x", i), Status: iot.CACertificateActive,
			Mode: iot.CertificateModeDefault, DER: []byte(fmt.Sprint("ca", i)), RawSubject: []byte(fmt.Sprint("CN=CA ", i)),
			CreatedAt: storetest.T0, LastModifiedAt: storetest.T0, CustomerVersion: 1, GenerationID: "g",
			X509: benchFacts(fmt.Sprint("CN=CA ", i), "CN=Root", i, 3650)}))
	}
	for i := range benchCertificates {
		ca := i % benchCAs
		must(bulk.Certificate(iot.Certificate{ID: fmt.Sprintf("%064x", i), CAID: fmt.Sprintf("ca%062x", ca),
			Status: iot.CertificateActive, Mode: iot.CertificateModeDefault, DER: []byte(fmt.Sprint(i)),
			CreatedAt: storetest.T0, LastModifiedAt: storetest.T0, CustomerVersion: 1, GenerationID: "g",
			X509: benchFacts(fmt.Sprint("CN=device ", i), fmt.Sprint("CN=CA ", ca), i, 10+i%1000)}))
	}
	for i := range benchPolicies {
		var analysis iot.PolicyAnalysis
		if i%10 == 0 {
			analysis.BroadActions = []string{"iot:Connect", "iot:Publish"}
		}
		name := fmt.Sprintf("policy-%05d", i)
		must(bulk.Policy(iot.Policy{Name: name, DefaultVersionID: 1, LastVersionID: 1, GenerationID: "g",
			CreatedAt: storetest.T0, UpdatedAt: storetest.T0},
			iot.PolicyVersion{PolicyName: name, VersionID: 1, Document: `{"Version":"2012-10-17","Statement":[]}`,
				CreatedAt: storetest.T0, Analysis: analysis}))
	}
	for i := range benchEvents / 2 {
		principal := fmt.Sprintf("%064x", i)
		client, other := fmt.Sprint("client-", i), fmt.Sprint("client-", i)
		if i%100 == 0 {
			other = fmt.Sprint("impostor-", i)
		}
		at := window.From.Add(time.Duration(i) * time.Second)
		must(bulk.ConnectionEvents(
			iot.ConnectionEvent{ClientID: client, Principal: principal, SessionID: "s1", Timestamp: at, Type: iot.Connected},
			iot.ConnectionEvent{ClientID: other, Principal: principal, SessionID: "s2", Timestamp: at.Add(time.Minute), Type: iot.Connected},
		))
	}
	must(bulk.Close())
	must(s.Update(context.Background(), account, func(tx store.Tx) error {
		return tx.PutLoggingOptions(context.Background(), iot.LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logs", LogLevel: iot.LogInfo})
	}))
}

func benchFacts(subject, issuer string, n, days int) iot.X509Facts {
	return iot.X509Facts{
		NotBefore: storetest.T0, NotAfter: start.Add(time.Duration(days) * 24 * time.Hour), KeyAlgorithm: "RSA", KeyBits: 2048,
		Subject: subject, Issuer: issuer, SerialHex: fmt.Sprintf("%x", n+1), AuthorityKeyID: "aa", SubjectKeyID: fmt.Sprintf("%x", n),
		ROCAVulnerable: n%5000 == 0, WeakKeyFingerprint: fmt.Sprintf("%020x", n),
	}
}
