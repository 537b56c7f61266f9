package registry

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const loggingRole = "arn:aws:iam::123456789012:role/iot-logging"

func TestV1LoggingOptions(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	got, err := r.GetLoggingOptions(ctx, policyTestAccount)
	mustPolicy(t, err)
	if diff := cmp.Diff(iot.LoggingOptions{}, got); diff != "" {
		t.Errorf("GetLoggingOptions never set (-want +got):\n%s", diff)
	}
	mustPolicy(t, r.SetLoggingOptions(ctx, policyTestAccount, iot.LoggingOptions{RoleARN: loggingRole}))
	got, err = r.GetLoggingOptions(ctx, policyTestAccount)
	mustPolicy(t, err)
	if diff := cmp.Diff(iot.LoggingOptions{RoleARN: loggingRole, LogLevel: iot.LogError}, got); diff != "" {
		t.Errorf("GetLoggingOptions set without a level (-want +got):\n%s", diff)
	}
	mustPolicy(t, r.SetLoggingOptions(ctx, policyTestAccount, iot.LoggingOptions{RoleARN: loggingRole, LogLevel: iot.LogDisabled}))
	got, err = r.GetLoggingOptions(ctx, policyTestAccount)
	mustPolicy(t, err)
	if got.LogLevel != iot.LogDisabled {
		t.Errorf("level after setting DISABLED = %s", got.LogLevel)
	}
	other, err := r.GetLoggingOptions(ctx, policyTestOther)
	mustPolicy(t, err)
	if other != (iot.LoggingOptions{}) {
		t.Errorf("another account's GetLoggingOptions = %+v", other)
	}
}

