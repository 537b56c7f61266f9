package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func (t *tx) PolicyTargets(ctx context.Context, policy string, f store.PolicyTargetFilter, p store.Page) ([]iot.PolicyTarget, bool, error) {
	// ?3 leaves out thing groups when set.
	const where = `WHERE account_id = ?1 AND policy_name = ?2 AND (?3 = 0 OR target_kind <> 'thinggroup')`
	var rows *sql.Rows
	var err error
	if f.Descending {
		rows, err = t.query(`SELECT target, target_kind FROM policy_targets `+where+`
			AND (?4 = '' OR target < ?4) ORDER BY target DESC LIMIT ?5`, t.account, policy, f.PrincipalsOnly, p.After, p.Limit+1)
	} else {
		rows, err = t.query(`SELECT target, target_kind FROM policy_targets `+where+`
			AND target > ?4 ORDER BY target LIMIT ?5`, t.account, policy, f.PrincipalsOnly, p.After, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var targets []iot.PolicyTarget
	for rows.Next() {
		var target iot.PolicyTarget
		if err := rows.Scan(&target.Target, &target.Kind); err != nil {
			return nil, false, err
		}
		targets = append(targets, target)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	targets, more := trimPage(targets, p.Limit)
	return targets, more, nil
}

func (t *tx) TargetPolicies(ctx context.Context, targets []string, descending bool, p store.Page) ([]string, bool, error) {
	list, err := json.Marshal(targets)
	if err != nil {
		return nil, false, err
	}
	// The targets travel as one JSON array so that the statement text, and so
	// its prepared form, does not depend on how many there are.
	const where = `WHERE account_id = ?1 AND target IN (SELECT value FROM json_each(?2))`
	var rows *sql.Rows
	if descending {
		rows, err = t.query(`SELECT DISTINCT policy_name FROM policy_targets `+where+`
			AND (?3 = '' OR policy_name < ?3) ORDER BY policy_name DESC LIMIT ?4`, t.account, string(list), p.After, p.Limit+1)
	} else {
		rows, err = t.query(`SELECT DISTINCT policy_name FROM policy_targets `+where+`
			AND policy_name > ?3 ORDER BY policy_name LIMIT ?4`, t.account, string(list), p.After, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, false, err
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	names, more := trimPage(names, p.Limit)
	return names, more, nil
}

func (t *tx) CountTargetPolicies(ctx context.Context, target string) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM policy_targets WHERE account_id = ? AND target = ?`, t.account, target).Scan(&n)
	return n, err
}

func (t *tx) PolicyAttached(ctx context.Context, policy, target string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM policy_targets WHERE account_id = ? AND policy_name = ? AND target = ?`,
		t.account, policy, target).Scan(&n)
	return n > 0, err
}

func (t *tx) AttachPolicy(ctx context.Context, policy string, target iot.PolicyTarget) error {
	_, err := t.exec(`INSERT INTO policy_targets (account_id, policy_name, target, target_kind) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, policy_name, target) DO NOTHING`,
		t.account, policy, target.Target, string(target.Kind))
	return err
}

func (t *tx) DetachPolicy(ctx context.Context, policy, target string) error {
	res, err := t.exec(`DELETE FROM policy_targets WHERE account_id = ? AND policy_name = ? AND target = ?`,
		t.account, policy, target)
	return deleted(res, err)
}

func (t *tx) DetachTarget(ctx context.Context, target string) error {
	_, err := t.exec(`DELETE FROM policy_targets WHERE account_id = ? AND target = ?`, t.account, target)
	return err
}
