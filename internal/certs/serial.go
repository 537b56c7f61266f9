package certs

import "math/big"

// SerialHex is the one normalized form of a certificate serial number used by
// certificates and CRLs alike: lowercase hex without colons or leading zeros.
func SerialHex(serial *big.Int) string {
	if serial == nil {
		return ""
	}
	return serial.Text(16)
}
