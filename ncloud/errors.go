package ncloud

import (
	"fmt"
	"net/http"

	"github.com/vmplane/vmplane"
)

// apiError is an error as NCP's Server API answers it:
//
//	{"responseError": {"returnCode": "24120", "returnMessage": "..."}}
//
// with an HTTP status, 400 for anything the caller can fix.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("ncloud: %s %s", e.code, e.message) }

func badRequest(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

// The messages NCP answers with. Where no primary source gave the code for
// a situation (marked UNVERIFIED), the choice is made here and nowhere else.
const (
	msgPartial        = "%d among %d servers failed for operation. The problem is being handled. Please hold for a moment."
	msgInstanceNo     = "The input parameter instance number is invalid."
	msgServerNo       = "The input parameter server instance number is invalid."
	msgBusy           = "Unable to perform operation command since (other) user is either manipulating the target server or a problem in target server. Please confirm server status once again."
	msgAlreadyStopped = "Unable to perform suspension command since target server is already suspended. (Other) user might have suspended the server by connecting through terminal. Please confirm the server status once again."
	msgNotStopped     = "Unable to return the server since (other) user is either operating target server or an error in the target server. Please confirm server status once again."
	msgSameSpec       = "You may not change to spec of same level."
	msgNoProduct      = "Not found product. Please check your input product."
	msgQuota          = "Unable to create server anymore since creation limitation setting has been exceeded. Please check creation limitation setting."
	msgTemporary      = "Please try your call again later. Temporarily out of service."
	// The message is NCP's, seen for a spec that does not fit the image;
	// UNVERIFIED: its code, taken from NCP's "product not offered for the
	// image" (msgNoServerProduct).
	msgNoHypervisor    = "No hypervisor was found that matches the server image, specification, or product code you requested."
	msgNoServerProduct = "Not found server product."
	// UNVERIFIED: NCP's message for a change across product type, disk
	// type or generation was not found; the code is "not found product",
	// as the target is not among the products the server may change to.
	msgIncompatible = "Not found product. Only a spec of the same product type, disk type and generation can be changed to."
	// UNVERIFIED: the code and message for a protected server.
	msgProtected = "Unable to return the server since termination protection is set. Please release the termination protection and try again."
	// NCP's Classic message for an image of a server that is not idle.
	msgImageServerBusy = "Unable to create server image since server is either not in suspended status or in operation."
	// NCP's message for a server or an image busy with an image; used for
	// an image still being made (UNVERIFIED for that case).
	msgImageBusy = "Operation is currently unavailable since (other) user is either operating server or creating server image. Please try again later."
	// NCP's VPC answer to terminating a server with an operation in
	// progress; "NCLOD" is NCP's spelling.
	msgNotControllable = "The server cannot be controlled by the NCLOD API."
	// NCP's Classic answer to terminating a server, or deleting a public IP,
	// that it does not know (also VPC's public IPs, UNVERIFIED).
	msgNoContract = "Not found contract information. Please check your input parameter."
)

// The objects around servers (login keys, ACGs, public IPs, init scripts,
// member server images). NCP's Classic answers to a few refusals are known
// from the mocks of recorded answers in NCP's first Go SDK (the deleted
// public IP's 24073 is in the reference's table too); vmplane answers them
// on both platforms (UNVERIFIED for VPC, which has no such record). 24073
// names a public IP's number; which one is UNVERIFIED (the record names
// another than the one deleted), vmplane names the one deleted.
const (
	msgKeyNameTaken       = "The key name already exists."
	msgNoKey              = "The authentication key does not exist."
	msgWrongKey           = "Invalid authentication key. Please check authentication key or input type and try again."
	msgIPAlreadyFree      = "The public IP is already disassociated from the server."
	msgDeleteAssociatedIP = "Unable to destroy the server since a public IP is associated with the server. First, please disassociate a public IP from the server. publicIpInstanceNo = %s"
)

// The other refusals around servers are UNVERIFIED, all of them: NCP's
// codes were not found, so each is NCP's invalid-value code (50120) with a
// message that says what is wrong, and the parameter at fault.
const (
	msgNoLoginKey   = "The server was not created with a login key; its password cannot be looked up. location : serverInstanceNo."
	msgKVMImage     = "A member server image cannot be made from a KVM server. location : serverInstanceNo."
	msgHasPublicIP  = "A public IP is already associated with the server. location : serverInstanceNo."
	msgIPAssociated = "The public IP is associated with a server; disassociate it first. location : publicIpInstanceNo."
	msgDefaultACG   = "The default ACG cannot be deleted. location : accessControlGroupNo."
	msgACGInUse     = "The ACG is in use by a server's network interface. location : accessControlGroupNo."
)

// Codes, in one place.
const (
	codeRequired      = "900"
	codeInvalidValue  = "50120" // UNVERIFIED for the Server API: NCP's "invalid or out-of-range value" code elsewhere
	codePartial       = "22001"
	codeInstanceNo    = "24109"
	codeServerNo      = "24120"
	codeBusy          = "25041"
	codeAlready       = "28005"
	codeNotStopped    = "25022" // Classic's code for terminating a server that is not stopped; VPC UNVERIFIED
	codeSameSpec      = "10503"
	codeNoProduct     = "10712"
	codeServerProduct = "1401"
	codeProtected     = "25047" // UNVERIFIED
	codeQuota         = "10102"
	codeImageServer   = "25008"
	codeImageBusy     = "25018"
	codeNotControl    = "1100031"
	codeNoContract    = "10713"
	codeKeyNameTaken  = "10405"
	codeNoKey         = "10406"
	codeWrongKey      = "24001"
	codeIPAlreadyFree = "28102"
	codeIPAssociated  = "24073"
	codeTemporary     = "1000"
)

// operationError is a refused start, stop, reboot or terminate where NCP's
// code depends on the action and not only on the refusal. A terminate: VPC
// answers one busy server 1100031 where other calls answer 25041 (Classic
// keeps 25041); Classic answers a number that names no server 10713 where
// other calls answer 24120 or 24109 (UNVERIFIED for a malformed number:
// NCP's Classic answers 10713 to deleting public IPs "aaaa" and "bbb").
func (c *call) operationError(kind vmplane.Kind, err error) error {
	e, ok := vmplane.AsError(err)
	if !ok || kind != vmplane.KindTerminate {
		return err
	}
	if c.api.classic {
		failed := []*vmplane.Error{e}
		if e.Batch != nil {
			failed = e.Batch.Failed
		}
		for _, f := range failed {
			if f.Code == vmplane.ENOTFOUND && f.Subject == "instance" {
				return badRequest(codeNoContract, msgNoContract)
			}
		}
		return err
	}
	if e.Code == vmplane.EBUSY && e.Batch == nil {
		return badRequest(codeNotControl, msgNotControllable)
	}
	return err
}

func missingParam(name string) *apiError {
	return badRequest(codeRequired, "Required field is not specified. location : "+name+".")
}

func invalidParam(name string) *apiError {
	return badRequest(codeInvalidValue, "An invalid or out-of-range value was supplied for the input parameter. location : "+name+".")
}

func duplicateParam(name, value string) *apiError {
	return badRequest(codeInvalidValue, fmt.Sprintf("Duplicate values are not allowed. location : %s (%s).", name, value))
}

func exclusiveParams(a, b string) *apiError {
	return badRequest(codeInvalidValue, fmt.Sprintf("%s and %s cannot be used at the same time.", a, b))
}

func noProduct() *apiError { return badRequest(codeNoProduct, msgNoProduct) }

// notFoundParam refuses a name or number that names none of the caller's
// objects (UNVERIFIED, see above).
func notFoundParam(name string) *apiError {
	return badRequest(codeInvalidValue, "Not found. The value names nothing of yours. location : "+name+".")
}

// nameTaken refuses a name already in use (UNVERIFIED, see above).
func nameTaken(name string) *apiError {
	return badRequest(codeInvalidValue, "The name is already in use. location : "+name+".")
}

// unknownServer is the answer for an instance number that names no server
// of the caller: a number that does not look like one is "instance number
// invalid", any other "server instance number invalid". Another account's
// server is answered exactly like a missing one.
func unknownServer(id string) *apiError {
	if !numeric(id) {
		return badRequest(codeInstanceNo, msgInstanceNo)
	}
	return badRequest(codeServerNo, msgServerNo)
}

func numeric(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// wireError translates any error an action returns into NCP's. This is the
// one table from the core's error codes to NCP's.
func wireError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	e, ok := vmplane.AsError(err)
	if !ok {
		return &apiError{status: http.StatusInternalServerError, code: codeTemporary, message: msgTemporary}
	}
	if e.Batch != nil && e.Batch.Total > 1 {
		// A refused instance number fails the request as a bad parameter;
		// any other refusal is a partial failure of the batch.
		for _, f := range e.Batch.Failed {
			if f.Code == vmplane.ENOTFOUND && f.Subject == "instance" {
				return unknownServer(f.ID)
			}
		}
		return badRequest(codePartial, fmt.Sprintf(msgPartial, len(e.Batch.Failed), e.Batch.Total))
	}
	switch e.Code {
	case vmplane.EFAULT:
		w := e.Wire
		status := w.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		msg := w.Message
		if msg == "" {
			msg = e.Message
		}
		return &apiError{status: status, code: w.Code, message: msg}
	case vmplane.ENOTFOUND:
		if e.Subject == "instance" {
			return unknownServer(e.ID)
		}
		return noProduct() // spec, image, zone
	case vmplane.EBUSY:
		return badRequest(codeBusy, msgBusy)
	case vmplane.ESTATE:
		switch {
		case e.Kind == vmplane.KindStop && e.State == vmplane.PowerStopped:
			return badRequest(codeAlready, msgAlreadyStopped)
		case e.Kind == vmplane.KindTerminate:
			return badRequest(codeNotStopped, msgNotStopped)
		}
		return badRequest(codeBusy, msgBusy)
	case vmplane.ESAMESPEC:
		return badRequest(codeSameSpec, msgSameSpec)
	case vmplane.EINCOMPATIBLE:
		return badRequest(codeNoProduct, msgIncompatible)
	case vmplane.EPROTECTED:
		return badRequest(codeProtected, msgProtected)
	case vmplane.EQUOTA:
		return badRequest(codeQuota, msgQuota)
	case vmplane.EINVALID:
		if e.Subject != "" {
			return invalidParam(e.Subject)
		}
		return badRequest(codeInvalidValue, e.Message)
	case vmplane.EZONE, vmplane.ESCHEDULED, vmplane.ENOSCHEDULE:
		return badRequest(codeBusy, msgBusy)
	}
	return &apiError{status: http.StatusInternalServerError, code: codeTemporary, message: msgTemporary}
}
