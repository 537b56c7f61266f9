package certs

import (
	"bufio"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// weakKeyFingerprintLen is the length of an openssl-blacklist line: the lower
// 80 bits of a SHA-1 digest in hex.
const weakKeyFingerprintLen = 20

// WeakKeyFingerprint returns the fingerprint of an RSA key in the format of
// Debian's openssl-blacklist (CVE-2008-0166): the last 20 hex digits of the
// SHA-1 of "Modulus=<uppercase hex modulus>\n", the line printed by
// `openssl x509 -noout -modulus`.
func WeakKeyFingerprint(pub *rsa.PublicKey) string {
	if pub == nil || pub.N == nil {
		return ""
	}
	line := "Modulus=" + strings.ToUpper(pub.N.Text(16)) + "\n"
	sum := sha1.Sum([]byte(line))
	digest := hex.EncodeToString(sum[:])
	return digest[len(digest)-weakKeyFingerprintLen:]
}

// WeakKeyBlocklist is a set of weak-key fingerprints.
type WeakKeyBlocklist struct {
	fingerprints map[string]struct{}
}

// LoadWeakKeyBlocklist reads a blocklist in the openssl-blacklist format: one
// fingerprint of 20 hex digits a line; blank lines and lines starting with '#'
// are ignored. Any other line is refused with its number (iot.InvalidRequest).
func LoadWeakKeyBlocklist(r io.Reader) (*WeakKeyBlocklist, error) {
	b := &WeakKeyBlocklist{fingerprints: make(map[string]struct{})}
	scanner := bufio.NewScanner(r)
	for number := 1; scanner.Scan(); number++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !isWeakKeyFingerprint(line) {
			return nil, iot.Errorf(iot.InvalidRequest,
				"Weak-key blocklist line %d is not a fingerprint of %d hex digits: %q", number, weakKeyFingerprintLen, truncate(line, 60))
		}
		b.fingerprints[strings.ToLower(line)] = struct{}{}
	}
	if err := scanner.Err(); err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "Weak-key blocklist could not be read: %v", err)
	}
	return b, nil
}

func isWeakKeyFingerprint(s string) bool {
	if len(s) != weakKeyFingerprintLen {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s...", s[:n])
}

// Contains reports whether fingerprint (as made by WeakKeyFingerprint) is listed.
func (b *WeakKeyBlocklist) Contains(fingerprint string) bool {
	_, ok := b.fingerprints[strings.ToLower(fingerprint)]
	return ok
}

// Len returns the number of distinct fingerprints.
func (b *WeakKeyBlocklist) Len() int { return len(b.fingerprints) }
