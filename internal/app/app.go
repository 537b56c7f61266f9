// Package app wires iotdefender together: the store in the data directory, the
// first account, the issuing CA, the services and the HTTP server. The command
// and the end-to-end tests both start iotdefender through it.
package app

import (
	"context"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/iotdefender/iotdefender/internal/accounts"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/audit/check"
	_ "github.com/iotdefender/iotdefender/internal/audit/checks" // registers the audit checks
	"github.com/iotdefender/iotdefender/internal/audit/evaluate"
	"github.com/iotdefender/iotdefender/internal/audit/mitigation"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/notify"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/server"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

// Config is everything a running iotdefender needs to know.
type Config struct {
	DataDir string
	Region  string
	// Endpoint is the host:port clients reach the server at (DescribeEndpoint).
	Endpoint string
	// First account, created on first start when there is none.
	AccountID       string
	AccessKeyID     string // generated when empty
	SecretAccessKey string
	// KeyPoolSize is how many RSA-2048 key pairs CreateKeysAndCertificate keeps
	// ready (default 16; 0 keeps the default, negative disables pooling).
	KeyPoolSize int
	// WeakKeyBlocklist is a file in the openssl-blacklist format for the
	// key-quality checks (CVE-2008-0166); "" for none: that half of the checks
	// is then not run, and their results say so.
	WeakKeyBlocklist string
	// CRLFetch says which CRL distribution points the revocation checks may
	// fetch (default certs.FetchPublic).
	CRLFetch certs.FetchMode
	// SNSEndpoint overrides the endpoint of the SNS API that audit
	// notifications are published through; "" for AWS's.
	SNSEndpoint string
	// Synchronous is SQLite's synchronous setting, "NORMAL" (default) or
	// "FULL" (sqlite.Options).
	Synchronous string
	// AuditChecks and AuditEvaluator replace the audit checks (check.All())
	// and their evaluator (Evaluator); tests run the engine with fakes.
	AuditChecks    []*check.Check
	AuditEvaluator check.Evaluator

	Clock clock.Clock   // real clock when nil
	IDs   ids.Generator // random when nil
	Log   *slog.Logger  // slog.Default() when nil
}

// App is a wired iotdefender.
type App struct {
	Store    store.Store
	Registry *registry.Registry
	Handler  http.Handler
	// Evaluator runs the audit checks over the store.
	Evaluator *evaluate.Evaluator
	// Audit runs audits: configuration, tasks, scheduled audits, findings.
	Audit *audit.Engine
	// Mitigation applies mitigation actions to audit findings.
	Mitigation *mitigation.Engine

	keys   *certs.KeyPool
	cancel context.CancelFunc
}

// CredentialsFile is where the first account's key is written, in the data
// directory.
const CredentialsFile = "credentials"

// New opens the data directory and wires the services. Close releases them.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.IDs == nil {
		cfg.IDs = ids.Random{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	st, err := sqlite.Open(ctx, cfg.DataDir, sqlite.Options{Synchronous: cfg.Synchronous})
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", cfg.DataDir, err)
	}
	a := &App{Store: st}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if err := ensureFirstAccount(ctx, st, cfg); err != nil {
		return nil, err
	}
	authority, err := issuingAuthority(ctx, st.System(), cfg)
	if err != nil {
		return nil, err
	}
	tokenKey, err := st.System().InitSetting(ctx, "page_token_key", randomBytes(32))
	if err != nil {
		return nil, err
	}
	poolSize := cfg.KeyPoolSize
	if poolSize == 0 {
		poolSize = 16
	}
	a.keys = certs.NewKeyPool(max(poolSize, 0), rand.Reader)
	tokens := pagetoken.New(tokenKey, cfg.Clock)
	a.Registry = registry.New(registry.Config{
		Store:     st,
		Clock:     cfg.Clock,
		IDs:       cfg.IDs,
		Region:    cfg.Region,
		Tokens:    tokens,
		Authority: authority,
		Keys:      a.keys,
		Endpoint:  cfg.Endpoint,
	})
	weakKeys, err := loadWeakKeyBlocklist(cfg.WeakKeyBlocklist)
	if err != nil {
		return nil, err
	}
	a.Evaluator = evaluate.New(evaluate.Config{
		Store:     st,
		Fetcher:   certs.NewFetcher(cfg.CRLFetch, cfg.Clock),
		WeakKeys:  weakKeys,
		Authority: authority.Certificate(),
		Log:       cfg.Log,
	})
	a.Audit = newAudit(ctx, cfg, st, tokens, a.Evaluator)
	a.Mitigation = newMitigation(ctx, cfg, st, a.Registry, tokens)
	srvCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	srv, err := server.New(srvCtx, server.Config{
		Region:     cfg.Region,
		Store:      st,
		Clock:      cfg.Clock,
		IDs:        cfg.IDs,
		Log:        cfg.Log,
		Operations: server.NewAPI(a.Registry).WithAudit(a.Audit).WithMitigation(a.Mitigation),
		Extensions: server.AuditDataExtensions(st, cfg.Clock),
	})
	if err != nil {
		return nil, err
	}
	a.Handler = srv
	if err := a.Audit.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the audits: %w", err)
	}
	if err := a.Mitigation.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the mitigation tasks: %w", err)
	}
	ok = true
	return a, nil
}

