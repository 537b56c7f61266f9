package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// queryParam is one query parameter, key and value URI-encoded the SigV4 way.
type queryParam struct{ key, value string }

// appendQueryParams appends the params of rawQuery to dst in canonical
// order: each key and value decoded, re-encoded per RFC 3986 (space as %20),
// then sorted by key and value. Sorting after encoding is what the
// specification asks and what real clients do.
func appendQueryParams(dst []queryParam, rawQuery string) []queryParam {
	start := len(dst)
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		dst = append(dst, queryParam{key: canonicalQueryComponent(k), value: canonicalQueryComponent(v)})
	}
	slices.SortFunc(dst[start:], func(a, b queryParam) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	return dst
}

// canonicalQueryComponent decodes a raw query key or value as a form would
// ('+' is a space) and encodes it again the SigV4 way. A component with a
// malformed escape is encoded as it stands.
func canonicalQueryComponent(raw string) string {
	if isUnreserved(raw) {
		return raw // the common case: nothing to decode or encode
	}
	decoded, err := url.QueryUnescape(raw)
	if err != nil {
		decoded = raw
	}
	return string(appendEscaped(nil, decoded, false))
}

func isUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return false
		}
	}
	return true
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// appendEscaped appends s URI-encoded per RFC 3986: every byte but the
// unreserved ones (and '/' when keepSlash) as %XX with upper-case hex.
func appendEscaped(b []byte, s string, keepSlash bool) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

// requestPath returns the path of r as the client sent it, still
// percent-encoded: the server's RequestURI when it is in origin form,
// otherwise the URL's escaped path.
func requestPath(r *http.Request) string {
	if p := r.RequestURI; strings.HasPrefix(p, "/") {
		p, _, _ = strings.Cut(p, "?")
		return p
	}
	if p := r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// appendNormalizedURI appends the canonical URI of path the way the SigV4
// test suite and botocore derive it: empty and "." segments dropped, ".."
// removing the segment before it, a trailing slash kept, then every segment
// URI-encoded. The path is encoded as sent, so an escape such as %2F is
// encoded again (%252F): non-S3 services sign the path double-encoded.
func appendNormalizedURI(b []byte, path string) []byte {
	start := len(b)
	for segment := range strings.SplitSeq(path, "/") {
		switch segment {
		case "", ".":
		case "..":
			if i := bytes.LastIndexByte(b[start:], '/'); i >= 0 {
				b = b[:start+i]
			}
		default:
			b = append(b, '/')
			b = appendEscaped(b, segment, false)
		}
	}
	if len(b) == start {
		return append(b, '/')
	}
	if strings.HasSuffix(path, "/") {
		b = append(b, '/')
	}
	return b
}

// appendLiteralURI appends the canonical URI of path without normalizing
// it, as aws-sdk-go-v2 signs: only encoded.
func appendLiteralURI(b []byte, path string) []byte {
	return appendEscaped(b, path, true)
}

// appendCanonicalRequest appends the canonical request of r up to its last
// line, the payload hash, which the caller appends: method, URI, query, the
// signed headers with their values and the signed header names, one per line.
func appendCanonicalRequest(b []byte, r *http.Request, uri []byte, query []queryParam, signedHeaders string) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = append(b, uri...)
	b = append(b, '\n')
	for i, p := range query {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	b = append(b, '\n')
	for name := range strings.SplitSeq(signedHeaders, ";") {
		b = append(b, name...)
		b = append(b, ':')
		b = appendHeaderValue(b, r, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, signedHeaders...)
	return append(b, '\n')
}

// appendStringToSign appends the string to sign for a canonical request.
func appendStringToSign(b []byte, amzDate, scope string, canonicalRequest []byte) []byte {
	sum := sha256.Sum256(canonicalRequest)
	b = append(b, algorithm...)
	b = append(b, '\n')
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = append(b, scope...)
	b = append(b, '\n')
	return hex.AppendEncode(b, sum[:])
}

// appendHeaderValue appends the canonical value of the header named name
// (lower case): every value trimmed, runs of spaces collapsed, values joined
// by ','. Go's server moves some headers out of the header map; they are
// read back from where it puts them.
func appendHeaderValue(b []byte, r *http.Request, name string) []byte {
	values := headerValues(r.Header, name)
	switch {
	case values != nil:
	case name == "host":
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		return appendTrimmed(b, host)
	case name == "content-length" && r.ContentLength > 0:
		return strconv.AppendInt(b, r.ContentLength, 10)
	case name == "transfer-encoding":
		values = r.TransferEncoding
	}
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTrimmed(b, v)
	}
	return b
}

// headerValues returns the values of the header named lowerName, looked up
// case-insensitively, without allocating in the usual case of a
// canonically-keyed map.
func headerValues(h http.Header, lowerName string) []string {
	var buf [64]byte
	if len(lowerName) <= len(buf) {
		key := buf[:len(lowerName)]
		upper := true
		for i := 0; i < len(lowerName); i++ {
			c := lowerName[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			key[i] = c
			upper = c == '-'
		}
		if v, ok := h[string(key)]; ok {
			return v
		}
	}
	for k, v := range h {
		if strings.EqualFold(k, lowerName) {
			return v
		}
	}
	return nil
}

// appendTrimmed appends v without leading and trailing blanks and with each
// run of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return b
}
