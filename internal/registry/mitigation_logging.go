package registry

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// SetV2LoggingOptionsTx is SetV2LoggingOptions in the caller's transaction,
// for tx's account: what the ENABLE_IOT_LOGGING mitigation action applies,
// recording its execution in the same transaction.
func (r *Registry) SetV2LoggingOptionsTx(ctx context.Context, tx store.Tx, o iot.V2LoggingOptions) error {
	if o.RoleARN == "" && !o.DisableAllLogs {
		return iot.Errorf(iot.InvalidRequest, "A roleArn is required to enable logging; give one, or set disableAllLogs.")
	}
	if o.DefaultLogLevel == "" {
		o.DefaultLogLevel = defaultLogLevel
	}
	seen := map[string]bool{}
	for _, e := range o.EventConfigurations {
		if seen[e.EventType] {
			return iot.Errorf(iot.InvalidRequest, "The event type %s is configured more than once.", e.EventType)
		}
		seen[e.EventType] = true
	}
	return tx.PutV2LoggingOptions(ctx, o)
}
