package registry

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// cognitoIdentityID is the form of an Amazon Cognito identity id
// (region:uuid), the one policy target that is not an ARN.
var cognitoIdentityID = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)

// policyTarget is a parsed policy target.
type policyTarget struct {
	iot.PolicyTarget
	// resource is the certificate or thing group the target names; empty for
	// a Cognito identity, which iotdefender cannot look up.
	resource resourceARN
}

// parseTarget reads a policy target: a certificate ARN, a thing group ARN or
// a Cognito identity id. principalsOnly refuses thing groups, for the older
// operations that attach policies to principals only.
func (r *Registry) parseTarget(account, target string, principalsOnly bool) (policyTarget, error) {
	if !strings.HasPrefix(target, "arn:") {
		if !cognitoIdentityID.MatchString(target) {
			return policyTarget{}, badTarget(target, principalsOnly)
		}
		return policyTarget{PolicyTarget: iot.PolicyTarget{Target: target, Kind: iot.TargetCognitoIdentity}}, nil
	}
	res, err := r.parseResourceARN(account, target)
	if err != nil {
		if errors.Is(err, iot.InvalidRequest) {
			return policyTarget{}, badTarget(target, principalsOnly)
		}
		return policyTarget{}, err
	}
	switch kind := iot.PolicyTargetKind(res.Type); {
	case kind == iot.TargetCertificate:
		// The same certificate whatever the case of its id.
		res.ID = strings.ToLower(res.ID)
		res.ARN = r.arn(account, res.Type+"/"+res.ID)
		return policyTarget{PolicyTarget: iot.PolicyTarget{Target: res.ARN, Kind: kind}, resource: res}, nil
	case kind == iot.TargetThingGroup && !principalsOnly:
		return policyTarget{PolicyTarget: iot.PolicyTarget{Target: target, Kind: kind}, resource: res}, nil
	}
	return policyTarget{}, badTarget(target, principalsOnly)
}

func badTarget(target string, principalsOnly bool) error {
	if principalsOnly {
		return iot.Errorf(iot.InvalidRequest, "%s is not a principal: give a certificate ARN or an Amazon Cognito identity id.", target)
	}
	return iot.Errorf(iot.InvalidRequest,
		"%s is not a policy target: give a certificate ARN, a thing group ARN or an Amazon Cognito identity id.", target)
}

// mustExist returns ResourceNotFound unless the target exists. Cognito
// identities live outside the registry and are taken as given.
func (t policyTarget) mustExist(ctx context.Context, tx store.ReadTx) error {
	if t.Kind == iot.TargetCognitoIdentity {
		return nil
	}
	return mustExist(ctx, tx, t.resource)
}

// bothExist returns ResourceNotFound unless the policy and the target exist.
func bothExist(ctx context.Context, tx store.ReadTx, policy string, t policyTarget) error {
	if _, err := tx.Policy(ctx, policy); err != nil {
		return policyNotFound(err, policy)
	}
	return t.mustExist(ctx, tx)
}

// AttachPolicy attaches a policy to a target; attaching it again changes
// nothing. A target has at most ten policies.
func (r *Registry) AttachPolicy(ctx context.Context, account, policy, target string) error {
	return r.attach(ctx, account, policy, target, false)
}

// AttachPrincipalPolicy is the older AttachPolicy, for principals only.
func (r *Registry) AttachPrincipalPolicy(ctx context.Context, account, policy, principal string) error {
	return r.attach(ctx, account, policy, principal, true)
}

func (r *Registry) attach(ctx context.Context, account, policy, target string, principalsOnly bool) error {
	t, err := r.parseTarget(account, target, principalsOnly)
	if err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := bothExist(ctx, tx, policy, t); err != nil {
			return err
		}
		attached, err := tx.PolicyAttached(ctx, policy, t.Target)
		if err != nil || attached {
			return err
		}
		n, err := tx.CountTargetPolicies(ctx, t.Target)
		if err != nil {
			return err
		}
		if n >= iot.MaxPoliciesPerTarget {
			return iot.Errorf(iot.LimitExceeded,
				"%s already has the maximum of %d policies attached; detach one before attaching %s.", target, iot.MaxPoliciesPerTarget, policy)
		}
		return tx.AttachPolicy(ctx, policy, t.PolicyTarget)
	})
}

// DetachPolicy detaches a policy from a target. Detaching what is not
// attached changes nothing: the operation has no ResourceNotFound.
func (r *Registry) DetachPolicy(ctx context.Context, account, policy, target string) error {
	t, err := r.parseTarget(account, target, false)
	if errors.Is(err, iot.NotFound) {
		return nil // another account's target: nothing of this account's is attached to it
	}
	if err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		return ignoreNotFound(tx.DetachPolicy(ctx, policy, t.Target))
	})
}

