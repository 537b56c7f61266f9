package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

type system struct{ s *Store }

var _ store.System = (*system)(nil)

func (y *system) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := y.s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func bumpKeysVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE settings SET value = value + 1 WHERE key = 'keys_version'`)
	return err
}

func (y *system) CreateAccount(ctx context.Context, a iot.Account, key iot.AccessKey) error {
	return y.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, a.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return iot.Errorf(iot.AlreadyExists, "Account %s already exists.", a.ID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_keys WHERE access_key_id = ?`, key.AccessKeyID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return iot.Errorf(iot.AlreadyExists, "Access key %s already exists.", key.AccessKeyID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, registration_code, created_at) VALUES (?, ?, ?)`,
			a.ID, a.RegistrationCode, a.CreatedAt.UnixMilli()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO access_keys (access_key_id, secret, account_id, created_at) VALUES (?, ?, ?, ?)`,
			key.AccessKeyID, key.SecretAccessKey, a.ID, key.CreatedAt.UnixMilli()); err != nil {
			return err
		}
		return bumpKeysVersion(ctx, tx)
	})
}

func (y *system) Accounts(ctx context.Context) ([]iot.Account, error) {
	rows, err := y.s.reader.QueryContext(ctx, `SELECT id, registration_code, created_at FROM accounts ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []iot.Account
	for rows.Next() {
		var a iot.Account
		var created int64
		if err := rows.Scan(&a.ID, &a.RegistrationCode, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

func (y *system) GetAccount(ctx context.Context, id string) (iot.Account, error) {
	a := iot.Account{ID: id}
	var created int64
	err := y.s.reader.QueryRowContext(ctx, `SELECT registration_code, created_at FROM accounts WHERE id = ?`, id).Scan(&a.RegistrationCode, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return iot.Account{}, iot.Errorf(iot.NotFound, "Account %s does not exist.", id)
	}
	a.CreatedAt = time.UnixMilli(created).UTC()
	return a, err
}

func (y *system) RemoveAccount(ctx context.Context, id string) error {
	return y.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return iot.Errorf(iot.NotFound, "Account %s does not exist.", id)
		}
		return bumpKeysVersion(ctx, tx)
	})
}

func (y *system) AccessKeys(ctx context.Context) ([]iot.AccessKey, error) {
	rows, err := y.s.reader.QueryContext(ctx, `SELECT access_key_id, secret, account_id, created_at FROM access_keys ORDER BY account_id, access_key_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []iot.AccessKey
	for rows.Next() {
		var k iot.AccessKey
		var created int64
		if err := rows.Scan(&k.AccessKeyID, &k.SecretAccessKey, &k.AccountID, &created); err != nil {
			return nil, err
		}
		k.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, k)
	}
	return out, rows.Err()
}

func (y *system) AccessKey(ctx context.Context, id string) (iot.AccessKey, error) {
	k := iot.AccessKey{AccessKeyID: id}
	var created int64
	err := y.s.reader.QueryRowContext(ctx, `SELECT secret, account_id, created_at FROM access_keys WHERE access_key_id = ?`, id).
		Scan(&k.SecretAccessKey, &k.AccountID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return iot.AccessKey{}, iot.Errorf(iot.NotFound, "Access key %s does not exist.", id)
	}
	k.CreatedAt = time.UnixMilli(created).UTC()
	return k, err
}

func (y *system) KeysVersion(ctx context.Context) (int64, error) {
	var v int64
	err := y.s.reader.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'keys_version'`).Scan(&v)
	return v, err
}

func (y *system) Setting(ctx context.Context, key string) ([]byte, bool, error) {
	var v []byte
	err := y.s.reader.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (y *system) InitSetting(ctx context.Context, key string, value []byte) ([]byte, error) {
	var stored []byte
	err := y.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: setting %s: %w", key, err)
	}
	return stored, nil
}
