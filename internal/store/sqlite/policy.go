package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const policyColumns = `name, default_version, last_version, generation_id, created_at, updated_at`

func scanPolicy(row interface{ Scan(...any) error }) (iot.Policy, error) {
	var p iot.Policy
	var created, updated int64
	if err := row.Scan(&p.Name, &p.DefaultVersionID, &p.LastVersionID, &p.GenerationID, &created, &updated); err != nil {
		return iot.Policy{}, err
	}
	p.CreatedAt, p.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return p, nil
}

func (t *tx) Policy(ctx context.Context, name string) (iot.Policy, error) {
	p, err := scanPolicy(t.queryRow(`SELECT `+policyColumns+` FROM policies WHERE account_id = ? AND name = ?`, t.account, name))
	return p, notFound(err)
}

func (t *tx) Policies(ctx context.Context, descending bool, p store.Page) ([]iot.Policy, bool, error) {
	var rows *sql.Rows
	var err error
	if descending {
		rows, err = t.query(`SELECT `+policyColumns+` FROM policies
			WHERE account_id = ?1 AND (?2 = '' OR name < ?2) ORDER BY name DESC LIMIT ?3`, t.account, p.After, p.Limit+1)
	} else {
		rows, err = t.query(`SELECT `+policyColumns+` FROM policies
			WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?`, t.account, p.After, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var policies []iot.Policy
	for rows.Next() {
		policy, err := scanPolicy(rows)
		if err != nil {
			return nil, false, err
		}
		policies = append(policies, policy)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	policies, more := trimPage(policies, p.Limit)
	return policies, more, nil
}

func (t *tx) PutPolicy(ctx context.Context, p iot.Policy) error {
	_, err := t.exec(`INSERT INTO policies (account_id, `+policyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET default_version = excluded.default_version,
			last_version = excluded.last_version, generation_id = excluded.generation_id,
			created_at = excluded.created_at, updated_at = excluded.updated_at`,
		t.account, p.Name, p.DefaultVersionID, p.LastVersionID, p.GenerationID, p.CreatedAt.UnixMilli(), p.UpdatedAt.UnixMilli())
	return err
}

func (t *tx) DeletePolicy(ctx context.Context, name string) error {
	// Versions and attachments go with it (ON DELETE CASCADE).
	res, err := t.exec(`DELETE FROM policies WHERE account_id = ? AND name = ?`, t.account, name)
	return deleted(res, err)
}
