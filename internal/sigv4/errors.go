package sigv4

import (
	"fmt"
	"net/http"
	"time"
)

// Error codes AWS answers with when a request fails authentication. All of
// them travel with HTTP status 403.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
)

// Error is an authentication failure: the AWS error code and the message AWS
// would give.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus is the status the error is answered with, 403 for every code.
func (e *Error) HTTPStatus() int { return http.StatusForbidden }

const (
	messageMissingToken     = "Missing Authentication Token"
	messageUnrecognized     = "The security token included in the request is invalid."
	messageSignatureInvalid = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

func incomplete(format string, args ...any) *Error {
	return &Error{Code: CodeIncompleteSignature, Message: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidSignature, Message: fmt.Sprintf(format, args...)}
}

func signatureMismatch() *Error {
	return &Error{Code: CodeInvalidSignature, Message: messageSignatureInvalid}
}

// expired reports a request time t that is older than now allows, in AWS's
// words: "Signature expired: <t> is now earlier than <now-window> (<now> - <window>.)".
func expired(t, now time.Time, window time.Duration) *Error {
	return invalid("Signature expired: %s is now earlier than %s (%s - %s.)",
		stamp(t), stamp(now.Add(-window)), stamp(now), span(window))
}

// notYetCurrent reports a request time t too far in the future.
func notYetCurrent(t, now time.Time, window time.Duration) *Error {
	return invalid("Signature not yet current: %s is still later than %s (%s + %s.)",
		stamp(t), stamp(now.Add(window)), stamp(now), span(window))
}

// stamp formats t the way SigV4 writes times: ISO 8601 basic, UTC.
func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

// span writes a window as AWS does in expiry messages ("15 min"), falling back
// to seconds when it is not a whole number of minutes.
func span(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d sec", d/time.Second)
}
