package apitest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/smithy-go"

	"github.com/iotdefender/iotdefender/internal/accounts"
	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/clock"
)

const (
	region       = "us-east-1"
	firstAccount = "123456789012"
	firstKeyID   = "AKIDAPITEST000000001"
	firstSecret  = "apitest-secret-000000000000000000000000"
)

// env is a running iotdefender (in process, over real HTTP) and SDK clients.
type env struct {
	t      *testing.T
	app    *app.App
	url    string
	Client *awsiot.Client // the first account's client
}

// newEnv starts iotdefender on a fresh data directory.
func newEnv(t *testing.T) *env {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{
		DataDir:         t.TempDir(),
		Region:          region,
		Endpoint:        "iot.test:443",
		AccountID:       firstAccount,
		AccessKeyID:     firstKeyID,
		SecretAccessKey: firstSecret,
		KeyPoolSize:     -1,
		Log:             slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, url: srv.URL}
	e.Client = e.client(firstKeyID, firstSecret)
	return e
}

// client returns an SDK client signing with the given key.
func (e *env) client(keyID, secret string) *awsiot.Client {
	return awsiot.New(awsiot.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.url),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		Retryer:      connectionRetryer(),
	})
}

// connectionRetryer retries only what the SDK counts as a connection error:
// every answer of the server is seen as it is, but the client's own
// transport now and then closes a keep-alive connection under a response it
// reads ("use of closed network connection"), which the SDK retries by
// default (aws-sdk-go-v2 #2737).
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
	})
}

// otherAccount creates another account and returns its client.
func (e *env) otherAccount(id string) *awsiot.Client {
	e.t.Helper()
	key, err := accounts.Create(context.Background(), e.app.Store.System(), clock.Real{}, id, "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.client(key.AccessKeyID, key.SecretAccessKey)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantErr asserts that err is the SDK's typed error T (e.g.
// *types.ResourceNotFoundException) and returns it.
func wantErr[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}

// wantCode asserts the AWS error code of err, for errors the SDK has no type for.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}
