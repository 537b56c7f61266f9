package registry

import (
	"context"
	"regexp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxRoleAliases is how many role aliases an account may have [inferred from
// the AWS IoT Core quota on role aliases].
const maxRoleAliases = 100

// iamRoleARN is the form of the ARN of an IAM role.
var iamRoleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)

func (r *Registry) roleAliasARN(account, alias string) string {
	return r.arn(account, "rolealias/"+alias)
}

func checkRoleARN(arn string) error {
	if !iamRoleARN.MatchString(arn) {
		return iot.Errorf(iot.InvalidRequest, "%s is not the ARN of an IAM role (arn:aws:iam::<account>:role/<name>).", arn)
	}
	return nil
}

func roleAliasNotFound(err error, alias string) error {
	return notFound(err, "The role alias %s does not exist.", alias)
}

// CreateRoleAliasRequest creates a role alias.
type CreateRoleAliasRequest struct {
	Alias   string
	RoleARN string
	// CredentialDurationSeconds is 0 for the default (an hour).
	CredentialDurationSeconds int
	Tags                      []iot.Tag
}

// CreateRoleAlias creates a role alias.
func (r *Registry) CreateRoleAlias(ctx context.Context, account string, req CreateRoleAliasRequest) (iot.RoleAlias, error) {
	if err := checkRoleARN(req.RoleARN); err != nil {
		return iot.RoleAlias{}, err
	}
	if err := checkTags(req.Tags); err != nil {
		return iot.RoleAlias{}, err
	}
	now := r.clock.Now()
	a := iot.RoleAlias{Alias: req.Alias, ARN: r.roleAliasARN(account, req.Alias), RoleARN: req.RoleARN,
		CredentialDurationSeconds: req.CredentialDurationSeconds, Owner: account, CreatedAt: now, UpdatedAt: now}
	if a.CredentialDurationSeconds == 0 {
		a.CredentialDurationSeconds = iot.DefaultCredentialDuration
	}
	err := r.update(ctx, account, func(tx store.Tx) error {
		if ok, err := roleAliasExists(ctx, tx, req.Alias); err != nil || ok {
			if err == nil {
				err = iot.Exists(req.Alias, a.ARN, "A role alias named %s already exists.", req.Alias)
			}
			return err
		}
		n, err := tx.CountRoleAliases(ctx)
		if err != nil {
			return err
		}
		if n >= maxRoleAliases {
			return iot.Errorf(iot.LimitExceeded, "The account already has the maximum of %d role aliases.", maxRoleAliases)
		}
		if err := tx.PutRoleAlias(ctx, a); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, a.ARN, req.Tags)
	})
	return a, err
}

// DescribeRoleAlias returns a role alias.
func (r *Registry) DescribeRoleAlias(ctx context.Context, account, alias string) (iot.RoleAlias, error) {
	var a iot.RoleAlias
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		a, err = tx.RoleAlias(ctx, alias)
		return roleAliasNotFound(err, alias)
	})
	a.ARN = r.roleAliasARN(account, alias)
	return a, err
}

// UpdateRoleAliasRequest changes the role or credential duration of a role
// alias; zero fields are left as they are.
type UpdateRoleAliasRequest struct {
	Alias                     string
	RoleARN                   string
	CredentialDurationSeconds int
}

// UpdateRoleAlias updates a role alias.
func (r *Registry) UpdateRoleAlias(ctx context.Context, account string, req UpdateRoleAliasRequest) (iot.RoleAlias, error) {
	if req.RoleARN != "" {
		if err := checkRoleARN(req.RoleARN); err != nil {
			return iot.RoleAlias{}, err
		}
	}
	var a iot.RoleAlias
	err := r.update(ctx, account, func(tx store.Tx) error {
		var err error
		if a, err = tx.RoleAlias(ctx, req.Alias); err != nil {
			return roleAliasNotFound(err, req.Alias)
		}
		if req.RoleARN != "" {
			a.RoleARN = req.RoleARN
		}
		if req.CredentialDurationSeconds != 0 {
			a.CredentialDurationSeconds = req.CredentialDurationSeconds
		}
		a.UpdatedAt = r.clock.Now()
		return tx.PutRoleAlias(ctx, a)
	})
	a.ARN = r.roleAliasARN(account, req.Alias)
	return a, err
}

// DeleteRoleAlias deletes a role alias and its tags.
func (r *Registry) DeleteRoleAlias(ctx context.Context, account, alias string) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := tx.DeleteRoleAlias(ctx, alias); err != nil {
			return roleAliasNotFound(err, alias)
		}
		return tx.DeleteTags(ctx, r.roleAliasARN(account, alias))
	})
}

// ListRoleAliases lists the account's role aliases by name.
func (r *Registry) ListRoleAliases(ctx context.Context, account string, req MarkerRequest) ([]string, string, error) {
	scope := "role-aliases/" + orderScope(req.Ascending)
	p, err := r.markerPage(account, scope, req)
	if err != nil {
		return nil, "", err
	}
	var aliases []iot.RoleAlias
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		aliases, more, err = tx.RoleAliases(ctx, !req.Ascending, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	names := make([]string, 0, len(aliases))
	next := ""
	for _, a := range aliases {
		names = append(names, a.Alias)
		next = r.nextMarker(account, scope, more, a.Alias)
	}
	return names, next, nil
}
