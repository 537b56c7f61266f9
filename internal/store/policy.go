package store

import (
	"context"
	"iter"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// PolicyReader reads the policy family: IoT policies, their versions and what
// they are attached to. Getters return ErrNotFound for a missing row; the ARN
// of what they return is left empty.
type PolicyReader interface {
	Policy(ctx context.Context, name string) (iot.Policy, error)
	// Policies lists policies by name, descending when descending is set
	// (Page.After is then the name the page continues below).
	Policies(ctx context.Context, descending bool, p Page) (policies []iot.Policy, more bool, err error)

	PolicyVersion(ctx context.Context, policy string, versionID int) (iot.PolicyVersion, error)
	// PolicyVersions lists the versions of a policy, newest first.
	PolicyVersions(ctx context.Context, policy string) ([]iot.PolicyVersion, error)
	// DefaultPolicyVersions streams the default version of every policy of the
	// account, by policy name: what the IoT-policy audit checks evaluate.
	DefaultPolicyVersions(ctx context.Context) iter.Seq2[iot.PolicyVersion, error]

	// PolicyTargets lists what a policy is attached to, by target.
	PolicyTargets(ctx context.Context, policy string, f PolicyTargetFilter, p Page) (targets []iot.PolicyTarget, more bool, err error)
	// TargetPolicies lists the names of the policies attached to any of the
	// targets, each once.
	TargetPolicies(ctx context.Context, targets []string, descending bool, p Page) (policies []string, more bool, err error)
	// CountTargetPolicies counts the policies attached to a target.
	CountTargetPolicies(ctx context.Context, target string) (int, error)
	// PolicyAttached reports whether a policy is attached to a target.
	PolicyAttached(ctx context.Context, policy, target string) (bool, error)
}

// PolicyTargetFilter selects and orders the targets of a policy.
type PolicyTargetFilter struct {
	// PrincipalsOnly leaves out thing groups.
	PrincipalsOnly bool
	Descending     bool
}

// PolicyWriter writes the policy family. The caller has checked every rule.
type PolicyWriter interface {
	// PutPolicy inserts a policy or replaces the existing row of that name.
	PutPolicy(ctx context.Context, p iot.Policy) error
	// DeletePolicy deletes a policy with its versions and attachments;
	// ErrNotFound when absent.
	DeletePolicy(ctx context.Context, name string) error

	// PutPolicyVersion inserts a version of an existing policy (IsDefault is
	// read from the policy's DefaultVersionID, not stored).
	PutPolicyVersion(ctx context.Context, v iot.PolicyVersion) error
	// DeletePolicyVersion deletes a version; ErrNotFound when absent.
	DeletePolicyVersion(ctx context.Context, policy string, versionID int) error

	// AttachPolicy attaches a policy to a target (no-op when it is).
	AttachPolicy(ctx context.Context, policy string, target iot.PolicyTarget) error
	// DetachPolicy detaches a policy from a target; ErrNotFound when it is not
	// attached.
	DetachPolicy(ctx context.Context, policy, target string) error
	// DetachTarget detaches every policy from a target: the families call it
	// when they delete a certificate or thing group.
	DetachTarget(ctx context.Context, target string) error
}
