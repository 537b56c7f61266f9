package certs

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// EncodeRSAPrivateKeyPEM encodes key as AWS returns key pairs: PKCS#1 in an
// "RSA PRIVATE KEY" block.
func EncodeRSAPrivateKeyPEM(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// EncodePublicKeyPEM encodes pub as AWS returns key pairs: PKIX in a
// "PUBLIC KEY" block.
func EncodePublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("certs: encoding a public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// parseRSAPrivateKeyPEM reads an RSA key in a PKCS#1 "RSA PRIVATE KEY" or a
// PKCS#8 "PRIVATE KEY" block.
func parseRSAPrivateKeyPEM(keyPEM []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("certs: the CA key is not PEM encoded")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certs: the CA key: %w", err)
		}
		return key, nil
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certs: the CA key: %w", err)
		}
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("certs: the CA key is %T, not RSA", key)
		}
		return rsaKey, nil
	default:
		return nil, fmt.Errorf("certs: the CA key's PEM block is %q, expected \"RSA PRIVATE KEY\" or \"PRIVATE KEY\"", block.Type)
	}
}
