package loadbench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Signer pre-signs AWS IoT API requests for one endpoint.
type Signer struct {
	Host   string // host:port the requests are sent to
	Region string
	Creds  aws.Credentials
	signer *v4.Signer
}

// NewSigner returns a signer for host with the given key.
func NewSigner(host, region, keyID, secret string) *Signer {
	return &Signer{Host: host, Region: region, Creds: aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, signer: v4.NewSigner()}
}

// Request returns the raw bytes of a signed HTTP/1.1 request.
func (s *Signer) Request(method, pathAndQuery string, body []byte, headers map[string]string) ([]byte, error) {
	req, err := http.NewRequest(method, "http://"+s.Host+pathAndQuery, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(context.Background(), s.Creds, req, hex.EncodeToString(sum[:]), "iot", s.Region, time.Now()); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Requests signs n requests made by build(i).
func (s *Signer) Requests(n int, build func(i int) (method, path string, body []byte)) ([][]byte, error) {
	out := make([][]byte, n)
	for i := range out {
		method, path, body := build(i)
		raw, err := s.Request(method, path, body, nil)
		if err != nil {
			return nil, err
		}
		out[i] = raw
	}
	return out, nil
}

// jsonString quotes s as a JSON string (the inputs here are PEM text and names).
func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}
