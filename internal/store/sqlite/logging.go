package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func (t *tx) LoggingOptions(ctx context.Context) (iot.LoggingOptions, error) {
	var o iot.LoggingOptions
	err := t.queryRow(`SELECT role_arn, log_level FROM logging_options WHERE account_id = ?`, t.account).
		Scan(&o.RoleARN, &o.LogLevel)
	return o, notFound(err)
}

func (t *tx) PutLoggingOptions(ctx context.Context, o iot.LoggingOptions) error {
	_, err := t.exec(`INSERT INTO logging_options (account_id, role_arn, log_level) VALUES (?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET role_arn = excluded.role_arn, log_level = excluded.log_level`,
		t.account, o.RoleARN, string(o.LogLevel))
	return err
}

// logEventConfiguration is the JSON form of an event configuration in
// v2_logging_options.event_configurations.
type logEventConfiguration struct {
	EventType      string `json:"eventType"`
	LogLevel       string `json:"logLevel,omitempty"`
	LogDestination string `json:"logDestination,omitempty"`
}

func (t *tx) V2LoggingOptions(ctx context.Context) (iot.V2LoggingOptions, error) {
	var o iot.V2LoggingOptions
	var events string
	err := t.queryRow(`SELECT role_arn, default_log_level, disable_all_logs, event_configurations
		FROM v2_logging_options WHERE account_id = ?`, t.account).
		Scan(&o.RoleARN, &o.DefaultLogLevel, &o.DisableAllLogs, &events)
	if err != nil {
		return iot.V2LoggingOptions{}, notFound(err)
	}
	var stored []logEventConfiguration
	if err := json.Unmarshal([]byte(events), &stored); err != nil {
		return iot.V2LoggingOptions{}, err
	}
	for _, e := range stored {
		o.EventConfigurations = append(o.EventConfigurations, iot.LogEventConfiguration{
			EventType: e.EventType, LogLevel: iot.LogLevel(e.LogLevel), LogDestination: e.LogDestination,
		})
	}
	return o, nil
}

func (t *tx) PutV2LoggingOptions(ctx context.Context, o iot.V2LoggingOptions) error {
	stored := make([]logEventConfiguration, 0, len(o.EventConfigurations))
	for _, e := range o.EventConfigurations {
		stored = append(stored, logEventConfiguration{EventType: e.EventType, LogLevel: string(e.LogLevel), LogDestination: e.LogDestination})
	}
	events, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO v2_logging_options (account_id, role_arn, default_log_level, disable_all_logs, event_configurations)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET role_arn = excluded.role_arn, default_log_level = excluded.default_log_level,
			disable_all_logs = excluded.disable_all_logs, event_configurations = excluded.event_configurations`,
		t.account, o.RoleARN, string(o.DefaultLogLevel), o.DisableAllLogs, string(events))
	return err
}

func (t *tx) LoggingSettings(ctx context.Context) (iot.LoggingSettings, error) {
	var s iot.LoggingSettings
	v1, err := t.LoggingOptions(ctx)
	switch {
	case err == nil:
		s.V1 = &v1
	case !errors.Is(err, store.ErrNotFound):
		return s, err
	}
	v2, err := t.V2LoggingOptions(ctx)
	switch {
	case err == nil:
		s.V2 = &v2
	case !errors.Is(err, store.ErrNotFound):
		return s, err
	}
	return s, nil
}

func (t *tx) V2LoggingLevel(ctx context.Context, target iot.LogTarget) (iot.LogTargetConfiguration, error) {
	c := iot.LogTargetConfiguration{Target: target}
	err := t.queryRow(`SELECT log_level FROM v2_logging_levels WHERE account_id = ? AND target_type = ? AND target_name = ?`,
		t.account, string(target.Type), target.Name).Scan(&c.Level)
	return c, notFound(err)
}

func (t *tx) V2LoggingLevels(ctx context.Context, targetType iot.LogTargetType, p store.Page) ([]iot.LogTargetConfiguration, bool, error) {
	afterType, afterName, _ := strings.Cut(p.After, "/")
	rows, err := t.query(`SELECT target_type, target_name, log_level FROM v2_logging_levels
		WHERE account_id = ?1 AND (?2 = '' OR target_type = ?2) AND (target_type, target_name) > (?3, ?4)
		ORDER BY target_type, target_name LIMIT ?5`,
		t.account, string(targetType), afterType, afterName, p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var levels []iot.LogTargetConfiguration
	for rows.Next() {
		var c iot.LogTargetConfiguration
		if err := rows.Scan(&c.Target.Type, &c.Target.Name, &c.Level); err != nil {
			return nil, false, err
		}
		levels = append(levels, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	levels, more := trimPage(levels, p.Limit)
	return levels, more, nil
}

func (t *tx) CountV2LoggingLevels(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM v2_logging_levels WHERE account_id = ?`, t.account).Scan(&n)
	return n, err
}

func (t *tx) PutV2LoggingLevel(ctx context.Context, c iot.LogTargetConfiguration) error {
	_, err := t.exec(`INSERT INTO v2_logging_levels (account_id, target_type, target_name, log_level) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, target_type, target_name) DO UPDATE SET log_level = excluded.log_level`,
		t.account, string(c.Target.Type), c.Target.Name, string(c.Level))
	return err
}

func (t *tx) DeleteV2LoggingLevel(ctx context.Context, target iot.LogTarget) error {
	res, err := t.exec(`DELETE FROM v2_logging_levels WHERE account_id = ? AND target_type = ? AND target_name = ?`,
		t.account, string(target.Type), target.Name)
	return deleted(res, err)
}
