package registry

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The policy family: IoT policies, their versions, and what they are attached
// to. Every version's document is parsed and analysed once, when it is
// created; the IoT-policy audit checks read that stored analysis of each
// policy's default version (the version in effect).

func (r *Registry) policyARN(account, name string) string { return r.arn(account, "policy/"+name) }

// withPolicyARN fills in the derived ARN of a policy read from the store.
func (r *Registry) withPolicyARN(account string, p iot.Policy) iot.Policy {
	p.ARN = r.policyARN(account, p.Name)
	return p
}

// newGenerationID returns a fresh policy generation id: 64 hex digits, the
// form AWS uses.
func (r *Registry) newGenerationID() string { return r.ids.Hex32() + r.ids.Hex32() }

// analyzedVersion parses a document as AWS IoT does (MalformedPolicy when it is
// not a valid policy) and returns the version with its audit analysis.
func analyzedVersion(policy string, id int, document string) (iot.PolicyVersion, error) {
	doc, err := policydoc.Parse(document)
	if err != nil {
		return iot.PolicyVersion{}, err
	}
	a := policydoc.Analyze(doc)
	v := iot.PolicyVersion{PolicyName: policy, VersionID: id, Document: document}
	v.Analysis.BroadActions = a.BroadActions
	for _, m := range a.Misconfigurations {
		v.Analysis.Misconfigurations = append(v.Analysis.Misconfigurations, iot.PolicyMisconfiguration{ReasonCode: m.ReasonCode, Message: m.Message()})
	}
	return v, nil
}

func policyNotFound(err error, name string) error {
	return notFound(err, "The policy %s does not exist.", name)
}

// CreatePolicyRequest creates a policy with its first version.
type CreatePolicyRequest struct {
	Name     string
	Document string
	Tags     []iot.Tag
}

// CreatePolicy creates a policy whose version 1, the default, holds the
// document.
func (r *Registry) CreatePolicy(ctx context.Context, account string, req CreatePolicyRequest) (iot.Policy, error) {
	if err := checkTags(req.Tags); err != nil {
		return iot.Policy{}, err
	}
	v, err := analyzedVersion(req.Name, 1, req.Document)
	if err != nil {
		return iot.Policy{}, err
	}
	now := r.clock.Now()
	v.CreatedAt, v.IsDefault = now, true
	p := iot.Policy{Name: req.Name, ARN: r.policyARN(account, req.Name), DefaultVersionID: 1, LastVersionID: 1,
		GenerationID: r.newGenerationID(), CreatedAt: now, UpdatedAt: now}
	err = r.update(ctx, account, func(tx store.Tx) error {
		if ok, err := policyExists(ctx, tx, req.Name); err != nil || ok {
			if err == nil {
				err = iot.Exists(req.Name, p.ARN, "A policy named %s already exists.", req.Name)
			}
			return err
		}
		if err := tx.PutPolicy(ctx, p); err != nil {
			return err
		}
		if err := tx.PutPolicyVersion(ctx, v); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, p.ARN, req.Tags)
	})
	return p, err
}

// GetPolicy returns a policy and its default version.
func (r *Registry) GetPolicy(ctx context.Context, account, name string) (iot.Policy, iot.PolicyVersion, error) {
	var p iot.Policy
	var v iot.PolicyVersion
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		if p, err = tx.Policy(ctx, name); err != nil {
			return policyNotFound(err, name)
		}
		v, err = tx.PolicyVersion(ctx, name, p.DefaultVersionID)
		return err
	})
	return r.withPolicyARN(account, p), v, err
}

// DeletePolicy deletes a policy and its default version. AWS refuses while the
// policy has other versions or is attached to anything.
func (r *Registry) DeletePolicy(ctx context.Context, account, name string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		if _, err := tx.Policy(ctx, name); err != nil {
			return policyNotFound(err, name)
		}
		versions, err := tx.PolicyVersions(ctx, name)
		if err != nil {
			return err
		}
		if len(versions) > 1 {
			return iot.Errorf(iot.DeleteConflict,
				"The policy %s has %d versions besides its default version; delete them with DeletePolicyVersion before deleting the policy.",
				name, len(versions)-1)
		}
		targets, _, err := tx.PolicyTargets(ctx, name, store.PolicyTargetFilter{}, store.Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(targets) > 0 {
			return iot.Errorf(iot.DeleteConflict,
				"The policy %s is attached to %s (and maybe more targets); detach it with DetachPolicy before deleting it.",
				name, targets[0].Target)
		}
		if err := tx.DeletePolicy(ctx, name); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, r.policyARN(account, name))
	})
}

// ListPolicies lists the account's policies by name.
func (r *Registry) ListPolicies(ctx context.Context, account string, req MarkerRequest) ([]iot.Policy, string, error) {
	scope := "policies/" + orderScope(req.Ascending)
	p, err := r.markerPage(account, scope, req)
	if err != nil {
		return nil, "", err
	}
	var policies []iot.Policy
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		policies, more, err = tx.Policies(ctx, !req.Ascending, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	for i := range policies {
		policies[i] = r.withPolicyARN(account, policies[i])
		next = r.nextMarker(account, scope, more, policies[i].Name)
	}
	return policies, next, nil
}

// PolicyARN returns the ARN of a policy of the account.
func (r *Registry) PolicyARN(account, name string) string { return r.policyARN(account, name) }
