package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Settings", run: testSettings})
}

func testSettings(t *testing.T, open Opener) {
	t.Run("LoggingOptions", func(t *testing.T) { testLoggingOptions(t, open) })
	t.Run("V2LoggingLevels", func(t *testing.T) { testV2LoggingLevels(t, open) })
	t.Run("RoleAliases", func(t *testing.T) { testRoleAliases(t, open) })
	t.Run("Tags", func(t *testing.T) { testTags(t, open) })
}

func testLoggingOptions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if _, err := tx.LoggingOptions(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LoggingOptions never set: %v, want ErrNotFound", err)
		}
		if _, err := tx.V2LoggingOptions(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("V2LoggingOptions never set: %v, want ErrNotFound", err)
		}
		if got, err := tx.LoggingSettings(ctx); err != nil || got.V1 != nil || got.V2 != nil {
			t.Errorf("LoggingSettings never set = %+v, %v; want neither version", got, err)
		}
		return nil
	})
	v1 := iot.LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logging", LogLevel: iot.LogInfo}
	v2 := iot.V2LoggingOptions{
		RoleARN: "arn:aws:iam::123456789012:role/logging", DefaultLogLevel: iot.LogWarn,
		EventConfigurations: []iot.LogEventConfiguration{{EventType: "THING", LogLevel: iot.LogDebug, LogDestination: "my/group"}, {EventType: "JOB"}},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutLoggingOptions(ctx, iot.LoggingOptions{RoleARN: "old", LogLevel: iot.LogError}); err != nil {
			return err
		}
		if err := tx.PutLoggingOptions(ctx, v1); err != nil {
			return err
		}
		if err := tx.PutV2LoggingOptions(ctx, iot.V2LoggingOptions{DisableAllLogs: true, DefaultLogLevel: iot.LogError}); err != nil {
			return err
		}
		return tx.PutV2LoggingOptions(ctx, v2)
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got1, err := tx.LoggingOptions(ctx)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(v1, got1); diff != "" {
			t.Errorf("LoggingOptions (-want +got):\n%s", diff)
		}
		got2, err := tx.V2LoggingOptions(ctx)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(v2, got2); diff != "" {
			t.Errorf("V2LoggingOptions (-want +got):\n%s", diff)
		}
		both, err := tx.LoggingSettings(ctx)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(iot.LoggingSettings{V1: &v1, V2: &v2}, both); diff != "" {
			t.Errorf("LoggingSettings (-want +got):\n%s", diff)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.LoggingOptions(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's LoggingOptions: %v, want ErrNotFound", err)
		}
		if _, err := tx.V2LoggingOptions(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's V2LoggingOptions: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testV2LoggingLevels(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	levels := []iot.LogTargetConfiguration{
		{Target: iot.LogTarget{Type: iot.LogTargetClientID, Name: "b/client"}, Level: iot.LogDebug},
		{Target: iot.LogTarget{Type: iot.LogTargetClientID, Name: "a"}, Level: iot.LogInfo},
		{Target: iot.LogTarget{Type: iot.LogTargetDefault}, Level: iot.LogError},
		{Target: iot.LogTarget{Type: iot.LogTargetThingGroup, Name: "lamps"}, Level: iot.LogWarn},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, c := range levels {
			if err := tx.PutV2LoggingLevel(ctx, c); err != nil {
				return err
			}
		}
		// Setting a target again replaces its level.
		levels[1].Level = iot.LogDisabled
		return tx.PutV2LoggingLevel(ctx, levels[1])
	})
	sorted := []iot.LogTargetConfiguration{levels[1], levels[0], levels[2], levels[3]}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.V2LoggingLevel(ctx, levels[1].Target)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(levels[1], got); diff != "" {
			t.Errorf("V2LoggingLevel (-want +got):\n%s", diff)
		}
		if _, err := tx.V2LoggingLevel(ctx, iot.LogTarget{Type: iot.LogTargetSourceIP, Name: "10.0.0.1"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("V2LoggingLevel of a target without one: %v, want ErrNotFound", err)
		}
		if n, err := tx.CountV2LoggingLevels(ctx); err != nil || n != 4 {
			t.Errorf("CountV2LoggingLevels = %d, %v; want 4", n, err)
		}
		all, err := allStorePages(3, func(p store.Page) ([]iot.LogTargetConfiguration, bool, error) {
			return tx.V2LoggingLevels(ctx, "", p)
		}, func(c iot.LogTargetConfiguration) string { return store.V2LoggingLevelKey(c.Target) })
		if err != nil {
			return err
		}
		if diff := cmp.Diff(sorted, all); diff != "" {
			t.Errorf("V2LoggingLevels paged (-want +got):\n%s", diff)
		}
		clients, more, err := tx.V2LoggingLevels(ctx, iot.LogTargetClientID, store.Page{Limit: 10})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(sorted[:2], clients); diff != "" || more {
			t.Errorf("V2LoggingLevels of CLIENT_ID (more=%v) (-want +got):\n%s", more, diff)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteV2LoggingLevel(ctx, levels[0].Target); err != nil {
			return err
		}
		if err := tx.DeleteV2LoggingLevel(ctx, levels[0].Target); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteV2LoggingLevel: %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, _, err := tx.V2LoggingLevels(ctx, "", store.Page{Limit: 10})
		if err != nil || len(got) != 0 {
			t.Errorf("another account's V2LoggingLevels = %v, %v; want none", got, err)
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		if err := tx.DeleteV2LoggingLevel(ctx, levels[1].Target); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteV2LoggingLevel of another account's target: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testRoleAliases(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	alias := func(name string) iot.RoleAlias {
		return iot.RoleAlias{Alias: name, RoleARN: "arn:aws:iam::123456789012:role/" + name, CredentialDurationSeconds: 3600,
			Owner: Account.ID, CreatedAt: T0, UpdatedAt: T0.Add(time.Second)}
	}
	names := []string{"b", "d", "a", "c", "e"}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, n := range names {
			if err := tx.PutRoleAlias(ctx, alias(n)); err != nil {
				return err
			}
		}
		changed := alias("a")
		changed.CredentialDurationSeconds = 900
		return tx.PutRoleAlias(ctx, changed)
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.RoleAlias(ctx, "a")
		if err != nil {
			return err
		}
		want := alias("a")
		want.CredentialDurationSeconds = 900
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RoleAlias (-want +got):\n%s", diff)
		}
		if _, err := tx.RoleAlias(ctx, "z"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RoleAlias of an unknown alias: %v, want ErrNotFound", err)
		}
		if n, err := tx.CountRoleAliases(ctx); err != nil || n != 5 {
			t.Errorf("CountRoleAliases = %d, %v; want 5", n, err)
		}
		for _, tc := range []struct {
			descending bool
			want       []string
		}{
			{false, []string{"a", "b", "c", "d", "e"}},
			{true, []string{"e", "d", "c", "b", "a"}},
		} {
			got, err := pageRoleAliases(ctx, tx, tc.descending)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RoleAliases descending=%v (-want +got):\n%s", tc.descending, diff)
			}
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.RoleAlias(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's RoleAlias: %v, want ErrNotFound", err)
		}
		if got, _, err := tx.RoleAliases(ctx, false, store.Page{Limit: 10}); err != nil || len(got) != 0 {
			t.Errorf("another account's RoleAliases = %v, %v; want none", got, err)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteRoleAlias(ctx, "a"); err != nil {
			return err
		}
		if err := tx.DeleteRoleAlias(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteRoleAlias: %v, want ErrNotFound", err)
		}
		return nil
	})
}

