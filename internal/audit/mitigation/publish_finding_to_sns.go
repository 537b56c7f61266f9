package mitigation

import (
	"context"
	"encoding/json"
	"regexp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// snsTopicARN is the form of an SNS topic's ARN; a definition must name one
// [I].
var snsTopicARN = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// PUBLISH_FINDING_TO_SNS publishes the finding to the topic through the SNS
// API, as the JSON of findingMessage. Its effect is outside the store: its
// execution is recorded IN_PROGRESS before the publication and COMPLETED or
// FAILED after (see run.go).
func init() {
	register(&actionType{
		Type:        iot.MitigationPublishFindingToSNS,
		Member:      "publishFindingToSnsParams",
		Permissions: []string{"sns:Publish"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			if arn := p.PublishFindingToSNS.TopicARN; !snsTopicARN.MatchString(arn) {
				return iot.Errorf(iot.InvalidRequest, "publishFindingToSnsParams.topicArn %q is not the ARN of an SNS topic (arn:aws:sns:region:account:name).", arn)
			}
			return nil
		},
		message: func(ctx context.Context, e *Engine, tx store.ReadTx, f iot.AuditFinding, task iot.MitigationTask, a iot.MitigationAction) (outbound, error) {
			full, err := tx.AuditFinding(ctx, f.ID, maxRelatedInMessage)
			if err != nil {
				return outbound{}, notFound(err, "Finding %s no longer exists.", f.ID)
			}
			body, err := json.Marshal(findingMessage{
				AccountID: tx.Account(), TaskID: task.ID, ActionName: a.Name, ActionID: a.ID, Finding: newFindingJSON(full),
			})
			return outbound{TopicARN: a.Params.PublishFindingToSNS.TopicARN, Body: string(body)}, err
		},
	})
}
