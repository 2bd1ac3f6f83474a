package huawei

import (
	"encoding/json"
	"net/http"

	"github.com/vmplane/vmplane"
)

// resizeRequest is the body of both resize APIs; v1.1 adds extendparam and
// dedicated_host_id to the option.
type resizeRequest struct {
	Resize *resizeOption `json:"resize"`
	DryRun *bool         `json:"dry_run"`
}

type resizeOption struct {
	FlavorRef       string          `json:"flavorRef"`
	Mode            string          `json:"mode"`
	CPUOptions      json.RawMessage `json:"cpu_options"`
	DedicatedHostID string          `json:"dedicated_host_id"`
	Extendparam     *struct {
		IsAutoPay string `json:"isAutoPay"`
	} `json:"extendparam"`
}

// resizePostPaid serves POST /v1/{project_id}/cloudservers/{server_id}/resize,
// for pay-per-use servers.
func (h *Handler) resizePostPaid(w http.ResponseWriter, c *call) error {
	return h.resize(w, c, false)
}

// resizeServer serves POST /v1.1/{project_id}/cloudservers/{server_id}/resize,
// for yearly/monthly and pay-per-use servers.
func (h *Handler) resizeServer(w http.ResponseWriter, c *call) error {
	return h.resize(w, c, true)
}

// resize changes a server's flavor. The change auto-confirms, as ECS's
// cloudservers API does: the job's SUCCESS means the server has the new
// flavor. withStopServer stops a running server, resizes it and starts it
// again, as one job; without it the server must be stopped.
func (h *Handler) resize(w http.ResponseWriter, c *call, v11 bool) error {
	var req resizeRequest
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	if req.Resize == nil {
		return invalidParam("resize is required.")
	}
	opt := req.Resize
	if opt.FlavorRef == "" {
		return invalidParam("flavorRef is required.")
	}
	mode, err := resizeMode(opt.Mode, opt.CPUOptions)
	if err != nil {
		return err
	}
	id := c.r.PathValue("server_id")
	in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	switch {
	case in.Charge == vmplane.ChargeSpot:
		return errSpotResize
	case in.Charge == vmplane.ChargePrepaid && !v11:
		return errPrepaidV1
	}
	op := vmplane.OperationRequest{Scope: c.scope, Kind: vmplane.KindResize, Mode: mode, InstanceIDs: []string{id}, SpecID: opt.FlavorRef}
	if req.DryRun != nil && *req.DryRun {
		if err := h.svc.Validate(c.r.Context(), op); err != nil {
			return err
		}
		return reply(w, c, http.StatusAccepted, struct{}{})
	}
	return h.submitResize(w, c, op, in.Charge)
}

// resizeMode reads a resize's mode and checks its cpu_options.
func resizeMode(mode string, cpuOptions json.RawMessage) (vmplane.Mode, error) {
	if err := checkCPUOptions(cpuOptions); err != nil {
		return "", err
	}
	return stopMode(mode)
}

// stopMode reads the mode of a change that needs a stopped server:
// withStopServer stops a running one first.
func stopMode(mode string) (vmplane.Mode, error) {
	switch mode {
	case "":
		return vmplane.ModeStrict, nil
	case "withStopServer":
		return vmplane.ModeStopFirst, nil
	default:
		return "", invalidParam("Invalid mode [%s].", mode)
	}
}

// submitResize accepts a resize of servers charged as charge and answers
// its job, with an order for yearly/monthly servers.
func (h *Handler) submitResize(w http.ResponseWriter, c *call, op vmplane.OperationRequest, charge vmplane.ChargeType) error {
	job, err := h.svc.Submit(c.r.Context(), op)
	if err != nil {
		return err
	}
	// A yearly/monthly change opens an order, which vmplane pays at once
	// (as with isAutoPay "true"): the job never waits in PENDING_PAYMENT.
	// A batch upgrade cannot pay automatically on ECS; vmplane has no
	// payment API, so it pays that order at once too.
	var order string
	if charge == vmplane.ChargePrepaid {
		order = orderID(job.Operations[0].CreatedAt, job.ID)
	}
	return reply(w, c, http.StatusOK, struct {
		OrderID string `json:"order_id,omitempty"`
		JobID   string `json:"job_id"`
	}{order, job.ID})
}

// maxBatchResize is how many servers one batch resize may name.
const maxBatchResize = 50

// batchResize serves POST /v1/{project_id}/cloudservers/batch-resize: one
// job that changes the flavor of up to 50 servers, with a sub-job each.
// ECS requires the servers to share their billing mode, availability zone
// and current flavor, and refuses spot servers; the codes of those
// refusals are UNVERIFIED (Ecs.0005 here). Promotion is accepted and
// ignored: vmplane has no promotions.
func (h *Handler) batchResize(w http.ResponseWriter, c *call) error {
	var req struct {
		Resize *struct {
			FlavorRef  string          `json:"flavorRef"`
			Servers    []serverRef     `json:"servers"`
			Mode       string          `json:"mode"`
			CPUOptions json.RawMessage `json:"cpu_options"`
		} `json:"resize"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	opt := req.Resize
	switch {
	case opt == nil:
		return invalidParam("resize is required.")
	case opt.FlavorRef == "":
		return invalidParam("flavorRef is required.")
	case len(opt.Servers) > maxBatchResize:
		return errTooMany
	}
	mode, err := resizeMode(opt.Mode, opt.CPUOptions)
	if err != nil {
		return err
	}
	ids, err := serverIDs(opt.Servers)
	if err != nil {
		return err
	}
	// The batch's rules are checked on the servers as they are now; the
	// core then admits each server's change atomically, so a server that
	// changed in between is still refused by its own state.
	servers, err := h.findServers(c, ids)
	if err != nil {
		return err
	}
	first := servers[0]
	for _, in := range servers {
		switch {
		case in.Charge == vmplane.ChargeSpot:
			return errSpotResize
		case in.Charge != first.Charge:
			return invalidParam("The ECSs in a batch must have the same billing mode.")
		case in.Zone != first.Zone:
			return invalidParam("The ECSs in a batch must be in the same availability zone.")
		case in.SpecID != first.SpecID:
			return invalidParam("The ECSs in a batch must have the same flavor.")
		}
	}
	op := vmplane.OperationRequest{Scope: c.scope, Kind: vmplane.KindResize, Mode: mode, InstanceIDs: ids, SpecID: opt.FlavorRef, Batch: true}
	return h.submitResize(w, c, op, first.Charge)
}

// checkCPUOptions accepts hw:cpu_threads 1 or 2, as a number or a numeric
// string, or nothing.
func checkCPUOptions(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var opts map[string]json.RawMessage
	if err := json.Unmarshal(raw, &opts); err != nil {
		return invalidParam("Invalid cpu_options.")
	}
	switch t := string(opts["hw:cpu_threads"]); t {
	case "", "null", "1", "2", `"1"`, `"2"`:
		return nil
	default:
		return invalidParam("Invalid hw:cpu_threads [%s]: it must be 1 or 2.", t)
	}
}
