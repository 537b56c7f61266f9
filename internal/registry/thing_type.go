package registry

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ThingTypeProperties are what a thing type describes. In an update, a nil
// field is left as it is.
type ThingTypeProperties struct {
	Description           *string
	SearchableAttributes  []string // nil: unchanged in an update
	PropagatingAttributes []iot.PropagatingAttribute
	// SetPropagating says PropagatingAttributes was given (an MQTT5
	// configuration, possibly empty).
	SetPropagating bool
}

// CreateThingTypeRequest is the input of CreateThingType.
type CreateThingTypeRequest struct {
	Name       string
	Properties ThingTypeProperties
	Tags       []iot.Tag
}

// apply sets the given properties on tt.
func (p ThingTypeProperties) apply(tt *iot.ThingType) {
	if p.Description != nil {
		tt.Description = *p.Description
	}
	if p.SearchableAttributes != nil {
		tt.SearchableAttributes = slices.Clone(p.SearchableAttributes)
	}
	if p.SetPropagating {
		tt.PropagatingAttributes = slices.Clone(p.PropagatingAttributes)
	}
}

func checkThingTypeProperties(name string, tt iot.ThingType) error {
	if len(tt.SearchableAttributes) > iot.MaxSearchableAttributes {
		return iot.Errorf(iot.InvalidRequest, "Thing type %s has %d searchable attributes; a thing type can have at most %d.",
			name, len(tt.SearchableAttributes), iot.MaxSearchableAttributes)
	}
	for i, a := range tt.SearchableAttributes {
		if a == "" {
			return iot.Errorf(iot.InvalidRequest, "Searchable attribute %d of thing type %s is empty.", i+1, name)
		}
		if slices.Contains(tt.SearchableAttributes[:i], a) {
			return iot.Errorf(iot.InvalidRequest, "Searchable attribute %s of thing type %s is given twice.", a, name)
		}
	}
	keys := map[string]bool{}
	for i, p := range tt.PropagatingAttributes {
		if p.UserPropertyKey == "" {
			return iot.Errorf(iot.InvalidRequest, "Propagating attribute %d of thing type %s needs a userPropertyKey.", i+1, name)
		}
		if p.ThingAttribute == "" && p.ConnectionAttribute == "" {
			return iot.Errorf(iot.InvalidRequest, "Propagating attribute %s of thing type %s needs a thingAttribute or a connectionAttribute.",
				p.UserPropertyKey, name)
		}
		if keys[p.UserPropertyKey] {
			return iot.Errorf(iot.InvalidRequest, "Propagating attribute %s of thing type %s is given twice.", p.UserPropertyKey, name)
		}
		keys[p.UserPropertyKey] = true
	}
	return nil
}

// sameThingTypeProperties reports whether two types describe the same thing.
func sameThingTypeProperties(a, b iot.ThingType) bool {
	return a.Description == b.Description &&
		slices.Equal(a.SearchableAttributes, b.SearchableAttributes) &&
		slices.Equal(a.PropagatingAttributes, b.PropagatingAttributes)
}

// CreateThingType creates a thing type. Creating one that exists with the same
// properties returns it unchanged; with others it is refused.
func (r *Registry) CreateThingType(ctx context.Context, account string, req CreateThingTypeRequest) (iot.ThingType, error) {
	tt := iot.ThingType{Name: req.Name}
	req.Properties.apply(&tt)
	if err := checkThingTypeProperties(req.Name, tt); err != nil {
		return iot.ThingType{}, err
	}
	if err := checkTags(req.Tags); err != nil {
		return iot.ThingType{}, err
	}
	arn := r.thingTypeARN(account, req.Name)
	err := r.update(ctx, account, func(tx store.Tx) error {
		existing, err := tx.ThingType(ctx, req.Name)
		switch {
		case err == nil:
			if !sameThingTypeProperties(existing, tt) {
				return iot.Exists(existing.ID, arn, "Thing type %s already exists with different properties.", req.Name)
			}
			tt = existing
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		tt.ID = r.ids.UUID()
		tt.CreatedAt = r.clock.Now()
		if err := tx.PutThingType(ctx, tt); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, arn, req.Tags)
	})
	if err != nil {
		return iot.ThingType{}, err
	}
	tt.ARN = arn
	return tt, nil
}

