package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// MaxSuppressions is how many audit suppressions an account may have. AWS
// has a quota without a published value; this one [I] is generous and bounds
// the suppressions an audit holds in memory.
const MaxSuppressions = 10000

// SuppressionRequest is a Create or UpdateAuditSuppression request.
type SuppressionRequest struct {
	CheckName string
	Resource  iot.ResourceIdentifier
	// Expiration and Indefinitely give the suppression's lifetime: exactly one
	// of a future Expiration or Indefinitely=true [I]. nil: not given.
	Expiration   *time.Time
	Indefinitely *bool
	Description  *string
	// ClientRequestToken identifies a creation: retrying it with the same
	// token and the same request succeeds again; reusing the token for
	// another request is refused [I].
	ClientRequestToken string
}

func (req SuppressionRequest) describes(s iot.AuditSuppression) bool {
	return s.CheckName == req.CheckName && s.Resource.Key() == req.Resource.Key() &&
		s.Indefinitely == (req.Indefinitely != nil && *req.Indefinitely) &&
		(req.Expiration == nil || s.Expiration.Equal(storedTime(*req.Expiration))) &&
		s.Description == deref(req.Description)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// suppressionKey validates a suppression's check and resource.
func (e *Engine) suppressionKey(checkName string, r iot.ResourceIdentifier) error {
	ch, err := e.checks.lookup(checkName)
	if err != nil {
		return err
	}
	return checkResource(ch, r)
}

// CreateAuditSuppression suppresses the findings of a check on a resource. An
// existing suppression of the same check and resource is a conflict unless it
// has expired, when the new one replaces it [I].
func (e *Engine) CreateAuditSuppression(ctx context.Context, account string, req SuppressionRequest) error {
	if err := e.suppressionKey(req.CheckName, req.Resource); err != nil {
		return err
	}
	if req.ClientRequestToken == "" {
		return iot.Errorf(iot.InvalidRequest, "clientRequestToken is required.")
	}
	now := e.clock.Now()
	s := iot.AuditSuppression{CheckName: req.CheckName, Resource: req.Resource, Description: deref(req.Description),
		ClientRequestToken: req.ClientRequestToken}
	if err := setLifetime(&s, req, now); err != nil {
		return err
	}
	if !s.Indefinitely && s.Expiration.IsZero() {
		return iot.Errorf(iot.InvalidRequest, "Give the suppression an expirationDate or set suppressIndefinitely.")
	}
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		byToken, err := tx.AuditSuppressionByToken(ctx, req.ClientRequestToken)
		switch {
		case err == nil && req.describes(byToken):
			return nil // a retry of the request that created it
		case err == nil:
			return iot.Errorf(iot.InvalidRequest, "clientRequestToken %s was used for another audit suppression; each suppression needs its own token.", req.ClientRequestToken)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		existing, err := tx.AuditSuppression(ctx, req.CheckName, req.Resource.Key())
		switch {
		case err == nil && existing.ActiveAt(now):
			return iot.Exists(req.CheckName, "", "An audit suppression of %s for this resource already exists.", req.CheckName)
		case err == nil: // expired: replaced
		case !errors.Is(err, store.ErrNotFound):
			return err
		default:
			n, err := tx.CountAuditSuppressions(ctx)
			if err != nil {
				return err
			}
			if n >= MaxSuppressions {
				return iot.Errorf(iot.LimitExceeded, "The account has %d audit suppressions, the most it may have.", n)
			}
		}
		return tx.PutAuditSuppression(ctx, s)
	})
}

// setLifetime applies the lifetime a request gives to s.
func setLifetime(s *iot.AuditSuppression, req SuppressionRequest, now time.Time) error {
	indefinitely := req.Indefinitely != nil && *req.Indefinitely
	switch {
	case indefinitely && req.Expiration != nil:
		return iot.Errorf(iot.InvalidRequest, "Give either expirationDate or suppressIndefinitely, not both.")
	case indefinitely:
		s.Indefinitely, s.Expiration = true, time.Time{}
	case req.Expiration != nil:
		if !req.Expiration.After(now) {
			return iot.Errorf(iot.InvalidRequest, "expirationDate must be in the future.")
		}
		s.Indefinitely, s.Expiration = false, storedTime(*req.Expiration)
	case req.Indefinitely != nil && s.Indefinitely:
		return iot.Errorf(iot.InvalidRequest, "An indefinite suppression needs an expirationDate to stop being indefinite.")
	}
	return nil
}

// storedTime is t as the store keeps it: UTC, to the millisecond.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// suppressionNotFound is the error of a missing suppression.
func suppressionNotFound(err error, checkName string, r iot.ResourceIdentifier) error {
	return notFound(err, "No audit suppression of %s for resource %s.", checkName, r.Key())
}

// DescribeAuditSuppression returns a suppression, expired or not.
func (e *Engine) DescribeAuditSuppression(ctx context.Context, account, checkName string, r iot.ResourceIdentifier) (iot.AuditSuppression, error) {
	if err := e.suppressionKey(checkName, r); err != nil {
		return iot.AuditSuppression{}, err
	}
	var s iot.AuditSuppression
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		s, err = tx.AuditSuppression(ctx, checkName, r.Key())
		return suppressionNotFound(err, checkName, r)
	})
	return s, err
}

// UpdateAuditSuppression changes a suppression's lifetime or description; the
// parts the request does not give are kept.
func (e *Engine) UpdateAuditSuppression(ctx context.Context, account string, req SuppressionRequest) error {
	if err := e.suppressionKey(req.CheckName, req.Resource); err != nil {
		return err
	}
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		s, err := tx.AuditSuppression(ctx, req.CheckName, req.Resource.Key())
		if err != nil {
			return suppressionNotFound(err, req.CheckName, req.Resource)
		}
		if err := setLifetime(&s, req, e.clock.Now()); err != nil {
			return err
		}
		if req.Description != nil {
			s.Description = *req.Description
		}
		return tx.PutAuditSuppression(ctx, s)
	})
}

// DeleteAuditSuppression deletes a suppression; deleting one that does not
// exist succeeds [I].
func (e *Engine) DeleteAuditSuppression(ctx context.Context, account, checkName string, r iot.ResourceIdentifier) error {
	if err := e.suppressionKey(checkName, r); err != nil {
		return err
	}
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		err := tx.DeleteAuditSuppression(ctx, checkName, r.Key())
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

// ListSuppressionsRequest is a ListAuditSuppressions request.
type ListSuppressionsRequest struct {
	ListRequest
	CheckName string
	Resource  *iot.ResourceIdentifier
	// Descending lists the latest expiration first; indefinite suppressions
	// count as expiring after every date [I].
	Descending bool
}

// ListAuditSuppressions lists suppressions, expired ones included, by
// expiration date.
func (e *Engine) ListAuditSuppressions(ctx context.Context, account string, req ListSuppressionsRequest) ([]iot.AuditSuppression, string, error) {
	f := store.AuditSuppressionFilter{CheckName: req.CheckName, Descending: req.Descending}
	var err error
	if f.ResourceKey, err = e.filterKey(req.CheckName, req.Resource); err != nil {
		return nil, "", err
	}
	scope := fmt.Sprintf("audit-suppressions/%s/%s/%t", f.CheckName, f.ResourceKey, f.Descending)
	return listPage(ctx, e, account, scope, req.ListRequest,
		func(tx store.ReadTx, p store.Page) ([]iot.AuditSuppression, bool, error) {
			return tx.AuditSuppressions(ctx, f, p)
		},
		store.AuditSuppressionKey)
}
