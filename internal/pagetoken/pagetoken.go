// Package pagetoken makes the opaque nextToken of list operations. A token
// carries the sort key of the last item returned, the listing it belongs to and
// when it was issued, sealed with an HMAC so that a client can neither forge one
// nor replay one against another listing.
package pagetoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// MaxAge is how long a token stays valid. AWS does not document a lifetime; a
// day is ample to page through any listing [inferred].
const MaxAge = 24 * time.Hour

// Codec seals and opens tokens with one installation secret.
type Codec struct {
	key   []byte
	clock clock.Clock
}

// New returns a codec using key (at least 32 random bytes, kept across restarts
// so that tokens survive them).
func New(key []byte, c clock.Clock) *Codec { return &Codec{key: key, clock: c} }

// Seal returns the token for the page after the item with sort key after, in the
// listing named by scope (the account, the operation and its filters).
func (c *Codec) Seal(scope, after string) string {
	buf := make([]byte, 8, 8+len(after)+sha256.Size)
	binary.BigEndian.PutUint64(buf, uint64(c.clock.Now().Unix()))
	buf = append(buf, after...)
	buf = append(buf, c.mac(scope, buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Open returns the sort key a token carries, or an InvalidRequest error when the
// token is malformed, forged, from another listing, or expired.
func (c *Codec) Open(scope, token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 8+sha256.Size {
		return "", invalid()
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if !hmac.Equal(sum, c.mac(scope, body)) {
		return "", invalid()
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(body[:8])), 0)
	if c.clock.Now().Sub(issued) > MaxAge {
		return "", iot.Errorf(iot.InvalidRequest, "The nextToken has expired; start the listing again without it.")
	}
	return string(body[8:]), nil
}

func (c *Codec) mac(scope string, body []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write(body)
	return m.Sum(nil)
}

func invalid() error {
	return iot.Errorf(iot.InvalidRequest, "The nextToken is not valid for this request.")
}
