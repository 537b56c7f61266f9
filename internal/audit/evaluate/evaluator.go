// Package evaluate runs audit checks over one consistent view of an account's
// data: it groups the runs by the kind of data their checks read, reads each
// kind once, and hands every row to every check that reads it.
//
// The kinds are read on up to three transactions of one store snapshot, in
// parallel: the device certificates, the largest scan, in parts on two,
// everything else one kind after the other on a third, which first gathers
// the CRLs the revocation checks need. (A store with four read connections, as
// on two cores, keeps one for the API while an audit reads.) Rows are streamed;
// the only DER parsed during an audit is that of CRLs fetched from distribution
// points and, once per fetched CRL, of the issuer certificate verifying it.
package evaluate

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Config wires an Evaluator.
type Config struct {
	Store store.Store
	// Fetcher fetches the CRL distribution points named in certificates; nil
	// fetches nothing (as certs.FetchOff does).
	Fetcher *certs.Fetcher
	// WeakKeys is the weak-key blocklist (CVE-2008-0166); nil when none.
	WeakKeys *certs.WeakKeyBlocklist
	// Authority is the installation's own issuing CA (CreateKeysAndCertificate,
	// CreateCertificateFromCsr). It revokes nothing by CRL — its certificates
	// are revoked by their status in the registry — so its revocation list is
	// known to be empty and the certificates it issued count as checked.
	Authority *x509.Certificate
	Log       *slog.Logger // slog.Default() when nil
}

// Evaluator is the check.Evaluator over a store.
type Evaluator struct {
	cfg      Config
	verified verifiedCRLs
}

var _ check.Evaluator = (*Evaluator)(nil)

// New returns an Evaluator.
func New(cfg Config) *Evaluator {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Evaluator{cfg: cfg, verified: verifiedCRLs{m: map[verifiedKey]*certs.CRL{}}}
}

// Evaluate runs the checks of runs over one snapshot of the account, calling
// each run's Finished exactly once, as its check completes. An unsupported
// check is finished at once with its Metadata.Unsupported message. The error
// says that no snapshot could be taken; every run was then finished with it.
func (e *Evaluator) Evaluate(ctx context.Context, account string, runs []check.Run) error {
	a := &audit{e: e, ctx: ctx, byData: map[check.Data][]*run{}, revocationsReady: make(chan struct{}),
		certificates: make(chan certificates, certificateParts), stopCertificates: make(chan struct{})}
	var all []*run
	for i := range runs {
		r := &run{Run: runs[i]}
		if r.Check.Unsupported != "" {
			r.finish(errors.New(r.Check.Unsupported))
			continue
		}
		all = append(all, r)
		a.byData[r.Check.Reads()] = append(a.byData[r.Check.Reads()], r)
	}
	if len(all) == 0 {
		return nil
	}
	lanes := a.lanes()
	err := e.cfg.Store.Snapshot(ctx, account, len(lanes), func(txs []store.ReadTx) error {
		var wg, parts sync.WaitGroup
		for i, lane := range lanes {
			if lane.certificatePart >= 0 {
				parts.Add(1)
			}
			wg.Go(func() {
				a.runLane(txs[i], lane)
				if lane.certificatePart >= 0 {
					parts.Done()
				}
			})
		}
		if runs := a.byData[check.DeviceCertificates]; len(runs) > 0 {
			go func() { parts.Wait(); close(a.certificates) }()
			wg.Go(func() {
				scan(e.cfg.Log, &a.ending, runs, beginIn[*iot.Certificate](a), certificateRows(a.certificates))
				close(a.stopCertificates)
			})
		}
		wg.Wait()
		return nil
	})
	a.ending.Wait()
	if err != nil {
		for _, r := range all {
			r.finish(err)
		}
	}
	return err
}

// audit is one Evaluate call.
type audit struct {
	e      *Evaluator
	ctx    context.Context
	byData map[check.Data][]*run
	// ending counts the runs being finished once their scan has ended: a lane
	// goes on to its next kind meanwhile.
	ending sync.WaitGroup

	// revocations are gathered once, before the first scan that needs them.
	revocations      *check.Revocations
	revocationsErr   error
	revocationsReady chan struct{}

	// certificates carries the batches the parts of the certificate scan read;
	// stopCertificates ends the parts when the checks need no more.
	certificates     chan certificates
	stopCertificates chan struct{}
}

// lane is the work of one transaction: read one part of the device
// certificates, or optionally gather the revocations, then read kinds of data
// one after the other.
type lane struct {
	certificatePart   int // -1: none
	gatherRevocations bool
	kinds             []check.Data
}

