package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const roleAliasColumns = `alias, role_arn, credential_duration_seconds, owner, created_at, updated_at`

func scanRoleAlias(row interface{ Scan(...any) error }) (iot.RoleAlias, error) {
	var a iot.RoleAlias
	var created, updated int64
	if err := row.Scan(&a.Alias, &a.RoleARN, &a.CredentialDurationSeconds, &a.Owner, &created, &updated); err != nil {
		return iot.RoleAlias{}, err
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return a, nil
}

func (t *tx) RoleAlias(ctx context.Context, alias string) (iot.RoleAlias, error) {
	a, err := scanRoleAlias(t.queryRow(`SELECT `+roleAliasColumns+` FROM role_aliases WHERE account_id = ? AND alias = ?`,
		t.account, alias))
	return a, notFound(err)
}

func (t *tx) RoleAliases(ctx context.Context, descending bool, p store.Page) ([]iot.RoleAlias, bool, error) {
	var rows *sql.Rows
	var err error
	if descending {
		rows, err = t.query(`SELECT `+roleAliasColumns+` FROM role_aliases
			WHERE account_id = ?1 AND (?2 = '' OR alias < ?2) ORDER BY alias DESC LIMIT ?3`, t.account, p.After, p.Limit+1)
	} else {
		rows, err = t.query(`SELECT `+roleAliasColumns+` FROM role_aliases
			WHERE account_id = ? AND alias > ? ORDER BY alias LIMIT ?`, t.account, p.After, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var aliases []iot.RoleAlias
	for rows.Next() {
		a, err := scanRoleAlias(rows)
		if err != nil {
			return nil, false, err
		}
		aliases = append(aliases, a)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	aliases, more := trimPage(aliases, p.Limit)
	return aliases, more, nil
}

func (t *tx) CountRoleAliases(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM role_aliases WHERE account_id = ?`, t.account).Scan(&n)
	return n, err
}

func (t *tx) PutRoleAlias(ctx context.Context, a iot.RoleAlias) error {
	_, err := t.exec(`INSERT INTO role_aliases (account_id, `+roleAliasColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, alias) DO UPDATE SET role_arn = excluded.role_arn,
			credential_duration_seconds = excluded.credential_duration_seconds, owner = excluded.owner,
			created_at = excluded.created_at, updated_at = excluded.updated_at`,
		t.account, a.Alias, a.RoleARN, a.CredentialDurationSeconds, a.Owner, a.CreatedAt.UnixMilli(), a.UpdatedAt.UnixMilli())
	return err
}

func (t *tx) DeleteRoleAlias(ctx context.Context, alias string) error {
	res, err := t.exec(`DELETE FROM role_aliases WHERE account_id = ? AND alias = ?`, t.account, alias)
	return deleted(res, err)
}

// deleted turns a DELETE that removed nothing into store.ErrNotFound.
func deleted(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
