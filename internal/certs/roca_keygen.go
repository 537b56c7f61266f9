package certs

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// GenerateROCAVulnerableKey makes an RSA key with the structure of keys from
// Infineon's RSA library 1.02.013 (CVE-2017-15361): both primes are
// k*M + (65537^a mod M), M the product of the first n primes, with n chosen by
// key size as in the ROCA paper. It exists to build demo and test fleets whose
// audits must report CVE-2017-15361; never use such a key for anything else.
// bits must be even and between 512 and 4096.
func GenerateROCAVulnerableKey(bits int, random io.Reader) (*rsa.PrivateKey, error) {
	count, err := rocaPrimorialCount(bits)
	if err != nil {
		return nil, err
	}
	m := primorial(count)
	e := big.NewInt(rocaGenerator)
	one := big.NewInt(1)
	for {
		p, err := rocaStructuredPrime(random, bits/2, m)
		if err != nil {
			return nil, err
		}
		q, err := rocaStructuredPrime(random, bits/2, m)
		if err != nil {
			return nil, err
		}
		if p.Cmp(q) == 0 {
			continue
		}
		pm1 := new(big.Int).Sub(p, one)
		qm1 := new(big.Int).Sub(q, one)
		gcd := new(big.Int).GCD(nil, nil, pm1, qm1)
		lambda := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), gcd)
		d := new(big.Int).ModInverse(e, lambda)
		if d == nil {
			continue
		}
		key := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: rocaGenerator},
			D:         d,
			Primes:    []*big.Int{p, q},
		}
		key.Precompute()
		if err := key.Validate(); err != nil {
			return nil, fmt.Errorf("certs: generated ROCA key is invalid: %w", err)
		}
		return key, nil
	}
}

// rocaPrimorialCount is how many successive primes form M for a key size
// (Nemec et al., CCS 2017, table of parameters per key length).
func rocaPrimorialCount(bits int) (int, error) {
	switch {
	case bits%2 != 0 || bits < 512 || bits > 4096:
		return 0, errors.New("certs: ROCA key size must be even and between 512 and 4096 bits")
	case bits < 992:
		return 39, nil
	case bits < 1984:
		return 71, nil
	case bits < 3968:
		return 126, nil
	default:
		return 225, nil
	}
}

// rocaStructuredPrime returns a prime p = k*m + (65537^a mod m) of exactly bits
// bits whose two top bits are set, so that the product of two has twice the bits.
func rocaStructuredPrime(random io.Reader, bits int, m *big.Int) (*big.Int, error) {
	lo := new(big.Int).Lsh(big.NewInt(3), uint(bits-2))
	hi := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	g := big.NewInt(rocaGenerator)
	for {
		a, err := rand.Int(random, m)
		if err != nil {
			return nil, err
		}
		base := new(big.Int).Exp(g, a, m)
		// k ranges over [ceil((lo-base)/m), floor((hi-1-base)/m)].
		kMin := new(big.Int).Sub(lo, base)
		kMin.Add(kMin, m).Sub(kMin, big.NewInt(1)).Div(kMin, m)
		kMax := new(big.Int).Sub(hi, base)
		kMax.Sub(kMax, big.NewInt(1)).Div(kMax, m)
		span := new(big.Int).Sub(kMax, kMin)
		span.Add(span, big.NewInt(1))
		k, err := rand.Int(random, span)
		if err != nil {
			return nil, err
		}
		k.Add(k, kMin)
		p := k.Mul(k, m).Add(k, base)
		// p-1 must be prime to e for the private exponent to exist.
		if new(big.Int).Mod(p, g).Cmp(big.NewInt(1)) == 0 {
			continue
		}
		if p.ProbablyPrime(20) {
			return p, nil
		}
	}
}

// primorial returns the product of the first count primes (2, 3, 5, ...).
func primorial(count int) *big.Int {
	m := big.NewInt(1)
	found := 0
	for n := int64(2); found < count; n++ {
		if big.NewInt(n).ProbablyPrime(0) {
			m.Mul(m, big.NewInt(n))
			found++
		}
	}
	return m
}
