// Command iotbench measures iotdefender.
//
//	go run ./cmd/iotbench load [--duration 10s] [--conns 32] [--things 10000] [--moto moto_server]
//
// load builds and starts iotdefender and moto_server on loopback, seeds both with
// the same things, and measures DescribeThing, ListThings, RegisterCertificateWithoutCA
// and CreateThing side by side with pre-signed SigV4 requests replayed over
// keep-alive connections. It prints a Markdown table.
//
//	go run ./cmd/iotbench audit [--n 1000000] [--data DIR] [--runs 3] [--seed 1]
//
// audit builds a fleet of N things, device certificates and connection records
// directly in a data directory (or reuses the one it built there), then times
// full audits of it through the audit engine and checks their counts against
// what the fleet planted (see internal/auditbench). Each audit runs in a child
// process (iotbench audit-run), whose peak resident set it reports.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: iotbench load|audit [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "load":
		err = load(ctx, os.Args[2:])
	case "audit":
		err = auditBench(ctx, os.Args[2:])
	case "audit-run":
		err = auditRun(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "iotbench:", err)
		os.Exit(1)
	}
}
