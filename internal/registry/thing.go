package registry

import (
	"context"
	"errors"
	"maps"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// defaultThingPageSize is the page size of the thing family's listings when the
// request names none. AWS does not document it [inferred].
const defaultThingPageSize = 50

// thingARN, thingTypeARN and thingGroupARN return the ARNs of the family's
// resources.
func (r *Registry) thingARN(account, name string) string { return r.arn(account, "thing/"+name) }

func (r *Registry) thingTypeARN(account, name string) string {
	return r.arn(account, "thingtype/"+name)
}

func (r *Registry) thingGroupARN(account, name string) string {
	return r.arn(account, "thinggroup/"+name)
}

// CreateThingRequest is the input of CreateThing.
type CreateThingRequest struct {
	Name       string
	TypeName   string // "" for none
	Attributes map[string]string
	// BillingGroup names a billing group to add the thing to; iotdefender has
	// no billing groups, so a name here is always refused as not found.
	BillingGroup string
}

// CreateThing creates a thing. Creating a thing that exists with the same type
// and attributes returns it unchanged, as AWS does; with others it is refused.
func (r *Registry) CreateThing(ctx context.Context, account string, req CreateThingRequest) (iot.Thing, error) {
	attrs := iot.MergeAttributes(nil, req.Attributes, false)
	if err := checkThingAttributes(req.Name, req.TypeName, attrs); err != nil {
		return iot.Thing{}, err
	}
	var out iot.Thing
	err := r.update(ctx, account, func(tx store.Tx) error {
		if req.TypeName != "" {
			tt, err := tx.ThingType(ctx, req.TypeName)
			if err != nil {
				return notFound(err, "Thing type %s does not exist.", req.TypeName)
			}
			if tt.Deprecated {
				// AWS's own message, typo included.
				return iot.Errorf(iot.InvalidRequest, "Can not create new thing with depreated thing type:%s", req.TypeName)
			}
		}
		if req.BillingGroup != "" {
			return iot.Errorf(iot.NotFound, "Billing group %s does not exist.", req.BillingGroup)
		}
		existing, err := tx.Thing(ctx, req.Name)
		switch {
		case err == nil:
			if existing.TypeName != req.TypeName || !maps.Equal(existing.Attributes, attrs) {
				return iot.Exists(existing.ID, r.thingARN(account, req.Name),
					"Thing %s already exists in account with different attributes", req.Name)
			}
			out = existing
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		out = iot.Thing{
			Name: req.Name, ID: r.ids.UUID(), TypeName: req.TypeName, Attributes: attrs,
			Version: 1, CreatedAt: r.clock.Now(),
		}
		return tx.PutThing(ctx, out)
	})
	if err != nil {
		return iot.Thing{}, err
	}
	out.ARN = r.thingARN(account, out.Name)
	return out, nil
}

// checkThingAttributes enforces the attribute limit of a thing: fewer without a
// thing type than with one.
func checkThingAttributes(name, typeName string, attrs map[string]string) error {
	if typeName == "" && len(attrs) > iot.MaxAttributesUntyped {
		return iot.Errorf(iot.InvalidRequest,
			"Thing %s would have %d attributes; a thing without a thing type can have at most %d (give it a thing type for up to %d).",
			name, len(attrs), iot.MaxAttributesUntyped, iot.MaxAttributesTyped)
	}
	if len(attrs) > iot.MaxAttributesTyped {
		return iot.Errorf(iot.InvalidRequest, "Thing %s would have %d attributes; a thing can have at most %d.",
			name, len(attrs), iot.MaxAttributesTyped)
	}
	return nil
}

// DescribeThing returns a thing.
func (r *Registry) DescribeThing(ctx context.Context, account, name string) (iot.Thing, error) {
	var out iot.Thing
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		out, err = tx.Thing(ctx, name)
		return notFound(err, "Thing %s does not exist.", name)
	})
	if err != nil {
		return iot.Thing{}, err
	}
	out.ARN = r.thingARN(account, name)
	return out, nil
}

