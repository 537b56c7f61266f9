package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// exceptions is THE table from domain error kinds to AWS exceptions: nothing
// else decides what travels on the wire.
var exceptions = map[iot.Kind]func(e *iot.Error) awsjson.APIError{
	iot.InvalidRequest:   func(e *iot.Error) awsjson.APIError { return &iotapi.InvalidRequestException{Message: &e.Message} },
	iot.NotFound:         func(e *iot.Error) awsjson.APIError { return &iotapi.ResourceNotFoundException{Message: &e.Message} },
	iot.AlreadyExists:    alreadyExists,
	iot.LimitExceeded:    func(e *iot.Error) awsjson.APIError { return &iotapi.LimitExceededException{Message: &e.Message} },
	iot.VersionConflict:  func(e *iot.Error) awsjson.APIError { return &iotapi.VersionConflictException{Message: &e.Message} },
	iot.DeleteConflict:   func(e *iot.Error) awsjson.APIError { return &iotapi.DeleteConflictException{Message: &e.Message} },
	iot.CertificateState: func(e *iot.Error) awsjson.APIError { return &iotapi.CertificateStateException{Message: &e.Message} },
	iot.CertificateValidation: func(e *iot.Error) awsjson.APIError {
		return &iotapi.CertificateValidationException{Message: &e.Message}
	},
	iot.CertificateConflict: func(e *iot.Error) awsjson.APIError { return &iotapi.CertificateConflictException{Message: &e.Message} },
	iot.MalformedPolicy:     func(e *iot.Error) awsjson.APIError { return &iotapi.MalformedPolicyException{Message: &e.Message} },
	iot.VersionsLimitExceeded: func(e *iot.Error) awsjson.APIError {
		return &iotapi.VersionsLimitExceededException{Message: &e.Message}
	},
	iot.RegistrationCodeValidation: func(e *iot.Error) awsjson.APIError {
		return &iotapi.RegistrationCodeValidationException{Message: &e.Message}
	},
	iot.TaskAlreadyExists: func(e *iot.Error) awsjson.APIError { return &iotapi.TaskAlreadyExistsException{Message: &e.Message} },
	iot.ConflictingResourceUpdate: func(e *iot.Error) awsjson.APIError {
		return &iotapi.ConflictingResourceUpdateException{Message: &e.Message}
	},
	iot.ResourceRegistrationFailure: func(e *iot.Error) awsjson.APIError {
		return &iotapi.ResourceRegistrationFailureException{Message: &e.Message}
	},
	iot.Unauthorized:  func(e *iot.Error) awsjson.APIError { return &iotapi.UnauthorizedException{Message: &e.Message} },
	iot.NotConfigured: func(e *iot.Error) awsjson.APIError { return &iotapi.NotConfiguredException{Message: &e.Message} },
	iot.NotImplemented: func(e *iot.Error) awsjson.APIError {
		return &awsjson.Error{Code: "NotImplementedException", Status: http.StatusNotImplemented, Message: e.Message}
	},
}

func alreadyExists(e *iot.Error) awsjson.APIError {
	x := &iotapi.ResourceAlreadyExistsException{Message: &e.Message}
	if e.ResourceID != "" {
		x.ResourceId = &e.ResourceID
	}
	if e.ResourceARN != "" {
		x.ResourceArn = &e.ResourceARN
	}
	return x
}

// internalFailure is what a client sees of an unexpected error: a generic message
// and the request id to quote; the cause goes to the log only.
func internalFailure(requestID string) awsjson.APIError {
	msg := "An internal error occurred. Request id: " + requestID
	return &iotapi.InternalFailureException{Message: &msg}
}

// toAPIError maps any error a handler returns to what goes on the wire.
// internal=true means the cause must be logged and hidden.
func toAPIError(err error, requestID string) (apiErr awsjson.APIError, internal bool) {
	var ae awsjson.APIError
	if errors.As(err, &ae) {
		return ae, false
	}
	var de *iot.Error
	if errors.As(err, &de) {
		if mk, ok := exceptions[de.Kind]; ok {
			return mk(de), false
		}
	}
	if errors.Is(err, context.Canceled) {
		msg := "The request was canceled."
		return &awsjson.Error{Code: "RequestCanceled", Status: 499, Message: msg}, false
	}
	return internalFailure(requestID), true
}
