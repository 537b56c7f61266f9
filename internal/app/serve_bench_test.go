package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/loadbench"
)

// benchServer starts iotdefender on loopback with things seeded things and
// returns its address and a signer for its first account.
func benchServer(b *testing.B, things int) (string, *loadbench.Signer) {
	b.Helper()
	const keyID, secret = "AKIAAPPBENCH00000001", "app-bench-secret-0000000000000000000000"
	a, err := New(context.Background(), Config{
		DataDir: b.TempDir(), Region: "us-east-1", Endpoint: "bench:443",
		AccountID: "123456789012", AccessKeyID: keyID, SecretAccessKey: secret,
		KeyPoolSize: -1, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: a.Handler}
	go srv.Serve(ln)
	b.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	addr := ln.Addr().String()
	signer := loadbench.NewSigner(addr, "us-east-1", keyID, secret)
	seed, err := loadbench.SeedThings(signer, things)
	if err != nil {
		b.Fatal(err)
	}
	if res, err := loadbench.Replay(context.Background(), addr, seed, false, 16, time.Hour); err != nil || res.Failures > 0 {
		b.Fatalf("seed: %v %+v", err, res)
	}
	return addr, signer
}

// benchScenario replays b.N requests of the named scenario and reports req/s.
func benchScenario(b *testing.B, name string) {
	const things = 10000
	addr, signer := benchServer(b, things)
	for _, sc := range loadbench.Scenarios(things) {
		if sc.Name != name {
			continue
		}
		reqs, err := sc.Requests(signer, max(b.N, 1))
		if err != nil {
			b.Fatal(err)
		}
		run := make([][]byte, b.N) // the scenario's requests, cycled when it may replay them
		for i := range run {
			run[i] = reqs[i%len(reqs)]
		}
		b.ResetTimer()
		res, err := loadbench.Replay(context.Background(), addr, run, false, 32, time.Hour)
		b.StopTimer()
		if err != nil || res.Failures > 0 {
			b.Fatalf("%v %+v", err, res)
		}
		b.ReportMetric(res.PerSecond(), "req/s")
		return
	}
	b.Fatalf("no scenario %q", name)
}

func BenchmarkDescribeThing(b *testing.B)     { benchScenario(b, "DescribeThing") }
func BenchmarkListThings(b *testing.B)        { benchScenario(b, "ListThings maxResults=100") }
func BenchmarkCreateThing(b *testing.B)       { benchScenario(b, "CreateThing") }
func BenchmarkRegisterWithoutCA(b *testing.B) { benchScenario(b, "RegisterCertificateWithoutCA") }
