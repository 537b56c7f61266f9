// Package sigv4 verifies AWS Signature Version 4 on incoming requests, in
// both forms: the Authorization header and presigned query parameters.
//
// It answers the way AWS does for non-S3 services: the canonical URI is the
// request path with dot segments and empty segments removed, encoded once
// more (so the path travels encoded and is signed double-encoded), the query
// is decoded and re-encoded per RFC 3986, and failures carry AWS's error
// codes and messages.
//
// Where real clients disagree, the verifier accepts what each one signs:
//   - aws-sdk-go-v2 does not normalize the path, botocore and the test suite
//     do; when normalizing changes the path, the literal path is tried too.
//   - botocore presigns with UNSIGNED-PAYLOAD, aws-sdk-go-v2 presigns non-S3
//     requests with the hash of the body; without an x-amz-content-sha256
//     header a presigned request may use either.
//
// An x-amz-security-token header or X-Amz-Security-Token parameter is covered
// by the signature like any other when it is signed, and not checked
// otherwise: iotdefender issues no temporary credentials.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
)

// DefaultMaxSkew is how far a request time may be from the server's clock.
const DefaultMaxSkew = 15 * time.Minute

// Credentials are an access key, its secret and the account it acts for.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	AccountID       string
}

// KeyLookup returns the credentials of an access key, ok=false when unknown.
type KeyLookup func(accessKeyID string) (creds Credentials, ok bool)

// Verifier checks the signatures of requests to one service in one region.
// It is safe for concurrent use and must not be copied after first use.
type Verifier struct {
	Region  string
	Service string
	// Aliases are other service names a credential scope may carry and
	// still be accepted, as the real service accepts them.
	Aliases []string
	Clock   clock.Clock   // the real clock when nil
	Lookup  KeyLookup     // every key is unknown when nil
	MaxSkew time.Duration // DefaultMaxSkew when zero

	keys    keyCache
	scratch sync.Pool // of *scratch
}

// scratch holds the buffers one verification needs, reused across requests.
type scratch struct {
	query    []queryParam
	uri      []byte
	literal  []byte
	request  []byte
	toSign   []byte
	bodyHash [2 * sha256.Size]byte
	sum      [sha256.Size]byte // kept here: it escapes through hash.Hash
}

// Verify checks r's signature. body is the full request body, already read
// by the caller (nil or empty when there is none). It returns the signer's
// credentials, or an *Error.
//
// A presigned request is valid from X-Amz-Date (less the clock skew allowed)
// until X-Amz-Date + X-Amz-Expires, and within the clock skew of X-Amz-Date
// when X-Amz-Expires is absent. What AWS answers for an expired presigned
// request to a non-S3 service is not documented; this verifier answers
// InvalidSignatureException "Signature expired: <X-Amz-Date> is now earlier
// than <now - X-Amz-Expires> (<now> - <X-Amz-Expires>.)", the message AWS
// gives for an expired Authorization header, with the expiry as the window.
func (v *Verifier) Verify(r *http.Request, body []byte) (Credentials, error) {
	s, _ := v.scratch.Get().(*scratch)
	if s == nil {
		s = new(scratch)
	}
	defer v.release(s)

	a, err := v.parse(r, s)
	if err != nil {
		return Credentials{}, err
	}
	if err := v.checkScope(a); err != nil {
		return Credentials{}, err
	}
	if err := v.checkTime(a); err != nil {
		return Credentials{}, err
	}
	var creds Credentials
	ok := false
	if v.Lookup != nil {
		creds, ok = v.Lookup(a.accessKeyID)
	}
	if !ok {
		return Credentials{}, &Error{Code: CodeUnrecognizedClient, Message: messageUnrecognized}
	}
	key := v.keys.get(creds.SecretAccessKey, a.scopeDate, a.region, a.service)
	if !v.signatureMatches(r, body, a, key, s) {
		return Credentials{}, signatureMismatch()
	}
	return creds, nil
}

// maxScratch is the largest canonical request whose buffers are kept for
// the next request; an unusually large request's are left to the collector.
const maxScratch = 64 << 10

// release returns s to the pool without the request data it points to.
func (v *Verifier) release(s *scratch) {
	if cap(s.request) > maxScratch || cap(s.query) > maxScratch/64 {
		return
	}
	clear(s.query[:cap(s.query)])
	v.scratch.Put(s)
}

