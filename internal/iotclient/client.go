// Package iotclient is the client side of iotdefender's own commands (demo,
// audit run): an aws-sdk-go-v2 AWS IoT client pointed at a running server, and
// SigV4-signed calls to the server's extension endpoints (CRL upload,
// connection records).
//
// Credentials come from the standard AWS configuration chain (environment,
// shared files, profiles), without the EC2 instance metadata service; when it
// has none, from the credentials file that `iotdefender serve` writes in its
// data directory.
package iotclient

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/smithy-go"
)

// Paths of the extension endpoints (internal/server).
const (
	crlPath              = "/_iotdefender/v1/crls"
	connectionEventsPath = "/_iotdefender/v1/connection-events"
)

// DefaultEndpoint is where `iotdefender serve` listens by default.
const DefaultEndpoint = "http://127.0.0.1:4580"

// CredentialsFile is the name of the file serve writes in its data directory.
const CredentialsFile = "credentials"

// Options say which server to reach and as whom.
type Options struct {
	Endpoint string // DefaultEndpoint when empty
	Region   string // us-east-1 when empty
	// DataDir is the server's data directory, whose credentials file is the
	// fallback when the standard chain has no credentials.
	DataDir string
	// Credentials, when set, replace the lookup above.
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client // http.DefaultClient when nil
}

// Client talks to one iotdefender server.
type Client struct {
	IoT      *awsiot.Client
	Endpoint string
	Region   string
	// CredentialSource says where the credentials came from, for messages.
	CredentialSource string

	creds    aws.CredentialsProvider
	http     *http.Client
	dataFile string // the data directory's credentials file, when it exists
}

// New resolves the credentials and returns a client. It does not contact the
// server: Healthy does.
func New(ctx context.Context, opts Options) (*Client, error) {
	if opts.Endpoint == "" {
		opts.Endpoint = DefaultEndpoint
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	c := &Client{Endpoint: strings.TrimRight(opts.Endpoint, "/"), Region: opts.Region, http: opts.HTTPClient}
	if opts.DataDir != "" {
		path := filepath.Join(opts.DataDir, CredentialsFile)
		if _, err := os.Stat(path); err == nil {
			c.dataFile = path
		}
	}
	switch {
	case opts.Credentials != nil:
		c.creds, c.CredentialSource = opts.Credentials, "the credentials given"
	default:
		creds, source, err := c.resolveCredentials(ctx)
		if err != nil {
			return nil, err
		}
		c.creds, c.CredentialSource = creds, source
	}
	c.IoT = awsiot.New(awsiot.Options{
		Region:       c.Region,
		BaseEndpoint: aws.String(c.Endpoint),
		Credentials:  c.creds,
		HTTPClient:   c.http,
	})
	return c, nil
}

// resolveCredentials tries the standard chain, then the data directory's
// credentials file.
func (c *Client) resolveCredentials(ctx context.Context) (aws.CredentialsProvider, string, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(c.Region),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err == nil && cfg.Credentials != nil {
		if _, err := cfg.Credentials.Retrieve(ctx); err == nil {
			return cfg.Credentials, "the standard AWS configuration", nil
		}
	}
	if c.dataFile == "" {
		return nil, "", errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE, " +
			"or point --data at the server's data directory, whose credentials file serve writes on its first start")
	}
	key, secret, err := readCredentialsFile(c.dataFile)
	if err != nil {
		return nil, "", err
	}
	return credentials.NewStaticCredentialsProvider(key, secret, ""), c.dataFile, nil
}

// readCredentialsFile reads the [default] key of a shared-credentials file.
func readCredentialsFile(path string) (key, secret string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	section := ""
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || section != "default" {
			continue
		}
		switch strings.TrimSpace(name) {
		case "aws_access_key_id":
			key = strings.TrimSpace(value)
		case "aws_secret_access_key":
			secret = strings.TrimSpace(value)
		}
	}
	if err := scanner.Err(); err != nil {
		return "", "", err
	}
	if key == "" || secret == "" {
		return "", "", fmt.Errorf("%s has no [default] aws_access_key_id and aws_secret_access_key", path)
	}
	return key, secret, nil
}

