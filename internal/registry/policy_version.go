package registry

import (
	"context"
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// policyVersionID parses a version id (the model allows digits only); an id
// too large to be one names no version.
func policyVersionID(policy, s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 {
		return 0, versionNotFound(policy, s)
	}
	return id, nil
}

func versionNotFound(policy, id string) error {
	return iot.Errorf(iot.NotFound, "The policy %s has no version %s.", policy, id)
}

// getPolicyVersion reads a version of an existing policy.
func getPolicyVersion(ctx context.Context, tx store.ReadTx, policy, versionID string) (iot.Policy, iot.PolicyVersion, error) {
	p, err := tx.Policy(ctx, policy)
	if err != nil {
		return iot.Policy{}, iot.PolicyVersion{}, policyNotFound(err, policy)
	}
	id, err := policyVersionID(policy, versionID)
	if err != nil {
		return iot.Policy{}, iot.PolicyVersion{}, err
	}
	v, err := tx.PolicyVersion(ctx, policy, id)
	if err != nil {
		return iot.Policy{}, iot.PolicyVersion{}, notFound(err, "The policy %s has no version %s.", policy, versionID)
	}
	return p, v, nil
}

// CreatePolicyVersion adds a version to a policy, the default one when
// setAsDefault. A policy has at most five versions; version ids grow and are
// never reused.
func (r *Registry) CreatePolicyVersion(ctx context.Context, account, policy, document string, setAsDefault bool) (iot.PolicyVersion, error) {
	// Parsed outside the transaction, which holds the store's only writer.
	v, err := analyzedVersion(policy, 0, document)
	if err != nil {
		return iot.PolicyVersion{}, err
	}
	err = r.update(ctx, account, func(tx store.Tx) error {
		v, err = r.addPolicyVersion(ctx, tx, v, setAsDefault)
		return err
	})
	return v, err
}

// makeDefault makes a version the policy's default: a new generation.
func (r *Registry) makeDefault(p *iot.Policy, versionID int, now time.Time) {
	p.DefaultVersionID = versionID
	p.GenerationID = r.newGenerationID()
	p.UpdatedAt = now
}

// GetPolicyVersion returns a version of a policy, with the policy.
func (r *Registry) GetPolicyVersion(ctx context.Context, account, policy, versionID string) (iot.Policy, iot.PolicyVersion, error) {
	var p iot.Policy
	var v iot.PolicyVersion
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		p, v, err = getPolicyVersion(ctx, tx, policy, versionID)
		return err
	})
	return r.withPolicyARN(account, p), v, err
}

// ListPolicyVersions lists the versions of a policy, newest first.
func (r *Registry) ListPolicyVersions(ctx context.Context, account, policy string) ([]iot.PolicyVersion, error) {
	var versions []iot.PolicyVersion
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		if _, err := tx.Policy(ctx, policy); err != nil {
			return policyNotFound(err, policy)
		}
		var err error
		versions, err = tx.PolicyVersions(ctx, policy)
		return err
	})
	return versions, err
}

// SetDefaultPolicyVersion makes a version the one in effect.
func (r *Registry) SetDefaultPolicyVersion(ctx context.Context, account, policy, versionID string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		p, v, err := getPolicyVersion(ctx, tx, policy, versionID)
		if err != nil || v.IsDefault {
			return err
		}
		r.makeDefault(&p, v.VersionID, r.clock.Now())
		return tx.PutPolicy(ctx, p)
	})
}

// DeletePolicyVersion deletes a version other than the default one.
func (r *Registry) DeletePolicyVersion(ctx context.Context, account, policy, versionID string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		_, v, err := getPolicyVersion(ctx, tx, policy, versionID)
		if err != nil {
			return err
		}
		if v.IsDefault {
			return iot.Errorf(iot.DeleteConflict,
				"Version %s is the default version of the policy %s and cannot be deleted; make another version the default with SetDefaultPolicyVersion, or delete the policy with DeletePolicy.",
				versionID, policy)
		}
		return tx.DeletePolicyVersion(ctx, policy, v.VersionID)
	})
}
