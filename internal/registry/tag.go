package registry

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// checkTags checks the tags a request adds to a resource: every family calls
// it for the tags of a create request, before storing them with tx.PutTags.
func checkTags(tags []iot.Tag) error {
	if len(tags) > iot.MaxTagsPerResource {
		return tooManyTags(len(tags))
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if reservedTagKey(t.Key) {
			return iot.Errorf(iot.InvalidRequest, "Tag keys that start with %q are reserved for AWS: %s.", iot.ReservedTagPrefix, t.Key)
		}
		if seen[t.Key] {
			return iot.Errorf(iot.InvalidRequest, "The tag key %s is given more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func reservedTagKey(key string) bool {
	return strings.HasPrefix(strings.ToLower(key), iot.ReservedTagPrefix)
}

func tooManyTags(n int) error {
	return iot.Errorf(iot.LimitExceeded, "A resource can have at most %d tags; this request would give it %d.", iot.MaxTagsPerResource, n)
}

// taggedResource resolves the ARN of a resource to tag: it must be of a type
// AWS IoT tags, and exist.
func (r *Registry) taggedResource(ctx context.Context, tx store.ReadTx, account, arn string) (resourceARN, error) {
	res, err := r.parseResourceARN(account, arn)
	if err != nil {
		return resourceARN{}, err
	}
	if !taggableTypes[res.Type] {
		return resourceARN{}, iot.Errorf(iot.InvalidRequest, "AWS IoT resources of type %s cannot be tagged: %s.", res.Type, arn)
	}
	return res, mustExist(ctx, tx, res)
}

// TagResource adds tags to a resource, replacing the values of keys it has.
func (r *Registry) TagResource(ctx context.Context, account, arn string, tags []iot.Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		res, err := r.taggedResource(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		current, err := tx.Tags(ctx, res.ARN)
		if err != nil {
			return err
		}
		keys := make(map[string]bool, len(current)+len(tags))
		for _, t := range current {
			keys[t.Key] = true
		}
		for _, t := range tags {
			keys[t.Key] = true
		}
		if len(keys) > iot.MaxTagsPerResource {
			return tooManyTags(len(keys))
		}
		return tx.PutTags(ctx, res.ARN, tags)
	})
}

// UntagResource removes tags from a resource by key; keys it does not have are
// ignored.
func (r *Registry) UntagResource(ctx context.Context, account, arn string, keys []string) error {
	for _, k := range keys {
		if reservedTagKey(k) {
			return iot.Errorf(iot.InvalidRequest, "Tag keys that start with %q are reserved for AWS and cannot be removed: %s.", iot.ReservedTagPrefix, k)
		}
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		res, err := r.taggedResource(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		return tx.DeleteTagKeys(ctx, res.ARN, keys)
	})
}

// tagPageSize is the page size of ListTagsForResource, which takes none: a page
// holds every tag a resource can have.
const tagPageSize = iot.MaxTagsPerResource

// ListTagsForResource lists the tags of a resource by key.
func (r *Registry) ListTagsForResource(ctx context.Context, account, arn, nextToken string) ([]iot.Tag, string, error) {
	scope := "tags/" + arn
	p, err := r.page(account, scope, ListRequest{NextToken: nextToken}, tagPageSize)
	if err != nil {
		return nil, "", err
	}
	var tags []iot.Tag
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		res, err := r.taggedResource(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		tags, more, err = tx.ListTags(ctx, res.ARN, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(tags) > 0 {
		next = r.nextToken(account, scope, more, tags[len(tags)-1].Key)
	}
	return tags, next, nil
}
