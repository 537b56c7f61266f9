package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/auditbench"
)

// auditBench builds (or reuses) a fleet in a data directory and times full
// audits of it through the audit engine, each in a process of its own
// (auditRun) that starts with empty page caches.
func auditBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	n := fs.Int("n", 1_000_000, "things, device certificates and connection records of the fleet")
	data := fs.String("data", "", "data directory of the fleet, reused when it holds this fleet (default: iotbench-audit-N in the temporary directory)")
	seed := fs.Uint64("seed", 1, "seed of the fleet")
	runs := fs.Int("runs", 3, "audits to time (0: build the fleet only)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the first audit to this file")
	traceFile := fs.String("trace", "", "write an execution trace of the first audit to this file (go tool trace)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1000 {
		return fmt.Errorf("--n must be at least 1000")
	}
	if *data == "" {
		*data = filepath.Join(os.TempDir(), fmt.Sprintf("iotbench-audit-%d", *n))
	}
	meta, built, err := auditbench.Ensure(ctx, *data, *n, *seed, os.Stderr)
	if err != nil {
		return err
	}
	if built {
		fmt.Fprintf(os.Stderr, "built the fleet of %d in %s in %.0fs\n", *n, *data, meta.BuildSeconds)
	} else {
		fmt.Fprintf(os.Stderr, "reusing the fleet of %d in %s, built %s in %.0fs\n", *n, *data, meta.BuiltAt.Format(time.RFC3339), meta.BuildSeconds)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var results []auditbench.Result
	for i := range *runs {
		if err := auditbench.Clean(ctx, *data); err != nil {
			return err
		}
		load := loadAverage()
		childArgs := []string{"audit-run", "--data", *data}
		if i == 0 && *cpuProfile != "" {
			childArgs = append(childArgs, "--cpuprofile", *cpuProfile)
		}
		if i == 0 && *traceFile != "" {
			childArgs = append(childArgs, "--trace", *traceFile)
		}
		child := exec.CommandContext(ctx, self, childArgs...)
		child.Stderr = os.Stderr
		out, err := child.Output()
		var res auditbench.Result
		if jerr := json.Unmarshal(out, &res); jerr != nil {
			return fmt.Errorf("audit %d: %v (%v)", i+1, err, jerr)
		}
		if res.Err != "" {
			res.Table(os.Stderr, meta)
			return fmt.Errorf("audit %d: %s", i+1, res.Err)
		}
		fmt.Printf("audit %d: wall %.2fs (engine %.2fs), CPU %.2fs, peak RSS %d MiB%s, load average before: %s\n",
			i+1, res.Wall.Seconds(), res.EngineWall.Seconds(), res.CPU.Seconds(), res.PeakRSS>>20, hwmNote(res), load)
		results = append(results, res)
	}
	fmt.Printf("\nfleet: N=%d (seed %d), %d CA certificates, %d policies, %d connection records; built in %.0fs\n",
		meta.N, meta.Seed, auditbench.CAs+1, auditbench.Policies, meta.Records, meta.BuildSeconds)
	fmt.Printf("machine: %d CPUs, %s\n", runtime.NumCPU(), runtime.Version())
	if len(results) == 0 {
		return nil // --runs 0: the fleet only
	}
	median := func(v func(auditbench.Result) float64) float64 {
		xs := make([]float64, len(results))
		for i, r := range results {
			xs[i] = v(r)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	fmt.Printf("median of %d: wall %.2fs, CPU %.2fs, peak RSS %.0f MiB\n\n", len(results),
		median(func(r auditbench.Result) float64 { return r.Wall.Seconds() }),
		median(func(r auditbench.Result) float64 { return r.CPU.Seconds() }),
		median(func(r auditbench.Result) float64 { return float64(r.PeakRSS >> 20) }))
	results[len(results)-1].Table(os.Stdout, meta)
	return nil
}

// auditRun runs one timed audit of the fleet in --data and writes its result
// as JSON on standard output: the process of one measurement of auditBench.
func auditRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit-run", flag.ContinueOnError)
	data := fs.String("data", "", "data directory of a fleet built by iotbench audit")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the audit to this file")
	traceFile := fs.String("trace", "", "write an execution trace of the audit to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := auditbench.Open(ctx, *data, os.Stderr)
	if err != nil {
		return err
	}
	defer r.Close()
	stopProfile, err := startProfile(*cpuProfile)
	if err != nil {
		return err
	}
	stopTrace, err := startTrace(*traceFile)
	if err != nil {
		stopProfile()
		return err
	}
	res, err := r.Audit(ctx)
	stopTrace()
	stopProfile()
	if err != nil {
		res.Err = err.Error()
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// startProfile starts a CPU profile into file, if any.
func startProfile(file string) (stop func(), err error) {
	return startRecording(file, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// startTrace starts an execution trace into file, if any.
func startTrace(file string) (stop func(), err error) {
	return startRecording(file, trace.Start, trace.Stop)
}

// startRecording starts writing a recording of the process into file, if any.
func startRecording(file string, start func(io.Writer) error, end func()) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { end(); f.Close() }, nil
}

func hwmNote(r auditbench.Result) string {
	if r.HWMReset {
		return ""
	}
	return " (since the process started: the peak could not be reset)"
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
