package registry

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// CreatePolicyVersionTx is CreatePolicyVersion in the caller's transaction,
// for tx's account: what the REPLACE_DEFAULT_POLICY_VERSION mitigation action
// applies, recording its execution in the same transaction. The document is
// parsed inside the transaction: keep it small.
func (r *Registry) CreatePolicyVersionTx(ctx context.Context, tx store.Tx, policy, document string, setAsDefault bool) (iot.PolicyVersion, error) {
	v, err := analyzedVersion(policy, 0, document)
	if err != nil {
		return iot.PolicyVersion{}, err
	}
	return r.addPolicyVersion(ctx, tx, v, setAsDefault)
}

// addPolicyVersion adds an analysed version to a policy under AWS's rules: at
// most iot.MaxPolicyVersions versions; version ids grow and are never reused.
func (r *Registry) addPolicyVersion(ctx context.Context, tx store.Tx, v iot.PolicyVersion, setAsDefault bool) (iot.PolicyVersion, error) {
	policy := v.PolicyName
	p, err := tx.Policy(ctx, policy)
	if err != nil {
		return iot.PolicyVersion{}, policyNotFound(err, policy)
	}
	versions, err := tx.PolicyVersions(ctx, policy)
	if err != nil {
		return iot.PolicyVersion{}, err
	}
	if len(versions) >= iot.MaxPolicyVersions {
		return iot.PolicyVersion{}, iot.Errorf(iot.VersionsLimitExceeded,
			"The policy %s already has the maximum of %d versions; delete one with DeletePolicyVersion before creating another.",
			policy, iot.MaxPolicyVersions)
	}
	now := r.clock.Now()
	v.VersionID, v.CreatedAt = p.LastVersionID+1, now
	p.LastVersionID = v.VersionID
	if setAsDefault {
		r.makeDefault(&p, v.VersionID, now)
		v.IsDefault = true
	}
	if err := tx.PutPolicyVersion(ctx, v); err != nil {
		return iot.PolicyVersion{}, err
	}
	return v, tx.PutPolicy(ctx, p)
}
