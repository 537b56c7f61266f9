package sqlite

import (
	"context"
	"encoding/json"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// The certificate reads and writes of a mitigation task's deactivations, a
// thousand certificates per statement: the ids travel as one JSON array,
// whose elements SQLite looks up by primary key.

func (t *tx) CertificateStates(ctx context.Context, ids []string) ([]iot.Certificate, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT id, status, customer_version FROM certificates
		WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))`, t.account, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]iot.Certificate, 0, len(ids))
	for rows.Next() {
		var c iot.Certificate
		if err := rows.Scan(&c.ID, &c.Status, &c.CustomerVersion); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (t *tx) SetCertificatesStatus(ctx context.Context, ids []string, status iot.CertificateStatus, at time.Time, generationID string) error {
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE certificates SET status = ?, last_modified_at = ?, customer_version = customer_version + 1,
			generation_id = ?
		WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))`,
		string(status), at.UnixMilli(), generationID, t.account, string(list))
	return err
}
