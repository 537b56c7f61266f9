package mitigation

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/store"
)

// MaxActions is how many mitigation action definitions an account may have
// [Q].
const MaxActions = 100

// Action is a definition with its ARN.
type Action struct {
	iot.MitigationAction
	ARN string
}

func (e *Engine) actionARN(account, name string) string {
	return iot.ARN(e.region, account, "mitigationaction/"+name)
}

// CreateActionRequest is a CreateMitigationAction request.
type CreateActionRequest struct {
	Name    string
	RoleARN string
	Params  iot.MitigationActionParams
	Tags    []iot.Tag
}

// CreateMitigationAction defines an action; the member of Params that is set
// gives its type. A name in use is refused (ResourceAlreadyExists), whatever
// the parameters [M].
func (e *Engine) CreateMitigationAction(ctx context.Context, account string, req CreateActionRequest) (Action, error) {
	if err := checkActionName(req.Name); err != nil {
		return Action{}, err
	}
	if err := checkRole(req.RoleARN); err != nil {
		return Action{}, err
	}
	typ, err := typeOf(req.Params)
	if err != nil {
		return Action{}, err
	}
	if err := registry.CheckTags(req.Tags); err != nil {
		return Action{}, err
	}
	now := e.clock.Now()
	a := Action{ARN: e.actionARN(account, req.Name), MitigationAction: iot.MitigationAction{
		Name: req.Name, ID: e.ids.UUID(), Type: typ.Type, RoleARN: req.RoleARN, Params: req.Params,
		CreatedAt: now, LastModifiedAt: now,
	}}
	err = e.store.Update(ctx, account, func(tx store.Tx) error {
		if existing, err := tx.MitigationAction(ctx, req.Name); err == nil {
			return iot.Exists(existing.ID, a.ARN, "A mitigation action named %s already exists.", req.Name)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		n, err := tx.CountMitigationActions(ctx)
		if err != nil {
			return err
		}
		if n >= MaxActions {
			return iot.Errorf(iot.LimitExceeded, "The account has %d mitigation actions, the most it may have.", n)
		}
		if err := typ.validate(ctx, tx, req.Params); err != nil {
			return err
		}
		if err := tx.PutMitigationAction(ctx, a.MitigationAction); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, a.ARN, req.Tags)
	})
	if err != nil {
		return Action{}, err
	}
	return a, nil
}

func checkActionName(name string) error {
	if name == "" || len(name) > 128 {
		return iot.Errorf(iot.InvalidRequest, "A mitigation action name has 1 to 128 characters.")
	}
	return nil
}

func checkRole(arn string) error {
	if len(arn) < 20 || len(arn) > 2048 {
		return iot.Errorf(iot.InvalidRequest, "roleArn must be the ARN of an IAM role (20 to 2048 characters).")
	}
	return nil
}

func actionNotFound(err error, name string) error {
	return notFound(err, "No mitigation action named %s.", name)
}

// DescribeMitigationAction returns a definition.
func (e *Engine) DescribeMitigationAction(ctx context.Context, account, name string) (Action, error) {
	var a iot.MitigationAction
	err := e.store.View(ctx, account, func(tx store.ReadTx) (err error) {
		a, err = tx.MitigationAction(ctx, name)
		return actionNotFound(err, name)
	})
	return Action{MitigationAction: a, ARN: e.actionARN(account, name)}, err
}

// UpdateActionRequest is an UpdateMitigationAction request; nil fields keep
// their value.
type UpdateActionRequest struct {
	Name    string
	RoleARN *string
	Params  *iot.MitigationActionParams
}

// UpdateMitigationAction changes a definition's role or parameters. Its type
// cannot change [I]: new parameters set the member of the definition's type.
// Tasks already started keep applying the definition as it was when they
// started.
func (e *Engine) UpdateMitigationAction(ctx context.Context, account string, req UpdateActionRequest) (Action, error) {
	if req.RoleARN != nil {
		if err := checkRole(*req.RoleARN); err != nil {
			return Action{}, err
		}
	}
	var a iot.MitigationAction
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		var err error
		if a, err = tx.MitigationAction(ctx, req.Name); err != nil {
			return actionNotFound(err, req.Name)
		}
		if req.RoleARN != nil {
			a.RoleARN = *req.RoleARN
		}
		if req.Params != nil {
			typ, err := typeOf(*req.Params)
			if err != nil {
				return err
			}
			if typ.Type != a.Type {
				return iot.Errorf(iot.InvalidRequest, "Mitigation action %s is of type %s: its parameters are %s, not %s.",
					a.Name, a.Type, actionTypes[a.Type].Member, typ.Member)
			}
			if err := typ.validate(ctx, tx, *req.Params); err != nil {
				return err
			}
			a.Params = *req.Params
		}
		if req.RoleARN == nil && req.Params == nil {
			return nil
		}
		a.LastModifiedAt = e.clock.Now()
		return tx.PutMitigationAction(ctx, a)
	})
	return Action{MitigationAction: a, ARN: e.actionARN(account, req.Name)}, err
}

// DeleteMitigationAction deletes a definition and its tags; deleting one that
// does not exist succeeds [D].
func (e *Engine) DeleteMitigationAction(ctx context.Context, account, name string) error {
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		if err := tx.DeleteMitigationAction(ctx, name); errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return tx.DeleteTags(ctx, e.actionARN(account, name))
	})
}

// ListActionsRequest is a ListMitigationActions request.
type ListActionsRequest struct {
	ListRequest
	Type iot.MitigationActionType // "" for every type
}

// ListMitigationActions lists definitions by name.
func (e *Engine) ListMitigationActions(ctx context.Context, account string, req ListActionsRequest) ([]Action, string, error) {
	if req.Type != "" {
		if _, ok := lookupType(req.Type); !ok {
			return nil, "", iot.Errorf(iot.InvalidRequest, "%q is not a mitigation action type.", req.Type)
		}
	}
	scope := account + "/mitigation-actions/" + string(req.Type)
	p, err := e.page(scope, req.ListRequest)
	if err != nil {
		return nil, "", err
	}
	var actions []iot.MitigationAction
	var more bool
	err = e.store.View(ctx, account, func(tx store.ReadTx) (err error) {
		actions, more, err = tx.MitigationActions(ctx, req.Type, p)
		return err
	})
	if err != nil || len(actions) == 0 {
		return nil, "", err
	}
	out := make([]Action, len(actions))
	for i, a := range actions {
		out[i] = Action{MitigationAction: a, ARN: e.actionARN(account, a.Name)}
	}
	return out, e.nextToken(scope, more, actions[len(actions)-1].Name), nil
}
