package zenlayer

import (
	"fmt"

	"github.com/vmplane/vmplane"
)

type resetInstancesPasswordRequest struct {
	InstanceIDs []string `json:"instanceIds"`
	Password    string   `json:"password"`
}

// resetInstancesPassword checks a new password for instances, as
// Terraform's zvm_instance sends one when its password changes. The
// simulated guests have no password to set and vmplane keeps none, so once
// the request is found valid there is nothing to record. Which states the
// real service accepts is UNVERIFIED: here any instance out of the recycle
// bin.
func (h *Handler) resetInstancesPassword(c *call, req *resetInstancesPasswordRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	if req.Password == "" {
		return nil, missing("password")
	}
	if !validPassword(req.Password) {
		return nil, errMalformedPassword
	}
	if err := h.checkOutOfBin(c, req.InstanceIDs); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

// checkOutOfBin finds every instance of ids, none of them in the recycle
// bin, where an instance takes no change (as for every other action;
// UNVERIFIED for the attribute actions).
func (h *Handler) checkOutOfBin(c *call, ids []string) error {
	for _, id := range ids {
		in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
		if err != nil {
			return err
		}
		if in.Power == vmplane.PowerRecycled {
			return &vmplane.Error{Code: vmplane.ESTATE, ID: id, State: in.Power,
				Message: fmt.Sprintf("Instance %s is in the recycle bin.", id)}
		}
	}
	return nil
}

type modifyInstancesAttributeRequest struct {
	InstanceIDs  []string `json:"instanceIds"`
	InstanceName string   `json:"instanceName"`
}

// modifyInstancesAttribute renames instances, as Terraform does when a
// zvm_instance's name changes: all of them in one commit, or none when one
// is refused.
func (h *Handler) modifyInstancesAttribute(c *call, req *modifyInstancesAttributeRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	// The name is the only attribute this action changes, so it is
	// required (UNVERIFIED: the SDK omits an empty one).
	if req.InstanceName == "" {
		return nil, missing("instanceName")
	}
	if !validName(req.InstanceName) {
		return nil, badValue("The parameter `instanceName` must be up to 64 letters, digits, hyphens and periods.")
	}
	if err := h.checkOutOfBin(c, req.InstanceIDs); err != nil {
		return nil, err
	}
	if _, err := h.svc.UpdateInstances(c.ctx, c.scope, req.InstanceIDs, vmplane.InstanceUpdate{Name: &req.InstanceName}); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
