package zenlayer

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/vmplane/vmplane"
)

// apiError is an error in Zenlayer's own terms: the UPPER_SNAKE code, the
// HTTP status and a message, rendered as {requestId, code, message}.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Codes vmplane answers for requests the real service's documentation gives
// no code for (signing, bad bodies, unknown actions). They are this
// emulator's choice, UNVERIFIED against the real service, and kept here so
// they are easy to change.
const (
	codeAuthorization = "INVALID_AUTHORIZATION"        // 401: Authorization missing or malformed
	codeAccessKey     = "INVALID_ACCESS_KEY_NOT_FOUND" // 401: unknown access key id or token
	codeSignature     = "INVALID_SIGNATURE"            // 401: signature does not match
	codeTimestamp     = "INVALID_TIMESTAMP"            // 401: X-ZC-Timestamp missing, malformed or too far off
	codeBody          = "INVALID_REQUEST_BODY"         // 400: body not a JSON object; 413 when too large
	codeType          = "INVALID_PARAMETER_TYPE"       // 400: a parameter has the wrong JSON type
	codeMissing       = "MISSING_PARAMETER"            // 400: a required parameter is absent or empty
	codeValue         = "INVALID_PARAMETER_VALUE"      // 400: a parameter is out of range or not allowed
	codeAction        = "INVALID_ACTION_NOT_FOUND"     // 404: X-ZC-Action unknown to the vm service
	codeVersion       = "INVALID_API_VERSION"          // 400: X-ZC-Version not a vm version
	codeService       = "INVALID_SERVICE_NOT_FOUND"    // 404: a path other than /api/v2/vm
	codeMethod        = "INVALID_HTTP_METHOD"          // 405: anything but POST
	codeInternal      = "INTERNAL_SERVER_ERROR"        // 500: documented; clients retry it
)

// Business codes the handlers raise themselves: documented for the VM API
// (subscription) or, for CreateInstances, whose VM error table is not
// published, taken from the bare metal service's list (UNVERIFIED for vm).
const (
	codeSubscription  = "OPERATION_DENIED_INSTANCE_SUBSCRIPTION"
	codeLoginConflict = "INVALID_PARAMETER_INSTANCE_LOGIN_CONFLICT"
	codePassword      = "INVALID_PARAMETER_VALUE_PASSWORD_MALFORMED"
	codeBandwidth     = "INVALID_BANDWIDTH_VALUE_EXCEED_MAXIMUM"
	codeChargeType    = "OPERATION_FILED_INTERNET_CHARGE_TYPE_NOT_SUPPORT" // sic: the real code says FILED
)

func missing(name string) *apiError {
	return errorf(http.StatusBadRequest, codeMissing, "The parameter `%s` is required.", name)
}

// required refuses the first of params, each a name and its value, that
// is empty, in the order given (the order the parameters are documented).
func required(params ...[2]string) error {
	for _, p := range params {
		if p[1] == "" {
			return missing(p[0])
		}
	}
	return nil
}

func badValue(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, codeValue, format, args...)
}

// errorRule maps a domain refusal to a Zenlayer code. Empty fields match
// anything; the first matching rule wins.
type errorRule struct {
	action  string             // the X-ZC-Action being served
	codes   []string           // domain codes
	subject string             // Error.Subject (what was not found)
	state   vmplane.PowerState // Error.State (the refusing state)
	kinds   []vmplane.Kind     // Error.Kind (for EBUSY: the operation in flight)
	wire    string
	status  int
	// message replaces the core's message; %s stands for Error.ID. The
	// ModifyInstanceType ones are its documentation's descriptions.
	message string
}

const msgTypeChanging = "The instance `%s` has a type change in progress."

var (
	refused = []string{vmplane.ESTATE, vmplane.EBUSY}
	// inBin are the operations of an instance on its way into or out of the recycle bin.
	inBin    = []vmplane.Kind{vmplane.KindRecycle, vmplane.KindTerminate}
	changing = []vmplane.Kind{vmplane.KindResize, vmplane.KindScheduledResize}
)

