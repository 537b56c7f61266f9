package mitigation

import (
	"github.com/iotdefender/iotdefender/internal/iot"
)

// maxRelatedInMessage is how many related resources a published finding
// carries, as many as DescribeAuditFinding returns [I].
const maxRelatedInMessage = 10

// findingMessage is what PUBLISH_FINDING_TO_SNS publishes [I: AWS documents
// no format]: the account, the mitigation task and action that published,
// and the finding in the form DescribeAuditFinding returns it (times in epoch
// seconds, at most 10 related resources). For example:
//
//	{"accountId":"123456789012","taskId":"my-task","actionName":"notify","actionId":"<uuid>",
//	 "finding":{"findingId":"...","taskId":"...","checkName":"LOGGING_DISABLED_CHECK",
//	  "taskStartTime":1560161017.172,"findingTime":1560161017.592,"severity":"LOW",
//	  "nonCompliantResource":{"resourceType":"ACCOUNT_SETTINGS","resourceIdentifier":{"account":"123456789012"}},
//	  "reasonForNonCompliance":"...","reasonForNonComplianceCode":"LOGGING_DISABLED","isSuppressed":false}}
type findingMessage struct {
	AccountID  string      `json:"accountId"`
	TaskID     string      `json:"taskId"`
	ActionName string      `json:"actionName"`
	ActionID   string      `json:"actionId"`
	Finding    findingJSON `json:"finding"`
}

type findingJSON struct {
	FindingID                  string         `json:"findingId"`
	TaskID                     string         `json:"taskId"`
	CheckName                  string         `json:"checkName"`
	TaskStartTime              float64        `json:"taskStartTime"`
	FindingTime                float64        `json:"findingTime"`
	Severity                   string         `json:"severity"`
	NonCompliantResource       resourceJSON   `json:"nonCompliantResource"`
	RelatedResources           []resourceJSON `json:"relatedResources,omitempty"`
	ReasonForNonCompliance     string         `json:"reasonForNonCompliance"`
	ReasonForNonComplianceCode string         `json:"reasonForNonComplianceCode"`
	IsSuppressed               bool           `json:"isSuppressed"`
}

type resourceJSON struct {
	ResourceType       string            `json:"resourceType"`
	ResourceIdentifier identifierJSON    `json:"resourceIdentifier"`
	AdditionalInfo     map[string]string `json:"additionalInfo,omitempty"`
}

// identifierJSON is a ResourceIdentifier with the model's member names.
type identifierJSON struct {
	DeviceCertificateID   string             `json:"deviceCertificateId,omitempty"`
	CACertificateID       string             `json:"caCertificateId,omitempty"`
	CognitoIdentityPoolID string             `json:"cognitoIdentityPoolId,omitempty"`
	ClientID              string             `json:"clientId,omitempty"`
	PolicyVersion         *policyVersionJSON `json:"policyVersionIdentifier,omitempty"`
	Account               string             `json:"account,omitempty"`
	IAMRoleARN            string             `json:"iamRoleArn,omitempty"`
	RoleAliasARN          string             `json:"roleAliasArn,omitempty"`
	IssuerCertificate     *issuerJSON        `json:"issuerCertificateIdentifier,omitempty"`
	DeviceCertificateARN  string             `json:"deviceCertificateArn,omitempty"`
}

type policyVersionJSON struct {
	PolicyName      string `json:"policyName"`
	PolicyVersionID string `json:"policyVersionId"`
}

type issuerJSON struct {
	Subject      string `json:"issuerCertificateSubject"`
	IssuerID     string `json:"issuerId"`
	SerialNumber string `json:"issuerCertificateSerialNumber"`
}

func newFindingJSON(f iot.AuditFinding) findingJSON {
	out := findingJSON{
		FindingID: f.ID, TaskID: f.TaskID, CheckName: f.CheckName,
		TaskStartTime: epochSeconds(f.TaskStartTime.UnixMilli()), FindingTime: epochSeconds(f.FindingTime.UnixMilli()),
		Severity: f.Severity, NonCompliantResource: newResourceJSON(f.Resource),
		ReasonForNonCompliance: f.Reason, ReasonForNonComplianceCode: f.ReasonCode, IsSuppressed: f.Suppressed,
	}
	for _, r := range f.Related {
		out.RelatedResources = append(out.RelatedResources, newResourceJSON(r))
	}
	return out
}

func epochSeconds(ms int64) float64 { return float64(ms) / 1000 }

func newResourceJSON(r iot.AuditResource) resourceJSON {
	id := r.Identifier
	out := resourceJSON{ResourceType: r.Type, AdditionalInfo: r.AdditionalInfo, ResourceIdentifier: identifierJSON{
		DeviceCertificateID: id.DeviceCertificateID, CACertificateID: id.CACertificateID,
		CognitoIdentityPoolID: id.CognitoIdentityPoolID, ClientID: id.ClientID, Account: id.Account,
		IAMRoleARN: id.IAMRoleARN, RoleAliasARN: id.RoleAliasARN, DeviceCertificateARN: id.DeviceCertificateARN,
	}}
	if p := id.PolicyVersion; p != nil {
		out.ResourceIdentifier.PolicyVersion = &policyVersionJSON{p.PolicyName, p.PolicyVersionID}
	}
	if c := id.IssuerCertificate; c != nil {
		out.ResourceIdentifier.IssuerCertificate = &issuerJSON{c.Subject, c.IssuerID, c.SerialNumber}
	}
	return out
}
