package store

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// SettingsReader reads the account settings family: logging options (v1 and
// v2), v2 logging levels, role aliases and the tags of every taggable resource.
// Getters return ErrNotFound for a missing row.
type SettingsReader interface {
	// LoggingOptions returns the v1 logging options; ErrNotFound when never set.
	LoggingOptions(ctx context.Context) (iot.LoggingOptions, error)
	// V2LoggingOptions returns the v2 logging options; ErrNotFound when never set.
	V2LoggingOptions(ctx context.Context) (iot.V2LoggingOptions, error)
	// LoggingSettings returns both versions of the logging options, for the
	// LOGGING_DISABLED audit check.
	LoggingSettings(ctx context.Context) (iot.LoggingSettings, error)
	// V2LoggingLevel returns the level of one target.
	V2LoggingLevel(ctx context.Context, target iot.LogTarget) (iot.LogTargetConfiguration, error)
	// V2LoggingLevels lists the v2 logging levels ordered by target type then
	// name, only those of targetType unless it is "". Page.After is a key
	// returned by V2LoggingLevelKey.
	V2LoggingLevels(ctx context.Context, targetType iot.LogTargetType, p Page) (levels []iot.LogTargetConfiguration, more bool, err error)
	// CountV2LoggingLevels counts the account's v2 logging levels.
	CountV2LoggingLevels(ctx context.Context) (int, error)

	// RoleAlias returns a role alias; its ARN is left empty.
	RoleAlias(ctx context.Context, alias string) (iot.RoleAlias, error)
	// RoleAliases lists role aliases by alias, descending when descending is
	// set (Page.After is then the alias the page continues below).
	RoleAliases(ctx context.Context, descending bool, p Page) (aliases []iot.RoleAlias, more bool, err error)
	// CountRoleAliases counts the account's role aliases.
	CountRoleAliases(ctx context.Context) (int, error)

	// Tags returns all the tags of a resource, by key.
	Tags(ctx context.Context, resourceARN string) ([]iot.Tag, error)
	// ListTags lists the tags of a resource by key, a page at a time.
	ListTags(ctx context.Context, resourceARN string, p Page) (tags []iot.Tag, more bool, err error)
}

// SettingsWriter writes the account settings family. Put methods insert the
// row or replace the existing one.
type SettingsWriter interface {
	PutLoggingOptions(ctx context.Context, o iot.LoggingOptions) error
	PutV2LoggingOptions(ctx context.Context, o iot.V2LoggingOptions) error
	PutV2LoggingLevel(ctx context.Context, c iot.LogTargetConfiguration) error
	// DeleteV2LoggingLevel deletes the level of a target; ErrNotFound when absent.
	DeleteV2LoggingLevel(ctx context.Context, target iot.LogTarget) error

	PutRoleAlias(ctx context.Context, a iot.RoleAlias) error
	// DeleteRoleAlias deletes a role alias; ErrNotFound when absent. Its tags
	// are the caller's to delete.
	DeleteRoleAlias(ctx context.Context, alias string) error

	// PutTags adds tags to a resource, replacing the values of keys it has.
	PutTags(ctx context.Context, resourceARN string, tags []iot.Tag) error
	// DeleteTagKeys removes the given keys from a resource (absent keys are
	// ignored).
	DeleteTagKeys(ctx context.Context, resourceARN string, keys []string) error
	// DeleteTags removes every tag of a resource: every family calls it when it
	// deletes a taggable resource.
	DeleteTags(ctx context.Context, resourceARN string) error
}

// V2LoggingLevelKey is the sort key of a v2 logging level in V2LoggingLevels.
func V2LoggingLevelKey(t iot.LogTarget) string { return string(t.Type) + "/" + t.Name }
