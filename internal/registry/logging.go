package registry

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The account's logging settings: the version 1 options, the version 2
// options and the v2 logging levels of single targets. The LOGGING_DISABLED
// audit check reads both versions of the options (see LoggingSettings).

// defaultLogLevel is the level of options set without one [inferred: AWS
// documents no default; ERROR is the level its console and examples start
// with].
const defaultLogLevel = iot.LogError

// SetLoggingOptions sets the v1 logging options.
func (r *Registry) SetLoggingOptions(ctx context.Context, account string, o iot.LoggingOptions) error {
	if o.LogLevel == "" {
		o.LogLevel = defaultLogLevel
	}
	return r.update(ctx, account, func(tx store.Tx) error { return tx.PutLoggingOptions(ctx, o) })
}

// GetLoggingOptions returns the v1 logging options; the zero options (no
// role, no level) when they were never set.
func (r *Registry) GetLoggingOptions(ctx context.Context, account string) (iot.LoggingOptions, error) {
	var o iot.LoggingOptions
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		o, err = tx.LoggingOptions(ctx)
		return ignoreNotFound(err)
	})
	return o, err
}

// SetV2LoggingOptions replaces the v2 logging options. Logging needs a role to
// write with unless all logs are disabled [inferred].
func (r *Registry) SetV2LoggingOptions(ctx context.Context, account string, o iot.V2LoggingOptions) error {
	return r.update(ctx, account, func(tx store.Tx) error { return r.SetV2LoggingOptionsTx(ctx, tx, o) })
}

// GetV2LoggingOptions returns the v2 logging options; NotConfigured when they
// were never set.
func (r *Registry) GetV2LoggingOptions(ctx context.Context, account string) (iot.V2LoggingOptions, error) {
	var o iot.V2LoggingOptions
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		o, err = v2LoggingOptions(ctx, tx)
		return err
	})
	return o, err
}

// v2LoggingOptions reads the v2 options, NotConfigured when never set.
func v2LoggingOptions(ctx context.Context, tx store.ReadTx) (iot.V2LoggingOptions, error) {
	o, err := tx.V2LoggingOptions(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return o, iot.Errorf(iot.NotConfigured, "V2 logging is not configured for this account; set it with SetV2LoggingOptions.")
	}
	return o, err
}