// DetachPrincipalPolicy is the older DetachPolicy, for principals only; it
// answers ResourceNotFound for a policy or principal that does not exist.
func (r *Registry) DetachPrincipalPolicy(ctx context.Context, account, policy, principal string) error {
	t, err := r.parseTarget(account, principal, true)
	if err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := bothExist(ctx, tx, policy, t); err != nil {
			return err
		}
		return ignoreNotFound(tx.DetachPolicy(ctx, policy, t.Target))
	})
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// ListAttachedPolicies lists the policies attached to a target by name; with
// recursive, for a thing group, also those attached to its ancestors.
func (r *Registry) ListAttachedPolicies(ctx context.Context, account, target string, recursive bool, req MarkerRequest) ([]iot.Policy, string, error) {
	req.Ascending = true // the operation has no order parameter [inferred]
	return r.listTargetPolicies(ctx, account, target, recursive, false, req)
}

// ListPrincipalPolicies is the older ListAttachedPolicies, for principals.
func (r *Registry) ListPrincipalPolicies(ctx context.Context, account, principal string, req MarkerRequest) ([]iot.Policy, string, error) {
	return r.listTargetPolicies(ctx, account, principal, false, true, req)
}

func (r *Registry) listTargetPolicies(ctx context.Context, account, target string, recursive, principalsOnly bool, req MarkerRequest) ([]iot.Policy, string, error) {
	t, err := r.parseTarget(account, target, principalsOnly)
	if err != nil {
		return nil, "", err
	}
	recursive = recursive && t.Kind == iot.TargetThingGroup
	scope := "target-policies/" + t.Target + "/" + orderScope(req.Ascending)
	if recursive {
		scope += "/recursive"
	}
	p, err := r.markerPage(account, scope, req)
	if err != nil {
		return nil, "", err
	}
	var names []string
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if err := t.mustExist(ctx, tx); err != nil {
			return err
		}
		targets := []string{t.Target}
		if recursive {
			if targets, err = r.withAncestors(ctx, tx, account, t.resource); err != nil {
				return err
			}
		}
		names, more, err = tx.TargetPolicies(ctx, targets, !req.Ascending, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	policies := make([]iot.Policy, 0, len(names))
	next := ""
	for _, name := range names {
		policies = append(policies, iot.Policy{Name: name, ARN: r.policyARN(account, name)})
		next = r.nextMarker(account, scope, more, name)
	}
	return policies, next, nil
}

// withAncestors returns the ARN of a resource followed by those of its
// ancestors (a thing group's parent groups up to the root).
func (r *Registry) withAncestors(ctx context.Context, tx store.ReadTx, account string, res resourceARN) ([]string, error) {
	arns := []string{res.ARN}
	rt := resourceTypes[res.Type]
	if rt.Ancestors == nil {
		return arns, nil
	}
	ancestors, err := rt.Ancestors(ctx, tx, res.ID)
	for _, id := range ancestors {
		arns = append(arns, r.arn(account, res.Type+"/"+id))
	}
	return arns, err
}

// ListTargetsForPolicy lists everything a policy is attached to.
func (r *Registry) ListTargetsForPolicy(ctx context.Context, account, policy string, req MarkerRequest) ([]string, string, error) {
	req.Ascending = true // the operation has no order parameter [inferred]
	return r.listPolicyTargets(ctx, account, policy, false, req)
}

// ListPolicyPrincipals is the older ListTargetsForPolicy: principals only.
func (r *Registry) ListPolicyPrincipals(ctx context.Context, account, policy string, req MarkerRequest) ([]string, string, error) {
	return r.listPolicyTargets(ctx, account, policy, true, req)
}

func (r *Registry) listPolicyTargets(ctx context.Context, account, policy string, principalsOnly bool, req MarkerRequest) ([]string, string, error) {
	scope := "policy-targets/" + policy + "/" + orderScope(req.Ascending)
	if principalsOnly {
		scope += "/principals"
	}
	p, err := r.markerPage(account, scope, req)
	if err != nil {
		return nil, "", err
	}
	var targets []iot.PolicyTarget
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if _, err := tx.Policy(ctx, policy); err != nil {
			return policyNotFound(err, policy)
		}
		targets, more, err = tx.PolicyTargets(ctx, policy, store.PolicyTargetFilter{PrincipalsOnly: principalsOnly, Descending: !req.Ascending}, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]string, 0, len(targets))
	next := ""
	for _, t := range targets {
		out = append(out, t.Target)
		next = r.nextMarker(account, scope, more, t.Target)
	}
	return out, next, nil
}