// parse reads the claimed signature of r and its canonical query into s.
func (v *Verifier) parse(r *http.Request, s *scratch) (auth, *Error) {
	s.query = appendQueryParams(s.query[:0], r.URL.RawQuery)
	if values, ok := r.Header["Authorization"]; ok && len(values) > 0 {
		return parseAuthorization(values[0], r.Header)
	}
	if isPresigned(s.query) {
		a, err := parsePresigned(s.query)
		if err == nil {
			s.query = dropSignature(s.query)
		}
		return a, err
	}
	return auth{}, &Error{Code: CodeMissingAuthenticationToken, Message: messageMissingToken}
}

// dropSignature removes X-Amz-Signature from a presigned request's query:
// the signature does not sign itself.
func dropSignature(query []queryParam) []queryParam {
	kept := query[:0]
	for _, p := range query {
		if p.key != "X-Amz-Signature" {
			kept = append(kept, p)
		}
	}
	return kept
}

func (v *Verifier) checkScope(a auth) *Error {
	switch {
	case a.terminator != scopeTerminator:
		return invalid("Credential should be scoped with a valid terminator: '%s', not '%s'.", scopeTerminator, a.terminator)
	case a.region != v.Region:
		return invalid("Credential should be scoped to a valid region, not '%s'.", a.region)
	case a.service != v.Service && !slices.Contains(v.Aliases, a.service):
		return invalid("Credential should be scoped to correct service: '%s'.", v.Service)
	case a.scopeDate != a.amzDate[:8]:
		return invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.scopeDate, a.amzDate[:8], a.amzDate)
	}
	return nil
}

func (v *Verifier) checkTime(a auth) *Error {
	var now time.Time
	if v.Clock != nil {
		now = v.Clock.Now()
	} else {
		now = time.Now()
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	switch {
	case a.time.After(now.Add(skew)):
		return notYetCurrent(a.time, now, skew)
	case a.expires > 0 && now.After(a.time.Add(a.expires)):
		return expired(a.time, now, a.expires)
	case a.expires == 0 && a.time.Before(now.Add(-skew)):
		return expired(a.time, now, skew)
	}
	return nil
}

// signatureMatches computes the signature of r and compares it, in constant
// time, with the one the request carries. It tries the literal path and the
// body hash as well when clients may have signed those instead (see the
// package documentation); the extra work is only done for a mismatch.
func (v *Verifier) signatureMatches(r *http.Request, body []byte, a auth, key *signingKey, s *scratch) bool {
	var claimed [sha256.Size]byte
	var claimedHex [2 * sha256.Size]byte
	if len(a.signature) != len(claimedHex) {
		return false
	}
	copy(claimedHex[:], a.signature)
	if _, err := hex.Decode(claimed[:], claimedHex[:]); err != nil {
		return false
	}

	path := requestPath(r)
	s.uri = appendNormalizedURI(s.uri[:0], path)
	uris := [2][]byte{s.uri}
	if s.literal = appendLiteralURI(s.literal[:0], path); string(s.literal) != string(s.uri) {
		uris[1] = s.literal
	}

	var payloads [2][]byte
	switch declared := r.Header.Get("X-Amz-Content-Sha256"); {
	case declared == unsignedPayload:
		payloads[0] = []byte(unsignedPayload)
	case declared == "" && a.presigned:
		payloads[0], payloads[1] = []byte(unsignedPayload), s.hashBody(body)
	default:
		// A declared digest must be the body's: the body's hash is what
		// gets signed, so a false declaration fails the comparison.
		payloads[0] = s.hashBody(body)
	}

	for _, uri := range uris {
		for _, payload := range payloads {
			if uri == nil || payload == nil {
				continue
			}
			s.request = appendCanonicalRequest(s.request[:0], r, uri, s.query, a.signedHeaders)
			s.request = append(s.request, payload...)
			s.toSign = appendStringToSign(s.toSign[:0], a.amzDate, a.scope, s.request)
			key.sign(s.toSign, &s.sum)
			if hmac.Equal(s.sum[:], claimed[:]) {
				return true
			}
		}
	}
	return false
}

// hashBody returns the hex SHA-256 of body.
func (s *scratch) hashBody(body []byte) []byte {
	sum := sha256.Sum256(body)
	hex.Encode(s.bodyHash[:], sum[:])
	return s.bodyHash[:]
}
