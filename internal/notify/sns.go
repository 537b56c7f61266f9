// Package notify publishes iotdefender's outbound notifications (audit
// completion notifications, findings published by mitigation actions) to SNS
// topics through the real SNS API.
package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// SNS publishes messages to SNS topics. Credentials come from the standard AWS
// configuration chain (environment, shared files, instance roles).
type SNS struct {
	client *sns.Client
}

// NewSNS returns a publisher. endpoint overrides the SNS endpoint (e.g. a
// local SNS-compatible server); "" uses AWS's endpoint of the topic's region.
func NewSNS(ctx context.Context, endpoint string) (*SNS, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("notify: load the AWS configuration: %w", err)
	}
	client := sns.NewFromConfig(cfg, func(o *sns.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &SNS{client: client}, nil
}

// Publish sends message to the topic, in the topic's region.
func (p *SNS) Publish(ctx context.Context, topicARN, message string) error {
	_, err := p.client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(message)},
		func(o *sns.Options) {
			if region := regionOf(topicARN); region != "" {
				o.Region = region
			}
		})
	if err != nil {
		return fmt.Errorf("notify: publish to %s: %w", topicARN, err)
	}
	return nil
}

// regionOf returns the region of an ARN (arn:partition:service:region:...).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}
