package certs

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// FetchMode says which CRL distribution points a Fetcher may reach.
type FetchMode int

const (
	// FetchPublic fetches from public addresses only (the default): a
	// certificate's distribution point must not become a way into the
	// installation's own network.
	FetchPublic FetchMode = iota
	// FetchAll fetches from any address, for fleets whose CRLs are served
	// internally.
	FetchAll
	// FetchOff never fetches; CRLs arrive through the extension API only.
	FetchOff
)

var fetchModeNames = map[FetchMode]string{FetchPublic: "public", FetchAll: "all", FetchOff: "off"}

func (m FetchMode) String() string {
	if name, ok := fetchModeNames[m]; ok {
		return name
	}
	return fmt.Sprintf("FetchMode(%d)", int(m))
}

// ParseFetchMode reads "public", "all" or "off".
func ParseFetchMode(s string) (FetchMode, error) {
	for mode, name := range fetchModeNames {
		if name == s {
			return mode, nil
		}
	}
	return 0, fmt.Errorf("certs: unknown CRL fetch mode %q (want public, all or off)", s)
}

const (
	fetchTimeout       = 10 * time.Second
	maxCRLBytes        = 10 << 20
	maxFetchRedirects  = 5
	defaultCRLLifetime = time.Hour
)

// Fetcher downloads CRLs from the distribution points named in certificates,
// caching each until its nextUpdate and collapsing concurrent fetches of one
// URL into one download. It keeps one cache entry per URL ever fetched, which
// stays small because a fleet names few distribution points. It is safe for
// concurrent use.
type Fetcher struct {
	mode   FetchMode
	clock  clock.Clock
	client *http.Client

	mu       sync.Mutex
	cache    map[string]cachedCRL
	inflight map[string]*fetchCall
}

type cachedCRL struct {
	crl   *CRL
	until time.Time
}

// fetchCall is one download that every concurrent caller for its URL waits on.
type fetchCall struct {
	done    chan struct{}
	crl     *CRL
	err     error
	waiters int // callers that joined; read by tests
}

// NewFetcher returns a Fetcher in the given mode, telling time by clk.
func NewFetcher(mode FetchMode, clk clock.Clock) *Fetcher {
	dialer := &net.Dialer{Timeout: fetchTimeout}
	if mode == FetchPublic {
		dialer.Control = refuseNonPublic
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would dial on our behalf, past the address check
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   fetchTimeout,
		ResponseHeaderTimeout: fetchTimeout,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Fetcher{
		mode:  mode,
		clock: clk,
		client: &http.Client{
			Transport:     transport,
			Timeout:       fetchTimeout,
			CheckRedirect: checkFetchRedirect,
		},
		cache:    make(map[string]cachedCRL),
		inflight: make(map[string]*fetchCall),
	}
}

func checkFetchRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxFetchRedirects {
		return fmt.Errorf("stopped after %d redirects", maxFetchRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to a %q URL refused", req.URL.Scheme)
	}
	return nil
}

// Mode returns the fetcher's mode.
func (f *Fetcher) Mode() FetchMode { return f.mode }

// Fetch returns the CRL published at rawURL (http or https only), from the
// cache while it is current. Errors are iot.InvalidRequest, or the context's
// error when ctx ends first.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*CRL, error) {
	if f.mode == FetchOff {
		return nil, iot.Errorf(iot.InvalidRequest, "CRL fetching is turned off; upload the CRL instead of fetching %s.", rawURL)
	}
	if err := checkFetchURL(rawURL); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if cached, ok := f.cache[rawURL]; ok && f.clock.Now().Before(cached.until) {
		f.mu.Unlock()
		return cached.crl, nil
	}
	call, running := f.inflight[rawURL]
	if !running {
		call = &fetchCall{done: make(chan struct{})}
		f.inflight[rawURL] = call
		// The download outlives any one caller's cancellation: others may wait on it.
		go f.download(context.WithoutCancel(ctx), rawURL, call)
	}
	call.waiters++
	f.mu.Unlock()

	select {
	case <-call.done:
		return call.crl, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func checkFetchURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return iot.Errorf(iot.InvalidRequest, "The CRL distribution point %q is not a valid URL: %v", rawURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return iot.Errorf(iot.InvalidRequest, "The CRL distribution point %q is not an http or https URL.", rawURL)
	}
	return nil
}

func (f *Fetcher) download(ctx context.Context, rawURL string, call *fetchCall) {
	crl, err := f.get(ctx, rawURL)
	f.mu.Lock()
	delete(f.inflight, rawURL)
	if err == nil {
		f.cache[rawURL] = cachedCRL{crl: crl, until: cacheUntil(crl, f.clock.Now())}
	}
	call.crl, call.err = crl, err
	f.mu.Unlock()
	close(call.done)
}

func (f *Fetcher) get(ctx context.Context, rawURL string) (*CRL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The CRL at %s cannot be requested: %v", rawURL, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "Fetching the CRL failed: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, iot.Errorf(iot.InvalidRequest, "Fetching the CRL from %s failed: HTTP status %d.", rawURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLBytes+1))
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "Reading the CRL from %s failed: %v", rawURL, err)
	}
	if len(body) > maxCRLBytes {
		return nil, iot.Errorf(iot.InvalidRequest, "The CRL at %s is larger than %d bytes.", rawURL, maxCRLBytes)
	}
	crl, err := ParseCRL(body)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The document at %s: %v", rawURL, err)
	}
	return crl, nil
}

// cacheUntil is when a fetched CRL stops being served from the cache: its
// nextUpdate, or an hour from now when it names none or is already stale.
func cacheUntil(crl *CRL, now time.Time) time.Time {
	if crl.NextUpdate.After(now) {
		return crl.NextUpdate
	}
	return now.Add(defaultCRLLifetime)
}
