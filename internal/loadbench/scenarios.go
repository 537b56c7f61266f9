package loadbench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Scenario is one measured operation.
type Scenario struct {
	Name string
	// Target is the rate the operation must reach on iotdefender.
	Target float64
	// Requests returns n signed requests for the signer's endpoint; Unique
	// scenarios need every request once (each creates something), others may be
	// replayed in a loop.
	Requests func(s *Signer, n int) ([][]byte, error)
	Unique   bool
}

// ThingName is the name of the i-th seeded thing.
func ThingName(i int) string { return fmt.Sprintf("bench-thing-%06d", i) }

// SeedThings returns the CreateThing requests for the seeded fleet.
func SeedThings(s *Signer, n int) ([][]byte, error) {
	return s.Requests(n, func(i int) (string, string, []byte) {
		return "POST", "/things/" + ThingName(i), []byte(`{"attributePayload":{"attributes":{"model":"m1","floor":"` + fmt.Sprint(i%10) + `"}}}`)
	})
}

// Scenarios are the four measured operations, over a fleet of things seeded
// things.
func Scenarios(things int) []Scenario {
	return []Scenario{
		{
			Name: "DescribeThing", Target: 20000,
			Requests: func(s *Signer, n int) ([][]byte, error) {
				return s.Requests(min(n, things), func(i int) (string, string, []byte) {
					return "GET", "/things/" + ThingName((i*7919)%things), nil
				})
			},
		},
		{
			Name: "ListThings maxResults=100", Target: 3000,
			Requests: func(s *Signer, n int) ([][]byte, error) {
				return s.Requests(1, func(int) (string, string, []byte) { return "GET", "/things?maxResults=100", nil })
			},
		},
		{
			Name: "RegisterCertificateWithoutCA", Target: 5000, Unique: true,
			Requests: func(s *Signer, n int) ([][]byte, error) {
				pems, err := certificates(n)
				if err != nil {
					return nil, err
				}
				return s.Requests(n, func(i int) (string, string, []byte) {
					return "POST", "/certificate/register-no-ca", []byte(`{"certificatePem":` + jsonString(pems[i]) + `,"status":"ACTIVE"}`)
				})
			},
		},
		{
			Name: "CreateThing", Target: 5000, Unique: true,
			Requests: func(s *Signer, n int) ([][]byte, error) {
				return s.Requests(n, func(i int) (string, string, []byte) {
					return "POST", fmt.Sprintf("/things/bench-new-%07d", i), []byte(`{}`)
				})
			},
		},
	}
}

// certificates makes n distinct device certificates cheaply: one P-256 key and
// issuer, a new serial each.
func certificates(n int) ([]string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]string, n)
	for i := range out {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i) + 1),
			Subject:      pkix.Name{CommonName: fmt.Sprintf("bench-device-%07d", i)},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.AddDate(1, 0, 0),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, err
		}
		out[i] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return out, nil
}