// UpdateThingRequest is the input of UpdateThing.
type UpdateThingRequest struct {
	Name string
	// TypeName, when not "", gives the thing this type; RemoveType takes its type
	// away. They exclude each other.
	TypeName   string
	RemoveType bool
	// Attributes, when SetAttributes, is applied to the thing's attributes:
	// merged into them with Merge, replacing them without. An empty value
	// removes an attribute.
	SetAttributes bool
	Attributes    map[string]string
	Merge         bool
	// ExpectedVersion, when not nil, must be the thing's current version.
	ExpectedVersion *int64
}

// UpdateThing changes a thing's type or attributes, and its version by one.
func (r *Registry) UpdateThing(ctx context.Context, account string, req UpdateThingRequest) error {
	if req.RemoveType && req.TypeName != "" {
		return iot.Errorf(iot.InvalidRequest, "Give either thingTypeName or removeThingType, not both.")
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		th, err := tx.Thing(ctx, req.Name)
		if err != nil {
			return notFound(err, "Thing %s does not exist.", req.Name)
		}
		if req.ExpectedVersion != nil && *req.ExpectedVersion != th.Version {
			return iot.Errorf(iot.VersionConflict,
				"The version of thing %s is %d, not the expected version %d.", req.Name, th.Version, *req.ExpectedVersion)
		}
		switch {
		case req.RemoveType:
			th.TypeName = ""
		case req.TypeName != "" && req.TypeName != th.TypeName:
			tt, err := tx.ThingType(ctx, req.TypeName)
			if err != nil {
				return notFound(err, "Thing type %s does not exist.", req.TypeName)
			}
			if tt.Deprecated {
				return iot.Errorf(iot.InvalidRequest, "Can not update a thing to use deprecated thing type: %s", req.TypeName)
			}
			th.TypeName = req.TypeName
		}
		if req.SetAttributes {
			th.Attributes = iot.MergeAttributes(th.Attributes, req.Attributes, req.Merge)
		}
		if err := checkThingAttributes(th.Name, th.TypeName, th.Attributes); err != nil {
			return err
		}
		th.Version++
		return tx.PutThing(ctx, th)
	})
}

// DeleteThing deletes a thing and its group memberships. Deleting a thing that
// does not exist succeeds, as AWS documents.
func (r *Registry) DeleteThing(ctx context.Context, account, name string, expectedVersion *int64) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		th, err := tx.Thing(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if expectedVersion != nil && *expectedVersion != th.Version {
			return iot.Errorf(iot.VersionConflict,
				"The version of thing %s is %d, not the expected version %d.", name, th.Version, *expectedVersion)
		}
		if err := checkNoThingPrincipals(ctx, tx, name); err != nil {
			return err
		}
		return tx.DeleteThing(ctx, name)
	})
}

// ListThingsRequest is the input of ListThings.
type ListThingsRequest struct {
	ListRequest
	TypeName string
	// AttributeName keeps the things that have the attribute; with
	// AttributeValue, those whose value equals it (starts with it, with
	// ValuePrefix).
	AttributeName  string
	AttributeValue string
	ValuePrefix    bool
}

// ListThings lists things by name, a page at a time; it returns the page and the
// token of the next one ("" at the end).
func (r *Registry) ListThings(ctx context.Context, account string, req ListThingsRequest) ([]iot.Thing, string, error) {
	if req.AttributeValue != "" && req.AttributeName == "" {
		return nil, "", iot.Errorf(iot.InvalidRequest, "attributeValue needs attributeName: name the attribute to match.")
	}
	f := store.ThingFilter{TypeName: req.TypeName, AttributeName: req.AttributeName, AttributeValue: req.AttributeValue, ValuePrefix: req.ValuePrefix}
	scope := "things\x00" + f.TypeName + "\x00" + f.AttributeName + "\x00" + f.AttributeValue
	if f.ValuePrefix {
		scope += "\x00prefix"
	}
	p, err := r.page(account, scope, req.ListRequest, defaultThingPageSize)
	if err != nil {
		return nil, "", err
	}
	var things []iot.Thing
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		things, more, err = tx.Things(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	for i := range things {
		things[i].ARN = r.thingARN(account, things[i].Name)
	}
	var last string
	if len(things) > 0 {
		last = things[len(things)-1].Name
	}
	return things, r.nextToken(account, scope, more, last), nil
}
