package mitigation

import (
	"context"
	"fmt"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// actionType is one mitigation action type: its metadata and how it is
// applied. Each type's file registers one at init; the metadata is the single
// source for validation and documentation.
type actionType struct {
	Type iot.MitigationActionType
	// Member is the MitigationActionParams member that defines the type.
	Member string
	// Permissions are what the action's role needs in AWS [D]. iotdefender
	// keeps the role but applies the action itself.
	Permissions []string
	// validate checks a definition's parameters (the member is set) in the
	// account's transaction.
	validate func(ctx context.Context, tx store.ReadTx, p iot.MitigationActionParams) error
	// apply applies the action to a finding inside tx. Its domain errors
	// (*iot.Error) fail the execution; any other error aborts the
	// transaction. Nil for an action with an outside effect.
	apply func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, p iot.MitigationActionParams) error
	// applyMany, when set, is apply for many findings at once: it returns
	// the error of each (nil, a domain error), or an error that aborts the
	// transaction.
	applyMany func(ctx context.Context, e *Engine, tx store.Tx, findings []iot.AuditFinding, p iot.MitigationActionParams) ([]error, error)
	// message prepares, inside tx, what an action with an outside effect
	// sends: its destination and body. Nil for the others.
	message func(ctx context.Context, e *Engine, tx store.ReadTx, f iot.AuditFinding, task iot.MitigationTask, a iot.MitigationAction) (outbound, error)
}

// outbound is a message an action sends outside iotdefender.
type outbound struct {
	TopicARN, Body string
}

// external reports whether the action's effect is outside the store.
func (t *actionType) external() bool { return t.message != nil }

// actionTypes holds the registered types, filled at init.
var actionTypes = map[iot.MitigationActionType]*actionType{}

func register(t *actionType) {
	if _, dup := actionTypes[t.Type]; dup {
		panic(fmt.Sprintf("mitigation action type %s registered twice", t.Type))
	}
	if (t.apply == nil) == (t.message == nil) {
		panic(fmt.Sprintf("mitigation action type %s must either apply or send", t.Type))
	}
	actionTypes[t.Type] = t
}

// typeOf returns the type of a definition's parameters: exactly one member
// must be set.
func typeOf(p iot.MitigationActionParams) (*actionType, error) {
	types := p.Types()
	if len(types) != 1 {
		return nil, iot.Errorf(iot.InvalidRequest,
			"actionParams must set exactly one parameter member (such as updateDeviceCertificateParams), not %d.", len(types))
	}
	t, ok := actionTypes[types[0]]
	if !ok {
		return nil, iot.Errorf(iot.InvalidRequest, "The action type %s is not supported.", types[0])
	}
	return t, nil
}

// lookupType returns a registered type.
func lookupType(typ iot.MitigationActionType) (*actionType, bool) {
	t, ok := actionTypes[typ]
	return t, ok
}
