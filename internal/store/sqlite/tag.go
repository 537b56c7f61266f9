package sqlite

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func (t *tx) Tags(ctx context.Context, resourceARN string) ([]iot.Tag, error) {
	rows, err := t.query(`SELECT key, value FROM tags WHERE account_id = ? AND resource_arn = ? ORDER BY key`,
		t.account, resourceARN)
	if err != nil {
		return nil, err
	}
	return scanTags(rows)
}

func (t *tx) ListTags(ctx context.Context, resourceARN string, p store.Page) ([]iot.Tag, bool, error) {
	rows, err := t.query(`SELECT key, value FROM tags WHERE account_id = ? AND resource_arn = ? AND key > ? ORDER BY key LIMIT ?`,
		t.account, resourceARN, p.After, p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	tags, err := scanTags(rows)
	if err != nil {
		return nil, false, err
	}
	tags, more := trimPage(tags, p.Limit)
	return tags, more, nil
}

func scanTags(rows rowScanner) ([]iot.Tag, error) {
	defer rows.Close()
	var tags []iot.Tag
	for rows.Next() {
		var tag iot.Tag
		if err := rows.Scan(&tag.Key, &tag.Value); err != nil {
			return nil, err
		}
		tags = append(tags, tag)
	}
	return tags, rows.Err()
}

func (t *tx) PutTags(ctx context.Context, resourceARN string, tags []iot.Tag) error {
	for _, tag := range tags {
		if _, err := t.exec(`INSERT INTO tags (account_id, resource_arn, key, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id, resource_arn, key) DO UPDATE SET value = excluded.value`,
			t.account, resourceARN, tag.Key, tag.Value); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) DeleteTagKeys(ctx context.Context, resourceARN string, keys []string) error {
	for _, key := range keys {
		if _, err := t.exec(`DELETE FROM tags WHERE account_id = ? AND resource_arn = ? AND key = ?`,
			t.account, resourceARN, key); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) DeleteTags(ctx context.Context, resourceARN string) error {
	_, err := t.exec(`DELETE FROM tags WHERE account_id = ? AND resource_arn = ?`, t.account, resourceARN)
	return err
}
