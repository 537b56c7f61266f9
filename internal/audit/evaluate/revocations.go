package evaluate

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/store"
)

// fetchConcurrency bounds the CRL downloads of one audit.
const fetchConcurrency = 8

// gatherRevocations collects the account's usable CRLs: every uploaded CRL (its
// signature was verified at upload) and every CRL fetched from the
// distribution points of the given certificates whose signature verifies
// against a registered CA certificate or chain certificate. What cannot be
// fetched or verified is listed in Unavailable.
func (e *Evaluator) gatherRevocations(ctx context.Context, tx store.ReadTx, from store.DistributionPointSources) (*check.Revocations, error) {
	uploaded, err := tx.UploadedCRLs(ctx)
	if err != nil {
		return nil, err
	}
	var lists []check.RevocationList
	if a := e.cfg.Authority; a != nil {
		lists = append(lists, check.RevocationList{
			Issuer: a.Subject.String(), AuthorityKeyID: hex.EncodeToString(a.SubjectKeyId), ThisUpdate: a.NotBefore,
			IsRevoked: func(string) bool { return false },
		})
	}
	for _, u := range uploaded {
		serials := make(map[string]struct{}, len(u.Serials))
		for _, s := range u.Serials {
			serials[s] = struct{}{}
		}
		lists = append(lists, check.RevocationList{
			Issuer: u.Issuer, AuthorityKeyID: u.AuthorityKeyID, ThisUpdate: u.ThisUpdate,
			IsRevoked: func(serial string) bool { _, ok := serials[serial]; return ok },
		})
	}
	points, err := tx.CRLDistributionPoints(ctx, from)
	if err != nil {
		return nil, err
	}
	fetched := make([]fetchResult, len(points))
	var wg sync.WaitGroup
	limit := make(chan struct{}, fetchConcurrency)
	for i, url := range points {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			fetched[i] = e.fetch(ctx, url)
		})
	}
	wg.Wait()
	var unavailable []string
	for i, f := range fetched {
		if f.err == nil {
			f.err = e.verify(ctx, tx, points[i], f.crl)
		}
		if f.err != nil {
			unavailable = append(unavailable, fmt.Sprintf("%s: %v", points[i], f.err))
			continue
		}
		lists = append(lists, check.RevocationList{
			Issuer: f.crl.Issuer, AuthorityKeyID: f.crl.AuthorityKeyID, ThisUpdate: f.crl.ThisUpdate, IsRevoked: f.crl.IsRevoked,
		})
	}
	return check.NewRevocations(lists, unavailable), nil
}

type fetchResult struct {
	crl *certs.CRL
	err error
}

// fetch downloads the CRL at url (or takes it from the fetcher's cache).
func (e *Evaluator) fetch(ctx context.Context, url string) fetchResult {
	if e.cfg.Fetcher == nil {
		return fetchResult{err: fmt.Errorf("CRL fetching is turned off; upload the CRL instead")}
	}
	crl, err := e.cfg.Fetcher.Fetch(ctx, url)
	return fetchResult{crl: crl, err: err}
}

// verify checks the signature of the CRL fetched from url. A CRL that
// verified is not checked again while the fetcher returns it; one that did not
// is checked at every audit, since its issuer may have been registered since.
func (e *Evaluator) verify(ctx context.Context, tx store.ReadTx, url string, crl *certs.CRL) error {
	key := verifiedKey{account: tx.Account(), url: url}
	if e.verified.has(key, crl) {
		return nil
	}
	if err := verifyCRL(ctx, tx, crl); err != nil {
		return err
	}
	e.verified.put(key, crl)
	return nil
}

// verifyCRL checks a CRL's signature against the registered certificates that
// may have issued it.
func verifyCRL(ctx context.Context, tx store.ReadTx, crl *certs.CRL) error {
	issuers, err := tx.IssuerCertificates(ctx, crl.Issuer)
	if err != nil {
		return err
	}
	if len(issuers) == 0 {
		return fmt.Errorf("its issuer %q is neither a registered CA certificate nor a certificate of a registered chain", crl.Issuer)
	}
	var last error
	for _, issuer := range issuers {
		cert, err := x509.ParseCertificate(issuer.DER)
		if err != nil {
			last = err
			continue
		}
		if last = crl.VerifyIssuer(cert); last == nil {
			return nil
		}
	}
	return last
}

// verifiedCRLs remembers, per account and URL, the last CRL the fetcher
// returned that verified: the fetcher serves the same *certs.CRL until its
// nextUpdate.
type verifiedCRLs struct {
	mu sync.Mutex
	m  map[verifiedKey]*certs.CRL
}

type verifiedKey struct{ account, url string }

func (v *verifiedCRLs) has(k verifiedKey, crl *certs.CRL) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.m[k] == crl
}

func (v *verifiedCRLs) put(k verifiedKey, c *certs.CRL) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.m[k] = c
}
