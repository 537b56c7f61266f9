package loadbench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Endpoint is one server under test.
type Endpoint struct {
	Name   string
	Addr   string // host:port
	Signer *Signer
	// MaxRate bounds the rate expected of it, to size the requests of the
	// scenarios that create a resource per request.
	MaxRate float64
}

// Options tune a measurement.
type Options struct {
	Things   int           // seeded things (10,000)
	Conns    int           // concurrent connections
	Duration time.Duration // per scenario and endpoint
	Log      io.Writer     // progress
}

// Row is one scenario measured on every endpoint.
type Row struct {
	Scenario Scenario
	Results  []Result // in the order of the endpoints
}

// Measure seeds every endpoint with the same fleet, then measures every scenario
// on each endpoint in turn.
func Measure(ctx context.Context, endpoints []Endpoint, opt Options) ([]Row, error) {
	for _, e := range endpoints {
		fmt.Fprintf(opt.Log, "seeding %d things in %s\n", opt.Things, e.Name)
		seed, err := SeedThings(e.Signer, opt.Things)
		if err != nil {
			return nil, err
		}
		res, err := Replay(ctx, e.Addr, seed, false, opt.Conns, time.Hour)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", e.Name, err)
		}
		if res.Failures > 0 {
			return nil, fmt.Errorf("seed %s: %d failures, first: %s", e.Name, res.Failures, res.FirstFail)
		}
	}
	var rows []Row
	for _, sc := range Scenarios(opt.Things) {
		row := Row{Scenario: sc}
		for _, e := range endpoints {
			n := int(e.MaxRate * opt.Duration.Seconds())
			reqs, err := sc.Requests(e.Signer, n)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(opt.Log, "%s on %s\n", sc.Name, e.Name)
			res, err := Replay(ctx, e.Addr, reqs, !sc.Unique, opt.Conns, opt.Duration)
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", sc.Name, e.Name, err)
			}
			row.Results = append(row.Results, res)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Markdown renders the rows as a table, one column per endpoint.
func Markdown(endpoints []Endpoint, rows []Row) string {
	var b strings.Builder
	b.WriteString("| operation | target |")
	for _, e := range endpoints {
		fmt.Fprintf(&b, " %s req/s |", e.Name)
	}
	b.WriteString("\n|---|---:|")
	for range endpoints {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | ≥ %.0f |", r.Scenario.Name, r.Scenario.Target)
		for _, res := range r.Results {
			cell := fmt.Sprintf(" %.0f", res.PerSecond())
			if res.Failures > 0 {
				cell += fmt.Sprintf(" (%d failed: %.60s)", res.Failures, res.FirstFail)
			}
			b.WriteString(cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}
