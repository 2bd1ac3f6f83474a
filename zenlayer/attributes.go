package zenlayer

import (
	"fmt"

	"github.com/vmplane/vmplane"
)

type resetInstanceRequest struct {
	InstanceID   string `json:"instanceId"`
	ImageID      string `json:"imageId"`
	Password     string `json:"password"`
	KeyID        string `json:"keyId"`
	InstanceName string `json:"instanceName"` // 2026-04-01
	WanName      string `json:"wanName"`
	LanName      string `json:"lanName"`
	InitScript   string `json:"initScript"` // 2026-04-01
}

// resetInstance reinstalls a stopped instance's system, from imageId or the
// image it has, and boots it: REBUILDING, then RUNNING. Terraform's
// zvm_instance stops an instance and calls it when its image or key
// changes, then reads keyId back from DescribeInstances. What the new
// system is given is recorded in the commit that accepts the reset, as its
// image is: its login, which is the key pair keyId names or else a password
// (the one given, or, as documented, one mailed to the owner), so that a
// reset without keyId leaves the instance no key pair; and instanceName,
// wanName and lanName when given. A name not given stays as it was
// (UNVERIFIED: the reinstalled system may fall back to eth0 and eth1). The
// password and initScript are checked as CreateInstances checks them and
// kept nowhere.
func (h *Handler) resetInstance(c *call, req *resetInstanceRequest) (*empty, error) {
	if req.InstanceID == "" {
		return nil, missing("instanceId")
	}
	if req.Password != "" && req.KeyID != "" {
		return nil, errLoginConflict
	}
	if req.Password != "" && !validPassword(req.Password) {
		return nil, errMalformedPassword
	}
	if req.InstanceName != "" && !validName(req.InstanceName) {
		return nil, errBadName
	}
	if err := checkNICNames(req.WanName, req.LanName); err != nil {
		return nil, err
	}
	if err := checkInitScript(req.InitScript); err != nil {
		return nil, err
	}
	attrs := map[string]string{attrKey: req.KeyID} // "" removes the key pair
	if req.WanName != "" {
		attrs[attrWanName] = req.WanName
	}
	if req.LanName != "" {
		attrs[attrLanName] = req.LanName
	}
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindRebuild, ImageID: req.ImageID, Name: req.InstanceName,
		Attrs: attrs, InstanceIDs: []string{req.InstanceID}})
}

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
		if err := outOfBin(&in); err != nil {
			return err
		}
	}
	return nil
}

// outOfBin refuses an instance in the recycle bin.
func outOfBin(in *vmplane.Instance) error {
	if in.Power == vmplane.PowerRecycled {
		return &vmplane.Error{Code: vmplane.ESTATE, ID: in.ID, State: in.Power,
			Message: fmt.Sprintf("Instance %s is in the recycle bin.", in.ID)}
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
		return nil, errBadName
	}
	return h.updateInstances(c, req.InstanceIDs, vmplane.InstanceUpdate{Name: &req.InstanceName})
}

// updateInstances records u on every instance of ids in one commit, or on
// none when one of them is refused.
func (h *Handler) updateInstances(c *call, ids []string, u vmplane.InstanceUpdate) (*empty, error) {
	if err := h.checkOutOfBin(c, ids); err != nil {
		return nil, err
	}
	if _, err := h.svc.UpdateInstances(c.ctx, c.scope, ids, u); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

type modifyInstancesResourceGroupRequest struct {
	InstanceIDs     []string `json:"instanceIds"`
	ResourceGroupID string   `json:"resourceGroupId"`
}

// modifyInstancesResourceGroup moves instances to another resource group,
// as Terraform does when a zvm_instance's resource_group_id changes: all
// of them in one commit, or none when one is refused. Resource groups are
// kept by another Zenlayer service; here any id is a group, named by its
// id, as CreateInstances takes one (UNVERIFIED: the real service refuses an
// unknown group, with OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND most
// likely).
func (h *Handler) modifyInstancesResourceGroup(c *call, req *modifyInstancesResourceGroupRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	if req.ResourceGroupID == "" {
		return nil, missing("resourceGroupId")
	}
	return h.updateInstances(c, req.InstanceIDs, vmplane.InstanceUpdate{Attrs: map[string]string{attrResourceGroup: req.ResourceGroupID}})
}