// errorTable is the one table from the core's errors to Zenlayer's. Codes
// come from each action's documented error table; where a table was not
// published for vm (Stop, Release, Terminate's busy cases) the bmc/zec
// equivalents are used.
var errorTable = []errorRule{
	{codes: []string{vmplane.ENOTFOUND}, subject: "instance", wire: "INVALID_INSTANCE_NOT_FOUND", status: 404, message: "The instance `%s` does not exist."},
	{action: "ModifyInstanceType", codes: []string{vmplane.ENOTFOUND}, subject: "spec", wire: "INVALID_PRODUCT_NOT_FOUND", status: 404, message: "Model `%s` does not exist."},
	{codes: []string{vmplane.ENOTFOUND}, subject: "spec", wire: "INVALID_INSTANCE_TYPE_NOT_FOUND", status: 404, message: "The instance type `%s` is not found."},
	{codes: []string{vmplane.ENOTFOUND}, subject: "zone", wire: "INVALID_ZONE_NOT_FOUND", status: 404, message: "The specified zoneId `%s` is not found."},
	{codes: []string{vmplane.ENOTFOUND}, subject: "image", wire: "INVALID_IMAGE_NOT_FOUND", status: 404, message: "The image `%s` is not found."},

	// ModifyInstanceType, as its page documents.
	{action: "ModifyInstanceType", codes: []string{vmplane.ESTATE}, state: vmplane.PowerRecycled, wire: "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE", status: 400, message: "Operations on instances in recycle bin are not supported."},
	{action: "ModifyInstanceType", codes: []string{vmplane.EBUSY}, kinds: inBin, wire: "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE", status: 400, message: "Operations on instances in recycle bin are not supported."},
	{action: "ModifyInstanceType", codes: []string{vmplane.EBUSY}, kinds: changing, wire: "OPERATION_DENIED_INSTANCE_PLAN_PROCESSING", status: 403, message: "A processing change exists."},
	{action: "ModifyInstanceType", codes: refused, wire: "UNSUPPORTED_OPERATION_INSTANCE_STATUS", status: 400, message: "Only operations on instances in RUNNING or STOPPED status are supported."},
	{codes: []string{vmplane.ESAMESPEC}, wire: "INVALID_INSTANCE_TYPE_NOT_CHANGED", status: 403, message: "Instance model does not change."},
	// A type not offered in the zone: UNVERIFIED for CreateInstances (and
	// its price), where the real service presumably reports it sold out there.
	{action: "CreateInstances", codes: []string{vmplane.EINCOMPATIBLE}, wire: "RESOURCES_SOLDOUT_INSTANCE_TYPE", status: 400, message: "The instance type `%s` is sold out in this zone."},
	{action: "InquiryPriceCreateInstance", codes: []string{vmplane.EINCOMPATIBLE}, wire: "RESOURCES_SOLDOUT_INSTANCE_TYPE", status: 400, message: "The instance type `%s` is sold out in this zone."},
	{codes: []string{vmplane.EINCOMPATIBLE}, wire: "OPERATION_FAILED_INSTANCE_TYPE_UNSUPPORTED", status: 400, message: "Unsupported model for the current instance."},
	{codes: []string{vmplane.EZONE}, wire: "UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT", status: 400, message: "Specification change is not supported in the current zone."},
	{codes: []string{vmplane.ESCHEDULED}, wire: "OPERATION_DENIED_INSTANCE_EXIST_PLAN", status: 403, message: "A scheduling change exists."},
	{codes: []string{vmplane.ENOSCHEDULE}, wire: "OPERATION_DENIED_DOWNGRADE_NOT_EXIST", status: 403, message: "The instance `%s` has no scheduled downgrade."},

	// ReleaseInstances takes instances from the recycle bin only.
	{action: "ReleaseInstances", codes: []string{vmplane.ESTATE}, wire: "OPERATION_DENIED_INSTANCE_NOT_RECYCLED", status: 403, message: "The instance `%s` is not in the recycle bin."},
	{action: "ReleaseInstances", codes: []string{vmplane.EBUSY}, wire: "OPERATION_DENIED_INSTANCE_STATUS", status: 403, message: "The current status of instance `%s` does not allow this operation."},
	// Anything else refused because the instance is in (or entering) the bin.
	{codes: []string{vmplane.ESTATE}, state: vmplane.PowerRecycled, wire: "OPERATION_DENIED_INSTANCE_RECYCLED", status: 403, message: "The instance `%s` is in the recycle bin."},
	{codes: []string{vmplane.EBUSY}, kinds: inBin, wire: "OPERATION_DENIED_INSTANCE_RECYCLED", status: 403, message: "The instance `%s` is in the recycle bin."},
	{action: "TerminateInstance", codes: []string{vmplane.EBUSY}, kinds: []vmplane.Kind{vmplane.KindCreate}, wire: "OPERATION_DENIED_INSTANCE_CREATING", status: 403, message: "The instance `%s` is being created."},
	// Terminate's documented INSTALLING refusal, for the vm status that
	// reinstalls a system: REBUILDING (vm has no INSTALLING status; the
	// reading is UNVERIFIED).
	{action: "TerminateInstance", codes: []string{vmplane.EBUSY}, kinds: []vmplane.Kind{vmplane.KindRebuild}, wire: "OPERATION_DENIED_INSTANCE_STATUS_INSTALLING", status: 403, message: "The instance `%s` is being reinstalled."},
	// A type change shows the status the instance had (status.go): an
	// action that status allows is refused for the change in flight, not
	// with a code naming a status the client does not see. The code is
	// UNVERIFIED (none is documented; ModifyInstanceType's
	// OPERATION_DENIED_INSTANCE_PLAN_PROCESSING is the other candidate).
	{action: "StartInstances", codes: []string{vmplane.EBUSY}, kinds: changing, state: vmplane.PowerStopped, wire: "OPERATION_DENIED_INSTANCE_STATUS", status: 403, message: msgTypeChanging},
	{action: "ResetInstance", codes: []string{vmplane.EBUSY}, kinds: changing, state: vmplane.PowerStopped, wire: "OPERATION_DENIED_INSTANCE_STATUS", status: 403, message: msgTypeChanging},
	{action: "StopInstances", codes: []string{vmplane.EBUSY}, kinds: changing, state: vmplane.PowerRunning, wire: "OPERATION_DENIED_INSTANCE_STATUS", status: 403, message: msgTypeChanging},
	{action: "StartInstances", codes: refused, wire: "OPERATION_DENIED_INSTANCE_NOT_STOPPED", status: 403, message: "The instance `%s` is not STOPPED."},
	{action: "ResetInstance", codes: refused, wire: "OPERATION_DENIED_INSTANCE_NOT_STOPPED", status: 403, message: "The instance `%s` is not STOPPED."},
	{action: "StopInstances", codes: refused, wire: "OPERATION_DENIED_INSTANCE_NOT_RUNNING", status: 403, message: "The instance `%s` is not RUNNING."},
	{codes: refused, wire: "OPERATION_DENIED_INSTANCE_STATUS", status: 403, message: "The current status of instance `%s` does not allow this operation."},

	// No Zenlayer equivalent: only seeded instances are protected.
	{codes: []string{vmplane.EPROTECTED}, wire: "OPERATION_DENIED_INSTANCE_PROTECTED", status: 403},
	{codes: []string{vmplane.EQUOTA}, wire: "OPERATION_DENIED_INSTANCE_QUOTA_EXCEED", status: 403},
	{codes: []string{vmplane.EINVALID}, wire: codeValue, status: 400},
}

