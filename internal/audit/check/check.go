// Package check is the contract between the audit engine and the audit checks:
// what a check is (its metadata, the single source of truth about it), the data
// it reads, and how it reports what it finds.
//
// The engine owns everything around a check: which checks run, their
// configuration and defaults, suppressions, finding ids, counts and task state.
// A check only looks at resources and reports the non-compliant ones.
package check

import (
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// Severity is a finding's severity.
type Severity string

// Severities.
const (
	Critical Severity = "CRITICAL"
	High     Severity = "HIGH"
	Medium   Severity = "MEDIUM"
	Low      Severity = "LOW"
)

// ResourceType is the type of a finding's resource (the model's ResourceType).
type ResourceType string

// Resource types.
const (
	DeviceCertificate   ResourceType = "DEVICE_CERTIFICATE"
	CACertificate       ResourceType = "CA_CERTIFICATE"
	IoTPolicy           ResourceType = "IOT_POLICY"
	CognitoIdentityPool ResourceType = "COGNITO_IDENTITY_POOL"
	ClientID            ResourceType = "CLIENT_ID"
	AccountSettings     ResourceType = "ACCOUNT_SETTINGS"
	RoleAlias           ResourceType = "ROLE_ALIAS"
	IAMRole             ResourceType = "IAM_ROLE"
	IssuerCertificate   ResourceType = "ISSUER_CERTIFICATE"
)

// ConfigKey is a configuration value a check accepts
// (auditCheckConfigurations.<check>.configuration.<Name>), a whole number.
type ConfigKey struct {
	Name              string
	Default, Min, Max int64
}

// Metadata describes a check. API validation, DescribeAccountAuditConfiguration,
// mitigation and the documentation all read it; there is no second list.
type Metadata struct {
	Name         string
	Severity     Severity
	ResourceType ResourceType
	// ReasonCodes are every reasonForNonComplianceCode the check may emit.
	ReasonCodes []string
	Config      []ConfigKey
	// MitigationActions are the mitigation action types allowed on its findings.
	MitigationActions []string
	// Unsupported, when set, says which data iotdefender does not hold for this
	// check: it may be enabled, but every run reports it FAILED with this message.
	Unsupported string
}

// Resource is a non-compliant or related resource of a finding.
type Resource struct {
	Type           ResourceType
	Identifier     iot.ResourceIdentifier
	AdditionalInfo map[string]string
}

// Finding is one non-compliant resource for one reason.
type Finding struct {
	Resource   Resource
	ReasonCode string
	Reason     string
	Related    []Resource
}

// Reporter receives what one check finds. Calls for one check are serial; the
// engine's implementation may be called for different checks concurrently.
type Reporter interface {
	// Evaluated adds n to the number of resources the check examined
	// (totalResourcesCount).
	Evaluated(n int)
	// NonCompliant reports a finding.
	NonCompliant(f Finding)
	// Message sets the message of the check's result (AuditCheckDetails
	// message, at most 2048 characters) on a completed run: what the check
	// could not examine and why, e.g. a half of it that was not run. The last
	// call wins.
	Message(text string)
}

// Window is a span of time, [From, To).
type Window struct{ From, To time.Time }

// Env is what the engine tells a check about one run.
type Env struct {
	Account, Region string
	// Start is the audit task's start time; "now" for every rule of the check.
	Start time.Time
	// Config holds the check's configuration, defaults applied.
	Config map[string]int64
	// Window is the span of connection records a windowed check looks at (the
	// on-demand or scheduled look-back of the check).
	Window Window
}
