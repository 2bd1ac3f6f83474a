package zenlayer

import (
	"fmt"

	"github.com/vmplane/vmplane"
)

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
	for _, id := range req.InstanceIDs {
		in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
		if err != nil {
			return nil, err
		}
		// An instance in the recycle bin takes no change, as for every
		// other action (UNVERIFIED for this one).
		if in.Power == vmplane.PowerRecycled {
			return nil, &vmplane.Error{Code: vmplane.ESTATE, ID: id, State: in.Power,
				Message: fmt.Sprintf("Instance %s is in the recycle bin.", id)}
		}
	}
	if _, err := h.svc.UpdateInstances(c.ctx, c.scope, req.InstanceIDs, vmplane.InstanceUpdate{Name: &req.InstanceName}); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