// DescribeThingType returns a thing type.
func (r *Registry) DescribeThingType(ctx context.Context, account, name string) (iot.ThingType, error) {
	var out iot.ThingType
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		out, err = tx.ThingType(ctx, name)
		return notFound(err, "Thing type %s does not exist.", name)
	})
	if err != nil {
		return iot.ThingType{}, err
	}
	out.ARN = r.thingTypeARN(account, name)
	return out, nil
}

// UpdateThingType changes the properties of a thing type that are given.
func (r *Registry) UpdateThingType(ctx context.Context, account, name string, props ThingTypeProperties) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		tt, err := tx.ThingType(ctx, name)
		if err != nil {
			return notFound(err, "Thing type %s does not exist.", name)
		}
		props.apply(&tt)
		if err := checkThingTypeProperties(name, tt); err != nil {
			return err
		}
		return tx.PutThingType(ctx, tt)
	})
}

// DeprecateThingType deprecates a thing type (no new thing can take it), or
// with undo makes it usable again.
func (r *Registry) DeprecateThingType(ctx context.Context, account, name string, undo bool) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		tt, err := tx.ThingType(ctx, name)
		if err != nil {
			return notFound(err, "Thing type %s does not exist.", name)
		}
		if undo {
			tt.Deprecated = false
			tt.DeprecatedAt = time.Time{}
		} else if !tt.Deprecated {
			tt.Deprecated = true
			tt.DeprecatedAt = r.clock.Now()
		}
		return tx.PutThingType(ctx, tt)
	})
}

// DeleteThingType deletes a thing type that has been deprecated for at least
// iot.ThingTypeDeleteDelay and that no thing has any more.
func (r *Registry) DeleteThingType(ctx context.Context, account, name string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		tt, err := tx.ThingType(ctx, name)
		if err != nil {
			return notFound(err, "Thing type %s does not exist.", name)
		}
		if !tt.Deprecated {
			return iot.Errorf(iot.InvalidRequest, "Thing type %s must be deprecated, and stay deprecated for %d minutes, before it can be deleted.",
				name, int(iot.ThingTypeDeleteDelay.Minutes()))
		}
		if wait := tt.DeprecatedAt.Add(iot.ThingTypeDeleteDelay).Sub(r.clock.Now()); wait > 0 {
			return iot.Errorf(iot.InvalidRequest, "Thing type %s was deprecated less than %d minutes ago; it can be deleted in %d seconds.",
				name, int(iot.ThingTypeDeleteDelay.Minutes()), int(wait.Seconds())+1)
		}
		inUse, err := tx.ThingTypeInUse(ctx, name)
		if err != nil {
			return err
		}
		if inUse {
			return iot.Errorf(iot.InvalidRequest, "Thing type %s is still the type of one or more things; remove it from them first.", name)
		}
		if err := tx.DeleteThingType(ctx, name); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, r.thingTypeARN(account, name))
	})
}

// ListThingTypes lists thing types by name, those whose names start with
// namePrefix ("" for all), a page at a time.
func (r *Registry) ListThingTypes(ctx context.Context, account, namePrefix string, req ListRequest) ([]iot.ThingType, string, error) {
	scope := "thingtypes\x00" + namePrefix
	p, err := r.page(account, scope, req, defaultThingPageSize)
	if err != nil {
		return nil, "", err
	}
	var types []iot.ThingType
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		types, more, err = tx.ThingTypes(ctx, namePrefix, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	for i := range types {
		types[i].ARN = r.thingTypeARN(account, types[i].Name)
	}
	var last string
	if len(types) > 0 {
		last = types[len(types)-1].Name
	}
	return types, r.nextToken(account, scope, more, last), nil
}
