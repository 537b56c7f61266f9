package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strings"
	"sync"
)

// maxCachedKeys bounds the signing key cache. Keys are per secret and per
// day, so the cache refills itself after being dropped.
const maxCachedKeys = 4096

// keyCache holds derived signing keys, so that a request costs one HMAC
// instead of five. The zero value is ready to use.
type keyCache struct {
	mu   sync.RWMutex
	keys map[keyID]*signingKey
}

type keyID struct{ secret, date, region, service string }

// signingKey is a derived key with a pool of HMACs keyed with it, since
// setting up an HMAC costs more than the string to sign.
type signingKey struct {
	key  []byte
	macs sync.Pool
}

func (c *keyCache) get(secret, date, region, service string) *signingKey {
	id := keyID{secret, date, region, service}
	c.mu.RLock()
	k := c.keys[id]
	c.mu.RUnlock()
	if k != nil {
		return k
	}

	k = newSigningKey(deriveKey(secret, date, region, service))
	id.date = strings.Clone(date) // it points into a request header otherwise
	c.mu.Lock()
	defer c.mu.Unlock()
	if existing := c.keys[id]; existing != nil {
		return existing
	}
	if c.keys == nil || len(c.keys) >= maxCachedKeys {
		c.keys = make(map[keyID]*signingKey)
	}
	c.keys[id] = k
	return k
}

// deriveKey computes the SigV4 signing key:
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, scopeTerminator)
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

func newSigningKey(key []byte) *signingKey {
	k := &signingKey{key: key}
	k.macs.New = func() any { return hmac.New(sha256.New, k.key) }
	return k
}

// sign writes the signature of stringToSign into sum.
func (k *signingKey) sign(stringToSign []byte, sum *[sha256.Size]byte) {
	mac := k.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write(stringToSign)
	mac.Sum(sum[:0])
	k.macs.Put(mac)
}
