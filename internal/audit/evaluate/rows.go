package evaluate

import (
	"context"
	"errors"
	"iter"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The rows of each kind of data, read from one transaction of the snapshot.

// pointers yields a pointer to each row, reusing one variable: a visitor keeps
// what it needs of a row, never the row (check.Visitor).
func pointers[T any](seq iter.Seq2[T, error]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var row T
		for v, err := range seq {
			row = v
			if !yield(&row, err) || err != nil {
				return
			}
		}
	}
}

func caCertificateRows(ctx context.Context, tx store.ReadTx) iter.Seq2[*iot.CACertificate, error] {
	return pointers(tx.ActiveCACertificates(ctx))
}

func policyVersionRows(ctx context.Context, tx store.ReadTx) iter.Seq2[*iot.PolicyVersion, error] {
	return pointers(tx.DefaultPolicyVersions(ctx))
}

func intermediateCARows(ctx context.Context, tx store.ReadTx) iter.Seq2[*check.IntermediateCA, error] {
	return func(yield func(*check.IntermediateCA, error) bool) {
		issuers, err := tx.IntermediateCertificates(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, issuer := range issuers {
			row := &check.IntermediateCA{ID: issuer.ID, Registered: issuer.Registered, X509: issuer.X509,
				Devices: tx.ActiveCertificatesThrough(ctx, issuer)}
			if !yield(row, nil) {
				return
			}
		}
	}
}

func loggingRows(ctx context.Context, tx store.ReadTx) iter.Seq2[*check.LoggingSettings, error] {
	return func(yield func(*check.LoggingSettings, error) bool) {
		var s check.LoggingSettings
		v1, err := tx.LoggingOptions(ctx)
		switch {
		case err == nil:
			s.V1 = &v1
		case !errors.Is(err, store.ErrNotFound):
			yield(nil, err)
			return
		}
		v2, err := tx.V2LoggingOptions(ctx)
		switch {
		case err == nil:
			s.V2 = &v2
		case !errors.Is(err, store.ErrNotFound):
			yield(nil, err)
			return
		}
		yield(&s, nil)
	}
}

// groups gathers consecutive events with the same key into one group each; the
// events come ordered by that key. One group is filled again for each key: a
// visitor keeps nothing of a row (check.Visitor).
func groups(events iter.Seq2[iot.ConnectionEvent, error], key func(iot.ConnectionEvent) string) iter.Seq2[*check.ConnectionGroup, error] {
	return func(yield func(*check.ConnectionGroup, error) bool) {
		g := &check.ConnectionGroup{}
		for e, err := range events {
			if err != nil {
				yield(nil, err)
				return
			}
			if k := key(e); len(g.Events) == 0 || k != g.Key {
				if len(g.Events) > 0 && !yield(g, nil) {
					return
				}
				g.Key, g.Events = k, g.Events[:0]
			}
			g.Events = append(g.Events, e)
		}
		if len(g.Events) > 0 {
			yield(g, nil)
		}
	}
}

func byPrincipal(e iot.ConnectionEvent) string { return e.Principal }
func byClientID(e iot.ConnectionEvent) string  { return e.ClientID }

// windowed narrows the groups a run sees to its own window, when the scan read
// a wider one for several runs.
type windowed struct {
	check.Visitor[*check.ConnectionGroup]
	window check.Window
}

func (w windowed) Visit(g *check.ConnectionGroup) error {
	narrowed := &check.ConnectionGroup{Key: g.Key}
	for _, e := range g.Events {
		if !e.Timestamp.Before(w.window.From) && e.Timestamp.Before(w.window.To) {
			narrowed.Events = append(narrowed.Events, e)
		}
	}
	if len(narrowed.Events) == 0 {
		return nil
	}
	return w.Visitor.Visit(narrowed)
}

// union is the smallest window that holds every run's window.
func union(runs []*run) check.Window {
	w := runs[0].Env.Window
	for _, r := range runs[1:] {
		if r.Env.Window.From.Before(w.From) {
			w.From = r.Env.Window.From
		}
		if r.Env.Window.To.After(w.To) {
			w.To = r.Env.Window.To
		}
	}
	return w
}
