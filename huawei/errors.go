package huawei

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/vmplane/vmplane"
)

// apiError is an error as ECS or the API gateway in front of it answers.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Gateway errors have their own body shape (reference §1.4).
	Gateway bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// statusMessage is the documented text of Ecs.0100, which ECS answers for
// every refusal due to a server's state.
const statusMessage = "The ECS status does not meet requirements. Make the ECS in the required status and try again."

// errorKey selects a row of errorTable: a domain code and, for ENOTFOUND,
// what was not found.
type errorKey struct{ code, subject string }

// errorRow is how ECS answers one kind of domain error. Message may hold
// %[1]s for the id the error is about; empty means the domain message.
type errorRow struct {
	status  int
	code    string
	message string
}

// errorTable maps domain errors to ECS's (codes and messages from the ECS
// error code table, reference §4.3). Where the notes mark a code UNVERIFIED,
// the row says so.
var errorTable = map[errorKey]errorRow{
	{vmplane.EINVALID, ""}:          {http.StatusBadRequest, "Ecs.0005", ""},
	{vmplane.ENOTFOUND, "instance"}: {http.StatusNotFound, "Ecs.0114", "Instance[%[1]s] could not be found."},
	{vmplane.ENOTFOUND, "spec"}:     {http.StatusBadRequest, "Ecs.0029", "The flavor does not exist."},
	{vmplane.ENOTFOUND, "image"}:    {http.StatusBadRequest, "Ecs.0031", "The image does not exist."},
	{vmplane.ENOTFOUND, "zone"}:     {http.StatusBadRequest, "Ecs.0005", "Invalid availability_zone [%[1]s]."},
	{vmplane.ENOTFOUND, "job"}:      {http.StatusBadRequest, "Common.0011", "Failed to query system tasks."}, // UNVERIFIED for an unknown job id: the code ECS documents for "invalid job ID"
	{vmplane.ENOTFOUND, "marker"}:   {http.StatusBadRequest, "Ecs.0005", "Invalid marker [%[1]s]."},          // UNVERIFIED: a list's marker that names no server
	{vmplane.ENOTFOUND, ""}:         {http.StatusBadRequest, "Ecs.0005", ""},
	{vmplane.EBUSY, ""}:             {http.StatusBadRequest, "Ecs.0100", statusMessage}, // UNVERIFIED: another task in progress
	{vmplane.ESTATE, ""}:            {http.StatusBadRequest, "Ecs.0100", statusMessage},
	{vmplane.ESCHEDULED, ""}:        {http.StatusBadRequest, "Ecs.0100", statusMessage},
	{vmplane.ESAMESPEC, ""}:         {http.StatusBadRequest, "Ecs.0009", "Another flavor must be used for resizing."},
	{vmplane.EINCOMPATIBLE, ""}:     {http.StatusBadRequest, "Ecs.0005", "The flavor is not supported by this ECS or its availability zone."}, // UNVERIFIED
	{vmplane.EZONE, ""}:             {http.StatusBadRequest, "Ecs.0005", "The availability zone of this ECS does not support modifying specifications."},
	{vmplane.EPROTECTED, ""}:        {http.StatusBadRequest, "Ecs.0605", "ECS locked."},
	{vmplane.ENOSCHEDULE, ""}:       {http.StatusBadRequest, "Ecs.0005", ""},
	{vmplane.EQUOTA, ""}:            {http.StatusBadRequest, "Ecs.0001", "Insufficient ECS quota. Contact customer service to increase quota."},
	{vmplane.EINTERNAL, ""}:         {http.StatusInternalServerError, "Common.0001", "A system exception occurred. Try again later or contact customer service."},
}

// toAPIError turns any error into what ECS answers.
func toAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	e, ok := vmplane.AsError(err)
	if !ok {
		e = &vmplane.Error{Code: vmplane.EINTERNAL}
	}
	if e.Code == vmplane.EFAULT && e.Wire != nil {
		status := e.Wire.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		return &apiError{Status: status, Code: e.Wire.Code, Message: e.Message}
	}
	row, ok := errorTable[errorKey{e.Code, e.Subject}]
	if !ok {
		row, ok = errorTable[errorKey{e.Code, ""}]
	}
	if !ok {
		row = errorTable[errorKey{vmplane.EINTERNAL, ""}]
	}
	msg := e.Message
	switch {
	case strings.Contains(row.message, "%[1]s"):
		msg = fmt.Sprintf(row.message, e.ID)
	case row.message != "":
		msg = row.message
	}
	return &apiError{Status: row.status, Code: row.code, Message: msg}
}

// Errors ECS answers for its own rules and for malformed requests.
var (
	errEmptyBody = &apiError{Status: http.StatusBadRequest, Code: "Common.0002", Message: "The request body cannot be left blank."}
	errBadBody   = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0005", Message: "request body is illegal."}
	errProject   = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0023", Message: "project_id in token mismatches with project_id in url."}
	errTooMany   = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0118", Message: "The number of ECSs exceeds the maximum allowed limit."}
	// UNVERIFIED: ECS documents both refusals but not their codes (reference §7).
	errSpotResize = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0005", Message: "Spot ECSs do not support specifications modification."}
	errPrepaidV1  = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0005", Message: "The specifications of a yearly/monthly ECS cannot be modified with this API; use POST /v1.1/{project_id}/cloudservers/{server_id}/resize."}
)

// errDeletePrepaid refuses to delete a yearly/monthly server. UNVERIFIED:
// ECS documents the rule, not its code; Ecs.0005, as for the other calls a
// billing mode refuses.
func errDeletePrepaid(id string) *apiError {
	return invalidParam("The yearly/monthly ECS [%s] cannot be deleted; unsubscribe from it instead.", id)
}

// invalidParam is ECS's answer to a bad parameter value.
func invalidParam(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "Ecs.0005", Message: fmt.Sprintf(format, args...)}
}

// Gateway errors (reference §1.4).
var errNoAPI = &apiError{Status: http.StatusNotFound, Code: "APIGW.0101", Message: "The API does not exist or has not been published in the environment.", Gateway: true}

func authError(msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "APIGW.0301", Message: "Incorrect IAM authentication information: " + msg, Gateway: true}
}
