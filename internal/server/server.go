// Package server assembles iotdefender's HTTP API: request ids, body limits,
// SigV4 authentication, routing to the generated AWS IoT operations or to
// iotdefender's own extension endpoints, and the rendering of errors as AWS
// renders them. The adapter from iotapi.Operations to the services lives here
// too, one file per resource family.
package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/sigv4"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/worker"
)

// MaxAPIBody is the largest body an AWS IoT API request may have. The largest
// legitimate requests of the implemented operations (a certificate chain in PEM,
// a policy document, a thing with its attributes) stay well below it [inferred].
const MaxAPIBody = 1 << 20

// Extension is an endpoint of iotdefender's own API under /_iotdefender/,
// authenticated with SigV4 like every other request.
type Extension struct {
	Method, Path string
	MaxBody      int64
	Serve        func(ctx context.Context, account string, req *awsjson.Request, w http.ResponseWriter) error
}

// Config wires a Server.
type Config struct {
	Region     string
	Store      store.Store
	Clock      clock.Clock
	IDs        ids.Generator
	Log        *slog.Logger
	Operations iotapi.Operations
	Extensions []Extension
	// KeyRefresh is how often the access-key cache checks for changes made by
	// other processes (default 1 s).
	KeyRefresh time.Duration
}

// Server is the http.Handler of the API.
type Server struct {
	ops        iotapi.Operations
	router     *awsjson.Router[iotapi.Operations]
	extensions map[string]*Extension
	verifier   *sigv4.Verifier
	keys       *keyCache
	ids        ids.Generator
	log        *slog.Logger
}

// signingAliases are the other service names AWS IoT accepts in a SigV4
// credential scope: older versions of its API model name the signing service
// "execute-api", and clients built from them (the aws CLI v2 that Debian 12
// ships, 2.9) still sign that way.
var signingAliases = []string{"execute-api"}

// New builds the server and starts the background refresh of its key cache,
// which stops when ctx ends.
func New(ctx context.Context, cfg Config) (*Server, error) {
	keys, err := newKeyCache(ctx, cfg.Store.System())
	if err != nil {
		return nil, err
	}
	refresh := cfg.KeyRefresh
	if refresh <= 0 {
		refresh = time.Second
	}
	go worker.Tick(ctx, refresh, keys.reload, func(err error) { cfg.Log.Error("reload access keys", "err", err) })
	s := &Server{
		ops:        cfg.Operations,
		router:     awsjson.NewRouter(iotapi.Routes),
		extensions: map[string]*Extension{},
		verifier:   &sigv4.Verifier{Region: cfg.Region, Service: "iot", Aliases: signingAliases, Clock: cfg.Clock, Lookup: keys.lookup},
		keys:       keys,
		ids:        cfg.IDs,
		log:        cfg.Log,
	}
	for i := range cfg.Extensions {
		e := &cfg.Extensions[i]
		s.extensions[e.Method+" "+e.Path] = e
	}
	return s, nil
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := s.ids.UUID()
	w.Header().Set("x-amzn-RequestId", requestID)
	if r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "request_id", requestID, "method", r.Method, "path", r.URL.Path, "panic", v)
			awsjson.WriteError(w, internalFailure(requestID))
		}
	}()
	if err := s.serve(w, r); err != nil {
		apiErr, internal := toAPIError(err, requestID)
		if internal {
			s.log.Error("request failed", "request_id", requestID, "method", r.Method, "path", r.URL.Path, "err", err)
		}
		awsjson.WriteError(w, apiErr)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) error {
	ext := s.extensions[r.Method+" "+r.URL.Path]
	limit := int64(MaxAPIBody)
	if ext != nil {
		limit = ext.MaxBody
	}
	body, err := readBody(r, limit)
	if err != nil {
		return err
	}
	cred, err := s.verifier.Verify(r, body)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			return &awsjson.Error{Code: se.Code, Status: se.HTTPStatus(), Message: se.Message}
		}
		return err
	}
	if err := checkQuery(r.URL.RawQuery); err != nil {
		return err
	}
	ctx := withAccount(r.Context(), cred.AccountID)
	req := &awsjson.Request{HTTP: r, Body: body}
	if ext != nil {
		return ext.Serve(ctx, cred.AccountID, req, w)
	}
	route, params, ok := s.router.Match(r)
	if !ok {
		return awsjson.UnknownOperation(r.Method, r.URL.Path)
	}
	req.Params = params
	return route.Serve(ctx, s.ops, req, w)
}

// checkQuery refuses a query string that does not parse. url.Values drops such
// a parameter without a word, and the operation would run as if it had not been
// sent: a listing unfiltered, a delete without its expected version.
func checkQuery(raw string) error {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if strings.Contains(pair, ";") {
			return invalidQuery("The query string must separate its parameters with '&', not ';'.")
		}
		key, value, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			return invalidQuery("The name of a query string parameter is not URL-encoded correctly: " + err.Error() + ".")
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return invalidQuery("The value of the query string parameter '" + name + "' is not URL-encoded correctly: " + err.Error() + ".")
		}
	}
	return nil
}

func invalidQuery(message string) error {
	return &awsjson.Error{Code: "InvalidRequestException", Status: http.StatusBadRequest, Message: message}
}

// readBody reads the whole body, refusing one over limit bytes before reading it
// when Content-Length says so.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, awsjson.TooLarge(limit)
	}
	if r.Body == nil || r.ContentLength == 0 {
		return nil, nil
	}
	size := limit + 1
	if r.ContentLength > 0 {
		size = r.ContentLength
	}
	buf := make([]byte, 0, min(size, 64<<10))
	body, err := readAll(io.LimitReader(r.Body, limit+1), buf)
	if err != nil {
		return nil, &awsjson.Error{Code: "InvalidRequestException", Status: http.StatusBadRequest, Message: "The request body could not be read: " + err.Error()}
	}
	if int64(len(body)) > limit {
		return nil, awsjson.TooLarge(limit)
	}
	return body, nil
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// HTTPServer returns an *http.Server for h with timeouts fit for an API.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
