package certs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// crlServer serves body at every path and counts the requests it gets.
type crlServer struct {
	*httptest.Server
	hits atomic.Int32
}

func newCRLServer(t *testing.T, handler http.HandlerFunc) *crlServer {
	s := &crlServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func serveBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(body) }
}

func testCRLDER(t *testing.T, nextUpdate time.Time) []byte {
	ca, caKey := testCA(t, "Fleet Root CA")
	return makeCRL(t, ca, caKey, nextUpdate)
}

func TestFetcherModes(t *testing.T) {
	server := newCRLServer(t, serveBytes(testCRLDER(t, testNow.Add(time.Hour))))
	localhostURL := strings.Replace(server.URL, "127.0.0.1", "localhost", 1) + "/root.crl"
	tests := []struct {
		name     string
		mode     FetchMode
		url      string
		wantErr  string
		wantHits int32
	}{
		{"all: loopback fetched", FetchAll, server.URL + "/root.crl", "", 1},
		{"public: loopback address refused", FetchPublic, server.URL + "/root.crl", "non-public address 127.0.0.1", 0},
		{"public: name resolving to loopback refused", FetchPublic, localhostURL, "non-public address", 0},
		{"off: never dials", FetchOff, server.URL + "/root.crl", "turned off", 0},
		{"all: ftp refused", FetchAll, "ftp://example.com/root.crl", "not an http or https URL", 0},
		{"all: file refused", FetchAll, "file:///etc/passwd", "not an http or https URL", 0},
		{"all: no host", FetchAll, "http:///root.crl", "not an http or https URL", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server.hits.Store(0)
			f := NewFetcher(tt.mode, clock.NewFake(testNow))
			crl, err := f.Fetch(context.Background(), tt.url)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if crl.Issuer != "CN=Fleet Root CA,O=Example Fleet" {
					t.Errorf("fetched CRL issuer %q", crl.Issuer)
				}
			} else {
				wantError(t, err, iot.InvalidRequest, tt.wantErr)
			}
			if got := server.hits.Load(); got != tt.wantHits {
				t.Errorf("server got %d requests, want %d", got, tt.wantHits)
			}
		})
	}
}

func TestFetcherRefusesRedirectOutOfHTTP(t *testing.T) {
	server := newCRLServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/root.crl", http.StatusFound)
	})
	_, err := NewFetcher(FetchAll, clock.NewFake(testNow)).Fetch(context.Background(), server.URL)
	wantError(t, err, iot.InvalidRequest, "redirect")
}

func TestFetcherBadResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"not found", http.NotFound, "HTTP status 404"},
		{"not a CRL", serveBytes([]byte("<html>hello</html>")), "not a valid X.509 CRL"},
		{"too large", serveBytes(make([]byte, maxCRLBytes+1)), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := newCRLServer(t, tt.handler)
			_, err := NewFetcher(FetchAll, clock.NewFake(testNow)).Fetch(context.Background(), server.URL)
			wantError(t, err, iot.InvalidRequest, tt.wantErr)
		})
	}
}

func TestFetcherCachesUntilNextUpdate(t *testing.T) {
	server := newCRLServer(t, serveBytes(testCRLDER(t, testNow.Add(2*time.Hour))))
	clk := clock.NewFake(testNow)
	f := NewFetcher(FetchAll, clk)
	fetch := func() {
		t.Helper()
		if _, err := f.Fetch(context.Background(), server.URL); err != nil {
			t.Fatal(err)
		}
	}
	fetch()
	clk.Advance(2*time.Hour - time.Second)
	fetch()
	if got := server.hits.Load(); got != 1 {
		t.Errorf("before nextUpdate: %d requests, want 1", got)
	}
	clk.Advance(time.Second)
	fetch()
	if got := server.hits.Load(); got != 2 {
		t.Errorf("at nextUpdate: %d requests, want 2", got)
	}
}

func TestFetcherDoesNotCacheFailures(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	crlDER := testCRLDER(t, testNow.Add(time.Hour))
	server := newCRLServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write(crlDER)
	})
	f := NewFetcher(FetchAll, clock.NewFake(testNow))
	if _, err := f.Fetch(context.Background(), server.URL); err == nil {
		t.Fatal("first fetch succeeded against a failing server")
	}
	fail.Store(false)
	if _, err := f.Fetch(context.Background(), server.URL); err != nil {
		t.Fatalf("second fetch: %v", err)
	}
}

// blockedCRLServer serves a CRL once release is closed.
func blockedCRLServer(t *testing.T) (server *crlServer, release chan struct{}) {
	release = make(chan struct{})
	crlDER := testCRLDER(t, testNow.Add(time.Hour))
	server = newCRLServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Write(crlDER)
	})
	return server, release
}

func TestFetcherCollapsesConcurrentFetches(t *testing.T) {
	const callers = 5
	server, release := blockedCRLServer(t)
	f := NewFetcher(FetchAll, clock.NewFake(testNow))

	var wg sync.WaitGroup
	results := make([]*CRL, callers)
	for i := range callers {
		wg.Go(func() {
			crl, err := f.Fetch(context.Background(), server.URL)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			results[i] = crl
		})
	}
	waitFor(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		call := f.inflight[server.URL]
		return call != nil && call.waiters == callers
	})
	close(release)
	wg.Wait()
	if got := server.hits.Load(); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
	for i, crl := range results {
		if crl != results[0] {
			t.Errorf("caller %d got a different CRL", i)
		}
	}
}

func TestFetcherCallerCancellation(t *testing.T) {
	server, release := blockedCRLServer(t)
	f := NewFetcher(FetchAll, clock.NewFake(testNow))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Fetch(ctx, server.URL); err != context.Canceled {
		t.Errorf("canceled caller: err = %v, want context.Canceled", err)
	}
	// The download continues for the next caller.
	done := make(chan error)
	go func() {
		_, err := f.Fetch(context.Background(), server.URL)
		done <- err
	}()
	close(release)
	if err := <-done; err != nil {
		t.Errorf("second caller: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCacheUntil(t *testing.T) {
	tests := []struct {
		name       string
		nextUpdate time.Time
		want       time.Time
	}{
		{"nextUpdate ahead", testNow.Add(6 * time.Hour), testNow.Add(6 * time.Hour)},
		{"no nextUpdate", time.Time{}, testNow.Add(time.Hour)},
		{"stale", testNow.Add(-time.Minute), testNow.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cacheUntil(&CRL{NextUpdate: tt.nextUpdate}, testNow); !got.Equal(tt.want) {
				t.Errorf("cacheUntil = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsPublicAddress(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"93.184.216.34", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"ff02::1", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"100.128.0.1", true},
		{"255.255.255.255", false},
		{"240.0.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := isPublicAddress(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("isPublicAddress(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

func TestParseFetchMode(t *testing.T) {
	for _, mode := range []FetchMode{FetchPublic, FetchAll, FetchOff} {
		got, err := ParseFetchMode(mode.String())
		if err != nil || got != mode {
			t.Errorf("ParseFetchMode(%q) = %v, %v", mode.String(), got, err)
		}
	}
	if _, err := ParseFetchMode("private"); err == nil {
		t.Error(`ParseFetchMode("private") succeeded`)
	}
}
