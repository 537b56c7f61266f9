package sigv4

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
)

func TestKeyCache(t *testing.T) {
	var c keyCache
	first := c.get("secret", "20260101", "us-east-1", "iot")
	if again := c.get("secret", "20260101", "us-east-1", "iot"); again != first {
		t.Error("the same secret and day derived a second key")
	}
	if other := c.get("secret", "20260102", "us-east-1", "iot"); bytes.Equal(other.key, first.key) {
		t.Error("another day derived the same key")
	}

	// Concurrent first uses of many keys, under -race, stay bounded.
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range maxCachedKeys {
				k := c.get("secret-"+strconv.Itoa(i), "20260101", "us-east-1", "iot")
				var sum [32]byte
				k.sign([]byte(strconv.Itoa(g)), &sum)
			}
		})
	}
	wg.Wait()
	c.mu.RLock()
	n := len(c.keys)
	c.mu.RUnlock()
	if n > maxCachedKeys {
		t.Errorf("cache holds %d keys, want at most %d", n, maxCachedKeys)
	}
}
