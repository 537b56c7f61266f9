package mitigation

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// BlankPolicyDocument is the document of the BLANK_POLICY template [I: AWS
// publishes none]. Its one statement allows every action that is not an
// action (NotAction "*"): none. The policy then grants nothing; unlike a Deny,
// it takes nothing away from the other policies of the same principals.
const BlankPolicyDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}`

// REPLACE_DEFAULT_POLICY_VERSION creates a version of the finding's policy
// from the template and makes it the default, through the registry's
// CreatePolicyVersion: a policy at the limit of 5 versions fails the
// execution with INVALID_STATE_OF_RESOURCE, as does a policy deleted since
// the audit.
func init() {
	register(&actionType{
		Type:        iot.MitigationReplaceDefaultPolicyVersion,
		Member:      "replaceDefaultPolicyVersionParams",
		Permissions: []string{"iot:CreatePolicyVersion"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			if name := p.ReplaceDefaultPolicyVersion.TemplateName; name != iot.BlankPolicyTemplate {
				return iot.Errorf(iot.InvalidRequest, "templateName must be BLANK_POLICY, not %q.", name)
			}
			return nil
		},
		apply: func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, _ iot.MitigationActionParams) error {
			v := f.Resource.Identifier.PolicyVersion
			if v == nil {
				return iot.Errorf(iot.InvalidRequest, "The resource of finding %s is a %s, not an IoT policy.", f.ID, f.Resource.Type)
			}
			_, err := e.registry.CreatePolicyVersionTx(ctx, tx, v.PolicyName, BlankPolicyDocument, true)
			return err
		},
	})
}
