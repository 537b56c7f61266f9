package mitigation

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ENABLE_IOT_LOGGING turns the account's v2 logging on, through the
// registry's SetV2LoggingOptions: the role and default level of the action,
// disableAllLogs off. The event configurations already set are kept [I].
func init() {
	register(&actionType{
		Type:        iot.MitigationEnableIoTLogging,
		Member:      "enableIoTLoggingParams",
		Permissions: []string{"iot:SetV2LoggingOptions", "iam:PassRole"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			l := p.EnableIoTLogging
			if l.RoleARNForLogging == "" {
				return iot.Errorf(iot.InvalidRequest, "enableIoTLoggingParams.roleArnForLogging is required: the role that writes the logs.")
			}
			switch l.LogLevel {
			case iot.LogDebug, iot.LogInfo, iot.LogWarn, iot.LogError:
				return nil
			}
			return iot.Errorf(iot.InvalidRequest, "enableIoTLoggingParams.logLevel must be DEBUG, INFO, WARN or ERROR, not %q: the action enables logging.", l.LogLevel)
		},
		apply: func(ctx context.Context, e *Engine, tx store.Tx, _ iot.AuditFinding, p iot.MitigationActionParams) error {
			current, err := tx.V2LoggingOptions(ctx)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			return e.registry.SetV2LoggingOptionsTx(ctx, tx, iot.V2LoggingOptions{
				RoleARN:             p.EnableIoTLogging.RoleARNForLogging,
				DefaultLogLevel:     p.EnableIoTLogging.LogLevel,
				EventConfigurations: current.EventConfigurations,
			})
		},
	})
}
