package server

import (
	"errors"
	"net/http"
	"testing"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
)

func TestCheckQuery(t *testing.T) {
	tests := []struct {
		name, raw, message string
	}{
		{"empty", "", ""},
		{"plain", "maxResults=5&nextToken=abc", ""},
		{"escapes and plus", "attributeValue=a%2Fb+c&x", ""},
		{"empty pairs", "&&maxResults=5&", ""},
		{"bad escape in a value", "maxResults=%zz", `The value of the query string parameter 'maxResults' is not URL-encoded correctly: invalid URL escape "%zz".`},
		{"bad escape after a good pair", "thingTypeName=t&expectedVersion=1%", `The value of the query string parameter 'expectedVersion' is not URL-encoded correctly: invalid URL escape "%".`},
		{"bad escape in a name", "max%zResults=5", `The name of a query string parameter is not URL-encoded correctly: invalid URL escape "%zR".`},
		{"semicolon", "a=1;b=2", "The query string must separate its parameters with '&', not ';'."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkQuery(tc.raw)
			if tc.message == "" {
				if err != nil {
					t.Fatalf("checkQuery(%q) = %v, want nil", tc.raw, err)
				}
				return
			}
			var e *awsjson.Error
			if !errors.As(err, &e) {
				t.Fatalf("checkQuery(%q) = %v, want an *awsjson.Error", tc.raw, err)
			}
			if e.Code != "InvalidRequestException" || e.Status != http.StatusBadRequest || e.Message != tc.message {
				t.Errorf("checkQuery(%q) = %s %d %q, want InvalidRequestException 400 %q", tc.raw, e.Code, e.Status, e.Message, tc.message)
			}
		})
	}
}
