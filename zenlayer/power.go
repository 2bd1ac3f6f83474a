package zenlayer

import (
	"fmt"
	"net/http"

	"github.com/vmplane/vmplane"
)

type instanceIDsRequest struct {
	InstanceIDs []string `json:"instanceIds"`
}

type stopInstancesRequest struct {
	InstanceIDs []string `json:"instanceIds"`
	// ForceShutdown defaults to true, as documented.
	ForceShutdown *bool `json:"forceShutdown"`
}

// empty is the response of the actions that return only a request id.
type empty struct{ reply }

// submit asks the core for one kind of operation on a batch of instances,
// all or nothing.
func (h *Handler) submit(c *call, req vmplane.OperationRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	req.Scope = c.scope
	if _, err := h.svc.Submit(c.ctx, req); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (h *Handler) startInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindStart, InstanceIDs: req.InstanceIDs})
}

func (h *Handler) stopInstances(c *call, req *stopInstancesRequest) (*empty, error) {
	hard := req.ForceShutdown == nil || *req.ForceShutdown
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindStop, InstanceIDs: req.InstanceIDs, Hard: hard})
}

func (h *Handler) rebootInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindReboot, InstanceIDs: req.InstanceIDs})
}

type instanceIDRequest struct {
	InstanceID string `json:"instanceId"`
}

// find returns the instance a single-instance action names.
func (h *Handler) find(c *call, id string) (*vmplane.Instance, error) {
	if id == "" {
		return nil, missing("instanceId")
	}
	in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// terminateInstance moves an instance to the recycle bin: it is powered off
// and kept until ReleaseInstances. A PREPAID instance must wait until it
// expires, as documented.
func (h *Handler) terminateInstance(c *call, req *instanceIDRequest) (*empty, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	if subscribed(in, h.svc.Now()) && in.Power != vmplane.PowerRecycled {
		return nil, errorf(http.StatusForbidden, codeSubscription, "Instance %s is a subscription (PREPAID) instance; it cannot be terminated before it expires at %s.",
			in.ID, expiry(in).UTC().Format(timeLayout))
	}
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindRecycle, Mode: vmplane.ModeStopFirst, InstanceIDs: []string{in.ID}})
}

// releaseInstances destroys instances in the recycle bin, and only those:
// the core would also terminate a stopped instance.
func (h *Handler) releaseInstances(c *call, req *instanceIDsRequest) (*empty, error) {
	if err := checkIDs(req.InstanceIDs, true); err != nil {
		return nil, err
	}
	for _, id := range req.InstanceIDs {
		in, err := h.svc.FindInstanceByID(c.ctx, c.scope, id)
		if err != nil {
			return nil, err
		}
		if in.Power != vmplane.PowerRecycled {
			return nil, &vmplane.Error{Code: vmplane.ESTATE, ID: id, Kind: vmplane.KindTerminate, State: in.Power,
				Message: fmt.Sprintf("Instance %s is not in the recycle bin.", id)}
		}
	}
	return h.submit(c, vmplane.OperationRequest{Kind: vmplane.KindTerminate, InstanceIDs: req.InstanceIDs})
}
