package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/clock"
)

var clientCreds = Credentials{AccessKeyID: "AKIDCLIENTTEST", SecretAccessKey: "client/secret+key", AccountID: "111122223333"}

// oddNames are thing names whose paths real clients encode in different
// ways: spaces, reserved and non-ASCII characters, an escape sequence, a
// tilde, a slash, and dot segments.
var oddNames = []string{"plain", "a b", "a:b", "ü", "a%2Fb", "~x", "a/b", "a+b", "a..b", "..", "x=y&z"}

// verifyingServer is an HTTP server that verifies every request it gets and
// records the outcome. It answers 200 with an empty JSON object, or 403
// with the error.
type verifyingServer struct {
	*httptest.Server
	mu      sync.Mutex
	results []verification
}

type verification struct {
	RequestURI string
	Err        error
}

func newVerifyingServer(t *testing.T, v *Verifier) *verifyingServer {
	s := &verifyingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			_, err = v.Verify(r, body)
		}
		s.mu.Lock()
		s.results = append(s.results, verification{r.RequestURI, err})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			code := CodeInvalidSignature
			if e, ok := err.(*Error); ok {
				code = e.Code
			}
			w.Header().Set("X-Amzn-Errortype", code)
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"message": err.Error()})
			return
		}
		io.WriteString(w, "{}")
	}))
	t.Cleanup(s.Close)
	return s
}

// checkAll fails the test unless the server verified at least min requests
// and every one of them.
func (s *verifyingServer) checkAll(t *testing.T, min int) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.results) < min {
		t.Errorf("server saw %d requests, want at least %d", len(s.results), min)
	}
	for _, r := range s.results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.RequestURI, r.Err)
		}
	}
}

func clientVerifier() *Verifier {
	return &Verifier{Region: "us-east-1", Service: "iot", Clock: clock.Real{}, Lookup: lookupOf(clientCreds)}
}

func TestSDKClient(t *testing.T) {
	srv := newVerifyingServer(t, clientVerifier())
	client := iot.New(iot.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(clientCreds.AccessKeyID, clientCreds.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
	ctx := context.Background()
	calls := 0
	for _, name := range oddNames {
		calls++
		if _, err := client.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(name)}); err != nil {
			t.Errorf("DescribeThing(%q): %v", name, err)
		}
	}
	calls++
	if _, err := client.ListThings(ctx, &iot.ListThingsInput{
		AttributeName:  aws.String("a b+c/d"),
		AttributeValue: aws.String("x=y&z ~ü%20"),
		ThingTypeName:  aws.String("-._~"),
		MaxResults:     aws.Int32(5),
	}); err != nil {
		t.Errorf("ListThings: %v", err)
	}
	calls++
	if _, err := client.CreateThing(ctx, &iot.CreateThingInput{
		ThingName:        aws.String("t 1"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"k": "v  w", "ü": "\"q\""}},
	}); err != nil {
		t.Errorf("CreateThing: %v", err)
	}
	srv.checkAll(t, calls)
}

func TestSDKSigner(t *testing.T) {
	srv := newVerifyingServer(t, clientVerifier())
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: clientCreds.AccessKeyID, SecretAccessKey: clientCreds.SecretAccessKey}
	emptyHash := hexSHA256(nil)
	ctx := context.Background()
	for _, name := range oddNames {
		path := "/things/" + url.PathEscape(name)
		t.Run("header "+name, func(t *testing.T) {
			body := `{"thingName":"` + name + `"}`
			req := newClientRequest(t, http.MethodPost, srv.URL+path+"?q=a%20b&q=%2B", body)
			req.Header.Set("X-Custom", "  several   spaces  ")
			if err := signer.SignHTTP(ctx, creds, req, hexSHA256([]byte(body)), "iot", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			send(t, req)
		})
		for _, payload := range []string{unsignedPayload, emptyHash} {
			t.Run("presigned "+payload[:8]+" "+name, func(t *testing.T) {
				req := newClientRequest(t, http.MethodGet, srv.URL+path+"?X-Amz-Expires=300&z=%C3%BC", "")
				req.Header.Set("X-Amz-Meta", "hoisted into the query")
				signed, headers, err := signer.PresignHTTP(ctx, creds, req, payload, "iot", "us-east-1", time.Now())
				if err != nil {
					t.Fatal(err)
				}
				req = newClientRequest(t, http.MethodGet, signed, "")
				for k, vs := range headers {
					if k != "Host" {
						req.Header[k] = vs
					}
				}
				send(t, req)
			})
		}
	}
	srv.checkAll(t, 3*len(oddNames))
}

func newClientRequest(t *testing.T, method, rawURL, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Errorf("%s %s: %s %s", req.Method, req.URL, resp.Status, msg)
	}
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// botocoreScript calls the server at argv[1] the way boto3 and the aws CLI
// do: botocore's IoT client (header signing), then SigV4QueryAuth
// (presigned URLs, with and without a session token).
const botocoreScript = `
import json, sys, urllib.request
import botocore.session
from botocore.auth import SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

base, ak, sk = sys.argv[1], sys.argv[2], sys.argv[3]
names = json.loads(sys.argv[4])
client = botocore.session.get_session().create_client(
    'iot', region_name='us-east-1', endpoint_url=base,
    aws_access_key_id=ak, aws_secret_access_key=sk,
    config=Config(retries={'total_max_attempts': 1}))
for name in names:
    client.describe_thing(thingName=name)
client.list_things(attributeName='a b+c/d', attributeValue='x=y&z ~\u00fc%20', thingTypeName='-._~', maxResults=5)
client.create_thing(thingName='t 1', attributePayload={'attributes': {'k': 'v  w', '\u00fc': '"q"'}})

for creds in (Credentials(ak, sk), Credentials(ak, sk, 'session-token/+=')):
    req = AWSRequest(method='GET', url=base + '/things/a%20b?z=%C3%BC&q=1')
    SigV4QueryAuth(creds, 'iot', 'us-east-1', expires=300).add_auth(req)
    urllib.request.urlopen(req.url).read()

req = AWSRequest(method='POST', url=base + '/things/x', data=b'{"a": 1}', headers={'Content-Type': 'application/json'})
SigV4Auth(Credentials(ak, sk), 'iot', 'us-east-1').add_auth(req)
p = req.prepare()
urllib.request.urlopen(urllib.request.Request(p.url, data=p.body, headers=dict(p.headers), method='POST')).read()
`

func TestBotocore(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		t.Skip("botocore is not installed")
	}
	srv := newVerifyingServer(t, clientVerifier())
	names, _ := json.Marshal(oddNames)
	cmd := exec.Command("python3", "-c", botocoreScript, srv.URL, clientCreds.AccessKeyID, clientCreds.SecretAccessKey, string(names))
	cmd.Env = append(cmd.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("botocore: %v\n%s", err, out)
	}
	srv.checkAll(t, len(oddNames)+5)
}
