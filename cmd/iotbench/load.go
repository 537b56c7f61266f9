package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/iotdefender/iotdefender/internal/loadbench"
)

const (
	benchKeyID  = "AKIAIOTBENCH00000001"
	benchSecret = "iotbench-secret-key-000000000000000000000"
	benchRegion = "us-east-1"
)

func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	duration := fs.Duration("duration", 10e9, "measured time per operation and server")
	conns := fs.Int("conns", 32, "concurrent connections")
	things := fs.Int("things", 10000, "things seeded in each server")
	moto := fs.String("moto", "moto_server", "moto_server command; empty to measure iotdefender alone")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "iotbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "iotdefender")
	fmt.Fprintln(os.Stderr, "building iotdefender")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/iotdefender")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build iotdefender (run from the repository root): %w", err)
	}
	iotAddr, err := freeAddr()
	if err != nil {
		return err
	}
	iot := exec.CommandContext(ctx, bin, "serve", "--addr", iotAddr, "--data", filepath.Join(tmp, "data"))
	iot.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+benchKeyID, "AWS_SECRET_ACCESS_KEY="+benchSecret)
	if err := startAndWait(iot, iotAddr, "/healthz"); err != nil {
		return err
	}
	defer stopProcess(iot)
	endpoints := []loadbench.Endpoint{{
		Name: "iotdefender", Addr: iotAddr, MaxRate: 15000,
		Signer: loadbench.NewSigner(iotAddr, benchRegion, benchKeyID, benchSecret),
	}}
	if *moto != "" {
		motoAddr, err := freeAddr()
		if err != nil {
			return err
		}
		host, port, _ := net.SplitHostPort(motoAddr)
		m := exec.CommandContext(ctx, *moto, "-H", host, "-p", port)
		if err := startAndWait(m, motoAddr, "/moto-api/"); err != nil {
			return err
		}
		defer stopProcess(m)
		endpoints = append(endpoints, loadbench.Endpoint{
			Name: "moto_server", Addr: motoAddr, MaxRate: 1000,
			Signer: loadbench.NewSigner(motoAddr, benchRegion, benchKeyID, benchSecret),
		})
	}
	rows, err := loadbench.Measure(ctx, endpoints, loadbench.Options{Things: *things, Conns: *conns, Duration: *duration, Log: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Printf("%d things seeded; %d connections; %s per operation and server; GOMAXPROCS %d on %d CPUs\n\n",
		*things, *conns, *duration, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Print(loadbench.Markdown(endpoints, rows))
	return nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startAndWait starts cmd and waits until GET path on addr answers.
func startAndWait(cmd *exec.Cmd, addr, path string) error {
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + path)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return errors.New(cmd.Path + " did not start")
}

func stopProcess(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
	}
}
