package audit

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ConfigurationUpdate is an UpdateAccountAuditConfiguration request. The
// configuration is merged, not replaced [I]: the checks, role and target the
// request does not name keep their current state.
type ConfigurationUpdate struct {
	RoleARN string // "" keeps the current role
	// SNS replaces the notification target when set.
	SNS *iot.AuditNotificationTarget
	// Checks changes the named checks only.
	Checks map[string]CheckUpdate
}

// CheckUpdate sets one check's configuration.
type CheckUpdate struct {
	// Enabled is the check's new state. An absent enabled member is false, the
	// model's default for it (SDKs do not send a false one).
	Enabled bool
	// Config, when not nil, replaces the check's configuration values (an
	// empty map resets them to the defaults); nil keeps them [I]. Values are
	// whole numbers as text.
	Config map[string]string
}

// UpdateAccountAuditConfiguration changes the account's audit configuration.
func (e *Engine) UpdateAccountAuditConfiguration(ctx context.Context, account string, u ConfigurationUpdate) error {
	if u.SNS != nil {
		if err := validateSNSTarget(*u.SNS); err != nil {
			return err
		}
	}
	values := make(map[string]map[string]int64, len(u.Checks)) // parsed Config, by check
	enables := false
	for _, name := range slices.Sorted(maps.Keys(u.Checks)) {
		ch, err := e.checks.lookup(name)
		if err != nil {
			return err
		}
		cu := u.Checks[name]
		if cu.Config != nil {
			if values[name], err = parseCheckConfig(ch, cu.Config); err != nil {
				return err
			}
		}
		enables = enables || cu.Enabled
	}
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		cfg, err := tx.AuditConfiguration(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// The first configuration needs a role and an enabled check [M].
			if u.RoleARN == "" {
				return iot.Errorf(iot.InvalidRequest, "roleArn is required the first time the account's audit is configured.")
			}
			if !enables {
				return iot.Errorf(iot.InvalidRequest, "The first audit configuration must enable at least one check in auditCheckConfigurations.")
			}
			cfg = iot.AuditConfiguration{Checks: map[string]iot.AuditCheckConfiguration{}}
		case err != nil:
			return err
		}
		if u.RoleARN != "" {
			cfg.RoleARN = u.RoleARN
		}
		if u.SNS != nil {
			target := *u.SNS
			cfg.SNS = &target
		}
		used, err := checksOfScheduledAudits(ctx, tx)
		if err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(u.Checks)) {
			cu, cur := u.Checks[name], cfg.Checks[name]
			if !cu.Enabled && used[name] != "" {
				return iot.Errorf(iot.InvalidRequest, "%s cannot be disabled: scheduled audit %s runs it. Remove it from the scheduled audit first.", name, used[name])
			}
			cur.Enabled = cu.Enabled
			if cu.Config != nil {
				cur.Config = values[name]
			}
			cfg.Checks[name] = cur
		}
		return tx.PutAuditConfiguration(ctx, cfg)
	})
}

// parseCheckConfig validates configuration values against the check's metadata.
func parseCheckConfig(ch *check.Check, values map[string]string) (map[string]int64, error) {
	out := make(map[string]int64, len(values))
	for _, name := range slices.Sorted(maps.Keys(values)) {
		key, ok := configKey(ch, name)
		if !ok {
			return nil, iot.Errorf(iot.InvalidRequest, "%s has no configuration %s; %s.", ch.Name, name, acceptedKeys(ch))
		}
		v, err := strconv.ParseInt(values[name], 10, 64)
		if err != nil || v < key.Min || v > key.Max {
			return nil, iot.Errorf(iot.InvalidRequest, "%s of %s must be a whole number from %d to %d, not %q.",
				name, ch.Name, key.Min, key.Max, values[name])
		}
		out[name] = v
	}
	return out, nil
}

