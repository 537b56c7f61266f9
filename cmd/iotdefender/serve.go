package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/server"
)

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("IOTDEFENDER_ADDR", "127.0.0.1:4580"), "listen address (IOTDEFENDER_ADDR)")
	data := fs.String("data", env("IOTDEFENDER_DATA", "./iotdefender-data"), "data directory (IOTDEFENDER_DATA)")
	region := fs.String("region", env("IOTDEFENDER_REGION", "us-east-1"), "AWS region the API answers for (IOTDEFENDER_REGION)")
	tlsCert := fs.String("tls-cert", env("IOTDEFENDER_TLS_CERT", ""), "TLS certificate file; serve HTTPS with --tls-key")
	tlsKey := fs.String("tls-key", env("IOTDEFENDER_TLS_KEY", ""), "TLS private key file")
	weakKeys := fs.String("weak-key-blocklist", env("IOTDEFENDER_WEAK_KEY_BLOCKLIST", ""),
		"weak-key blocklist (openssl-blacklist format) for the key-quality checks' CVE-2008-0166 test (IOTDEFENDER_WEAK_KEY_BLOCKLIST)")
	crlFetch := fs.String("crl-fetch", env("IOTDEFENDER_CRL_FETCH", "public"),
		"CRL distribution points the revocation checks fetch: public (public addresses only), all, or off (IOTDEFENDER_CRL_FETCH)")
	snsEndpoint := fs.String("sns-endpoint", env("IOTDEFENDER_SNS_ENDPOINT", ""),
		"SNS API endpoint URL for audit notifications, e.g. a local SNS server; AWS's when empty. Credentials and region come from the standard AWS configuration (IOTDEFENDER_SNS_ENDPOINT)")
	synchronous := fs.String("synchronous", env("IOTDEFENDER_SYNCHRONOUS", "normal"),
		"normal: a write the API acknowledged survives a crash of the process; full: also a power loss, at some write throughput (IOTDEFENDER_SYNCHRONOUS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *synchronous != "normal" && *synchronous != "full" {
		return fmt.Errorf("--synchronous must be normal or full, not %q", *synchronous)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	fetchMode, err := certs.ParseFetchMode(*crlFetch)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	a, err := app.New(ctx, app.Config{
		DataDir:          *data,
		Region:           *region,
		Endpoint:         *addr,
		AccountID:        env("IOTDEFENDER_ACCOUNT_ID", "123456789012"),
		AccessKeyID:      bothOrNone("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", 0),
		SecretAccessKey:  bothOrNone("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", 1),
		WeakKeyBlocklist: *weakKeys,
		CRLFetch:         fetchMode,
		SNSEndpoint:      *snsEndpoint,
		Synchronous:      strings.ToUpper(*synchronous),
		Log:              log,
	})
	if err != nil {
		return err
	}
	defer a.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := server.HTTPServer(*addr, a.Handler)
	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	log.Info("iotdefender is serving the AWS IoT API", "endpoint", scheme+"://"+ln.Addr().String(), "region", *region, "data", *data)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// bothOrNone returns the i-th of two environment variables when both are set.
func bothOrNone(a, b string, i int) string {
	va, vb := os.Getenv(a), os.Getenv(b)
	if va == "" || vb == "" {
		return ""
	}
	return []string{va, vb}[i]
}
