package server

import (
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/audit/mitigation"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// API implements the AWS IoT operations over iotdefender's services. Operations
// it does not override answer NotImplementedException (501) naming themselves.
// Its methods live in one file per resource family.
type API struct {
	iotapi.Unimplemented
	registry   *registry.Registry
	audit      *audit.Engine      // set by WithAudit
	mitigation *mitigation.Engine // set by WithMitigation
}

var _ iotapi.Operations = (*API)(nil)

// NewAPI returns the adapter over the given services.
func NewAPI(reg *registry.Registry) *API {
	return &API{registry: reg}
}
