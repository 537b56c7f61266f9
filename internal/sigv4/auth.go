package sigv4

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	scopeTerminator = "aws4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	timeFormat      = "20060102T150405Z"
	maxExpires      = 7 * 24 * time.Hour // X-Amz-Expires is at most 604800 seconds
)

// auth is what a request claims about its signature, from its Authorization
// header or from its presigned query parameters.
type auth struct {
	presigned     bool
	accessKeyID   string
	scope         string // date/region/service/terminator, as signed
	scopeDate     string
	region        string
	service       string
	terminator    string
	signedHeaders string // as sent: lower-case names joined by ';'
	signature     string // hex
	amzDate       string // the request time as it appears in the string to sign
	time          time.Time
	expires       time.Duration // presigned only; 0 when the request does not say
}

// parseAuthorization reads the Authorization header form:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iot/aws4_request, SignedHeaders=host;x-amz-date, Signature=...
func parseAuthorization(value string, header http.Header) (auth, *Error) {
	alg, params, _ := strings.Cut(strings.TrimSpace(value), " ")
	var credential, signedHeaders, signature string
	var haveCredential, haveSignedHeaders, haveSignature bool
	for param := range strings.SplitSeq(params, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
		switch {
		case !ok:
		case k == "Credential" && !haveCredential:
			credential, haveCredential = v, true
		case k == "SignedHeaders" && !haveSignedHeaders:
			signedHeaders, haveSignedHeaders = v, true
		case k == "Signature" && !haveSignature:
			signature, haveSignature = v, true
		}
	}
	dateValue, dateHeader := requestDate(header)

	// AWS names everything that is missing at once, then quotes the header.
	var missing strings.Builder
	if !haveCredential {
		missing.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if !haveSignature {
		missing.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	if !haveSignedHeaders {
		missing.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	if dateHeader == "" {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		return auth{}, incomplete("%sAuthorization=%s", missing.String(), value)
	}
	if alg != algorithm {
		return auth{}, incomplete("Unsupported AWS 'algorithm': '%s'.", alg)
	}

	a := auth{signedHeaders: signedHeaders, signature: signature}
	if err := a.setCredential(credential); err != nil {
		return auth{}, err
	}
	if err := a.setTime(dateValue, dateHeader == "date"); err != nil {
		return auth{}, err
	}
	if err := requireSigned(signedHeaders, "host", "Host"); err != nil {
		return auth{}, err
	}
	if dateHeader == "date" {
		return a, requireSigned(signedHeaders, "date", "Date")
	}
	return a, requireSigned(signedHeaders, "x-amz-date", "X-Amz-Date")
}

// requestDate returns the request time header: X-Amz-Date when present,
// otherwise Date. name is "" when there is neither.
func requestDate(h http.Header) (value, name string) {
	if v, ok := h["X-Amz-Date"]; ok && len(v) > 0 {
		return v[0], "x-amz-date"
	}
	if v, ok := h["Date"]; ok && len(v) > 0 {
		return v[0], "date"
	}
	return "", ""
}

// isPresigned reports whether the canonical query params ask for query
// string authentication.
func isPresigned(params []queryParam) bool {
	for _, p := range params {
		switch p.key {
		case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature":
			return true
		}
	}
	return false
}

// parsePresigned reads the presigned form from the canonical query params.
func parsePresigned(params []queryParam) (auth, *Error) {
	// The required parameters, in the order AWS lists them when missing.
	names := [...]string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"}
	var values [len(names)]string
	var missing strings.Builder
	for i, name := range names {
		v, ok := queryValue(params, name)
		if !ok {
			missing.WriteString("AWS query-string parameters must include '" + name + "'. ")
		}
		values[i] = v
	}
	if missing.Len() > 0 {
		return auth{}, incomplete("%sRe-examine the query-string parameters.", missing.String())
	}
	alg, credential, signature, signedHeaders, date := values[0], values[1], values[2], values[3], values[4]
	if alg != algorithm {
		return auth{}, incomplete("X-Amz-Algorithm only supports '%s', got '%s'.", algorithm, alg)
	}

	a := auth{presigned: true, signedHeaders: signedHeaders, signature: signature}
	if err := a.setCredential(credential); err != nil {
		return auth{}, err
	}
	if err := a.setTime(date, false); err != nil {
		return auth{}, err
	}
	if v, ok := queryValue(params, "X-Amz-Expires"); ok {
		seconds, err := strconv.Atoi(v)
		if err != nil || seconds < 1 || time.Duration(seconds)*time.Second > maxExpires {
			return auth{}, incomplete("X-Amz-Expires must be a whole number of seconds from 1 to %d, got '%s'.",
				int(maxExpires/time.Second), v)
		}
		a.expires = time.Duration(seconds) * time.Second
	}
	return a, requireSigned(signedHeaders, "host", "Host")
}

// queryValue returns the decoded value of the first param named name.
func queryValue(params []queryParam, name string) (string, bool) {
	for _, p := range params {
		if p.key == name {
			v, err := url.PathUnescape(p.value) // canonical values are well-formed
			return v, err == nil
		}
	}
	return "", false
}

// setCredential splits AKID/date/region/service/terminator.
func (a *auth) setCredential(credential string) *Error {
	if strings.Count(credential, "/") != 4 {
		return incomplete("Credential must have exactly 5 slash-delimited elements, "+
			"e.g. keyid/date/region/service/term, got '%s'", credential)
	}
	a.accessKeyID, a.scope, _ = strings.Cut(credential, "/")
	rest := a.scope
	a.scopeDate, rest, _ = strings.Cut(rest, "/")
	a.region, rest, _ = strings.Cut(rest, "/")
	a.service, a.terminator, _ = strings.Cut(rest, "/")
	return nil
}

// setTime parses the request time. X-Amz-Date must be ISO 8601 basic; the
// Date header may also be an HTTP date, which is then signed in ISO 8601 basic.
func (a *auth) setTime(value string, httpDateAllowed bool) *Error {
	if len(value) == len(timeFormat) {
		if t, err := time.Parse(timeFormat, value); err == nil {
			a.amzDate, a.time = value, t
			return nil
		}
	}
	if httpDateAllowed {
		if t, err := http.ParseTime(value); err == nil {
			a.time = t.UTC()
			a.amzDate = stamp(t)
			return nil
		}
	}
	return incomplete("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", value)
}

// requireSigned checks that name is among the signed headers.
func requireSigned(signedHeaders, name, display string) *Error {
	for h := range strings.SplitSeq(signedHeaders, ";") {
		if h == name {
			return nil
		}
	}
	return incomplete("'%s' must be a 'SignedHeader' in the AWS Authorization.", display)
}
