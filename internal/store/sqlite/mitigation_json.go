package sqlite

import (
	"encoding/json"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// The JSON forms of the mitigation family's structured columns, with the
// model's member names.

type storedParams struct {
	UpdateDeviceCertificate     *storedUpdateCertificate `json:"updateDeviceCertificateParams,omitempty"`
	UpdateCACertificate         *storedUpdateCertificate `json:"updateCACertificateParams,omitempty"`
	AddThingsToThingGroup       *storedAddThings         `json:"addThingsToThingGroupParams,omitempty"`
	ReplaceDefaultPolicyVersion *storedReplacePolicy     `json:"replaceDefaultPolicyVersionParams,omitempty"`
	EnableIoTLogging            *storedEnableLogging     `json:"enableIoTLoggingParams,omitempty"`
	PublishFindingToSNS         *storedPublishToSNS      `json:"publishFindingToSnsParams,omitempty"`
}

type storedUpdateCertificate struct {
	Action string `json:"action"`
}

type storedAddThings struct {
	ThingGroupNames       []string `json:"thingGroupNames"`
	OverrideDynamicGroups bool     `json:"overrideDynamicGroups"`
}

type storedReplacePolicy struct {
	TemplateName string `json:"templateName"`
}

type storedEnableLogging struct {
	RoleARNForLogging string       `json:"roleArnForLogging"`
	LogLevel          iot.LogLevel `json:"logLevel"`
}

type storedPublishToSNS struct {
	TopicARN string `json:"topicArn"`
}

func toStoredParams(p iot.MitigationActionParams) storedParams {
	var s storedParams
	if u := p.UpdateDeviceCertificate; u != nil {
		s.UpdateDeviceCertificate = &storedUpdateCertificate{Action: u.Action}
	}
	if u := p.UpdateCACertificate; u != nil {
		s.UpdateCACertificate = &storedUpdateCertificate{Action: u.Action}
	}
	if a := p.AddThingsToThingGroup; a != nil {
		s.AddThingsToThingGroup = &storedAddThings{ThingGroupNames: a.ThingGroupNames, OverrideDynamicGroups: a.OverrideDynamicGroups}
	}
	if r := p.ReplaceDefaultPolicyVersion; r != nil {
		s.ReplaceDefaultPolicyVersion = &storedReplacePolicy{TemplateName: r.TemplateName}
	}
	if l := p.EnableIoTLogging; l != nil {
		s.EnableIoTLogging = &storedEnableLogging{RoleARNForLogging: l.RoleARNForLogging, LogLevel: l.LogLevel}
	}
	if n := p.PublishFindingToSNS; n != nil {
		s.PublishFindingToSNS = &storedPublishToSNS{TopicARN: n.TopicARN}
	}
	return s
}

func (s storedParams) params() iot.MitigationActionParams {
	var p iot.MitigationActionParams
	if u := s.UpdateDeviceCertificate; u != nil {
		p.UpdateDeviceCertificate = &iot.UpdateCertificateParams{Action: u.Action}
	}
	if u := s.UpdateCACertificate; u != nil {
		p.UpdateCACertificate = &iot.UpdateCertificateParams{Action: u.Action}
	}
	if a := s.AddThingsToThingGroup; a != nil {
		p.AddThingsToThingGroup = &iot.AddThingsToThingGroupParams{ThingGroupNames: a.ThingGroupNames, OverrideDynamicGroups: a.OverrideDynamicGroups}
	}
	if r := s.ReplaceDefaultPolicyVersion; r != nil {
		p.ReplaceDefaultPolicyVersion = &iot.ReplaceDefaultPolicyVersionParams{TemplateName: r.TemplateName}
	}
	if l := s.EnableIoTLogging; l != nil {
		p.EnableIoTLogging = &iot.EnableIoTLoggingParams{RoleARNForLogging: l.RoleARNForLogging, LogLevel: l.LogLevel}
	}
	if n := s.PublishFindingToSNS; n != nil {
		p.PublishFindingToSNS = &iot.PublishFindingToSNSParams{TopicARN: n.TopicARN}
	}
	return p
}

func encodeParams(p iot.MitigationActionParams) (string, error) {
	b, err := json.Marshal(toStoredParams(p))
	return string(b), err
}

func decodeParams(text string) (iot.MitigationActionParams, error) {
	var s storedParams
	err := json.Unmarshal([]byte(text), &s)
	return s.params(), err
}

// storedDefinition is a definition in a task's snapshot (its actions column).
type storedDefinition struct {
	Name    string                   `json:"name"`
	ID      string                   `json:"id"`
	Type    iot.MitigationActionType `json:"actionType"`
	RoleARN string                   `json:"roleArn"`
	Params  storedParams             `json:"actionParams"`
	Created int64                    `json:"creationDate"`
	Changed int64                    `json:"lastModifiedDate"`
}

func encodeDefinitions(actions []iot.MitigationAction) (string, error) {
	out := make([]storedDefinition, len(actions))
	for i, a := range actions {
		out[i] = storedDefinition{Name: a.Name, ID: a.ID, Type: a.Type, RoleARN: a.RoleARN, Params: toStoredParams(a.Params),
			Created: millis(a.CreatedAt), Changed: millis(a.LastModifiedAt)}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeDefinitions(text string) ([]iot.MitigationAction, error) {
	var stored []storedDefinition
	if err := json.Unmarshal([]byte(text), &stored); err != nil {
		return nil, err
	}
	var out []iot.MitigationAction
	for _, s := range stored {
		out = append(out, iot.MitigationAction{Name: s.Name, ID: s.ID, Type: s.Type, RoleARN: s.RoleARN, Params: s.Params.params(),
			CreatedAt: fromMillis(s.Created), LastModifiedAt: fromMillis(s.Changed)})
	}
	return out, nil
}

// storedTarget is a task's target but for its audit task id, which has a
// column of its own.
type storedTarget struct {
	FindingIDs       []string            `json:"findingIds,omitempty"`
	ReasonCodeFilter map[string][]string `json:"auditCheckToReasonCodeFilter,omitempty"`
}

func encodeTarget(t iot.MitigationTaskTarget) (string, error) {
	b, err := json.Marshal(storedTarget{FindingIDs: t.FindingIDs, ReasonCodeFilter: t.ReasonCodeFilter})
	return string(b), err
}

func decodeTarget(auditTaskID, text string) (iot.MitigationTaskTarget, error) {
	var s storedTarget
	err := json.Unmarshal([]byte(text), &s)
	return iot.MitigationTaskTarget{AuditTaskID: auditTaskID, FindingIDs: s.FindingIDs, ReasonCodeFilter: s.ReasonCodeFilter}, err
}
