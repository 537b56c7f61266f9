package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/sigv4"
	"github.com/iotdefender/iotdefender/internal/store"
)

// keyCache holds every access key in memory so that authentication costs no
// query. It reloads when the store's keys version changes (accounts added or
// removed by `iotdefender accounts`, even from another process), checked every
// refresh interval, and looks an unknown key up in the store at once so that a
// new key works immediately.
type keyCache struct {
	sys     store.System
	keys    atomic.Pointer[map[string]sigv4.Credentials]
	version atomic.Int64
	mu      sync.Mutex // serialises reloads
}

func newKeyCache(ctx context.Context, sys store.System) (*keyCache, error) {
	c := &keyCache{sys: sys}
	c.version.Store(-1)
	if err := c.reload(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// lookup is the sigv4.KeyLookup of the server.
func (c *keyCache) lookup(id string) (sigv4.Credentials, bool) {
	if cred, ok := (*c.keys.Load())[id]; ok {
		return cred, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	k, err := c.sys.AccessKey(ctx, id)
	if err != nil {
		return sigv4.Credentials{}, false
	}
	_ = c.reload(ctx)
	return credentials(k), true
}

func (c *keyCache) reload(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.sys.KeysVersion(ctx)
	if err != nil {
		return err
	}
	if v == c.version.Load() {
		return nil
	}
	keys, err := c.sys.AccessKeys(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]sigv4.Credentials, len(keys))
	for _, k := range keys {
		m[k.AccessKeyID] = credentials(k)
	}
	c.keys.Store(&m)
	c.version.Store(v)
	return nil
}

func credentials(k iot.AccessKey) sigv4.Credentials {
	return sigv4.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, AccountID: k.AccountID}
}
