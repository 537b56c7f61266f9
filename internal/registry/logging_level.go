package registry

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxV2LoggingLevels is how many targets may have their own v2 logging level
// [inferred from the AWS IoT Core quota on resource-specific logging levels].
const maxV2LoggingLevels = 1000

// defaultV2LoggingLevelPageSize is ListV2LoggingLevels' page size when the
// request gives none.
const defaultV2LoggingLevelPageSize = 25

// checkLogTarget checks that a target names what its type needs: nothing for
// DEFAULT, a name for the others.
func checkLogTarget(t iot.LogTarget) error {
	if t.Type == iot.LogTargetDefault && t.Name != "" {
		return iot.Errorf(iot.InvalidRequest, "The DEFAULT log target takes no targetName; %q was given.", t.Name)
	}
	if t.Type != iot.LogTargetDefault && t.Name == "" {
		return iot.Errorf(iot.InvalidRequest, "A %s log target needs a targetName.", t.Type)
	}
	return nil
}

// SetV2LoggingLevel sets the logging level of one target. v2 logging must be
// configured first [inferred from the NotConfiguredException the operation
// declares]; a thing group target must exist.
func (r *Registry) SetV2LoggingLevel(ctx context.Context, account string, c iot.LogTargetConfiguration) error {
	if err := checkLogTarget(c.Target); err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if _, err := v2LoggingOptions(ctx, tx); err != nil {
			return err
		}
		if c.Target.Type == iot.LogTargetThingGroup {
			group := resourceARN{ARN: r.arn(account, "thinggroup/"+c.Target.Name), Type: "thinggroup", ID: c.Target.Name}
			if err := mustExist(ctx, tx, group); err != nil {
				// The operation declares no ResourceNotFoundException.
				return iot.Errorf(iot.InvalidRequest, "The thing group %s does not exist.", c.Target.Name)
			}
		}
		_, err := tx.V2LoggingLevel(ctx, c.Target)
		if err == nil { // replacing a level adds none
			return tx.PutV2LoggingLevel(ctx, c)
		}
		if err = ignoreNotFound(err); err != nil {
			return err
		}
		n, err := tx.CountV2LoggingLevels(ctx)
		if err != nil {
			return err
		}
		if n >= maxV2LoggingLevels {
			return iot.Errorf(iot.LimitExceeded,
				"The account already has the maximum of %d logging levels; delete one with DeleteV2LoggingLevel first.", maxV2LoggingLevels)
		}
		return tx.PutV2LoggingLevel(ctx, c)
	})
}

// ListV2LoggingLevels lists the logging levels of targets, of one type unless
// targetType is "". Like SetV2LoggingLevel it needs v2 logging configured.
func (r *Registry) ListV2LoggingLevels(ctx context.Context, account string, targetType iot.LogTargetType, req ListRequest) ([]iot.LogTargetConfiguration, string, error) {
	scope := "v2-logging-levels/" + string(targetType)
	p, err := r.page(account, scope, req, defaultV2LoggingLevelPageSize)
	if err != nil {
		return nil, "", err
	}
	var levels []iot.LogTargetConfiguration
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if _, err := v2LoggingOptions(ctx, tx); err != nil {
			return err
		}
		levels, more, err = tx.V2LoggingLevels(ctx, targetType, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(levels) > 0 {
		next = r.nextToken(account, scope, more, store.V2LoggingLevelKey(levels[len(levels)-1].Target))
	}
	return levels, next, nil
}

// DeleteV2LoggingLevel deletes the logging level of a target; deleting one
// that is not set changes nothing (the operation declares no
// ResourceNotFoundException).
func (r *Registry) DeleteV2LoggingLevel(ctx context.Context, account string, target iot.LogTarget) error {
	if err := checkLogTarget(target); err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		return ignoreNotFound(tx.DeleteV2LoggingLevel(ctx, target))
	})
}
