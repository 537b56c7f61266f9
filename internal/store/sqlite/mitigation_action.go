package sqlite

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const mitigationActionColumns = `name, id, action_type, role_arn, params, created_at, last_modified_at`

func scanMitigationAction(row interface{ Scan(...any) error }) (iot.MitigationAction, error) {
	var a iot.MitigationAction
	var params string
	var created, changed int64
	if err := row.Scan(&a.Name, &a.ID, &a.Type, &a.RoleARN, &params, &created, &changed); err != nil {
		return iot.MitigationAction{}, err
	}
	a.CreatedAt, a.LastModifiedAt = fromMillis(created), fromMillis(changed)
	var err error
	a.Params, err = decodeParams(params)
	return a, err
}

func (t *tx) MitigationAction(ctx context.Context, name string) (iot.MitigationAction, error) {
	a, err := scanMitigationAction(t.queryRow(`SELECT `+mitigationActionColumns+` FROM mitigation_actions
		WHERE account_id = ? AND name = ?`, t.account, name))
	return a, notFound(err)
}

func (t *tx) MitigationActions(ctx context.Context, typ iot.MitigationActionType, p store.Page) ([]iot.MitigationAction, bool, error) {
	query := `SELECT ` + mitigationActionColumns + ` FROM mitigation_actions
		WHERE account_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3`
	if typ != "" {
		query = `SELECT ` + mitigationActionColumns + ` FROM mitigation_actions INDEXED BY mitigation_actions_by_type
			WHERE account_id = ?1 AND action_type = ?4 AND name > ?2 ORDER BY name LIMIT ?3`
	}
	rows, err := t.query(query, t.account, p.After, p.Limit+1, string(typ))
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var actions []iot.MitigationAction
	for rows.Next() {
		a, err := scanMitigationAction(rows)
		if err != nil {
			return nil, false, err
		}
		actions = append(actions, a)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	actions, more := trimPage(actions, p.Limit)
	return actions, more, nil
}

func (t *tx) CountMitigationActions(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM mitigation_actions WHERE account_id = ?`, t.account).Scan(&n)
	return n, err
}

func (t *tx) PutMitigationAction(ctx context.Context, a iot.MitigationAction) error {
	params, err := encodeParams(a.Params)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO mitigation_actions (account_id, `+mitigationActionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET id = excluded.id, action_type = excluded.action_type,
			role_arn = excluded.role_arn, params = excluded.params, created_at = excluded.created_at,
			last_modified_at = excluded.last_modified_at`,
		t.account, a.Name, a.ID, string(a.Type), a.RoleARN, params, millis(a.CreatedAt), millis(a.LastModifiedAt))
	return err
}

func (t *tx) DeleteMitigationAction(ctx context.Context, name string) error {
	res, err := t.exec(`DELETE FROM mitigation_actions WHERE account_id = ? AND name = ?`, t.account, name)
	return deleted(res, err)
}
