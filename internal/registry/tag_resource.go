package registry

import (
	"context"
	"errors"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// resourceType is what the registry knows of one type of IoT resource named by
// an ARN (arn:aws:iot:region:account:type/id): how to tell that one exists.
// Tagging and policy attachment resolve ARNs through it.
type resourceType struct {
	// Exists reports whether the resource with this id (the part of the ARN
	// after "type/") exists in the transaction's account.
	Exists func(ctx context.Context, tx store.ReadTx, id string) (bool, error)
	// Ancestors lists the ids of the resource's ancestors, for resources that
	// inherit policies (thing groups); nil for the others.
	Ancestors func(ctx context.Context, tx store.ReadTx, id string) ([]string, error)
}

// resourceTypes are the resource types this registry resolves, by the type
// segment of their ARN. Each family adds its own, in a literal here or with
// registerResourceType from an init function of its files.
var resourceTypes = map[string]resourceType{
	"policy":    {Exists: policyExists},
	"rolealias": {Exists: roleAliasExists},
	"cert":      {Exists: certificateExists},
	"cacert":    {Exists: caCertificateExists},
}

// registerResourceType adds a resource type at init time; a type registered
// twice is a programming error.
func registerResourceType(name string, rt resourceType) {
	if _, dup := resourceTypes[name]; dup {
		panic("registry: resource type " + name + " registered twice")
	}
	resourceTypes[name] = rt
}

// taggableTypes are the ARN resource types AWS IoT lets a user tag. Those this
// registry does not keep (or whose family has not registered them) can never
// exist here, so tagging one answers ResourceNotFound.
var taggableTypes = map[string]bool{
	"thinggroup": true, "thingtype": true, "policy": true, "rolealias": true, "cacert": true,
	"scheduledaudit": true, "mitigationaction": true, "securityprofile": true, "dimension": true,
	"billinggroup": true, "rule": true, "job": true, "jobtemplate": true, "authorizer": true,
	"domainconfiguration": true, "fleetmetric": true, "provisioningtemplate": true, "otaupdate": true,
	"stream": true, "custommetric": true, "destination": true, "package": true, "commands": true,
}

// resourceARN is an IoT ARN split into its resource type and id.
type resourceARN struct {
	ARN  string
	Type string
	ID   string
}

// parseResourceARN splits an ARN of the account's IoT resources. An ARN of
// another account or region names nothing the caller has: ResourceNotFound.
func (r *Registry) parseResourceARN(account, arn string) (resourceARN, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iot" {
		return resourceARN{}, iot.Errorf(iot.InvalidRequest, "%s is not the ARN of an AWS IoT resource.", arn)
	}
	typ, id, ok := strings.Cut(parts[5], "/")
	if !ok || typ == "" || id == "" {
		return resourceARN{}, iot.Errorf(iot.InvalidRequest, "%s is not the ARN of an AWS IoT resource.", arn)
	}
	if parts[3] != r.region || parts[4] != account {
		return resourceARN{}, iot.Errorf(iot.NotFound, "The resource %s does not exist in account %s, region %s.", arn, account, r.region)
	}
	return resourceARN{ARN: arn, Type: typ, ID: id}, nil
}

// mustExist returns ResourceNotFound unless the resource exists.
func mustExist(ctx context.Context, tx store.ReadTx, res resourceARN) error {
	rt, known := resourceTypes[res.Type]
	if known {
		ok, err := rt.Exists(ctx, tx, res.ID)
		if err != nil || ok {
			return err
		}
	}
	return iot.Errorf(iot.NotFound, "The resource %s does not exist.", res.ARN)
}

func policyExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	return found(tx.Policy(ctx, name))
}

func roleAliasExists(ctx context.Context, tx store.ReadTx, alias string) (bool, error) {
	return found(tx.RoleAlias(ctx, alias))
}

// Certificate ids are lower-case hex; ARNs may carry them in either case.

func certificateExists(ctx context.Context, tx store.ReadTx, id string) (bool, error) {
	return found(tx.Certificate(ctx, strings.ToLower(id)))
}

func caCertificateExists(ctx context.Context, tx store.ReadTx, id string) (bool, error) {
	return found(tx.CACertificate(ctx, strings.ToLower(id)))
}

// found turns the result of a store getter into whether the row exists.
func found[T any](_ T, err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return false, err
}
