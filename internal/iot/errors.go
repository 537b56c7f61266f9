// Package iot holds iotdefender's domain types and error kinds. It depends on the
// standard library only; every other package may import it.
package iot

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error. The server maps each kind to exactly one AWS
// exception shape (see internal/server); nothing else decides wire codes.
type Kind string

// Error kinds. Their names follow the AWS exception they become on the wire.
const (
	InvalidRequest              Kind = "InvalidRequest"
	NotFound                    Kind = "ResourceNotFound"
	AlreadyExists               Kind = "ResourceAlreadyExists"
	LimitExceeded               Kind = "LimitExceeded"
	VersionConflict             Kind = "VersionConflict"
	DeleteConflict              Kind = "DeleteConflict"
	CertificateState            Kind = "CertificateState"
	CertificateValidation       Kind = "CertificateValidation"
	CertificateConflict         Kind = "CertificateConflict"
	MalformedPolicy             Kind = "MalformedPolicy"
	VersionsLimitExceeded       Kind = "VersionsLimitExceeded"
	RegistrationCodeValidation  Kind = "RegistrationCodeValidation"
	TaskAlreadyExists           Kind = "TaskAlreadyExists"
	ConflictingResourceUpdate   Kind = "ConflictingResourceUpdate"
	ResourceRegistrationFailure Kind = "ResourceRegistrationFailure"
	// NotConfigured is a read of settings that were never set
	// (GetV2LoggingOptions before SetV2LoggingOptions).
	NotConfigured  Kind = "NotConfigured"
	Unauthorized   Kind = "Unauthorized"
	NotImplemented Kind = "NotImplemented"
	Internal       Kind = "Internal"
)

// Error implements error so that errors.Is(err, iot.NotFound) matches any *Error of
// that kind.
func (k Kind) Error() string { return string(k) }

// Error is a domain error: a kind, a message a person can act on, and for
// AlreadyExists the id and ARN of the resource that is already there.
type Error struct {
	Kind        Kind
	Message     string
	ResourceID  string
	ResourceARN string
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is this error's kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Exists returns an AlreadyExists error naming the resource that is already there.
func Exists(id, arn, format string, args ...any) error {
	return &Error{Kind: AlreadyExists, Message: fmt.Sprintf(format, args...), ResourceID: id, ResourceARN: arn}
}

// KindOf returns the kind of err, or Internal when err carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return Internal
}
