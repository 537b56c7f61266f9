package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func testSystem(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	sys := s.System()
	v0, err := sys.KeysVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := iot.AccessKey{AccessKeyID: "AKIDONE", SecretAccessKey: "s1", AccountID: Account.ID, CreatedAt: T0}
	if err := sys.CreateAccount(ctx, Account, key); err != nil {
		t.Fatal(err)
	}
	if err := sys.CreateAccount(ctx, Account, iot.AccessKey{AccessKeyID: "AKIDTWO", SecretAccessKey: "s", AccountID: Account.ID}); !errors.Is(err, iot.AlreadyExists) {
		t.Errorf("second CreateAccount: %v, want AlreadyExists", err)
	}
	if err := sys.CreateAccount(ctx, Other, iot.AccessKey{AccessKeyID: "AKIDONE", SecretAccessKey: "s", AccountID: Other.ID}); !errors.Is(err, iot.AlreadyExists) {
		t.Errorf("CreateAccount with a taken key: %v, want AlreadyExists", err)
	}
	if accts, err := sys.Accounts(ctx); err != nil || len(accts) != 1 {
		t.Fatalf("Accounts after a refused create = %v, %v; want only the first", accts, err)
	}
	v1, _ := sys.KeysVersion(ctx)
	if v1 == v0 {
		t.Error("KeysVersion did not change when an account was created")
	}
	got, err := sys.AccessKey(ctx, "AKIDONE")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(key, got); diff != "" {
		t.Errorf("AccessKey (-want +got):\n%s", diff)
	}
	acct, err := sys.GetAccount(ctx, Account.ID)
	if err != nil || acct != Account {
		t.Errorf("GetAccount = %+v, %v; want %+v", acct, err, Account)
	}
	if _, err := sys.AccessKey(ctx, "AKIDNONE"); !errors.Is(err, iot.NotFound) {
		t.Errorf("AccessKey of an unknown key: %v, want NotFound", err)
	}
	if err := sys.RemoveAccount(ctx, Account.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.AccessKey(ctx, "AKIDONE"); !errors.Is(err, iot.NotFound) {
		t.Errorf("key of a removed account: %v, want NotFound", err)
	}
	if v2, _ := sys.KeysVersion(ctx); v2 == v1 {
		t.Error("KeysVersion did not change when an account was removed")
	}
	if err := sys.RemoveAccount(ctx, Account.ID); !errors.Is(err, iot.NotFound) {
		t.Errorf("second RemoveAccount: %v, want NotFound", err)
	}

	first, err := sys.InitSetting(ctx, "secret", []byte("one"))
	if err != nil || string(first) != "one" {
		t.Fatalf("InitSetting = %q, %v", first, err)
	}
	again, err := sys.InitSetting(ctx, "secret", []byte("two"))
	if err != nil || string(again) != "one" {
		t.Errorf("InitSetting on a set key = %q, %v; want the first value", again, err)
	}
	if v, ok, err := sys.Setting(ctx, "secret"); err != nil || !ok || string(v) != "one" {
		t.Errorf("Setting = %q, %v, %v", v, ok, err)
	}
	if _, ok, err := sys.Setting(ctx, "absent"); err != nil || ok {
		t.Errorf("Setting of an absent key: ok=%v err=%v", ok, err)
	}
}

func testTransactions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	boom := errors.New("boom")
	err := s.Update(context.Background(), Account.ID, func(tx store.Tx) error {
		if tx.Account() != Account.ID {
			t.Errorf("tx.Account() = %q", tx.Account())
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Update returned %v, want the function's error", err)
	}
}