// newAudit wires the audit engine. Without a usable AWS configuration for
// SNS, audits run and their notifications are not sent.
func newAudit(ctx context.Context, cfg Config, st store.Store, tokens *pagetoken.Codec, evaluator check.Evaluator) *audit.Engine {
	checks := cfg.AuditChecks
	if checks == nil {
		checks = check.All()
	}
	if cfg.AuditEvaluator != nil {
		evaluator = cfg.AuditEvaluator
	}
	var publisher audit.Publisher
	if sns, err := notify.NewSNS(ctx, cfg.SNSEndpoint); err != nil {
		cfg.Log.Warn("audit notifications will not be sent", "err", err)
	} else {
		publisher = sns
	}
	return audit.New(audit.Config{
		Store: st, Clock: cfg.Clock, IDs: cfg.IDs, Region: cfg.Region, Tokens: tokens,
		Checks: checks, Evaluator: evaluator, Publisher: publisher, Log: cfg.Log,
	})
}

// newMitigation wires the mitigation engine. Without a usable AWS
// configuration for SNS, PUBLISH_FINDING_TO_SNS executions fail saying so.
func newMitigation(ctx context.Context, cfg Config, st store.Store, reg *registry.Registry, tokens *pagetoken.Codec) *mitigation.Engine {
	checks := cfg.AuditChecks
	if checks == nil {
		checks = check.All()
	}
	var publisher mitigation.Publisher
	if sns, err := notify.NewSNS(ctx, cfg.SNSEndpoint); err != nil {
		cfg.Log.Warn("findings will not be published to SNS", "err", err)
	} else {
		publisher = sns
	}
	return mitigation.New(mitigation.Config{
		Store: st, Registry: reg, Clock: cfg.Clock, IDs: cfg.IDs, Region: cfg.Region, Tokens: tokens,
		Checks: checks, Publisher: publisher, Log: cfg.Log,
	})
}

// Close stops background work and closes the store.
func (a *App) Close() error {
	if a.cancel != nil {
		a.cancel()
	}
	if a.keys != nil {
		a.keys.Close()
	}
	if a.Audit != nil {
		a.Audit.Close()
	}
	if a.Mitigation != nil {
		a.Mitigation.Close()
	}
	return a.Store.Close()
}

// ensureFirstAccount creates the configured account when the store has none and
// writes its key to the credentials file.
func ensureFirstAccount(ctx context.Context, st store.Store, cfg Config) error {
	existing, err := st.System().Accounts(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	key, err := accounts.Create(ctx, st.System(), cfg.Clock, cfg.AccountID, cfg.AccessKeyID, cfg.SecretAccessKey)
	if err != nil {
		return fmt.Errorf("create the first account: %w", err)
	}
	path := filepath.Join(cfg.DataDir, CredentialsFile)
	if err := accounts.WriteCredentialsFile(path, key); err != nil {
		return err
	}
	cfg.Log.Info("created the first account; its access key is in the credentials file",
		"account", key.AccountID, "access_key_id", key.AccessKeyID, "credentials_file", path)
	return nil
}

// issuingAuthority loads this installation's CA, creating it on first start.
// InitSetting makes concurrent first starts agree on one CA.
func issuingAuthority(ctx context.Context, sys store.System, cfg Config) (*certs.Authority, error) {
	stored, ok, err := sys.Setting(ctx, "issuing_ca")
	if err != nil {
		return nil, err
	}
	if !ok {
		fresh, err := certs.NewAuthority(rand.Reader, cfg.Clock.Now())
		if err != nil {
			return nil, err
		}
		certPEM, keyPEM := fresh.PEM()
		if stored, err = sys.InitSetting(ctx, "issuing_ca", append(certPEM, keyPEM...)); err != nil {
			return nil, err
		}
	}
	certBlock, rest := pem.Decode(stored)
	if certBlock == nil {
		return nil, errors.New("the stored issuing CA is not PEM")
	}
	return certs.LoadAuthority(pem.EncodeToMemory(certBlock), rest, rand.Reader)
}

// loadWeakKeyBlocklist reads the blocklist file; nil when path is "".
func loadWeakKeyBlocklist(path string) (*certs.WeakKeyBlocklist, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weak-key blocklist: %w", err)
	}
	defer f.Close()
	b, err := certs.LoadWeakKeyBlocklist(f)
	if err != nil {
		return nil, fmt.Errorf("weak-key blocklist %s: %w", path, err)
	}
	return b, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
