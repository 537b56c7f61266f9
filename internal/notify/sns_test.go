package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/notify"
	"github.com/iotdefender/iotdefender/internal/notify/snstest"
)

func TestPublishThroughSNS(t *testing.T) {
	endpoint := snstest.Start(t)
	topic := snstest.Subscribe(t, endpoint, "audits")
	p, err := notify.NewSNS(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	const message = `{"taskId":"a3aea009955e501a31b764abe1bebd3d","taskStatus":"COMPLETED"}`
	if err := p.Publish(context.Background(), topic.ARN, message); err != nil {
		t.Fatal(err)
	}
	if got := topic.Next(t, 10*time.Second); got != message {
		t.Errorf("received %q, want %q", got, message)
	}
	err = p.Publish(context.Background(), strings.Replace(topic.ARN, "audits", "missing", 1), message)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("publishing to a missing topic: %v", err)
	}
}

func TestRegionOfTopic(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sns:eu-west-1:123456789012:audits": "eu-west-1",
		"arn:aws-cn:sns:cn-north-1:123456789012:x":  "cn-north-1",
		"not-an-arn":  "",
		"arn:aws:sns": "",
	} {
		if got := notify.RegionOf(arn); got != want {
			t.Errorf("RegionOf(%q) = %q, want %q", arn, got, want)
		}
	}
}
