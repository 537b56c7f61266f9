package sqlite

import (
	"context"
	"database/sql"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func (t *tx) PutThingPrincipal(_ context.Context, p iot.ThingPrincipal) error {
	_, err := t.exec(`INSERT INTO thing_principals (account_id, thing_name, principal, type, attached_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account_id, thing_name, principal) DO UPDATE SET type = excluded.type`,
		t.account, p.ThingName, p.Principal, string(p.Type), p.AttachedAt.UnixMilli())
	return err
}

func (t *tx) DeleteThingPrincipal(_ context.Context, thing, principal string) error {
	res, err := t.exec(`DELETE FROM thing_principals WHERE account_id = ? AND thing_name = ? AND principal = ?`,
		t.account, thing, principal)
	return affected(res, err)
}

func (t *tx) ThingPrincipal(_ context.Context, thing, principal string) (iot.ThingPrincipal, error) {
	p, err := scanThingPrincipal(t.queryRow(`SELECT thing_name, principal, type, attached_at FROM thing_principals
		WHERE account_id = ? AND thing_name = ? AND principal = ?`, t.account, thing, principal))
	return p, notFound(err)
}

func (t *tx) ThingPrincipals(ctx context.Context, thing string, typ iot.ThingPrincipalType, p store.Page) ([]iot.ThingPrincipal, bool, error) {
	return t.thingPrincipals(ctx, `SELECT thing_name, principal, type, attached_at FROM thing_principals
		WHERE account_id = ? AND thing_name = ? AND principal > ? AND (? = '' OR type = ?) ORDER BY principal LIMIT ?`,
		thing, typ, p)
}

func (t *tx) PrincipalThings(ctx context.Context, principal string, typ iot.ThingPrincipalType, p store.Page) ([]iot.ThingPrincipal, bool, error) {
	return t.thingPrincipals(ctx, `SELECT thing_name, principal, type, attached_at FROM thing_principals
		WHERE account_id = ? AND principal = ? AND thing_name > ? AND (? = '' OR type = ?) ORDER BY thing_name LIMIT ?`,
		principal, typ, p)
}

// thingPrincipals runs one of the two listings: key is the thing or the
// principal the listing is about.
func (t *tx) thingPrincipals(ctx context.Context, query, key string, typ iot.ThingPrincipalType, p store.Page) ([]iot.ThingPrincipal, bool, error) {
	ps, err := auditCollect(ctx, t, func(rows *sql.Rows) (iot.ThingPrincipal, error) { return scanThingPrincipal(rows) },
		query, t.account, key, p.After, string(typ), string(typ), p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	ps, more := trimPage(ps, p.Limit)
	return ps, more, nil
}

func scanThingPrincipal(row certRowScanner) (iot.ThingPrincipal, error) {
	var p iot.ThingPrincipal
	var typ string
	var attached int64
	if err := row.Scan(&p.ThingName, &p.Principal, &typ, &attached); err != nil {
		return iot.ThingPrincipal{}, err
	}
	p.Type = iot.ThingPrincipalType(typ)
	p.AttachedAt = certTime(attached)
	return p, nil
}
