package iotclient_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/iotdefender/iotdefender/internal/accounts"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/iotclient"
	"github.com/iotdefender/iotdefender/internal/iotclient/iotclienttest"
)

// isolate hides the caller's AWS configuration from the standard chain.
func isolate(t *testing.T) {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

func TestCredentialsFallBackToTheDataDirectory(t *testing.T) {
	isolate(t)
	s := iotclienttest.Start(t, nil)
	ctx := context.Background()

	if _, err := iotclient.New(ctx, iotclient.Options{Endpoint: s.URL, DataDir: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("no credentials anywhere: %v", err)
	}

	data := t.TempDir()
	if err := accounts.WriteCredentialsFile(filepath.Join(data, iotclient.CredentialsFile), iot.AccessKey{
		AccountID: iotclienttest.Account, AccessKeyID: iotclienttest.KeyID, SecretAccessKey: iotclienttest.SecretKey}); err != nil {
		t.Fatal(err)
	}
	c, err := iotclient.New(ctx, iotclient.Options{Endpoint: s.URL, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if c.CredentialSource != filepath.Join(data, iotclient.CredentialsFile) || c.AccountFromCredentialsFile() != iotclienttest.Account {
		t.Errorf("source %q, account %q", c.CredentialSource, c.AccountFromCredentialsFile())
	}
	if err := c.Healthy(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.IoT.ListThings(ctx, &awsiot.ListThingsInput{}); err != nil {
		t.Errorf("signed with the data directory's key: %v", err)
	}

	// The standard chain wins; a key the server does not know is explained.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDUNKNOWN000000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "unknown-secret")
	c, err = iotclient.New(ctx, iotclient.Options{Endpoint: s.URL, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.IoT.ListThings(ctx, &awsiot.ListThingsInput{})
	if err = c.Explain(err); err == nil || !strings.Contains(err.Error(), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(data, iotclient.CredentialsFile)) {
		t.Errorf("unknown key: %v", err)
	}
	_, err = c.PostConnectionEvents(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "UnrecognizedClientException") || !strings.Contains(err.Error(), "does not know the access key") {
		t.Errorf("unknown key on an extension endpoint: %v", err)
	}
}

func TestExtensionEndpoints(t *testing.T) {
	s := iotclienttest.Start(t, nil)
	ctx := context.Background()
	n, err := s.Client.PostConnectionEvents(ctx, []iotclient.ConnectionEvent{
		{ClientID: "c-1", Timestamp: 1767225600000, EventType: "connected", PrincipalIdentifier: strings.Repeat("ab", 32), SessionIdentifier: "s"},
		{ClientID: "c-1", Timestamp: 1767225660000, EventType: "disconnected", PrincipalIdentifier: strings.Repeat("ab", 32), SessionIdentifier: "s",
			DisconnectReason: "CLIENT_INITIATED_DISCONNECT", VersionNumber: 1},
	})
	if err != nil || n != 2 {
		t.Errorf("accepted %d, %v", n, err)
	}
	_, err = s.Client.PutCRL(ctx, []byte("not a CRL"))
	var apiErr *iotclient.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Code != "InvalidRequestException" || !strings.Contains(apiErr.Message, "CRL") {
		t.Errorf("bad CRL: %v", err)
	}
	nobody, err := iotclient.New(ctx, iotclient.Options{Endpoint: "http://127.0.0.1:1", Credentials: s.Client.IoT.Options().Credentials})
	if err != nil {
		t.Fatal(err)
	}
	if err := nobody.Healthy(ctx); err == nil || !strings.Contains(err.Error(), "iotdefender serve") {
		t.Errorf("nothing listens on port 1: %v", err)
	}
}