func configKey(ch *check.Check, name string) (check.ConfigKey, bool) {
	for _, k := range ch.Config {
		if k.Name == name {
			return k, true
		}
	}
	return check.ConfigKey{}, false
}

func acceptedKeys(ch *check.Check) string {
	if len(ch.Config) == 0 {
		return "it takes no configuration"
	}
	var names []string
	for _, k := range ch.Config {
		names = append(names, k.Name)
	}
	return "it accepts " + strings.Join(names, ", ")
}

// validateSNSTarget checks a notification target [I]: an enabled target needs
// an SNS topic ARN and a role.
func validateSNSTarget(t iot.AuditNotificationTarget) error {
	if t.TargetARN != "" && !isSNSTopicARN(t.TargetARN) {
		return iot.Errorf(iot.InvalidRequest, "targetArn %q is not the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<topic>).", t.TargetARN)
	}
	if t.Enabled && (t.TargetARN == "" || t.RoleARN == "") {
		return iot.Errorf(iot.InvalidRequest, "An enabled SNS notification target needs targetArn and roleArn.")
	}
	return nil
}

func isSNSTopicARN(arn string) bool {
	parts := strings.Split(arn, ":")
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == "sns" && parts[3] != "" &&
		parts[4] != "" && parts[5] != ""
}

// checksOfScheduledAudits maps each check some scheduled audit runs to the
// name of one such audit.
func checksOfScheduledAudits(ctx context.Context, tx store.ReadTx) (map[string]string, error) {
	audits, err := allScheduledAudits(ctx, tx)
	if err != nil {
		return nil, err
	}
	used := map[string]string{}
	for _, a := range audits {
		for _, name := range a.TargetChecks {
			if used[name] == "" {
				used[name] = a.Name
			}
		}
	}
	return used, nil
}

// DescribeAccountAuditConfiguration returns the account's audit configuration
// with every check of the catalogue in Checks: enabled or not, with the
// configuration values set explicitly. An account never configured has every
// check disabled, no role and no notification target [I].
func (e *Engine) DescribeAccountAuditConfiguration(ctx context.Context, account string) (iot.AuditConfiguration, error) {
	var cfg iot.AuditConfiguration
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		cfg, err = configuredChecks(ctx, tx)
		return err
	})
	if err != nil {
		return iot.AuditConfiguration{}, err
	}
	all := make(map[string]iot.AuditCheckConfiguration, len(e.checks.sorted))
	for _, ch := range e.checks.sorted {
		all[ch.Name] = cfg.Checks[ch.Name]
	}
	cfg.Checks = all
	return cfg, nil
}

// DeleteAccountAuditConfiguration resets the account's audit configuration:
// every check disabled, no role, no notification target. With scheduled
// audits it needs deleteScheduledAudits, which deletes them too [I]; an
// account never configured is NotFound [I].
func (e *Engine) DeleteAccountAuditConfiguration(ctx context.Context, account string, deleteScheduledAudits bool) error {
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		if _, err := tx.AuditConfiguration(ctx); err != nil {
			return notFound(err, "The account's audit is not configured.")
		}
		audits, err := allScheduledAudits(ctx, tx)
		if err != nil {
			return err
		}
		if len(audits) > 0 && !deleteScheduledAudits {
			return iot.Errorf(iot.InvalidRequest, "The account has %d scheduled audits; set deleteScheduledAudits to delete them with the configuration.", len(audits))
		}
		for _, a := range audits {
			if err := e.deleteScheduledAudit(ctx, tx, account, a.Name); err != nil {
				return err
			}
		}
		return tx.DeleteAuditConfiguration(ctx)
	})
}

// configuredChecks returns the account's audit configuration, an empty one
// when it was never set.
func configuredChecks(ctx context.Context, tx store.ReadTx) (iot.AuditConfiguration, error) {
	cfg, err := tx.AuditConfiguration(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return iot.AuditConfiguration{}, nil
	}
	return cfg, err
}