func (r *errorRule) matches(action string, e *vmplane.Error) bool {
	return (r.action == "" || r.action == action) && slices.Contains(r.codes, e.Code) &&
		(r.subject == "" || r.subject == e.Subject) && (r.state == "" || r.state == e.State) &&
		(r.kinds == nil || slices.Contains(r.kinds, e.Kind))
}

// wireError translates any error met serving action into Zenlayer's terms.
// internal reports whether the error is one whose details must be logged
// rather than shown.
func wireError(action string, err error) (_ *apiError, internal bool) {
	if e, ok := err.(*apiError); ok {
		return e, false
	}
	e, ok := vmplane.AsError(err)
	if !ok || e.Code == vmplane.EINTERNAL {
		return errorf(http.StatusInternalServerError, codeInternal, "An internal error occurred. Please try again later."), true
	}
	if e.Code == vmplane.EFAULT && e.Wire != nil {
		status := e.Wire.Status
		if status == 0 {
			status = statusOf(e.Wire.Code)
		}
		return &apiError{Status: status, Code: e.Wire.Code, Message: e.Message}, false
	}
	for i := range errorTable {
		if r := &errorTable[i]; r.matches(action, e) {
			msg := e.Message
			if r.message != "" {
				msg = strings.ReplaceAll(r.message, "%s", e.ID)
			}
			return &apiError{Status: r.status, Code: r.wire, Message: msg}, false
		}
	}
	return errorf(http.StatusInternalServerError, codeInternal, "An internal error occurred. Please try again later."), true
}

// statusOf is the HTTP status that goes with a wire code, for injected
// faults that name a code and no status.
func statusOf(code string) int {
	switch code {
	case "REQUEST_LIMIT_EXCEEDED":
		return http.StatusTooManyRequests
	case codeInternal:
		return http.StatusInternalServerError
	case "SERVICE_TEMPORARY_UNAVAILABLE":
		return http.StatusServiceUnavailable
	}
	for _, r := range errorTable {
		if r.wire == code {
			return r.status
		}
	}
	return http.StatusBadRequest
}
