package sqlite

import (
	"context"
	"database/sql"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// caColumns are read by scanCA, DER aside.
const caColumns = `id, status, mode, auto_registration, template_name, template_body, role_arn, raw_subject,
	created_at, last_modified_at, customer_version, generation_id, ` + factColumns

func (t *tx) CreateCACertificate(_ context.Context, c iot.CACertificate) (bool, error) {
	facts, err := factArgs(c.X509)
	if err != nil {
		return false, err
	}
	rc := c.RegistrationConfig
	args := append([]any{t.account, c.ID, string(c.Status), string(c.Mode), c.AutoRegistration,
		certNullable(rc.TemplateName), certNullable(rc.TemplateBody), certNullable(rc.RoleARN), c.RawSubject,
		c.CreatedAt.UnixMilli(), c.LastModifiedAt.UnixMilli(), c.CustomerVersion, c.GenerationID}, facts...)
	res, err := t.exec(`INSERT INTO ca_certificates (account_id, `+caColumns+`, der)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+factPlaceholders+`, ?) ON CONFLICT DO NOTHING`, append(args, c.DER)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) UpdateCACertificate(_ context.Context, c iot.CACertificate) error {
	rc := c.RegistrationConfig
	res, err := t.exec(`UPDATE ca_certificates SET status = ?, auto_registration = ?, template_name = ?, template_body = ?,
		role_arn = ?, last_modified_at = ?, customer_version = ?, generation_id = ? WHERE account_id = ? AND id = ?`,
		string(c.Status), c.AutoRegistration, certNullable(rc.TemplateName), certNullable(rc.TemplateBody),
		certNullable(rc.RoleARN), c.LastModifiedAt.UnixMilli(), c.CustomerVersion, c.GenerationID, t.account, c.ID)
	return affected(res, err)
}

func (t *tx) DeleteCACertificate(_ context.Context, id string) error {
	res, err := t.exec(`DELETE FROM ca_certificates WHERE account_id = ? AND id = ?`, t.account, id)
	return affected(res, err)
}

func (t *tx) CACertificate(_ context.Context, id string) (iot.CACertificate, error) {
	var der []byte
	c, err := scanCA(t.queryRow(`SELECT `+caColumns+`, der FROM ca_certificates WHERE account_id = ? AND id = ?`, t.account, id), &der)
	if err != nil {
		return iot.CACertificate{}, notFound(err)
	}
	c.DER = der
	return c, nil
}

func (t *tx) CACertificatesBySubject(ctx context.Context, rawSubject []byte) ([]iot.CACertificate, error) {
	return auditCollect(ctx, t, func(rows *sql.Rows) (iot.CACertificate, error) {
		var der []byte
		c, err := scanCA(rows, &der)
		c.DER = der
		return c, err
	}, `SELECT `+caColumns+`, der FROM ca_certificates WHERE account_id = ? AND raw_subject = ? ORDER BY id`, t.account, rawSubject)
}

// Listing queries by order and template filter, as for device certificates.
var caListQueries = map[[2]bool]string{
	{true, false}:  `SELECT ` + caColumns + ` FROM ca_certificates WHERE account_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
	{false, false}: `SELECT ` + caColumns + ` FROM ca_certificates WHERE account_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
	{true, true}:   `SELECT ` + caColumns + ` FROM ca_certificates WHERE account_id = ? AND template_name = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
	{false, true}:  `SELECT ` + caColumns + ` FROM ca_certificates WHERE account_id = ? AND template_name = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
}

func (t *tx) CACertificates(ctx context.Context, l store.CACertificateListing) ([]iot.CACertificate, bool, error) {
	after, afterID, err := creationCursor(l.Page.After, l.Ascending)
	if err != nil {
		return nil, false, err
	}
	args := []any{t.account}
	if l.TemplateName != "" {
		args = append(args, l.TemplateName)
	}
	args = append(args, after, afterID, l.Page.Limit+1)
	cas, err := auditCollect(ctx, t, func(rows *sql.Rows) (iot.CACertificate, error) { return scanCA(rows) },
		caListQueries[[2]bool{l.Ascending, l.TemplateName != ""}], args...)
	if err != nil {
		return nil, false, err
	}
	cas, more := trimPage(cas, l.Page.Limit)
	return cas, more, nil
}

// scanCA reads caColumns, then extra.
func scanCA(row certRowScanner, extra ...any) (iot.CACertificate, error) {
	var c iot.CACertificate
	var status, mode string
	var templateName, templateBody, roleARN sql.NullString
	var created, modified int64
	var fr factRow
	dest := append([]any{&c.ID, &status, &mode, &c.AutoRegistration, &templateName, &templateBody, &roleARN, &c.RawSubject,
		&created, &modified, &c.CustomerVersion, &c.GenerationID}, fr.dest()...)
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return iot.CACertificate{}, err
	}
	c.Status = iot.CACertificateStatus(status)
	c.Mode = iot.CertificateMode(mode)
	c.RegistrationConfig = iot.RegistrationConfig{TemplateName: templateName.String, TemplateBody: templateBody.String, RoleARN: roleARN.String}
	c.CreatedAt = certTime(created)
	c.LastModifiedAt = certTime(modified)
	var err error
	c.X509, err = fr.result()
	return c, err
}
