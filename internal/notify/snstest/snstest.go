// Package snstest runs moto_server as a local SNS and SQS endpoint for tests,
// and reads back what was published to a topic through an SQS queue
// subscribed to it.
package snstest

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Region is the region of the topics Subscribe creates.
const Region = "us-east-1"

// Start runs moto_server on a free local port until the test ends and returns
// its URL. It skips the test when moto_server is not on PATH. It points the
// standard AWS configuration chain at fixed test credentials.
func Start(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server is not on PATH: install moto[server] to run the SNS tests")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	return url
}

// Topic is an SNS topic with an SQS queue subscribed to it.
type Topic struct {
	ARN      string
	queueURL string
	sqs      *sqs.Client
}

// Subscribe creates a topic named name on the endpoint and an SQS queue that
// receives its messages as they were published.
func Subscribe(t testing.TB, endpoint, name string) *Topic {
	t.Helper()
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("testing", "testing", "")
	snsClient := sns.New(sns.Options{Region: Region, BaseEndpoint: aws.String(endpoint), Credentials: creds})
	sqsClient := sqs.New(sqs.Options{Region: Region, BaseEndpoint: aws.String(endpoint), Credentials: creds})
	topic, err := snsClient.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := sqsClient.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-queue")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sqsClient.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: queue.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = snsClient.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	return &Topic{ARN: aws.ToString(topic.TopicArn), queueURL: aws.ToString(queue.QueueUrl), sqs: sqsClient}
}

// Next waits up to timeout for the next message published to the topic and
// returns it; it fails the test when none comes.
func (tp *Topic) Next(t testing.TB, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		out, err := tp.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(tp.queueURL),
			MaxNumberOfMessages: 1, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			m := out.Messages[0]
			_, _ = tp.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(tp.queueURL), ReceiptHandle: m.ReceiptHandle})
			return aws.ToString(m.Body)
		}
	}
	t.Fatalf("no message on %s within %v", tp.ARN, timeout)
	return ""
}
