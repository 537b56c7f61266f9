// Package iotclienttest starts iotdefender in process, over real HTTP, for the
// tests of the client commands, and returns an iotclient.Client for it.
package iotclienttest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/iotclient"
)

// Account and the key of the server's first account.
const (
	Account   = "123456789012"
	KeyID     = "AKIDCLIENTTEST000001"
	SecretKey = "client-test-secret-0000000000000000000000"
)

// Server is a running iotdefender and a client of it.
type Server struct {
	App    *app.App
	URL    string
	Client *iotclient.Client
}

// Start runs iotdefender on a fresh data directory until the test ends;
// configure, when not nil, changes its configuration first.
func Start(t testing.TB, configure func(*app.Config)) *Server {
	t.Helper()
	cfg := app.Config{
		DataDir: t.TempDir(), Region: "us-east-1", Endpoint: "iot.test:443",
		AccountID: Account, AccessKeyID: KeyID, SecretAccessKey: SecretKey, KeyPoolSize: -1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if configure != nil {
		configure(&cfg)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	c, err := iotclient.New(context.Background(), iotclient.Options{Endpoint: srv.URL, Region: cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(KeyID, SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return &Server{App: a, URL: srv.URL, Client: c}
}
