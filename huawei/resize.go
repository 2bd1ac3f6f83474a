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
	var mode vmplane.Mode
	switch opt.Mode {
	case "":
		mode = vmplane.ModeStrict
	case "withStopServer":
		mode = vmplane.ModeStopFirst
	default:
		return invalidParam("Invalid mode [%s].", opt.Mode)
	}
	if err := checkCPUOptions(opt.CPUOptions); err != nil {
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
	job, err := h.svc.Submit(c.r.Context(), op)
	if err != nil {
		return err
	}
	// A yearly/monthly change opens an order, which vmplane pays at once
	// (as with isAutoPay "true"): the job never waits in PENDING_PAYMENT.
	var order string
	if in.Charge == vmplane.ChargePrepaid {
		order = orderID(job.Operations[0].CreatedAt, job.ID)
	}
	return reply(w, c, http.StatusOK, struct {
		OrderID string `json:"order_id,omitempty"`
		JobID   string `json:"job_id"`
	}{order, job.ID})
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
