package iotapi

import (
	"bytes"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/iotdefender/iotdefender/internal/api/apigen"
	"github.com/iotdefender/iotdefender/internal/api/awsjson"
)

// The committed generated code must be exactly what the generator makes from the
// committed model; run `go generate ./internal/api/iotapi` after changing either.
func TestGeneratedCodeMatchesModel(t *testing.T) {
	m, err := apigen.LoadModel("../model/iot-2015-05-28.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := apigen.Generate(m, apigen.Config{Package: "iotapi", ValidationError: "InvalidRequestException", Source: "iot-2015-05-28.json"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("iotapi_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("iotapi_gen.go differs from what the generator makes of the model: run go generate ./internal/api/iotapi")
	}
}

// Every operation of the model is routed, and a request to each route's own URI
// (labels filled in) reaches that operation.
func TestEveryOperationIsRouted(t *testing.T) {
	m, err := apigen.LoadModel("../model/iot-2015-05-28.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(Routes) != len(m.Operations) || len(Routes) != 272 {
		t.Fatalf("%d routes for %d operations, want 272", len(Routes), len(m.Operations))
	}
	router := awsjson.NewRouter(Routes)
	for _, r := range Routes {
		path, query, _ := strings.Cut(r.URI, "?")
		path = strings.NewReplacer("{", "x", "}", "", "+", "/y").Replace(path)
		target := path
		if query != "" {
			target += "?" + query
		}
		got, _, ok := router.Match(httptest.NewRequest(r.Method, target, nil))
		if !ok || got.Operation != r.Operation {
			name := "no route"
			if ok {
				name = got.Operation
			}
			t.Errorf("%s %s: matched %s, want %s", r.Method, target, name, r.Operation)
		}
	}
}