// AccountFromCredentialsFile returns the account id that serve notes in the
// credentials file of its data directory, or "".
func (c *Client) AccountFromCredentialsFile() string {
	if c.dataFile == "" {
		return ""
	}
	b, err := os.ReadFile(c.dataFile)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "# iotdefender account "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// Healthy checks that an iotdefender server answers at the endpoint.
func (c *Client) Healthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Endpoint+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("endpoint %q: %w", c.Endpoint, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("no iotdefender server answers at %s (start one with `iotdefender serve`): %w", c.Endpoint, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/healthz answered %s: is it an iotdefender server?", c.Endpoint, resp.Status)
	}
	return nil
}

// Explain adds a hint to an error of the server that refused the credentials.
func (c *Client) Explain(err error) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	switch apiErr.ErrorCode() {
	case "UnrecognizedClientException", "InvalidSignatureException":
		hint := fmt.Sprintf("the server does not know the access key from %s", c.CredentialSource)
		if c.dataFile != "" && c.CredentialSource != c.dataFile {
			hint += fmt.Sprintf("; to use the key serve wrote, set AWS_SHARED_CREDENTIALS_FILE=%s", c.dataFile)
		}
		return fmt.Errorf("%w (%s)", err, hint)
	}
	return err
}

// APIError is an error answer of an extension endpoint.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// CRLResult is the server's answer to a CRL upload.
type CRLResult struct {
	Issuer              string  `json:"issuer"`
	IssuerCertificateID string  `json:"issuerCertificateId"`
	ThisUpdate          float64 `json:"thisUpdate"`
	RevokedCount        int     `json:"revokedCount"`
}

// PutCRL uploads a CRL (DER or PEM) for the revocation checks.
func (c *Client) PutCRL(ctx context.Context, crl []byte) (CRLResult, error) {
	var out CRLResult
	err := c.extension(ctx, http.MethodPut, crlPath, "application/pkix-crl", crl, &out)
	return out, err
}

// ConnectionEvent is an AWS IoT lifecycle event (connected or disconnected),
// as the connection-events endpoint takes it.
type ConnectionEvent struct {
	ClientID            string `json:"clientId"`
	Timestamp           int64  `json:"timestamp"` // epoch milliseconds
	EventType           string `json:"eventType"` // connected, disconnected
	SessionIdentifier   string `json:"sessionIdentifier,omitempty"`
	PrincipalIdentifier string `json:"principalIdentifier"`
	IPAddress           string `json:"ipAddress,omitempty"`
	ThingName           string `json:"thingName,omitempty"`
	DisconnectReason    string `json:"disconnectReason,omitempty"`
	VersionNumber       int64  `json:"versionNumber"`
}

// PostConnectionEvents sends device connection records for the
// shared-certificate and conflicting client id checks; it returns how many the
// server accepted.
func (c *Client) PostConnectionEvents(ctx context.Context, events []ConnectionEvent) (int, error) {
	body, err := json.Marshal(map[string][]ConnectionEvent{"events": events})
	if err != nil {
		return 0, err
	}
	var out struct {
		Accepted int `json:"accepted"`
	}
	err = c.extension(ctx, http.MethodPost, connectionEventsPath, "application/json", body, &out)
	return out.Accepted, err
}

// extension sends a SigV4-signed request to an extension endpoint and decodes
// its JSON answer into out.
func (c *Client) extension(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "iot", c.Region, time.Now()); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Status: resp.StatusCode, Code: resp.Header.Get("x-amzn-ErrorType")}
		e.Code, _, _ = strings.Cut(e.Code, ":")
		var msg struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(answer, &msg) == nil {
			e.Message = msg.Message
		}
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(answer))
		}
		if e.Code == "UnrecognizedClientException" || e.Code == "InvalidSignatureException" {
			return c.Explain(&smithy.GenericAPIError{Code: e.Code, Message: e.Message})
		}
		return fmt.Errorf("%s %s: %w", method, path, e)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not JSON: %w", method, path, err)
	}
	return nil
}
