// Package ids makes identifiers: UUIDs and 32-hex task ids. Tests inject a
// deterministic generator.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
)

// Generator makes new identifiers.
type Generator interface {
	// UUID returns a random (version 4) UUID in its canonical lowercase form.
	UUID() string
	// Hex32 returns 32 random lowercase hex digits (128 bits), the form of audit task ids.
	Hex32() string
}

// Random draws identifiers from crypto/rand.
type Random struct{}

// UUID returns a random version-4 UUID.
func (Random) UUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatUUID(b)
}

// Hex32 returns 32 random hex digits.
func (Random) Hex32() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Sequence is a deterministic generator for tests: the n-th id encodes n.
type Sequence struct {
	mu sync.Mutex
	n  uint64
}

func (s *Sequence) next() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.n
}

// UUID returns 00000000-0000-4000-8000-<n as 12 hex digits>.
func (s *Sequence) UUID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", s.next())
}

// Hex32 returns n as 32 hex digits.
func (s *Sequence) Hex32() string {
	return fmt.Sprintf("%032x", s.next())
}
