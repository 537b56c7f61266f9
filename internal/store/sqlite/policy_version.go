package sqlite

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// policyVersionColumns are read from policy_versions v joined with its
// policies p.
const policyVersionColumns = `v.policy_name, v.version_id, v.document, v.version_id = p.default_version,
	v.created_at, v.broad_actions, v.misconfigurations`

const policyVersionJoin = ` FROM policy_versions v JOIN policies p ON p.account_id = v.account_id AND p.name = v.policy_name `

// storedMisconfiguration is the JSON form of a misconfiguration in
// policy_versions.misconfigurations.
type storedMisconfiguration struct {
	ReasonCode string `json:"reasonCode"`
	Message    string `json:"message"`
}

func scanPolicyVersion(row interface{ Scan(...any) error }) (iot.PolicyVersion, error) {
	var v iot.PolicyVersion
	var created int64
	var broad, misconfigs string
	if err := row.Scan(&v.PolicyName, &v.VersionID, &v.Document, &v.IsDefault, &created, &broad, &misconfigs); err != nil {
		return iot.PolicyVersion{}, err
	}
	v.CreatedAt = time.UnixMilli(created).UTC()
	if err := json.Unmarshal([]byte(broad), &v.Analysis.BroadActions); err != nil {
		return iot.PolicyVersion{}, err
	}
	if len(v.Analysis.BroadActions) == 0 {
		v.Analysis.BroadActions = nil // none, as Analyze says it
	}
	var stored []storedMisconfiguration
	if err := json.Unmarshal([]byte(misconfigs), &stored); err != nil {
		return iot.PolicyVersion{}, err
	}
	for _, m := range stored {
		v.Analysis.Misconfigurations = append(v.Analysis.Misconfigurations, iot.PolicyMisconfiguration(m))
	}
	return v, nil
}

func (t *tx) PolicyVersion(ctx context.Context, policy string, versionID int) (iot.PolicyVersion, error) {
	v, err := scanPolicyVersion(t.queryRow(`SELECT `+policyVersionColumns+policyVersionJoin+`
		WHERE v.account_id = ? AND v.policy_name = ? AND v.version_id = ?`, t.account, policy, versionID))
	return v, notFound(err)
}

func (t *tx) PolicyVersions(ctx context.Context, policy string) ([]iot.PolicyVersion, error) {
	rows, err := t.query(`SELECT `+policyVersionColumns+policyVersionJoin+`
		WHERE v.account_id = ? AND v.policy_name = ? ORDER BY v.version_id DESC`, t.account, policy)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []iot.PolicyVersion
	for rows.Next() {
		v, err := scanPolicyVersion(rows)
		if err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	return versions, rows.Err()
}

func (t *tx) DefaultPolicyVersions(ctx context.Context) iter.Seq2[iot.PolicyVersion, error] {
	return func(yield func(iot.PolicyVersion, error) bool) {
		rows, err := t.query(`SELECT `+policyVersionColumns+policyVersionJoin+`
			WHERE p.account_id = ? AND v.version_id = p.default_version ORDER BY p.name`, t.account)
		if err != nil {
			yield(iot.PolicyVersion{}, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanPolicyVersion(rows)
			if !yield(v, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(iot.PolicyVersion{}, err)
		}
	}
}

func (t *tx) PutPolicyVersion(ctx context.Context, v iot.PolicyVersion) error {
	broad := v.Analysis.BroadActions
	if broad == nil {
		broad = []string{}
	}
	broadJSON, err := json.Marshal(broad)
	if err != nil {
		return err
	}
	stored := make([]storedMisconfiguration, 0, len(v.Analysis.Misconfigurations))
	for _, m := range v.Analysis.Misconfigurations {
		stored = append(stored, storedMisconfiguration(m))
	}
	misconfigJSON, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO policy_versions (account_id, policy_name, version_id, document, broad_actions, misconfigurations, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.account, v.PolicyName, v.VersionID, v.Document, string(broadJSON), string(misconfigJSON), v.CreatedAt.UnixMilli())
	return err
}

func (t *tx) DeletePolicyVersion(ctx context.Context, policy string, versionID int) error {
	res, err := t.exec(`DELETE FROM policy_versions WHERE account_id = ? AND policy_name = ? AND version_id = ?`,
		t.account, policy, versionID)
	return deleted(res, err)
}
