// Package protocoltest holds code generated from every model fragment of
// botocore's rest-json protocol test suites (../../../../shared/testdata/protocols),
// and tests that read the suites in reverse, as a server does: each serialized
// request must decode into the case's parameters, and each result or error must
// encode into the case's response.
package protocoltest

//go:generate go run ./gen -suites ../../../../shared/testdata/protocols -out .

import (
	"net/http"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
)

// unit is the generated code of one group of cases, with its types erased.
type unit struct {
	match      func(*http.Request) (operation string, params awsjson.Params, ok bool)
	codecs     map[string]awsjson.Codec
	exceptions map[string]func() awsjson.APIError
}

// matcher routes requests over routes and names the matched operation.
func matcher[O any](routes []awsjson.Route[O]) func(*http.Request) (string, awsjson.Params, bool) {
	router := awsjson.NewRouter(routes)
	return func(r *http.Request) (string, awsjson.Params, bool) {
		route, params, ok := router.Match(r)
		if !ok {
			return "", nil, false
		}
		return route.Operation, params, true
	}
}
