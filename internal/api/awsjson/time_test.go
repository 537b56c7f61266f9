package awsjson

import (
	"encoding/json"
	"testing"
	"time"
)

var (
	dec16       = time.Date(2019, 12, 16, 23, 48, 18, 0, time.UTC)
	dec16Ms     = dec16.Add(123 * time.Millisecond)
	plusOne     = time.FixedZone("+01", 3600)
	beforeEpoch = time.Date(1969, 12, 31, 23, 59, 58, 500e6, time.UTC)
)

func TestFormatTime(t *testing.T) {
	tests := []struct{ got, want string }{
		{FormatEpoch(dec16), "1576540098"},
		{FormatEpoch(dec16Ms), "1576540098.123"},
		{FormatEpoch(dec16.Add(123456789)), "1576540098.123"},
		{FormatEpoch(beforeEpoch), "-1.5"},
		{FormatISO8601(dec16), "2019-12-16T23:48:18Z"},
		{FormatISO8601(dec16Ms), "2019-12-16T23:48:18.123Z"},
		{FormatISO8601(dec16.In(plusOne)), "2019-12-16T23:48:18Z"},
		{FormatHTTPDate(dec16), "Mon, 16 Dec 2019 23:48:18 GMT"},
		{FormatHTTPDate(dec16Ms.In(plusOne)), "Mon, 16 Dec 2019 23:48:18 GMT"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2019-12-16T23:48:18Z", dec16},
		{"2019-12-16T23:48:18.123Z", dec16Ms},
		{"2019-12-16T22:48:18-01:00", dec16},
		{"2019-12-17T00:48:18+01:00", dec16},
		{"2019-12-17T00:48:18+0100", dec16},
		{"2019-12-16T23:48:18", dec16},
		{"Mon, 16 Dec 2019 23:48:18 GMT", dec16},
		{"Tue, 17 Dec 2019 00:48:18 +0100", dec16},
		{"1576540098", dec16},
		{"1576540098.123", dec16Ms},
		{"-1.5", beforeEpoch},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v in UTC", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "NaN", "Infinity", "2019-13-45T00:00:00Z", "16/12/2019"} {
		if got, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	type body struct {
		Epoch    *Time         `json:"epoch,omitzero"`
		ISO      *TimeISO8601  `json:"iso,omitzero"`
		HTTPDate *TimeHTTPDate `json:"httpDate,omitzero"`
	}
	in := body{Epoch: NewTime(dec16Ms), ISO: &TimeISO8601{dec16Ms}, HTTPDate: &TimeHTTPDate{dec16}}
	b, err := MarshalBody(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"epoch":1576540098.123,"iso":"2019-12-16T23:48:18.123Z","httpDate":"Mon, 16 Dec 2019 23:48:18 GMT"}`
	if string(b) != want {
		t.Errorf("marshal\n got %s\nwant %s", b, want)
	}
	// Every type reads every form a client may send.
	for _, raw := range []string{
		`{"epoch":1576540098,"iso":1576540098,"httpDate":1576540098}`,
		`{"epoch":"2019-12-16T23:48:18Z","iso":"2019-12-16T23:48:18Z","httpDate":"Mon, 16 Dec 2019 23:48:18 GMT"}`,
	} {
		var got body
		if err := UnmarshalBody([]byte(raw), &got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !got.Epoch.Equal(dec16) || !got.ISO.Equal(dec16) || !got.HTTPDate.Equal(dec16) {
			t.Errorf("%s: got %v %v %v", raw, got.Epoch, got.ISO, got.HTTPDate)
		}
	}
	var got Time
	if err := json.Unmarshal([]byte(`true`), &got); err == nil {
		t.Error("a boolean decoded as a timestamp")
	}
}
