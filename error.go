package vmplane

import (
	"errors"
	"fmt"
)

// Domain error codes. Each cloud package owns one table from these codes to
// its own wire code and HTTP status; the core never names a wire code.
const (
	// EINVALID: a parameter is missing or malformed. Error.Subject names it.
	EINVALID = "invalid"
	// ENOTFOUND: the thing named by Error.Subject ("instance", "spec",
	// "image", "zone", "job", "account") does not exist in the caller's scope.
	ENOTFOUND = "not_found"
	// EBUSY: another operation is in flight on the instance.
	EBUSY = "busy"
	// ESTATE: the instance's power state does not allow the operation.
	// Error.State and Error.Kind say which state refused which kind.
	ESTATE = "state"
	// ESAMESPEC: a resize to the spec the instance already has.
	ESAMESPEC = "same_spec"
	// EINCOMPATIBLE: the target spec is not in the instance's resize group
	// or not offered in its zone.
	EINCOMPATIBLE = "incompatible"
	// EZONE: the instance's zone does not support the operation.
	EZONE = "zone"
	// EPROTECTED: the instance is protected against termination.
	EPROTECTED = "protected"
	// ESCHEDULED: a scheduled change already exists on the instance.
	ESCHEDULED = "scheduled"
	// ENOSCHEDULE: there is no scheduled change to cancel.
	ENOSCHEDULE = "no_schedule"
	// EEXISTS: something with that id or name exists already.
	EEXISTS = "exists"
	// EQUOTA: a resource limit was reached (e.g. the driver's VM limit).
	EQUOTA = "quota"
	// EFAULT: an injected fault; Error.Wire carries the cloud error to render.
	EFAULT = "fault"
	// EINTERNAL: anything else. Its details are logged, never shown.
	EINTERNAL = "internal"
)

// Error is the one domain error type. Its Message is safe to show a client.
type Error struct {
	Code    string
	Message string

	// Subject names what the error is about: a parameter for EINVALID, a
	// kind of thing for ENOTFOUND ("instance", "spec", ...).
	Subject string
	// ID is the identifier that was not found or refused, when there is one.
	ID string
	// Kind and State describe an ESTATE or EBUSY refusal.
	Kind  Kind
	State PowerState
	// Wire is set on EFAULT errors: the cloud error an injected fault asks for.
	Wire *WireError
	// Batch is set when a request over several instances was refused: the
	// error itself describes the first failure.
	Batch *BatchFailure
}

// WireError is a cloud-specific error chosen by a fault rule. The cloud
// package renders it verbatim in its own error envelope.
type WireError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	Status  int    `json:"status,omitempty"`
}

// BatchFailure describes a refused request over several instances. Requests
// are all-or-nothing: when any instance fails, none is changed.
type BatchFailure struct {
	Total  int
	Failed []*Error
}

func (e *Error) Error() string {
	return fmt.Sprintf("vmplane: %s: %s", e.Code, e.Message)
}

// ErrorCode returns the code of a domain error, or EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of a domain error, or a generic message
// for any other error, whose details must not reach a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// AsError unwraps a domain error; ok is false for any other error.
func AsError(err error) (e *Error, ok bool) {
	ok = errors.As(err, &e)
	return e, ok
}

// Errorf returns a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(subject, id string) *Error {
	return &Error{Code: ENOTFOUND, Subject: subject, ID: id, Message: fmt.Sprintf("%s %q not found", subject, id)}
}

func invalid(param, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Subject: param, Message: fmt.Sprintf(format, args...)}
}
