package huawei

import (
	"net/http"
	"time"

	"github.com/vmplane/vmplane"
)

// jobType names an ECS job and its sub-jobs by kind of operation. The
// batch action names are recorded (serversAction / serverActions), as is
// create; resize, delete and the OS reinstall are UNVERIFIED (clients read
// only the status, error_code and fail_reason).
type jobType struct {
	job, sub string
	// single: a job of one server names it in entities.server_id, with no
	// sub-jobs, unless a batch API made it (Operation.Batch): a batch
	// API's job has sub-jobs whatever the number of servers.
	single bool
}

var jobTypes = map[vmplane.Kind]jobType{
	vmplane.KindCreate:    {"createServer", "createSingleServer", false},
	vmplane.KindStart:     {"serversAction", "serverActions", false},
	vmplane.KindStop:      {"serversAction", "serverActions", false},
	vmplane.KindReboot:    {"serversAction", "serverActions", false},
	vmplane.KindTerminate: {"deleteServer", "deleteSingleServer", false},
	// A resize names its one server in entities.server_id, no sub-jobs; a
	// batch resize, even of one server, has a sub-job a server.
	vmplane.KindResize:          {"resizeServer", "resizeSingleServer", true},
	vmplane.KindScheduledResize: {"resizeServer", "resizeSingleServer", true},
	vmplane.KindRebuild:         {"reinstallOS", "reinstallSingleOS", true},
}

// jobFailure is what a job shows when a step failed for a reason of its own
// (a hypervisor error), by kind; a failure injected by a fault rule shows
// the rule's code instead. Codes from ECS's table; stop has none (UNVERIFIED).
var jobFailures = map[vmplane.Kind]struct{ code, reason string }{
	vmplane.KindCreate:          {"Ecs.0204", "Failed to create the ECS. Try again later or contact customer service."},
	vmplane.KindStart:           {"Ecs.0226", "Failed to start."},
	vmplane.KindStop:            {"Ecs.1000", "A system exception occurred. Try again later or contact customer service."},
	vmplane.KindReboot:          {"Ecs.0227", "Failed to reboot."},
	vmplane.KindResize:          {"Ecs.0207", "Failed to modify the ECS specifications. Try again later or contact customer service."},
	vmplane.KindScheduledResize: {"Ecs.0207", "Failed to modify the ECS specifications. Try again later or contact customer service."},
	vmplane.KindTerminate:       {"Ecs.0501", "Failed to delete the ECS. Try again later or contact customer service."},
}

// jobTimeLayout is how ECS writes job times: 2025-03-23T07:28:46.807Z.
const jobTimeLayout = "2006-01-02T15:04:05.000Z"

type jobView struct {
	JobID      string      `json:"job_id"`
	JobType    string      `json:"job_type"`
	BeginTime  string      `json:"begin_time"`
	EndTime    string      `json:"end_time"`
	Status     string      `json:"status"`
	ErrorCode  *string     `json:"error_code"`
	FailReason *string     `json:"fail_reason"`
	Entities   jobEntities `json:"entities"`
}

type jobEntities struct {
	ServerID     string   `json:"server_id,omitempty"`
	SubJobsTotal *int     `json:"sub_jobs_total,omitempty"`
	SubJobs      []subJob `json:"sub_jobs,omitempty"`
}

type subJob struct {
	JobID      string         `json:"job_id"`
	JobType    string         `json:"job_type"`
	BeginTime  string         `json:"begin_time"`
	EndTime    string         `json:"end_time"`
	Status     string         `json:"status"`
	ErrorCode  *string        `json:"error_code"`
	FailReason *string        `json:"fail_reason"`
	Entities   subJobEntities `json:"entities"`
}

type subJobEntities struct {
	ServerID         string `json:"server_id"`
	ErrorcodeMessage string `json:"errorcode_message,omitempty"`
}

func (h *Handler) showJob(w http.ResponseWriter, c *call) error {
	ops, err := h.svc.FindJob(c.r.Context(), c.scope, c.r.PathValue("job_id"))
	if err != nil {
		return err
	}
	return reply(w, c, http.StatusOK, renderJob(c.r.PathValue("job_id"), ops, h.svc.Now()))
}

// renderJob shows a job as ECS does: INIT until any time has passed since
// it was accepted, RUNNING while any operation runs, then SUCCESS, or FAIL
// if any operation failed.
func renderJob(id string, ops []vmplane.Operation, now time.Time) jobView {
	types := jobTypes[ops[0].Kind]
	v := jobView{JobID: id, JobType: types.job}
	var begin, end time.Time
	running, started, failed := false, false, -1
	subs := make([]subJob, 0, len(ops))
	for i, op := range ops {
		if begin.IsZero() || op.CreatedAt.Before(begin) {
			begin = op.CreatedAt
		}
		if op.FinishedAt.After(end) {
			end = op.FinishedAt
		}
		s := subJob{JobID: op.ID, JobType: types.sub, BeginTime: op.CreatedAt.UTC().Format(jobTimeLayout),
			Status: opStatus(&op, now), Entities: subJobEntities{ServerID: op.InstanceID}}
		switch s.Status {
		case "INIT":
			running = true
		case "RUNNING":
			running, started = true, true
		case "FAIL":
			code, reason := opFailure(&op)
			s.ErrorCode, s.FailReason, s.Entities.ErrorcodeMessage = &code, &reason, reason
			if failed < 0 {
				failed = i
			}
		}
		if op.Done() {
			s.EndTime = op.FinishedAt.UTC().Format(jobTimeLayout)
		}
		subs = append(subs, s)
	}
	v.BeginTime = begin.UTC().Format(jobTimeLayout)
	switch {
	case running && started:
		v.Status = "RUNNING"
	case running:
		v.Status = "INIT"
	case failed >= 0:
		v.Status = "FAIL"
		v.ErrorCode, v.FailReason = subs[failed].ErrorCode, subs[failed].FailReason
	default:
		v.Status = "SUCCESS"
	}
	if !running {
		v.EndTime = end.UTC().Format(jobTimeLayout)
	}
	if types.single && len(ops) == 1 && !ops[0].Batch {
		v.Entities.ServerID = ops[0].InstanceID
	} else {
		n := len(subs)
		v.Entities.SubJobsTotal, v.Entities.SubJobs = &n, subs
	}
	return v
}

func opStatus(op *vmplane.Operation, now time.Time) string {
	switch {
	case op.State == vmplane.OpSucceeded:
		return "SUCCESS"
	case op.State == vmplane.OpFailed:
		return "FAIL"
	case !now.After(op.CreatedAt):
		return "INIT"
	default:
		return "RUNNING"
	}
}

// opFailure returns the error code and reason a failed operation shows.
func opFailure(op *vmplane.Operation) (code, reason string) {
	if op.Fault != nil && op.Fault.Error != nil {
		return op.ErrorCode, op.ErrorMessage
	}
	f, ok := jobFailures[op.Kind]
	if !ok {
		f = jobFailures[vmplane.KindStop]
	}
	return f.code, f.reason
}
