package certs

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestROCASubgroups(t *testing.T) {
	// Small cases worked out by hand: 65537 = 2 (mod 3), 10 (mod 11), 2 (mod 5).
	tests := []struct {
		p    uint64
		want []uint64
	}{
		{3, []uint64{1, 2}},
		{5, []uint64{1, 2, 3, 4}},
		{11, []uint64{1, 10}},
	}
	for _, tt := range tests {
		r := newROCAPrime(tt.p)
		var got []uint64
		for x := range tt.p {
			if r.contains(x) {
				got = append(got, x)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("subgroup of 65537 mod %d (-want +got):\n%s", tt.p, diff)
		}
	}
}

func TestROCAGroupsCoverEveryPrime(t *testing.T) {
	var got []uint64
	for _, g := range rocaGroups {
		product := big.NewInt(1)
		for _, p := range g.primes {
			got = append(got, p.p)
			product.Mul(product, new(big.Int).SetUint64(p.p))
		}
		if product.Cmp(g.product) != 0 {
			t.Errorf("group product %v, want %v", g.product, product)
		}
	}
	if diff := cmp.Diff(rocaPrimes, got); diff != "" {
		t.Errorf("primes (-want +got):\n%s", diff)
	}
}

func TestGenerateROCAVulnerableKeyIsDetected(t *testing.T) {
	sizes := []int{512, 512, 768, 1024, 2048}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, bits := range sizes {
		key, err := GenerateROCAVulnerableKey(bits, rand.Reader)
		if err != nil {
			t.Fatalf("%d bits: %v", bits, err)
		}
		if got := key.N.BitLen(); got != bits {
			t.Errorf("modulus has %d bits, want %d", got, bits)
		}
		if err := key.Validate(); err != nil {
			t.Errorf("%d bits: invalid key: %v", bits, err)
		}
		if !IsROCAVulnerable(&key.PublicKey) {
			t.Errorf("%d-bit key with the Infineon structure not detected", bits)
		}
	}
}

func TestGenerateROCAVulnerableKeySizes(t *testing.T) {
	for _, bits := range []int{0, 256, 511, 513, 4098} {
		if _, err := GenerateROCAVulnerableKey(bits, rand.Reader); err == nil {
			t.Errorf("GenerateROCAVulnerableKey(%d) succeeded", bits)
		}
	}
}

func TestROCAPublishedVulnerableKey(t *testing.T) {
	if !IsROCAVulnerable(readRSAPublicKey(t, "testdata/roca-rsa2048.pem")) {
		t.Error("published ROCA key not detected")
	}
}

func TestROCAOrdinaryKeysNotDetected(t *testing.T) {
	moduli := readModuli(t, "testdata/openssl-moduli.txt")
	if len(moduli) != 50 {
		t.Fatalf("read %d moduli, want 50", len(moduli))
	}
	for i, n := range moduli {
		if IsROCAVulnerable(&rsa.PublicKey{N: n, E: 65537}) {
			t.Errorf("ordinary %d-bit modulus %d detected as ROCA", n.BitLen(), i+1)
		}
	}
	if IsROCAVulnerable(readRSAPublicKey(t, "testdata/debian-weak-rsa2048.pem")) {
		t.Error("Debian weak key (not ROCA) detected as ROCA")
	}
}

func TestROCADegenerateInput(t *testing.T) {
	for name, pub := range map[string]*rsa.PublicKey{
		"nil key":     nil,
		"nil modulus": {E: 65537},
		"zero":        {N: new(big.Int), E: 65537},
		"negative":    {N: big.NewInt(-1), E: 65537},
	} {
		if IsROCAVulnerable(pub) {
			t.Errorf("%s: detected as ROCA", name)
		}
	}
}

func TestParseFlagsROCACertificate(t *testing.T) {
	key, err := GenerateROCAVulnerableKey(2048, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, sign(t, caTemplate("ROCA CA"), nil, &key.PublicKey, key).Raw)
	if !c.ROCAVulnerable {
		t.Error("Parse: ROCAVulnerable = false for a ROCA key")
	}
	if err := ValidateForRegistration(c, testNow); err != nil {
		t.Errorf("a ROCA key passes registration (it is an audit finding): %v", err)
	}
	ordinary := mustParse(t, sign(t, caTemplate("CA"), nil, &rsaKey(t, "rsa2048", 2048).PublicKey, rsaKey(t, "rsa2048", 2048)).Raw)
	if ordinary.ROCAVulnerable {
		t.Error("Parse: ROCAVulnerable = true for an ordinary key")
	}
}

func BenchmarkIsROCAVulnerable(b *testing.B) {
	pub := readRSAPublicKey(b, "testdata/debian-weak-rsa2048.pem")
	for b.Loop() {
		IsROCAVulnerable(pub)
	}
}

func BenchmarkIsROCAVulnerableWorstCase(b *testing.B) {
	// A vulnerable key passes every prime: no early exit.
	pub := readRSAPublicKey(b, "testdata/roca-rsa2048.pem")
	for b.Loop() {
		IsROCAVulnerable(pub)
	}
}

func readRSAPublicKey(t testing.TB, path string) *rsa.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pub
}

// readModuli reads "Modulus=HEX" lines, skipping comments.
func readModuli(t testing.TB, path string) []*big.Int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var moduli []*big.Int
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		hexModulus, ok := strings.CutPrefix(scanner.Text(), "Modulus=")
		if !ok {
			continue
		}
		n, ok := new(big.Int).SetString(hexModulus, 16)
		if !ok {
			t.Fatalf("%s: bad modulus %q", path, hexModulus)
		}
		moduli = append(moduli, n)
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return moduli
}
