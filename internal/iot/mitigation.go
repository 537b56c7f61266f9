package iot

import "time"

// MitigationActionType is the kind of a mitigation action: what it changes.
type MitigationActionType string

// Mitigation action types (the model's MitigationActionType).
const (
	MitigationUpdateDeviceCertificate     MitigationActionType = "UPDATE_DEVICE_CERTIFICATE"
	MitigationUpdateCACertificate         MitigationActionType = "UPDATE_CA_CERTIFICATE"
	MitigationAddThingsToThingGroup       MitigationActionType = "ADD_THINGS_TO_THING_GROUP"
	MitigationReplaceDefaultPolicyVersion MitigationActionType = "REPLACE_DEFAULT_POLICY_VERSION"
	MitigationEnableIoTLogging            MitigationActionType = "ENABLE_IOT_LOGGING"
	MitigationPublishFindingToSNS         MitigationActionType = "PUBLISH_FINDING_TO_SNS"
)

// MitigationActionParams are the parameters of a mitigation action. Exactly
// one member is set in a valid definition; it determines the action's type.
type MitigationActionParams struct {
	UpdateDeviceCertificate     *UpdateCertificateParams
	UpdateCACertificate         *UpdateCertificateParams
	AddThingsToThingGroup       *AddThingsToThingGroupParams
	ReplaceDefaultPolicyVersion *ReplaceDefaultPolicyVersionParams
	EnableIoTLogging            *EnableIoTLoggingParams
	PublishFindingToSNS         *PublishFindingToSNSParams
}

// Types returns the action types of the members that are set.
func (p MitigationActionParams) Types() []MitigationActionType {
	var out []MitigationActionType
	add := func(set bool, t MitigationActionType) {
		if set {
			out = append(out, t)
		}
	}
	add(p.UpdateDeviceCertificate != nil, MitigationUpdateDeviceCertificate)
	add(p.UpdateCACertificate != nil, MitigationUpdateCACertificate)
	add(p.AddThingsToThingGroup != nil, MitigationAddThingsToThingGroup)
	add(p.ReplaceDefaultPolicyVersion != nil, MitigationReplaceDefaultPolicyVersion)
	add(p.EnableIoTLogging != nil, MitigationEnableIoTLogging)
	add(p.PublishFindingToSNS != nil, MitigationPublishFindingToSNS)
	return out
}

// DeactivateCertificate is the one action of UpdateCertificateParams.
const DeactivateCertificate = "DEACTIVATE"

// UpdateCertificateParams change the status of the finding's device or CA
// certificate.
type UpdateCertificateParams struct {
	Action string // DEACTIVATE
}

// AddThingsToThingGroupParams add the things attached to the finding's
// certificate to thing groups.
type AddThingsToThingGroupParams struct {
	ThingGroupNames       []string
	OverrideDynamicGroups bool
}

// BlankPolicyTemplate is the one template of ReplaceDefaultPolicyVersionParams.
const BlankPolicyTemplate = "BLANK_POLICY"

// ReplaceDefaultPolicyVersionParams give the finding's policy a new default
// version made from a template.
type ReplaceDefaultPolicyVersionParams struct {
	TemplateName string // BLANK_POLICY
}

// EnableIoTLoggingParams turn the account's v2 logging on.
type EnableIoTLoggingParams struct {
	RoleARNForLogging string
	LogLevel          LogLevel
}

// PublishFindingToSNSParams publish the finding to an SNS topic.
type PublishFindingToSNSParams struct {
	TopicARN string
}

// MitigationAction is a mitigation action definition. Its ARN is derived from
// the account, region and name.
type MitigationAction struct {
	Name           string
	ID             string // a UUID
	Type           MitigationActionType
	RoleARN        string
	Params         MitigationActionParams
	CreatedAt      time.Time
	LastModifiedAt time.Time
}
