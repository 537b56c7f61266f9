package sqlite

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func (t *tx) AuditConfiguration(ctx context.Context) (iot.AuditConfiguration, error) {
	var c iot.AuditConfiguration
	var hasSNS bool
	var sns iot.AuditNotificationTarget
	err := t.queryRow(`SELECT role_arn, has_sns, sns_target_arn, sns_role_arn, sns_enabled
		FROM audit_configurations WHERE account_id = ?`, t.account).
		Scan(&c.RoleARN, &hasSNS, &sns.TargetARN, &sns.RoleARN, &sns.Enabled)
	if err != nil {
		return iot.AuditConfiguration{}, notFound(err)
	}
	if hasSNS {
		c.SNS = &sns
	}
	rows, err := t.query(`SELECT check_name, enabled, configuration FROM audit_check_configurations
		WHERE account_id = ? ORDER BY check_name`, t.account)
	if err != nil {
		return iot.AuditConfiguration{}, err
	}
	defer rows.Close()
	c.Checks = map[string]iot.AuditCheckConfiguration{}
	for rows.Next() {
		var name, config string
		var cc iot.AuditCheckConfiguration
		if err := rows.Scan(&name, &cc.Enabled, &config); err != nil {
			return iot.AuditConfiguration{}, err
		}
		if cc.Config, err = decodeNumbers(config); err != nil {
			return iot.AuditConfiguration{}, err
		}
		c.Checks[name] = cc
	}
	return c, rows.Err()
}

func (t *tx) PutAuditConfiguration(ctx context.Context, c iot.AuditConfiguration) error {
	var sns iot.AuditNotificationTarget
	if c.SNS != nil {
		sns = *c.SNS
	}
	if _, err := t.exec(`INSERT INTO audit_configurations
		(account_id, role_arn, has_sns, sns_target_arn, sns_role_arn, sns_enabled) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET role_arn = excluded.role_arn, has_sns = excluded.has_sns,
			sns_target_arn = excluded.sns_target_arn, sns_role_arn = excluded.sns_role_arn, sns_enabled = excluded.sns_enabled`,
		t.account, c.RoleARN, c.SNS != nil, sns.TargetARN, sns.RoleARN, sns.Enabled); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM audit_check_configurations WHERE account_id = ?`, t.account); err != nil {
		return err
	}
	for name, cc := range c.Checks {
		config, err := encodeNumbers(cc.Config)
		if err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO audit_check_configurations (account_id, check_name, enabled, configuration)
			VALUES (?, ?, ?, ?)`, t.account, name, cc.Enabled, config); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) DeleteAuditConfiguration(ctx context.Context) error {
	res, err := t.exec(`DELETE FROM audit_configurations WHERE account_id = ?`, t.account)
	return deleted(res, err)
}
