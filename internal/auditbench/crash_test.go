package auditbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// crashFleet is the size of the crash test's fleet: large enough that an
// audit runs for a while (about a second on two idle cores).
const crashFleet = 200_000

// TestAuditSurvivesKill builds the iotdefender binary and a fleet in its data
// directory, starts an audit of every check through the SDK, kills the
// process with SIGKILL once a check has completed while others run, restarts
// it on the same data directory, and checks that the audit ends with the
// counts the fleet planted, each finding listed once.
func TestAuditSurvivesKill(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "iotdefender")
	build := exec.Command("go", "build", "-o", bin, "github.com/iotdefender/iotdefender/cmd/iotdefender")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(tmp, "data")
	meta, err := Build(ctx, data, crashFleet, 7, io.Discard)
	if err != nil {
		t.Fatal(err)
	}

	first := startServer(t, bin, data)
	client := first.client()
	update := &awsiot.UpdateAccountAuditConfigurationInput{RoleArn: aws.String(RoleARN),
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{}}
	for _, name := range Checks() {
		update.AuditCheckConfigurations[name] = types.AuditCheckConfiguration{Enabled: true}
	}
	if _, err := client.UpdateAccountAuditConfiguration(ctx, update); err != nil {
		t.Fatal(err)
	}
	started, err := client.StartOnDemandAuditTask(ctx, &awsiot.StartOnDemandAuditTaskInput{TargetCheckNames: Checks()})
	if err != nil {
		t.Fatal(err)
	}
	taskID := started.TaskId

	// Kill as soon as a check has completed while the task is in progress.
	deadline := time.Now().Add(time.Minute)
	for {
		d, err := client.DescribeAuditTask(ctx, &awsiot.DescribeAuditTaskInput{TaskId: taskID})
		if err != nil {
			t.Fatal(err)
		}
		if d.TaskStatus != types.AuditTaskStatusInProgress {
			t.Fatalf("the audit ended %s before it could be killed: grow crashFleet", d.TaskStatus)
		}
		if s := d.TaskStatistics; s != nil && aws.ToInt32(s.CompliantChecks)+aws.ToInt32(s.NonCompliantChecks) > 0 {
			t.Logf("killing the server: %d checks completed, %d in progress", aws.ToInt32(s.CompliantChecks)+aws.ToInt32(s.NonCompliantChecks),
				aws.ToInt32(s.InProgressChecks))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no check completed within a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.kill()

	second := startServer(t, bin, data)
	client = second.client()
	var d *awsiot.DescribeAuditTaskOutput
	deadline = time.Now().Add(3 * time.Minute)
	for {
		if d, err = client.DescribeAuditTask(ctx, &awsiot.DescribeAuditTaskInput{TaskId: taskID}); err != nil {
			t.Fatal(err)
		}
		if d.TaskStatus != types.AuditTaskStatusInProgress {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the audit is still IN_PROGRESS three minutes after the restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(second.log(), "resuming an interrupted audit task") {
		t.Errorf("the restarted server did not say it resumed the audit:\n%s", second.log())
	}
	switch d.TaskStatus {
	case types.AuditTaskStatusCompleted:
	case types.AuditTaskStatusFailed:
		// Allowed when it says why.
		for name, c := range d.AuditDetails {
			if c.CheckRunStatus == types.AuditCheckRunStatusFailed && aws.ToString(c.Message) == "" {
				t.Errorf("%s FAILED without a message", name)
			}
		}
	default:
		t.Fatalf("the audit ended %s", d.TaskStatus)
	}

	// Every finding once, and as many resources per check as it counts.
	resources := map[string]map[string]bool{} // check -> resource keys
	seen := map[string]bool{}                 // check, resource, reason code
	var req awsiot.ListAuditFindingsInput
	req.TaskId, req.MaxResults = taskID, aws.Int32(250)
	for {
		page, err := client.ListAuditFindings(ctx, &req)
		if err != nil {
			t.Fatalf("%v\nserver log:\n%s", err, second.log())
		}
		for _, f := range page.Findings {
			check, resource := aws.ToString(f.CheckName), resourceKey(f.NonCompliantResource)
			key := check + " " + resource + " " + aws.ToString(f.ReasonForNonComplianceCode)
			if seen[key] {
				t.Errorf("finding listed twice: %s", key)
			}
			seen[key] = true
			if resources[check] == nil {
				resources[check] = map[string]bool{}
			}
			resources[check][resource] = true
		}
		if page.NextToken == nil {
			break
		}
		req.NextToken = page.NextToken
	}
	for name, c := range d.AuditDetails {
		listed := int64(len(resources[name]))
		if got := aws.ToInt64(c.NonCompliantResourcesCount); got != listed {
			t.Errorf("%s counts %d non-compliant resources, %d listed", name, got, listed)
		}
		if d.TaskStatus == types.AuditTaskStatusCompleted {
			want := meta.Expected[name]
			if aws.ToInt64(c.TotalResourcesCount) != want.Total || listed != want.NonCompliant {
				t.Errorf("%s: %d resources, %d non-compliant; planted %d, %d",
					name, aws.ToInt64(c.TotalResourcesCount), listed, want.Total, want.NonCompliant)
			}
		}
	}
	t.Logf("the audit ended %s after the restart with %d findings", d.TaskStatus, len(seen))
}

// resourceKey names a non-compliant resource by every member of its
// identifier.
func resourceKey(r *types.NonCompliantResource) string {
	if r == nil || r.ResourceIdentifier == nil {
		return ""
	}
	id := r.ResourceIdentifier
	key := fmt.Sprint(aws.ToString(id.DeviceCertificateId), "|", aws.ToString(id.CaCertificateId), "|",
		aws.ToString(id.ClientId), "|", aws.ToString(id.Account), "|", aws.ToString(id.CognitoIdentityPoolId), "|",
		aws.ToString(id.IamRoleArn), "|", aws.ToString(id.RoleAliasArn), "|", aws.ToString(id.DeviceCertificateArn))
	if p := id.PolicyVersionIdentifier; p != nil {
		key += "|" + aws.ToString(p.PolicyName) + "/" + aws.ToString(p.PolicyVersionId)
	}
	if c := id.IssuerCertificateIdentifier; c != nil {
		key += "|" + aws.ToString(c.IssuerCertificateSubject) + "/" + aws.ToString(c.IssuerId) + "/" + aws.ToString(c.IssuerCertificateSerialNumber)
	}
	return key
}

// server is a running `iotdefender serve`.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	done chan struct{}

	mu     sync.Mutex
	stderr bytes.Buffer
}

// startServer starts iotdefender on the fleet's data directory and waits
// until it answers; it is stopped at the end of the test.
func startServer(t *testing.T, bin, data string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{t: t, addr: addr, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data, "--crl-fetch", "off",
		"--weak-key-blocklist", filepath.Join(data, BlocklistFile))
	s.cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+AccessKeyID, "AWS_SECRET_ACCESS_KEY="+SecretAccessKey,
		"AWS_REGION="+Region)
	s.cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.stderr.Write(p)
	})
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.stop)
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("iotdefender exited:\n%s", s.log())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("iotdefender did not answer within a minute:\n%s", s.log())
		}
	}
}

// client returns an SDK client of the server. Its transport reads each
// response whole before the SDK decodes it: decoding the large pages of
// ListAuditFindings as they arrive sometimes fails on this machine with "use
// of closed network connection" on the client's side of the connection,
// although the response is complete (its length always matches).
func (s *server) client() *awsiot.Client {
	return awsiot.New(awsiot.Options{Region: Region, BaseEndpoint: aws.String("http://" + s.addr),
		HTTPClient:  &http.Client{Transport: wholeBodies{http.DefaultTransport}},
		Credentials: credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""), RetryMaxAttempts: 1})
}

// wholeBodies reads every response body before handing the response on.
type wholeBodies struct{ base http.RoundTripper }

func (w wholeBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// kill sends SIGKILL and waits for the process to exit.
func (s *server) kill() {
	if err := s.cmd.Process.Kill(); err != nil {
		s.t.Fatal(err)
	}
	<-s.done
}

// stop interrupts the server, as Ctrl-C does, and waits for it.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
