package certs

import (
	"bytes"
	"testing"
)

// The seed corpora live in testdata/fuzz; run with go test -fuzz=FuzzParse.

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, input []byte) {
		c, err := Parse(input)
		if err != nil {
			return
		}
		// What was accepted must read back to the same certificate.
		again, err := Parse(c.PEM)
		if err != nil {
			t.Fatalf("normalized PEM does not parse: %v", err)
		}
		if again.ID != c.ID || !bytes.Equal(again.DER, c.DER) {
			t.Fatalf("normalized PEM gives id %s, want %s", again.ID, c.ID)
		}
		_ = ValidateForRegistration(c, testNow)
		_ = ValidateCA(c)
		_ = VerifySignedBy(c, c.Leaf)
	})
}

func FuzzParseCRL(f *testing.F) {
	f.Fuzz(func(t *testing.T, input []byte) {
		crl, err := ParseCRL(input)
		if err != nil {
			return
		}
		for _, serial := range crl.RevokedSerials() {
			if !crl.IsRevoked(serial) {
				t.Fatalf("listed serial %s is not revoked", serial)
			}
		}
	})
}
