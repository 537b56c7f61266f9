// Package store is iotdefender's persistence port: the Store interface every
// backend implements, and the small types its methods share. Business rules live
// in the packages that use it (registry, audit); a store only keeps and finds.
//
// Every method of a transaction is scoped to one account: a store never returns
// or changes another account's rows.
package store

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// Store persists iotdefender's state.
type Store interface {
	// Update runs fn in one write transaction over the account's data. When fn
	// returns an error, nothing it wrote is kept and Update returns that error.
	Update(ctx context.Context, account string, fn func(Tx) error) error
	// View runs fn in one read transaction: a consistent snapshot of the account's
	// data that concurrent writes do not change.
	View(ctx context.Context, account string, fn func(ReadTx) error) error
	// Snapshot runs fn with n read transactions that all see one and the same
	// committed state of the account's data, so that one consistent view can be
	// read on n connections in parallel (an audit's scans). Each transaction is
	// for one goroutine at a time. n is at most 3. Snapshots may run at once:
	// one waits for the connections of another without holding up writes.
	Snapshot(ctx context.Context, account string, n int, fn func([]ReadTx) error) error
	// System manages what belongs to no account: accounts, access keys and the
	// installation's own settings.
	System() System
	// Close releases the store.
	Close() error
}

// ReadTx reads one account's data inside a transaction. Its methods are declared
// per resource family in this package's other files.
type ReadTx interface {
	Account() string
	ThingReader
	CertificateReader
	PolicyReader
	SettingsReader
	AuditReader
	AuditDataReader
	MitigationReader
}

// Tx reads and writes one account's data inside a transaction.
type Tx interface {
	ReadTx
	ThingWriter
	CertificateWriter
	PolicyWriter
	SettingsWriter
	AuditWriter
	AuditDataWriter
	MitigationWriter
}

// System manages accounts, access keys and installation settings.
type System interface {
	// CreateAccount creates an account with its first access key.
	// iot.AlreadyExists when the account or the key id exists.
	CreateAccount(ctx context.Context, a iot.Account, key iot.AccessKey) error
	// Accounts lists all accounts by id.
	Accounts(ctx context.Context) ([]iot.Account, error)
	// GetAccount returns one account, iot.NotFound when absent.
	GetAccount(ctx context.Context, id string) (iot.Account, error)
	// RemoveAccount deletes an account, its keys and all its resources.
	// iot.NotFound when absent.
	RemoveAccount(ctx context.Context, id string) error
	// AccessKeys lists every access key of every account.
	AccessKeys(ctx context.Context) ([]iot.AccessKey, error)
	// AccessKey returns one key, iot.NotFound when absent.
	AccessKey(ctx context.Context, id string) (iot.AccessKey, error)
	// KeysVersion changes whenever an account or key is added or removed, by any
	// process sharing the store, so a cache of keys knows when to reload.
	KeysVersion(ctx context.Context) (int64, error)
	// Setting returns an installation setting (e.g. a secret generated at first
	// start); ok=false when unset.
	Setting(ctx context.Context, key string) (value []byte, ok bool, err error)
	// InitSetting stores value under key unless a value is already there, and
	// returns the stored value: concurrent first starts agree on one value.
	InitSetting(ctx context.Context, key string, value []byte) ([]byte, error)
}

// Page asks for one page of a listing ordered by a key: the items after After
// (exclusive; "" for the first page), at most Limit of them. List methods return
// the page and whether more items follow it (implementations fetch Limit+1).
type Page struct {
	After string
	Limit int
}

// ErrNotFound is returned (wrapped in an *iot.Error of kind iot.NotFound by the
// callers that know the resource's name) when a row does not exist.
var ErrNotFound = errors.New("store: not found")
