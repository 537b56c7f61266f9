package awsjson

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testComplexError is an exception as the generator writes one, with a member
// bound to a header.
type testComplexError struct {
	Header   *string  `json:"-"`
	Message  *string  `json:"message,omitzero"`
	TopLevel *string  `json:"TopLevel,omitzero"`
	Nested   *testTag `json:"Nested,omitzero"`
}

func (e *testComplexError) Error() string     { return Value(e.Message) }
func (e *testComplexError) ErrorCode() string { return "ComplexError" }
func (e *testComplexError) HTTPStatus() int   { return 403 }
func (e *testComplexError) WriteHeaders(h http.Header) {
	if e.Header != nil {
		h.Set("X-Header", *e.Header)
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name    string
		err     APIError
		status  int
		headers map[string]string
		body    string
	}{
		{"exception with a header member", &testComplexError{Header: Ptr("h"), TopLevel: Ptr("top"), Nested: &testTag{Key: Ptr("k")}}, 403,
			map[string]string{"X-Amzn-Errortype": "ComplexError", "X-Header": "h", "Content-Type": "application/json", "Content-Length": "39"},
			`{"TopLevel":"top","Nested":{"Key":"k"}}`},
		{"empty exception", &testComplexError{}, 403,
			map[string]string{"X-Amzn-Errortype": "ComplexError", "Content-Length": "2"}, `{}`},
		{"not implemented", NotImplemented("CreateThing").(APIError), 501,
			map[string]string{"X-Amzn-Errortype": "NotImplementedException"},
			`{"message":"iotdefender does not implement the operation CreateThing."}`},
		{"unknown operation", UnknownOperation("GET", "/nothing").(APIError), 404,
			map[string]string{"X-Amzn-Errortype": "UnknownOperationException"},
			`{"message":"No operation matches GET /nothing."}`},
		{"too large", TooLarge(1024).(APIError), 413,
			map[string]string{"X-Amzn-Errortype": "RequestEntityTooLargeException"},
			`{"message":"The request body is larger than the limit of 1024 bytes."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, tt.err)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			got := map[string]string{}
			for name := range tt.headers {
				got[name] = rec.Header().Get(name)
			}
			if diff := cmp.Diff(tt.headers, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			if rec.Body.String() != tt.body {
				t.Errorf("body %s, want %s", rec.Body, tt.body)
			}
		})
	}
}
