package zenlayer

import (
	"slices"
	"time"

	"github.com/vmplane/vmplane"
)

type modifyInstanceTypeRequest struct {
	InstanceID     string `json:"instanceId"`
	InstanceTypeID string `json:"instanceTypeId"`
}

// modifyInstanceType changes an instance's type. POSTPAID instances and
// PREPAID upgrades change at once (the instance keeps its status while the
// change is Processing); a downgrade of an unexpired PREPAID instance waits
// until it expires (WaitToEnable) and can be cancelled until then. Every case
// returns an order number: the change's job. The checks, and their order,
// are the core's (Validate/Submit): instance, state, operation in flight,
// type, same type, scheduled change, zone, series.
func (h *Handler) modifyInstanceType(c *call, req *modifyInstanceTypeRequest) (*orderResponse, error) {
	if req.InstanceID == "" {
		return nil, missing("instanceId")
	}
	if req.InstanceTypeID == "" {
		return nil, missing("instanceTypeId")
	}
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	resize := vmplane.OperationRequest{Scope: c.scope, Kind: vmplane.KindResize, Mode: vmplane.ModeLive,
		InstanceIDs: []string{in.ID}, SpecID: req.InstanceTypeID}
	now := h.svc.Now()
	if !h.downgrade(in, req.InstanceTypeID, now) {
		job, err := h.svc.Submit(c.ctx, resize)
		if err != nil {
			return nil, err
		}
		return &orderResponse{OrderNumber: job.ID}, nil
	}
	if err := h.svc.Validate(c.ctx, resize); err != nil {
		return nil, err
	}
	n, err := h.svc.ScheduleResize(c.ctx, c.scope, in.ID, vmplane.ScheduledChange{SpecID: req.InstanceTypeID, At: expiry(in)})
	if err != nil {
		return nil, err
	}
	return &orderResponse{OrderNumber: n.Scheduled.Order}, nil
}

// downgrade reports whether changing in to specID at now is a downgrade of
// an unexpired PREPAID instance. The monthly prices decide; an equal price
// counts as an upgrade (UNVERIFIED: the real metric is not documented).
func (h *Handler) downgrade(in *vmplane.Instance, specID string, now time.Time) bool {
	if !subscribed(in, now) {
		return false
	}
	cat := h.svc.Catalog(CloudName)
	cur, target := cat.FindSpec(in.SpecID), cat.FindSpec(specID)
	return cur != nil && target != nil && target.Price < cur.Price
}

type describeInstanceTypeStatusResponse struct {
	reply
	InstanceID                 string `json:"instanceId"`
	InstanceName               string `json:"instanceName"`
	InstanceType               string `json:"instanceType"`
	ModifiedInstanceType       string `json:"modifiedInstanceType"`
	ModifiedInstanceTypeStatus string `json:"modifiedInstanceTypeStatus"`
}

func (h *Handler) describeInstanceTypeStatus(c *call, req *instanceIDRequest) (*describeInstanceTypeStatusResponse, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	target, status := typeChange(in)
	return &describeInstanceTypeStatusResponse{InstanceID: in.ID, InstanceName: in.Name, InstanceType: in.SpecID,
		ModifiedInstanceType: target, ModifiedInstanceTypeStatus: status}, nil
}

// typeChange is the phase of an instance's type change: Processing while
// it is applied, WaitToEnable while it waits for the next billing cycle,
// and Enable otherwise, naming the last change's target until another
// operation takes its place. As with the bandwidth status this mirrors,
// Enable with a target other than instanceType means the change failed.
// An idle instance that never changed shows Enable and no target
// (UNVERIFIED: it may be empty on the real service).
func typeChange(in *vmplane.Instance) (target, status string) {
	switch {
	case in.Op != nil && slices.Contains(changing, in.Op.Kind):
		return in.Op.SpecID, "Processing"
	case in.Scheduled != nil:
		return in.Scheduled.SpecID, "WaitToEnable"
	case in.Last != nil && slices.Contains(changing, in.Last.Kind):
		return in.Last.SpecID, "Enable"
	}
	return "", "Enable"
}

func (h *Handler) cancelInstanceDowngrade(c *call, req *instanceIDRequest) (*empty, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	if _, err := h.svc.CancelScheduledResize(c.ctx, c.scope, in.ID); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
