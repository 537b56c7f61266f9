package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp that travels in a JSON body as epoch seconds, with a
// fractional part for sub-second precision (1560356923.434), as rest-json does by
// default.
type Time struct{ time.Time }

// TimeISO8601 is a JSON timestamp whose model format is iso8601.
type TimeISO8601 struct{ time.Time }

// TimeHTTPDate is a JSON timestamp whose model format is rfc822 (HTTP date).
type TimeHTTPDate struct{ time.Time }

// NewTime returns a pointer to t as an epoch-seconds timestamp.
func NewTime(t time.Time) *Time { return &Time{t} }

// MarshalJSON writes epoch seconds with at most millisecond precision.
func (t Time) MarshalJSON() ([]byte, error) { return []byte(FormatEpoch(t.Time)), nil }

// UnmarshalJSON accepts epoch seconds (integer or fractional) and, leniently, an
// ISO-8601 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	v, err := unmarshalTime(b)
	t.Time = v
	return err
}

// MarshalJSON writes an RFC 3339 string.
func (t TimeISO8601) MarshalJSON() ([]byte, error) { return json.Marshal(FormatISO8601(t.Time)) }

// UnmarshalJSON accepts an ISO-8601 string or epoch seconds.
func (t *TimeISO8601) UnmarshalJSON(b []byte) error {
	v, err := unmarshalTime(b)
	t.Time = v
	return err
}

// MarshalJSON writes an HTTP date string.
func (t TimeHTTPDate) MarshalJSON() ([]byte, error) { return json.Marshal(FormatHTTPDate(t.Time)) }

// UnmarshalJSON accepts an HTTP date, an ISO-8601 string or epoch seconds.
func (t *TimeHTTPDate) UnmarshalJSON(b []byte) error {
	v, err := unmarshalTime(b)
	t.Time = v
	return err
}

var errTimestamp = errors.New("not a timestamp")

func unmarshalTime(b []byte) (time.Time, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return time.Time{}, err
		}
		return ParseTime(s)
	}
	return ParseEpoch(string(b))
}

// FormatEpoch formats t as epoch seconds with up to three decimals.
func FormatEpoch(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// FormatISO8601 formats t as RFC 3339 in UTC, with fractional seconds only when
// present.
func FormatISO8601(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999999Z") }

// FormatHTTPDate formats t as an IMF-fixdate (RFC 7231).
func FormatHTTPDate(t time.Time) string {
	return t.UTC().Format(time.RFC1123[:len(time.RFC1123)-3] + "GMT")
}

// ParseEpoch parses epoch seconds, integral or fractional.
func ParseEpoch(s string) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, errTimestamp
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC(), nil
}

// ParseTime parses any timestamp form a client may send: ISO-8601 (with or without
// fractional seconds and offset), an HTTP date, or epoch seconds.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", time.RFC1123, time.RFC1123Z, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return ParseEpoch(s)
}