// pageRoleAliases lists every role alias two at a time.
func pageRoleAliases(ctx context.Context, tx store.ReadTx, descending bool) ([]string, error) {
	aliases, err := allStorePages(2, func(p store.Page) ([]iot.RoleAlias, bool, error) {
		return tx.RoleAliases(ctx, descending, p)
	}, func(a iot.RoleAlias) string { return a.Alias })
	var names []string
	for _, a := range aliases {
		names = append(names, a.Alias)
	}
	return names, err
}

// allStorePages follows a listing page by page, each page continuing after
// the key of the last item of the one before, and returns every item.
func allStorePages[T any](limit int, list func(store.Page) ([]T, bool, error), key func(T) string) ([]T, error) {
	var all []T
	p := store.Page{Limit: limit}
	for {
		page, more, err := list(p)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if !more || len(page) == 0 {
			return all, nil
		}
		p.After = key(page[len(page)-1])
	}
}

func testTags(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	const lamp, fan = "arn:aws:iot:us-east-1:123456789012:thinggroup/lamps", "arn:aws:iot:us-east-1:123456789012:policy/fan"
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutTags(ctx, lamp, []iot.Tag{{Key: "env", Value: "dev"}, {Key: "owner", Value: "ana"}, {Key: "cost", Value: ""}}); err != nil {
			return err
		}
		if err := tx.PutTags(ctx, lamp, []iot.Tag{{Key: "env", Value: "prod"}}); err != nil {
			return err
		}
		return tx.PutTags(ctx, fan, []iot.Tag{{Key: "env", Value: "test"}})
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Tags(ctx, lamp)
		if err != nil {
			return err
		}
		want := []iot.Tag{{Key: "cost", Value: ""}, {Key: "env", Value: "prod"}, {Key: "owner", Value: "ana"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Tags (-want +got):\n%s", diff)
		}
		first, more, err := tx.ListTags(ctx, lamp, store.Page{Limit: 2})
		if err != nil {
			return err
		}
		rest, more2, err := tx.ListTags(ctx, lamp, store.Page{After: first[len(first)-1].Key, Limit: 2})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, append(first, rest...)); diff != "" || !more || more2 {
			t.Errorf("ListTags in pages of 2 (more=%v, %v) (-want +got):\n%s", more, more2, diff)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteTagKeys(ctx, lamp, []string{"owner", "absent"}); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, fan)
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Tags(ctx, lamp)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]iot.Tag{{Key: "cost", Value: ""}, {Key: "env", Value: "prod"}}, got); diff != "" {
			t.Errorf("Tags after DeleteTagKeys (-want +got):\n%s", diff)
		}
		if got, err := tx.Tags(ctx, fan); err != nil || len(got) != 0 {
			t.Errorf("Tags after DeleteTags = %v, %v; want none", got, err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := tx.Tags(ctx, lamp)
		if diff := cmp.Diff([]iot.Tag(nil), got, cmpopts.EquateEmpty()); diff != "" || err != nil {
			t.Errorf("another account's Tags (err %v) (-want +got):\n%s", err, diff)
		}
		return nil
	})
}
