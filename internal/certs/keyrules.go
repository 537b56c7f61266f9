package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
)

// MinRSABits is the smallest RSA modulus AWS IoT accepts.
const MinRSABits = 2048

// checkKey applies AWS IoT's key rules: RSA of at least MinRSABits, or EC on
// P-256, P-384 or P-521. It returns a sentence naming what is wrong, or "".
// Callers choose the error kind (registration and CSRs differ).
func checkKey(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < MinRSABits {
			return fmt.Sprintf("RSA keys must be at least %d bits, this one has %d", MinRSABits, bits)
		}
		return ""
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return ""
		}
		return fmt.Sprintf("EC keys must be on P-256, P-384 or P-521, not %s", k.Curve.Params().Name)
	default:
		return fmt.Sprintf("the key type %T is not supported; use RSA (2048 bits or more) or EC (P-256, P-384, P-521)", pub)
	}
}
