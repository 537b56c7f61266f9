package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The thing family: things, thing types, static thing groups, membership.

// thingPrefixEnd is a string greater than every name or attribute value that starts
// with the prefix it follows: names and values are ASCII below DEL.
const thingPrefixEnd = "\x7f"

// ms and thingTime convert timestamps to and from the stored unix milliseconds.
func thingMS(t time.Time) int64 { return t.UnixMilli() }

func thingTime(v int64) time.Time { return time.UnixMilli(v).UTC() }

func encodeThingAttributes(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

func decodeThingAttributes(s string) (map[string]string, error) {
	if s == "{}" || s == "" {
		return map[string]string{}, nil
	}
	// Listings decode one object per row: read json.Marshal's compact form of a
	// flat string map directly, and leave anything with an escape to encoding/json.
	if strings.IndexByte(s, '\\') < 0 {
		if m, ok := parseFlatJSONObject(s); ok {
			return m, nil
		}
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("sqlite: stored attributes: %w", err)
	}
	return m, nil
}

// parseFlatJSONObject parses {"k":"v",...} as json.Marshal writes a
// map[string]string without escapes: no spaces, every value a string. ok=false
// for anything else.
func parseFlatJSONObject(s string) (m map[string]string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	m = make(map[string]string, strings.Count(s, ":"))
	i := 1
	str := func() (string, bool) {
		if i >= len(s) || s[i] != '"' {
			return "", false
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return "", false
		}
		v := s[i+1 : i+1+end]
		i += end + 2
		return v, true
	}
	for {
		k, ok := str()
		if !ok || i >= len(s) || s[i] != ':' {
			return nil, false
		}
		i++
		v, ok := str()
		if !ok || i >= len(s) {
			return nil, false
		}
		m[k] = v
		switch s[i] {
		case ',':
			i++
		case '}':
			return m, i == len(s)-1
		default:
			return nil, false
		}
	}
}

// ---- things

const thingColumns = `name, id, type_name, attributes, version, created_at`

func scanThing(sc interface{ Scan(...any) error }) (iot.Thing, error) {
	var t iot.Thing
	var typeName sql.NullString
	var attrs string
	var created int64
	if err := sc.Scan(&t.Name, &t.ID, &typeName, &attrs, &t.Version, &created); err != nil {
		return iot.Thing{}, err
	}
	t.TypeName = typeName.String
	t.CreatedAt = thingTime(created)
	var err error
	t.Attributes, err = decodeThingAttributes(attrs)
	return t, err
}

func (t *tx) Thing(ctx context.Context, name string) (iot.Thing, error) {
	row := t.queryRow(`SELECT `+thingColumns+` FROM things WHERE account_id = ? AND name = ?`, t.account, name)
	th, err := scanThing(row)
	return th, notFound(err)
}

func (t *tx) Things(ctx context.Context, f store.ThingFilter, p store.Page) ([]iot.Thing, bool, error) {
	var q strings.Builder
	args := []any{t.account}
	if f.AttributeName == "" {
		q.WriteString(`SELECT ` + thingColumns + ` FROM things WHERE account_id = ?`)
	} else {
		q.WriteString(`SELECT t.name, t.id, t.type_name, t.attributes, t.version, t.created_at
			FROM thing_attributes a JOIN things t ON t.account_id = a.account_id AND t.name = a.thing_name
			WHERE a.account_id = ? AND a.name = ?`)
		args = append(args, f.AttributeName)
		switch {
		case f.AttributeValue == "":
		case f.ValuePrefix:
			q.WriteString(` AND a.value >= ? AND a.value < ?`)
			args = append(args, f.AttributeValue, f.AttributeValue+thingPrefixEnd)
		default:
			q.WriteString(` AND a.value = ?`)
			args = append(args, f.AttributeValue)
		}
	}
	if f.TypeName != "" {
		q.WriteString(` AND type_name = ?`)
		args = append(args, f.TypeName)
	}
	if p.After != "" {
		if f.AttributeName == "" {
			q.WriteString(` AND name > ?`)
		} else {
			q.WriteString(` AND a.thing_name > ?`)
		}
		args = append(args, p.After)
	}
	if f.AttributeName == "" {
		q.WriteString(` ORDER BY name LIMIT ?`)
	} else {
		q.WriteString(` ORDER BY a.thing_name LIMIT ?`)
	}
	args = append(args, p.Limit+1)
	rows, err := t.query(q.String(), args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := make([]iot.Thing, 0, min(p.Limit+1, 256))
	for rows.Next() {
		th, err := scanThing(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, th)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, p.Limit)
	return out, more, nil
}

func (t *tx) ThingTypeInUse(ctx context.Context, typeName string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM things WHERE account_id = ? AND type_name = ?)`, t.account, typeName).Scan(&n)
	return n == 1, err
}

func (t *tx) PutThing(ctx context.Context, th iot.Thing) error {
	attrs, err := encodeThingAttributes(th.Attributes)
	if err != nil {
		return err
	}
	var typeName any
	if th.TypeName != "" {
		typeName = th.TypeName
	}
	_, err = t.exec(`INSERT INTO things (account_id, `+thingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET id = excluded.id, type_name = excluded.type_name,
			attributes = excluded.attributes, version = excluded.version, created_at = excluded.created_at`,
		t.account, th.Name, th.ID, typeName, attrs, th.Version, thingMS(th.CreatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: put thing %s: %w", th.Name, err)
	}
	// The attribute index rows: replaced whole (a thing has at most 50).
	if _, err := t.exec(`DELETE FROM thing_attributes WHERE account_id = ? AND thing_name = ?`, t.account, th.Name); err != nil {
		return err
	}
	for k, v := range th.Attributes {
		if _, err := t.exec(`INSERT INTO thing_attributes (account_id, thing_name, name, value) VALUES (?, ?, ?, ?)`,
			t.account, th.Name, k, v); err != nil {
			return fmt.Errorf("sqlite: put thing %s: attribute %s: %w", th.Name, k, err)
		}
	}
	return nil
}

func (t *tx) DeleteThing(ctx context.Context, name string) error {
	return affected(t.exec(`DELETE FROM things WHERE account_id = ? AND name = ?`, t.account, name))
}

// ---- thing types

const thingTypeColumns = `name, id, description, searchable_attributes, propagating_attributes, deprecated, deprecated_at, created_at`

// propagatingJSON is the stored form of an iot.PropagatingAttribute.
type propagatingJSON struct {
	UserPropertyKey     string `json:"userPropertyKey,omitempty"`
	ThingAttribute      string `json:"thingAttribute,omitempty"`
	ConnectionAttribute string `json:"connectionAttribute,omitempty"`
}

func scanThingType(sc interface{ Scan(...any) error }) (iot.ThingType, error) {
	var tt iot.ThingType
	var searchable, propagating string
	var deprecated int
	var deprecatedAt sql.NullInt64
	var created int64
	if err := sc.Scan(&tt.Name, &tt.ID, &tt.Description, &searchable, &propagating, &deprecated, &deprecatedAt, &created); err != nil {
		return iot.ThingType{}, err
	}
	tt.Deprecated = deprecated != 0
	if deprecatedAt.Valid {
		tt.DeprecatedAt = thingTime(deprecatedAt.Int64)
	}
	tt.CreatedAt = thingTime(created)
	if err := json.Unmarshal([]byte(searchable), &tt.SearchableAttributes); err != nil {
		return iot.ThingType{}, fmt.Errorf("sqlite: thing type %s: searchable attributes: %w", tt.Name, err)
	}
	var props []propagatingJSON
	if err := json.Unmarshal([]byte(propagating), &props); err != nil {
		return iot.ThingType{}, fmt.Errorf("sqlite: thing type %s: propagating attributes: %w", tt.Name, err)
	}
	for _, p := range props {
		tt.PropagatingAttributes = append(tt.PropagatingAttributes, iot.PropagatingAttribute(p))
	}
	return tt, nil
}

func (t *tx) ThingType(ctx context.Context, name string) (iot.ThingType, error) {
	row := t.queryRow(`SELECT `+thingTypeColumns+` FROM thing_types WHERE account_id = ? AND name = ?`, t.account, name)
	tt, err := scanThingType(row)
	return tt, notFound(err)
}

func (t *tx) ThingTypes(ctx context.Context, namePrefix string, p store.Page) ([]iot.ThingType, bool, error) {
	q := `SELECT ` + thingTypeColumns + ` FROM thing_types WHERE account_id = ? AND name > ?`
	args := []any{t.account, p.After}
	if namePrefix != "" {
		q += ` AND name >= ? AND name < ?`
		args = append(args, namePrefix, namePrefix+thingPrefixEnd)
	}
	q += ` ORDER BY name LIMIT ?`
	args = append(args, p.Limit+1)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []iot.ThingType
	for rows.Next() {
		tt, err := scanThingType(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, tt)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, p.Limit)
	return out, more, nil
}

func (t *tx) PutThingType(ctx context.Context, tt iot.ThingType) error {
	searchable := tt.SearchableAttributes
	if searchable == nil {
		searchable = []string{}
	}
	sb, err := json.Marshal(searchable)
	if err != nil {
		return err
	}
	props := make([]propagatingJSON, 0, len(tt.PropagatingAttributes))
	for _, p := range tt.PropagatingAttributes {
		props = append(props, propagatingJSON(p))
	}
	pb, err := json.Marshal(props)
	if err != nil {
		return err
	}
	var deprecatedAt any
	if !tt.DeprecatedAt.IsZero() {
		deprecatedAt = thingMS(tt.DeprecatedAt)
	}
	deprecated := 0
	if tt.Deprecated {
		deprecated = 1
	}
	_, err = t.exec(`INSERT INTO thing_types (account_id, `+thingTypeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET id = excluded.id, description = excluded.description,
			searchable_attributes = excluded.searchable_attributes, propagating_attributes = excluded.propagating_attributes,
			deprecated = excluded.deprecated, deprecated_at = excluded.deprecated_at, created_at = excluded.created_at`,
		t.account, tt.Name, tt.ID, tt.Description, string(sb), string(pb), deprecated, deprecatedAt, thingMS(tt.CreatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: put thing type %s: %w", tt.Name, err)
	}
	return nil
}

func (t *tx) DeleteThingType(ctx context.Context, name string) error {
	return affected(t.exec(`DELETE FROM thing_types WHERE account_id = ? AND name = ?`, t.account, name))
}

// ---- thing groups

const thingGroupColumns = `name, id, parent_name, path, description, attributes, version, created_at`

// groupPath returns the stored path of a group: '/a/b/name/'.
func groupPath(ancestors []string, name string) string {
	var b strings.Builder
	b.WriteByte('/')
	for _, a := range ancestors {
		b.WriteString(a)
		b.WriteByte('/')
	}
	b.WriteString(name)
	b.WriteByte('/')
	return b.String()
}

// pathAncestors returns the ancestors a stored path names.
func pathAncestors(path string) []string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	return parts[:len(parts)-1]
}

// descendantsEnd is the upper bound (exclusive) of the paths below path: path
// ends in '/', and '0' follows '/'.
func descendantsEnd(path string) string { return path[:len(path)-1] + "0" }

func scanThingGroup(sc interface{ Scan(...any) error }) (iot.ThingGroup, error) {
	var g iot.ThingGroup
	var parent sql.NullString
	var path, attrs string
	var created int64
	if err := sc.Scan(&g.Name, &g.ID, &parent, &path, &g.Description, &attrs, &g.Version, &created); err != nil {
		return iot.ThingGroup{}, err
	}
	g.Parent = parent.String
	g.Ancestors = pathAncestors(path)
	g.CreatedAt = thingTime(created)
	var err error
	g.Attributes, err = decodeThingAttributes(attrs)
	return g, err
}

func (t *tx) ThingGroup(ctx context.Context, name string) (iot.ThingGroup, error) {
	row := t.queryRow(`SELECT `+thingGroupColumns+` FROM thing_groups WHERE account_id = ? AND name = ?`, t.account, name)
	g, err := scanThingGroup(row)
	return g, notFound(err)
}

func (t *tx) queryGroups(ctx context.Context, p store.Page, q string, args ...any) ([]iot.ThingGroup, bool, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []iot.ThingGroup
	for rows.Next() {
		g, err := scanThingGroup(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, p.Limit)
	return out, more, nil
}

func (t *tx) ThingGroups(ctx context.Context, f store.ThingGroupFilter, p store.Page) ([]iot.ThingGroup, bool, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + thingGroupColumns + ` FROM thing_groups WHERE account_id = ? AND name > ?`)
	args := []any{t.account, p.After}
	switch {
	case f.Under == "" && f.Direct:
		q.WriteString(` AND parent_name IS NULL`)
	case f.Under == "":
	case f.Direct:
		q.WriteString(` AND parent_name = ?`)
		args = append(args, f.Under)
	default:
		parent, err := t.ThingGroup(ctx, f.Under)
		if err != nil {
			return nil, false, err
		}
		path := groupPath(parent.Ancestors, parent.Name)
		q.WriteString(` AND path > ? AND path < ?`)
		args = append(args, path, descendantsEnd(path))
	}
	if f.NamePrefix != "" {
		q.WriteString(` AND name >= ? AND name < ?`)
		args = append(args, f.NamePrefix, f.NamePrefix+thingPrefixEnd)
	}
	q.WriteString(` ORDER BY name LIMIT ?`)
	args = append(args, p.Limit+1)
	return t.queryGroups(ctx, p, q.String(), args...)
}

func (t *tx) HasChildGroups(ctx context.Context, name string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM thing_groups WHERE account_id = ? AND parent_name = ?)`, t.account, name).Scan(&n)
	return n == 1, err
}

func (t *tx) GroupsOfThing(ctx context.Context, thing string, p store.Page) ([]iot.ThingGroup, bool, error) {
	return t.queryGroups(ctx, p, `SELECT g.name, g.id, g.parent_name, g.path, g.description, g.attributes, g.version, g.created_at
		FROM thing_group_members m JOIN thing_groups g ON g.account_id = m.account_id AND g.name = m.group_name
		WHERE m.account_id = ? AND m.thing_name = ? AND m.group_name > ?
		ORDER BY m.group_name LIMIT ?`, t.account, thing, p.After, p.Limit+1)
}

func (t *tx) ThingsInGroup(ctx context.Context, group string, recursive bool, p store.Page) ([]string, bool, error) {
	var rows *sql.Rows
	var err error
	if !recursive {
		rows, err = t.query(`SELECT thing_name FROM thing_group_members
			WHERE account_id = ? AND group_name = ? AND thing_name > ? ORDER BY thing_name LIMIT ?`,
			t.account, group, p.After, p.Limit+1)
	} else {
		g, gerr := t.ThingGroup(ctx, group)
		if gerr != nil {
			return nil, false, gerr
		}
		path := groupPath(g.Ancestors, g.Name)
		rows, err = t.query(`SELECT DISTINCT m.thing_name
			FROM thing_groups g JOIN thing_group_members m ON m.account_id = g.account_id AND m.group_name = g.name
			WHERE g.account_id = ? AND g.path >= ? AND g.path < ? AND m.thing_name > ?
			ORDER BY m.thing_name LIMIT ?`,
			t.account, path, descendantsEnd(path), p.After, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, false, err
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, p.Limit)
	return out, more, nil
}

func (t *tx) PutThingGroup(ctx context.Context, g iot.ThingGroup) error {
	attrs, err := encodeThingAttributes(g.Attributes)
	if err != nil {
		return err
	}
	var parent any
	if g.Parent != "" {
		parent = g.Parent
	}
	_, err = t.exec(`INSERT INTO thing_groups (account_id, `+thingGroupColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET id = excluded.id, description = excluded.description,
			attributes = excluded.attributes, version = excluded.version, created_at = excluded.created_at`,
		t.account, g.Name, g.ID, parent, groupPath(g.Ancestors, g.Name), g.Description, attrs, g.Version, thingMS(g.CreatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: put thing group %s: %w", g.Name, err)
	}
	return nil
}

func (t *tx) DeleteThingGroup(ctx context.Context, name string) error {
	return affected(t.exec(`DELETE FROM thing_groups WHERE account_id = ? AND name = ?`, t.account, name))
}

func (t *tx) AddThingToGroup(ctx context.Context, group, thing string, at time.Time) error {
	_, err := t.exec(`INSERT INTO thing_group_members (account_id, group_name, thing_name, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, t.account, group, thing, thingMS(at))
	if err != nil {
		return fmt.Errorf("sqlite: add thing %s to group %s: %w", thing, group, err)
	}
	return nil
}

func (t *tx) RemoveThingFromGroup(ctx context.Context, group, thing string) error {
	_, err := t.exec(`DELETE FROM thing_group_members WHERE account_id = ? AND group_name = ? AND thing_name = ?`,
		t.account, group, thing)
	return err
}
