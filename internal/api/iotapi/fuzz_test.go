package iotapi

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
)

// serveFuzzRequest routes a request made of the parts and serves it with
// Unimplemented, so that it is decoded and validated. It returns the operation
// and the error Serve returns; the operation is "" when no route matches or the
// parts make no HTTP request.
func serveFuzzRequest(router *awsjson.Router[Operations], method, path, query, headers string, body []byte) (string, error) {
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return "", nil
	}
	r := &http.Request{
		Method: method,
		URL:    &url.URL{Path: unescaped, RawPath: path, RawQuery: query},
		Header: http.Header{},
	}
	for line := range strings.Lines(headers) {
		if name, value, ok := strings.Cut(line, ":"); ok {
			r.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
	}
	route, params, ok := router.Match(r)
	if !ok {
		return "", nil
	}
	rec := httptest.NewRecorder()
	return route.Operation, route.Serve(context.Background(), Unimplemented{}, &awsjson.Request{HTTP: r, Body: body, Params: params}, rec)
}

// Routing, decoding and validating any request never panics, and every request
// a route takes ends in an AWS-shaped error (Unimplemented answers the ones
// that decode).
func FuzzDecode(f *testing.F) {
	router := awsjson.NewRouter(Routes)
	f.Fuzz(func(t *testing.T, method, path, query, headers string, body []byte) {
		op, err := serveFuzzRequest(router, method, path, query, headers, body)
		if op == "" {
			return
		}
		var apiErr awsjson.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: error %v is not an AWS error", op, err)
		}
		rec := httptest.NewRecorder()
		awsjson.WriteError(rec, apiErr)
		if rec.Code < 400 || rec.Header().Get("X-Amzn-Errortype") == "" {
			t.Fatalf("%s: error rendered with status %d and code %q", op, rec.Code, rec.Header().Get("X-Amzn-Errortype"))
		}
	})
}

// The seed corpus holds real requests, one file per operation named after it:
// each must decode and validate, reaching Unimplemented.
func TestFuzzSeedsAreValidRequests(t *testing.T) {
	router := awsjson.NewRouter(Routes)
	files, err := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			args := readCorpusFile(t, file)
			if len(args) != 5 {
				t.Fatalf("%d values, want 5", len(args))
			}
			op, err := serveFuzzRequest(router, args[0], args[1], args[2], args[3], []byte(args[4]))
			if want := filepath.Base(file); op != want {
				t.Fatalf("%s %s routed to %q, want %s", args[0], args[1], op, want)
			}
			if err == nil || err.Error() != awsjson.NotImplemented(op).Error() {
				t.Errorf("got %v, want the request to reach Unimplemented", err)
			}
		})
	}
}

// readCorpusFile reads the values of a "go test fuzz v1" file whose values are
// all strings or byte slices.
func readCorpusFile(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var values []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "go test fuzz v1" {
			continue
		}
		lit, ok := strings.CutPrefix(line, "string(")
		if !ok {
			lit, ok = strings.CutPrefix(line, "[]byte(")
		}
		lit, ok2 := strings.CutSuffix(lit, ")")
		v, err := strconv.Unquote(lit)
		if !ok || !ok2 || err != nil {
			t.Fatalf("%s: cannot read %q", path, line)
		}
		values = append(values, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return values
}