func TestV2LoggingOptions(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	_, err := r.GetV2LoggingOptions(ctx, policyTestAccount)
	wantPolicyKind(t, err, iot.NotConfigured)
	for _, tc := range []struct {
		name string
		o    iot.V2LoggingOptions
	}{
		{"no role", iot.V2LoggingOptions{DefaultLogLevel: iot.LogInfo}},
		{"an event type twice", iot.V2LoggingOptions{RoleARN: loggingRole, EventConfigurations: []iot.LogEventConfiguration{{EventType: "Connect"}, {EventType: "Connect"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantPolicyKind(t, r.SetV2LoggingOptions(ctx, policyTestAccount, tc.o), iot.InvalidRequest)
		})
	}
	// Disabling all logs needs no role.
	mustPolicy(t, r.SetV2LoggingOptions(ctx, policyTestAccount, iot.V2LoggingOptions{DisableAllLogs: true}))
	got, err := r.GetV2LoggingOptions(ctx, policyTestAccount)
	mustPolicy(t, err)
	if diff := cmp.Diff(iot.V2LoggingOptions{DisableAllLogs: true, DefaultLogLevel: iot.LogError}, got); diff != "" {
		t.Errorf("GetV2LoggingOptions (-want +got):\n%s", diff)
	}
	set := iot.V2LoggingOptions{RoleARN: loggingRole, DefaultLogLevel: iot.LogWarn,
		EventConfigurations: []iot.LogEventConfiguration{{EventType: "Connect", LogLevel: iot.LogDebug}, {EventType: "Publish-In", LogDestination: "iot/publish"}}}
	mustPolicy(t, r.SetV2LoggingOptions(ctx, policyTestAccount, set))
	got, err = r.GetV2LoggingOptions(ctx, policyTestAccount)
	mustPolicy(t, err)
	if diff := cmp.Diff(set, got); diff != "" {
		t.Errorf("GetV2LoggingOptions (-want +got):\n%s", diff)
	}
	_, err = r.GetV2LoggingOptions(ctx, policyTestOther)
	wantPolicyKind(t, err, iot.NotConfigured)
}

func TestV2LoggingLevels(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	client := iot.LogTargetConfiguration{Target: iot.LogTarget{Type: iot.LogTargetClientID, Name: "sensor-1"}, Level: iot.LogDebug}
	wantPolicyKind(t, r.SetV2LoggingLevel(ctx, policyTestAccount, client), iot.NotConfigured)
	_, _, err := r.ListV2LoggingLevels(ctx, policyTestAccount, "", ListRequest{})
	wantPolicyKind(t, err, iot.NotConfigured)
	mustPolicy(t, r.SetV2LoggingOptions(ctx, policyTestAccount, iot.V2LoggingOptions{RoleARN: loggingRole}))

	for _, tc := range []struct {
		name string
		c    iot.LogTargetConfiguration
	}{
		{"DEFAULT with a name", iot.LogTargetConfiguration{Target: iot.LogTarget{Type: iot.LogTargetDefault, Name: "x"}, Level: iot.LogInfo}},
		{"CLIENT_ID without a name", iot.LogTargetConfiguration{Target: iot.LogTarget{Type: iot.LogTargetClientID}, Level: iot.LogInfo}},
		{"a thing group that does not exist", iot.LogTargetConfiguration{Target: iot.LogTarget{Type: iot.LogTargetThingGroup, Name: "absent"}, Level: iot.LogInfo}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantPolicyKind(t, r.SetV2LoggingLevel(ctx, policyTestAccount, tc.c), iot.InvalidRequest)
		})
	}
	withThingGroups(t, map[string]string{"lamps": ""})
	levels := []iot.LogTargetConfiguration{
		{Target: iot.LogTarget{Type: iot.LogTargetDefault}, Level: iot.LogWarn},
		{Target: iot.LogTarget{Type: iot.LogTargetThingGroup, Name: "lamps"}, Level: iot.LogInfo},
		client,
		{Target: iot.LogTarget{Type: iot.LogTargetSourceIP, Name: "10.0.0.1"}, Level: iot.LogError},
	}
	for _, c := range levels {
		mustPolicy(t, r.SetV2LoggingLevel(ctx, policyTestAccount, c))
	}
	var got []iot.LogTargetConfiguration
	req := ListRequest{MaxResults: 3}
	for {
		page, next, err := r.ListV2LoggingLevels(ctx, policyTestAccount, "", req)
		mustPolicy(t, err)
		got = append(got, page...)
		if next == "" {
			break
		}
		req.NextToken = next
	}
	want := []iot.LogTargetConfiguration{levels[2], levels[0], levels[3], levels[1]} // by type, then name
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListV2LoggingLevels (-want +got):\n%s", diff)
	}
	only, _, err := r.ListV2LoggingLevels(ctx, policyTestAccount, iot.LogTargetSourceIP, ListRequest{})
	mustPolicy(t, err)
	if diff := cmp.Diff(levels[3:4], only); diff != "" {
		t.Errorf("ListV2LoggingLevels of SOURCE_IP (-want +got):\n%s", diff)
	}
	_, _, err = r.ListV2LoggingLevels(ctx, policyTestAccount, iot.LogTargetSourceIP, ListRequest{NextToken: "forged"})
	wantPolicyKind(t, err, iot.InvalidRequest)

	mustPolicy(t, r.DeleteV2LoggingLevel(ctx, policyTestAccount, client.Target))
	mustPolicy(t, r.DeleteV2LoggingLevel(ctx, policyTestAccount, client.Target)) // not set: no change
	wantPolicyKind(t, r.DeleteV2LoggingLevel(ctx, policyTestAccount, iot.LogTarget{Type: iot.LogTargetClientID}), iot.InvalidRequest)
	got, _, err = r.ListV2LoggingLevels(ctx, policyTestAccount, iot.LogTargetClientID, ListRequest{})
	mustPolicy(t, err)
	if len(got) != 0 {
		t.Errorf("CLIENT_ID levels after delete = %v", got)
	}
}

func TestV2LoggingLevelLimit(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	mustPolicy(t, r.SetV2LoggingOptions(ctx, policyTestAccount, iot.V2LoggingOptions{RoleARN: loggingRole}))
	target := func(i int) iot.LogTarget {
		return iot.LogTarget{Type: iot.LogTargetClientID, Name: "client-" + strconv.Itoa(i)}
	}
	mustPolicy(t, r.store.Update(ctx, policyTestAccount, func(tx store.Tx) error {
		for i := range maxV2LoggingLevels {
			if err := tx.PutV2LoggingLevel(ctx, iot.LogTargetConfiguration{Target: target(i), Level: iot.LogInfo}); err != nil {
				return err
			}
		}
		return nil
	}))
	wantPolicyKind(t, r.SetV2LoggingLevel(ctx, policyTestAccount, iot.LogTargetConfiguration{Target: target(maxV2LoggingLevels), Level: iot.LogInfo}), iot.LimitExceeded)
	// Changing the level of a target that has one adds none.
	mustPolicy(t, r.SetV2LoggingLevel(ctx, policyTestAccount, iot.LogTargetConfiguration{Target: target(5), Level: iot.LogDebug}))
}
