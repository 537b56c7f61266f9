package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/iotdefender/iotdefender/internal/demo"
	"github.com/iotdefender/iotdefender/internal/iotclient"
)

// clientFlags are the flags of the commands that are clients of a running
// server.
type clientFlags struct {
	endpoint, data, region string
}

func (c *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.endpoint, "endpoint", env("IOTDEFENDER_ENDPOINT", iotclient.DefaultEndpoint), "URL of the running iotdefender server (IOTDEFENDER_ENDPOINT)")
	fs.StringVar(&c.data, "data", env("IOTDEFENDER_DATA", "./iotdefender-data"),
		"the server's data directory: its credentials file is used when the standard AWS configuration has no credentials (IOTDEFENDER_DATA)")
	fs.StringVar(&c.region, "region", env("IOTDEFENDER_REGION", "us-east-1"), "AWS region the server answers for (IOTDEFENDER_REGION)")
}

func (c *clientFlags) client(ctx context.Context) (*iotclient.Client, error) {
	return iotclient.New(ctx, iotclient.Options{Endpoint: c.endpoint, Region: c.region, DataDir: c.data})
}

// interruptible returns a context canceled by SIGINT or SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
}

func demoCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var cf clientFlags
	cf.register(fs)
	fs.Usage = func() {
		text := "usage: iotdefender demo [--endpoint URL] [--data DIR] [--region REGION]\n\n" +
			"Fills the account of a running server with a small demo fleet whose audit finds something\n" +
			"for every check iotdefender runs, then says how to audit it.\n\n"
		_, _ = io.WriteString(fs.Output(), text)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, stop := interruptible()
	defer stop()
	c, err := cf.client(ctx)
	if err != nil {
		return err
	}
	_, err = demo.Run(ctx, demo.Options{Client: c, Out: out, DataDir: cf.data, NextFlags: cf.explicit(fs)})
	return err
}

// explicit returns the client flags given on the command line, for a next
// command to repeat.
func (c *clientFlags) explicit(fs *flag.FlagSet) string {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var b strings.Builder
	for _, f := range []struct{ name, value string }{{"endpoint", c.endpoint}, {"data", c.data}, {"region", c.region}} {
		if given[f.name] {
			fmt.Fprintf(&b, " --%s %s", f.name, f.value)
		}
	}
	return b.String()
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