// lanes gives the parts of the certificate scan their own transactions and
// puts the rest together, the connection records, the largest, last: the
// small kinds' checks complete early, and the lane ends about when the
// certificate scan does.
func (a *audit) lanes() []lane {
	var lanes []lane
	rest := lane{certificatePart: -1, gatherRevocations: a.needRevocations()}
	for _, d := range slices.Sorted(maps.Keys(a.byData)) {
		switch d {
		case check.DeviceCertificates:
			for part := range certificateParts {
				lanes = append(lanes, lane{certificatePart: part})
			}
		case check.ConnectionsByPrincipal:
		default:
			rest.kinds = append(rest.kinds, d)
		}
	}
	if _, ok := a.byData[check.ConnectionsByPrincipal]; ok {
		rest.kinds = append(rest.kinds, check.ConnectionsByPrincipal)
	}
	if rest.gatherRevocations || len(rest.kinds) > 0 {
		lanes = append(lanes, rest)
	} else {
		close(a.revocationsReady)
	}
	return lanes
}

func (a *audit) needRevocations() bool {
	for _, runs := range a.byData {
		for _, r := range runs {
			if r.Check.Needs(check.NeedsRevocations) {
				return true
			}
		}
	}
	return false
}

func (a *audit) runLane(tx store.ReadTx, l lane) {
	if l.certificatePart >= 0 {
		a.readCertificatePart(tx, l.certificatePart)
		return
	}
	if l.gatherRevocations {
		a.revocations, a.revocationsErr = a.e.gatherRevocations(a.ctx, tx, a.distributionPointSources())
		close(a.revocationsReady)
	}
	for _, d := range l.kinds {
		a.read(tx, d)
	}
}

// distributionPointSources are the certificates whose CRL distribution points
// the revocation checks of this audit need.
func (a *audit) distributionPointSources() store.DistributionPointSources {
	var s store.DistributionPointSources
	for d, runs := range a.byData {
		for _, r := range runs {
			if !r.Check.Needs(check.NeedsRevocations) {
				continue
			}
			switch d {
			case check.DeviceCertificates:
				s.DeviceCertificates = true
			case check.CACertificates:
				s.CACertificates = true
			case check.IntermediateCAs:
				s.CACertificates, s.ChainCertificates = true, true
			}
		}
	}
	return s
}

// scope is what a run's visitor is given.
func (a *audit) scope(r *run) (*check.Scope, error) {
	s := &check.Scope{Env: r.Env, Report: r.Report, WeakKeys: a.e.cfg.WeakKeys}
	if r.Check.Needs(check.NeedsRevocations) {
		<-a.revocationsReady
		if a.revocationsErr != nil {
			return nil, a.revocationsErr
		}
		s.Revocations = a.revocations
	}
	return s, nil
}

// read reads one kind of data for its runs.
func (a *audit) read(tx store.ReadTx, d check.Data) {
	runs, ctx, log := a.byData[d], a.ctx, a.e.cfg.Log
	switch d {
	case check.CACertificates:
		scan(log, &a.ending, runs, beginIn[*iot.CACertificate](a), caCertificateRows(ctx, tx))
	case check.IntermediateCAs:
		scan(log, &a.ending, runs, beginIn[*check.IntermediateCA](a), intermediateCARows(ctx, tx))
	case check.PolicyVersions:
		scan(log, &a.ending, runs, beginIn[*iot.PolicyVersion](a), policyVersionRows(ctx, tx))
	case check.LoggingOptions:
		scan(log, &a.ending, runs, beginIn[*check.LoggingSettings](a), loggingRows(ctx, tx))
	case check.ConnectionsByPrincipal:
		w := union(runs)
		scan(log, &a.ending, runs, a.beginWindowed(w, nil), groups(tx.ConnectionEventsByPrincipal(ctx, w.From, w.To), byPrincipal))
	case check.TakeoversByClientID:
		w := union(runs)
		countClientIDs := func(s *check.Scope) (err error) {
			s.ClientIDs, err = tx.CountClientIDs(ctx, s.Env.Window.From, s.Env.Window.To)
			return err
		}
		scan(log, &a.ending, runs, a.beginWindowed(w, countClientIDs), groups(tx.TakeoversByClientID(ctx, w.From, w.To), byClientID))
	default:
		for _, r := range runs {
			r.finish(errors.New("iotdefender does not know how to read " + d.String()))
		}
	}
}

// beginIn starts visitors over rows of type R in the audit's scopes.
func beginIn[R any](a *audit) func(*run) (check.Visitor[R], error) {
	return func(r *run) (check.Visitor[R], error) {
		s, err := a.scope(r)
		if err != nil {
			return nil, err
		}
		return visitor[R](r, s)
	}
}

// beginWindowed starts visitors over connection groups read for window w,
// narrowing them to each run's own window; prepare completes the scope.
func (a *audit) beginWindowed(w check.Window, prepare func(*check.Scope) error) func(*run) (check.Visitor[*check.ConnectionGroup], error) {
	return func(r *run) (check.Visitor[*check.ConnectionGroup], error) {
		s, err := a.scope(r)
		if err != nil {
			return nil, err
		}
		if prepare != nil {
			if err := prepare(s); err != nil {
				return nil, err
			}
		}
		v, err := visitor[*check.ConnectionGroup](r, s)
		if err != nil || (r.Env.Window.From.Equal(w.From) && r.Env.Window.To.Equal(w.To)) {
			return v, err
		}
		return windowed{Visitor: v, window: r.Env.Window}, nil
	}
}
