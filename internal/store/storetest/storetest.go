// Package storetest is the conformance suite every store.Store implementation
// runs: the same behaviour, whatever the backend.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Opener returns a new, empty store; the suite closes it.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("System", func(t *testing.T) { testSystem(t, open) })
	t.Run("Transactions", func(t *testing.T) { testTransactions(t, open) })
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) { f.run(t, open) })
	}
}

// families are the per-resource-family suites, registered by this package's
// other files.
var families []family

type family struct {
	name string
	run  func(t *testing.T, open Opener)
}

// Fixtures shared by the suites.
var (
	T0      = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	Account = iot.Account{ID: "123456789012", RegistrationCode: "0123456789abcdef0123456789abcdef01234567890abcdef0123456789abcd", CreatedAt: T0}
	Other   = iot.Account{ID: "210987654321", RegistrationCode: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba98765432", CreatedAt: T0}
)

// NewWithAccounts opens a store holding the two fixture accounts.
func NewWithAccounts(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for i, a := range []iot.Account{Account, Other} {
		key := iot.AccessKey{AccessKeyID: "AKIDFIXTURE" + string(rune('A'+i)), SecretAccessKey: "secret", AccountID: a.ID, CreatedAt: T0}
		if err := s.System().CreateAccount(ctx, a, key); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Update runs fn in a write transaction of the fixture account, failing the test on error.
func Update(t *testing.T, s store.Store, account string, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), account, fn); err != nil {
		t.Fatal(err)
	}
}

// View runs fn in a read transaction, failing the test on error.
func View(t *testing.T, s store.Store, account string, fn func(store.ReadTx) error) {
	t.Helper()
	if err := s.View(context.Background(), account, fn); err != nil {
		t.Fatal(err)
	}
}
