package registry

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// defaultPrincipalPageSize is the page size of the principal listings when the
// request names none: 25, as for the certificate listings [inferred].
const defaultPrincipalPageSize = 25

// A principal is a certificate, named by its ARN, or an Amazon Cognito
// identity, named by its id (region:uuid).
var (
	certificateARNPattern  = regexp.MustCompile(`^arn:aws:iot:([a-z0-9-]+):([0-9]{12}):cert/([0-9a-fA-F]{64})$`)
	cognitoIdentityPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// resolvePrincipal returns the canonical form of a principal of the account: a
// certificate's ARN, which must name one of its certificates, or a Cognito
// identity id, taken as it is.
func (r *Registry) resolvePrincipal(ctx context.Context, tx store.ReadTx, principal string) (string, error) {
	if cognitoIdentityPattern.MatchString(principal) {
		return principal, nil
	}
	m := certificateARNPattern.FindStringSubmatch(principal)
	if m == nil {
		return "", iot.Errorf(iot.InvalidRequest,
			"The principal %q is neither a certificate ARN (arn:aws:iot:region:account:cert/id) nor an Amazon Cognito identity id.", principal)
	}
	region, account, id := m[1], m[2], strings.ToLower(m[3])
	if region != r.region || account != tx.Account() {
		return "", iot.Errorf(iot.NotFound, "The principal %s is not a certificate of this account and region.", principal)
	}
	if _, err := tx.Certificate(ctx, id); err != nil {
		return "", notFound(err, "Certificate %s does not exist.", id)
	}
	return r.certificateARN(tx.Account(), id), nil
}

// AttachThingPrincipal attaches a principal to an existing thing. An EXCLUSIVE_THING
// attachment requires the principal to be attached to no other thing, and a
// principal attached exclusively to a thing cannot be attached to another.
// Attaching again changes the type of the attachment.
func (r *Registry) AttachThingPrincipal(ctx context.Context, account, thing, principal string, typ iot.ThingPrincipalType) error {
	if typ == "" {
		typ = iot.ThingPrincipalNonExclusive
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		principal, err := r.resolvePrincipal(ctx, tx, principal)
		if err != nil {
			return err
		}
		// Up to two attachments: enough to see whether one is to another thing.
		others, _, err := tx.PrincipalThings(ctx, principal, "", store.Page{Limit: 2})
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ThingName == thing {
				continue
			}
			if typ == iot.ThingPrincipalExclusive {
				return iot.Errorf(iot.InvalidRequest,
					"The principal %s is attached to thing %s: it can be attached exclusively to %s only once detached from every other thing.", principal, o.ThingName, thing)
			}
			if o.Type == iot.ThingPrincipalExclusive {
				return iot.Errorf(iot.InvalidRequest,
					"The principal %s is attached exclusively to thing %s: detach it from %s first.", principal, o.ThingName, o.ThingName)
			}
		}
		return tx.PutThingPrincipal(ctx, iot.ThingPrincipal{ThingName: thing, Principal: principal, Type: typ, AttachedAt: r.certificateNow()})
	})
}

// DetachThingPrincipal detaches a principal from a thing; detaching a principal
// that is not attached succeeds [inferred].
func (r *Registry) DetachThingPrincipal(ctx context.Context, account, thing, principal string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		principal, err := r.resolvePrincipal(ctx, tx, principal)
		if err != nil {
			return err
		}
		if err := tx.DeleteThingPrincipal(ctx, thing, principal); !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
}

// ListThingPrincipals lists the principals attached to an existing thing, by
// principal; typ "" lists every type.
func (r *Registry) ListThingPrincipals(ctx context.Context, account, thing string, typ iot.ThingPrincipalType, req ListRequest) ([]iot.ThingPrincipal, string, error) {
	scope := "thingprincipals/" + string(typ) + "/" + thing
	p, err := r.page(account, scope, req, defaultPrincipalPageSize)
	if err != nil {
		return nil, "", err
	}
	var ps []iot.ThingPrincipal
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) (err error) {
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		ps, more, err = tx.ThingPrincipals(ctx, thing, typ, p)
		return err
	})
	if err != nil || len(ps) == 0 {
		return nil, "", err
	}
	return ps, r.nextToken(account, scope, more, ps[len(ps)-1].Principal), nil
}

// ListPrincipalThings lists the things a principal is attached to, by thing
// name; typ "" lists every type.
func (r *Registry) ListPrincipalThings(ctx context.Context, account, principal string, typ iot.ThingPrincipalType, req ListRequest) ([]iot.ThingPrincipal, string, error) {
	var ps []iot.ThingPrincipal
	var more bool
	var scope string
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		principal, err := r.resolvePrincipal(ctx, tx, principal)
		if err != nil {
			return err
		}
		scope = "principalthings/" + string(typ) + "/" + principal
		p, err := r.page(account, scope, req, defaultPrincipalPageSize)
		if err != nil {
			return err
		}
		ps, more, err = tx.PrincipalThings(ctx, principal, typ, p)
		return err
	})
	if err != nil || len(ps) == 0 {
		return nil, "", err
	}
	return ps, r.nextToken(account, scope, more, ps[len(ps)-1].ThingName), nil
}
