package huawei

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

func (h *Handler) showServer(w http.ResponseWriter, c *call) error {
	in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, c.r.PathValue("server_id"))
	if err != nil {
		return err
	}
	return reply(w, c, http.StatusOK, struct {
		Server serverDetail `json:"server"`
	}{detailOf(&in, c.account, h.svc.Catalog(cloudName), h.svc.Now())})
}

// listServers serves GET /v1/{project_id}/cloudservers/detail: offset is a
// page number (1 when 0 or absent), limit a page size (25 by default, at
// most 1000), count the number of matches. Newest servers come first
// (UNVERIFIED). marker, the id of the last server of the previous page,
// starts the page after it, and then offset is not read (UNVERIFIED: ECS
// deprecates offset for marker). server_id, a comma-separated list,
// overrides every other filter, as on ECS, and an id in it that names no
// server of the caller's still has an entry (see missingServer), after the
// servers found, counted among the matches.
func (h *Handler) listServers(w http.ResponseWriter, c *call) error {
	q := c.r.URL.Query()
	page, err := intParam(q, "offset", 1, 0, math.MaxInt32)
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 25, 0, 1000)
	if err != nil {
		return err
	}
	page, limit = max(page, 1), cmp.Or(limit, 25)
	now := h.svc.Now()
	f := vmplane.InstanceFilter{Scope: c.scope, Newest: true, Offset: min((page-1)*limit, math.MaxInt32), Limit: limit}
	if f.After = q.Get("marker"); f.After != "" {
		f.Offset = 0
	}
	var missing []string
	if ids := q.Get("server_id"); ids != "" {
		f.IDs = strings.Split(ids, ",")
		if missing, err = h.missingServers(c, f.IDs); err != nil {
			return err
		}
	} else {
		f.Match = serverFilters(q.Get, now).match()
	}
	list, total, err := h.svc.FindInstances(c.r.Context(), f)
	if err != nil {
		return err
	}
	cat := h.svc.Catalog(cloudName)
	servers := make([]serverDetail, len(list))
	for i := range list {
		servers[i] = detailOf(list[i], c.account, cat, now)
	}
	var answer any = servers
	// The missing ids follow the servers found: this page holds those of
	// them that fall in [offset, offset+limit) of the whole list.
	from, to := min(max(f.Offset-total, 0), len(missing)), min(max(f.Offset+limit-total, 0), len(missing))
	if from < to {
		entries := make([]any, 0, len(servers)+to-from)
		for _, s := range servers {
			entries = append(entries, s)
		}
		for _, id := range missing[from:to] {
			entries = append(entries, missingServer(id, now))
		}
		answer = entries
	}
	return reply(w, c, http.StatusOK, struct {
		Count   int `json:"count"`
		Servers any `json:"servers"`
	}{total + len(missing), answer})
}

// missingServers returns the ids of a server_id list that name none of the
// caller's servers, each once, in the list's order.
func (h *Handler) missingServers(c *call, ids []string) ([]string, error) {
	found, _, err := h.svc.FindInstances(c.r.Context(), vmplane.InstanceFilter{Scope: c.scope, IDs: ids})
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(ids))
	for _, in := range found {
		seen[in.ID] = true
	}
	var missing []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// serverDetailKeys are the JSON names of serverDetail's fields.
var serverDetailKeys = func() []string {
	t := reflect.TypeFor[serverDetail]()
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return keys
}()

// missingServer is ListServersDetails' entry for a server_id that names no
// server: every field null but id and fault, as ECS documents. UNVERIFIED:
// what the fault holds (ECS's 404 for an unknown server, at the time of the
// query).
func missingServer(id string, now time.Time) map[string]any {
	entry := make(map[string]any, len(serverDetailKeys))
	for _, k := range serverDetailKeys {
		entry[k] = nil
	}
	entry["id"] = id
	entry["fault"] = serverFault{Code: http.StatusNotFound, Created: now.UTC().Format(serverTimeLayout),
		Message: fmt.Sprintf("Instance[%s] could not be found.", id)}
	return entry
}

// filters gathers a list query's filters: each parameter the query gives
// adds a predicate, so that a query without any costs no pass over the
// servers.
type filters struct {
	get   func(string) string // reads a query parameter
	preds []func(*vmplane.Instance) bool
}

// on adds match for the parameter name, when the query gives it.
func (f *filters) on(name string, match func(in *vmplane.Instance, v string) bool) {
	if v := f.get(name); v != "" {
		f.preds = append(f.preds, func(in *vmplane.Instance) bool { return match(in, v) })
	}
}

// match is the filters as one predicate, nil when there are none.
func (f *filters) match() func(*vmplane.Instance) bool {
	if len(f.preds) == 0 {
		return nil
	}
	return func(in *vmplane.Instance) bool {
		for _, p := range f.preds {
			if !p(in) {
				return false
			}
		}
		return true
	}
}

// statusVMStates are the statuses a list filter takes as their vm_state:
// every server in it, those in an intermediate status included. ECS
// documents that ACTIVE also finds REBOOT, HARD_REBOOT, REBUILD, MIGRATING
// and RESIZE, SHUTOFF also RESIZE and REBUILD, ERROR also REBUILD and
// VERIFY_RESIZE also REVERT_RESIZE, which is what Nova's status filter
// does: it filters on vm_state.
var statusVMStates = map[string]string{"ACTIVE": "active", "SHUTOFF": "stopped", "ERROR": "error", "VERIFY_RESIZE": "resized"}

// serverFilters are v1's list filters. name and ip match a part, ip_eq the
// whole address; tags and not-tags take key=value or key items,
// comma-separated.
func serverFilters(get func(string) string, now time.Time) *filters {
	f := &filters{get: get}
	f.on("flavor", func(in *vmplane.Instance, v string) bool { return in.SpecID == v })
	f.on("name", func(in *vmplane.Instance, v string) bool { return strings.Contains(in.Name, v) })
	f.on("status", func(in *vmplane.Instance, v string) bool {
		d := displayOf(in, now)
		if vm, ok := statusVMStates[v]; ok {
			return d.VMState == vm
		}
		return d.Status == v
	})
	f.on("enterprise_project_id", func(in *vmplane.Instance, v string) bool {
		return v == "all_granted_eps" || cmp.Or(in.Attr(attrEnterprise), "0") == v
	})
	f.on("reservation_id", func(in *vmplane.Instance, v string) bool { return reservationID(in) == v })
	f.on("ip", func(in *vmplane.Instance, v string) bool { return strings.Contains(ipOf(in), v) })
	f.on("ip_eq", func(in *vmplane.Instance, v string) bool { return ipOf(in) == v })
	f.on("tags", func(in *vmplane.Instance, v string) bool { return hasTags(in, v, true) })
	f.on("not-tags", func(in *vmplane.Instance, v string) bool { return !hasTags(in, v, false) })
	return f
}

// hasTags reports whether in has all (or, with all false, any) of the
// comma-separated tags.
func hasTags(in *vmplane.Instance, list string, all bool) bool {
	for item := range strings.SplitSeq(list, ",") {
		key, value, withValue := strings.Cut(item, "=")
		got, ok := in.Attrs[attrTagPrefix+key]
		has := ok && (!withValue || got == value)
		if has != all {
			return has
		}
	}
	return all
}

// createRequest is the body of both create APIs: /v1 (pay-per-use and
// spot) and /v1.1 (also yearly/monthly).
type createRequest struct {
	Server *serverCreate `json:"server"`
	DryRun *bool         `json:"dry_run"`
}

type serverCreate struct {
	Name             string `json:"name"`
	FlavorRef        string `json:"flavorRef"`
	ImageRef         string `json:"imageRef"`
	VPCID            string `json:"vpcid"`
	AvailabilityZone string `json:"availability_zone"`
	Nics             []struct {
		SubnetID  string `json:"subnet_id"`
		IPAddress string `json:"ip_address"`
	} `json:"nics"`
	RootVolume *struct {
		VolumeType string `json:"volumetype"`
		Size       *int   `json:"size"`
	} `json:"root_volume"`
	Count          *int        `json:"count"`
	IsAutoRename   *bool       `json:"isAutoRename"`
	KeyName        string      `json:"key_name"`
	AdminPass      string      `json:"adminPass"` // checked, kept nowhere
	UserData       string      `json:"user_data"`
	SecurityGroups []serverRef `json:"security_groups"`
	Extendparam    *struct {
		// chargingMode is a number on /v1 (0) and a string on /v1.1
		// ("prePaid", "postPaid").
		ChargingMode        json.RawMessage `json:"chargingMode"`
		PeriodType          string          `json:"periodType"`
		PeriodNum           int             `json:"periodNum"`
		MarketType          string          `json:"marketType"`
		EnterpriseProjectID string          `json:"enterprise_project_id"`
	} `json:"extendparam"`
	Metadata   map[string]string `json:"metadata"`
	ServerTags []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"server_tags"`
	Description string `json:"description"`
}

// Limits ECS documents for create.
const (
	maxCreate  = 100 // servers per request, as the SDK's create models say (Ecs.0913)
	maxNameLen = 64  // runes (Ecs.0914)
	// maxCountNameLen is a name's limit when count is over 1: ECS adds a
	// suffix such as "-0000" to each.
	maxCountNameLen = 59
	maxNics         = 12
	maxCreateTags   = 10 // server_tags at create; a server may have maxTags later
	// minRootDisk is an image's minimum system disk (GiB) when the catalog
	// gives no min_disk for it.
	minRootDisk = 40
	maxRootDisk = 1024
)

// errNameTooLong is ECS's refusal of a server name over its limit.
var errNameTooLong = &apiError{Status: http.StatusBadRequest, Code: "Ecs.0914", Message: "The length of the ECS name exceeds the maximum allowed limit."}

// volumeTypes are the EVS disk types a system disk may have.
var volumeTypes = []string{"SATA", "SAS", "SSD", "GPSSD", "co-p1", "uh-l1", "ESSD", "GPSSD2", "ESSD2"}

// createServers serves both create APIs. The servers of one request are one
// job, with a sub-job per server.
func (h *Handler) createServers(w http.ResponseWriter, c *call) error {
	var req createRequest
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	if req.Server == nil {
		return invalidParam("server is required.")
	}
	create, err := instanceCreate(req.Server, h.svc.Catalog(cloudName))
	if err != nil {
		return err
	}
	if pw := req.Server.AdminPass; pw != "" {
		if err := checkPassword(pw, h.svc.Catalog(cloudName), req.Server.ImageRef); err != nil {
			return err
		}
	}
	create.Scope = c.scope
	if req.DryRun != nil && *req.DryRun {
		if err := h.svc.ValidateCreate(c.r.Context(), create); err != nil {
			return err
		}
		return reply(w, c, http.StatusAccepted, struct{}{})
	}
	answer, err := h.tokens.do(c.account.ID, c.r.Header.Get("X-Client-Token"), func() (createAnswer, error) {
		// A yearly/monthly server's order is paid at once (UNVERIFIED:
		// ECS waits for payment unless isAutoPay is "true").
		var a createAnswer
		if create.Charge == vmplane.ChargePrepaid {
			a.OrderID = orderID(h.svc.Now(), access.From(c.r.Context()).Hex())
			create.Attrs[attrOrder] = a.OrderID
		}
		job, err := h.svc.CreateInstances(c.r.Context(), create)
		if err != nil {
			return a, err
		}
		a.JobID = job.ID
		for _, in := range job.Instances {
			a.ServerIDs = append(a.ServerIDs, in.ID)
		}
		return a, nil
	})
	if err != nil {
		return err
	}
	return reply(w, c, http.StatusOK, answer)
}

// instanceCreate checks a create request and turns it into the core's.
func instanceCreate(s *serverCreate, cat *vmplane.Catalog) (vmplane.InstanceCreate, error) {
	var out vmplane.InstanceCreate
	if err := checkServer(s); err != nil {
		return out, err
	}
	// A size absent or 0 is the image's minimum, as ECS documents.
	minDisk := imageMinDisk(cat, s.ImageRef)
	disk := minDisk
	if size := s.RootVolume.Size; size != nil && *size != 0 {
		if *size < minDisk || *size > maxRootDisk {
			return out, invalidParam("root_volume.size must be from %d (the image's minimum) to %d.", minDisk, maxRootDisk)
		}
		disk = *size
	}
	count := 1
	if s.Count != nil {
		count = *s.Count
	}
	switch {
	case count < 1:
		return out, invalidParam("count must be at least 1.")
	case count > maxCreate:
		return out, &apiError{Status: http.StatusBadRequest, Code: "Ecs.0913", Message: "The number of ECSs to be created exceeds the maximum allowed limit"}
	case count > 1 && utf8.RuneCountInString(s.Name) > maxCountNameLen:
		return out, errNameTooLong
	}
	out = vmplane.InstanceCreate{
		SpecID: s.FlavorRef, ImageID: s.ImageRef, Zone: s.AvailabilityZone,
		DiskType: s.RootVolume.VolumeType, DiskGiB: disk, Charge: vmplane.ChargePayPerUse,
		Names: make([]string, count), Attrs: map[string]string{attrVPC: s.VPCID, attrSubnet: s.Nics[0].SubnetID},
	}
	// Several servers get numbered names unless isAutoRename is false
	// (UNVERIFIED: the suffix format).
	for i := range out.Names {
		out.Names[i] = s.Name
		if count > 1 && (s.IsAutoRename == nil || *s.IsAutoRename) {
			out.Names[i] = fmt.Sprintf("%s-%04d", s.Name, i+1)
		}
	}
	if err := chargeOf(s, &out); err != nil {
		return out, err
	}
	return out, setAttrs(s, out.Attrs)
}

// imageMinDisk is the smallest system disk (GiB) the image takes: its
// min_disk in the catalog, or minRootDisk.
func imageMinDisk(cat *vmplane.Catalog, imageID string) int {
	if img := cat.FindImage(imageID); img != nil {
		if n, err := strconv.Atoi(img.Attrs["min_disk"]); err == nil && n > 0 {
			return n
		}
	}
	return minRootDisk
}

// maxMetadata is how many metadata pairs a create may give.
const maxMetadata = 10

// checkMetadata holds the create models' rules for user metadata: at most
// maxMetadata pairs, keys of 1 to 255 letters, digits, '-', '_', ':' and
// '.', values of at most 255 characters.
func checkMetadata(md map[string]string) error {
	if len(md) > maxMetadata {
		return invalidParam("metadata has at most %d key/value pairs.", maxMetadata)
	}
	for k, v := range md {
		if k == "" || len(k) > 255 || strings.IndexFunc(k, func(r rune) bool {
			return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || strings.ContainsRune("-_:.", r))
		}) >= 0 {
			return invalidParam("Invalid metadata key [%s]: 1 to 255 letters, digits, '-', '_', ':' and '.'.", k)
		}
		if utf8.RuneCountInString(v) > 255 {
			return invalidParam("The value of metadata key [%s] is longer than 255 characters.", k)
		}
	}
	return nil
}

// checkServer checks a server's name, the references it must have and the
// form of its network's ids.
func checkServer(s *serverCreate) error {
	if err := checkName(s.Name); err != nil {
		return err
	}
	switch {
	case s.FlavorRef == "":
		return invalidParam("flavorRef is required.")
	case s.ImageRef == "":
		return invalidParam("imageRef is required.")
	case !isUUID(s.VPCID):
		return invalidParam("vpc id[%s] is not uuid.", s.VPCID)
	case len(s.Nics) == 0 || len(s.Nics) > maxNics:
		return invalidParam("nics must have 1 to %d items.", maxNics)
	case s.RootVolume == nil:
		return invalidParam("root_volume is required.")
	case !slices.Contains(volumeTypes, s.RootVolume.VolumeType):
		return invalidParam("Invalid root_volume.volumetype [%s].", s.RootVolume.VolumeType)
	}
	for i, nic := range s.Nics {
		if !isUUID(nic.SubnetID) {
			return invalidParam("subnet id[%s] of nics[%d] is not uuid.", nic.SubnetID, i)
		}
		if nic.IPAddress != "" {
			if a, err := netip.ParseAddr(nic.IPAddress); err != nil || !a.Is4() {
				return invalidParam("Invalid ip_address [%s].", nic.IPAddress)
			}
		}
	}
	for _, sg := range s.SecurityGroups {
		if !isUUID(sg.ID) {
			return invalidParam("security group id[%s] is not uuid.", sg.ID)
		}
	}
	return nil
}

// setAttrs records in attrs what ECS shows of a server beyond the core's
// fields (empty values are left out), and its tags, which it checks.
func setAttrs(s *serverCreate, attrs map[string]string) error {
	set := func(k, v string) {
		if v != "" {
			attrs[k] = v
		}
	}
	set(attrIP, s.Nics[0].IPAddress)
	set(attrKeyName, s.KeyName)
	set(attrUserData, s.UserData)
	set(attrDescription, s.Description)
	if s.Extendparam != nil {
		set(attrEnterprise, s.Extendparam.EnterpriseProjectID)
	}
	var sgs []string
	for _, sg := range s.SecurityGroups {
		sgs = append(sgs, sg.ID)
	}
	set(attrSecurityGroups, strings.Join(sgs, ","))
	if err := checkMetadata(s.Metadata); err != nil {
		return err
	}
	for k, v := range s.Metadata {
		set(attrMetaPrefix+k, v)
	}
	if len(s.ServerTags) > maxCreateTags {
		return invalidParam("A server can be created with at most %d tags.", maxCreateTags)
	}
	for _, t := range s.ServerTags {
		if err := checkTag(t.Key, &t.Value); err != nil {
			return err
		}
		attrs[attrTagPrefix+t.Key] = t.Value
	}
	return nil
}

// chargeOf reads the billing mode of a create request: pay-per-use unless
// extendparam says yearly/monthly (prePaid) or spot (marketType).
func chargeOf(s *serverCreate, out *vmplane.InstanceCreate) error {
	ext := s.Extendparam
	if ext == nil {
		return nil
	}
	switch mode := strings.Trim(string(ext.ChargingMode), `"`); mode {
	case "", "null", "0", "postPaid":
	case "1", "prePaid":
		out.Charge = vmplane.ChargePrepaid
		months := map[string]int{"month": 1, "year": 12}[ext.PeriodType]
		limit := map[string]int{"month": 9, "year": 3}[ext.PeriodType]
		if months == 0 || ext.PeriodNum < 1 || ext.PeriodNum > limit {
			return invalidParam("A yearly/monthly ECS needs periodType month (periodNum 1 to 9) or year (periodNum 1 to 3).")
		}
		out.Period = int32(months * ext.PeriodNum) // at most 36
	default:
		return invalidParam("Invalid chargingMode [%s].", mode)
	}
	switch ext.MarketType {
	case "":
	case "spot":
		if out.Charge == vmplane.ChargePrepaid {
			return invalidParam("A spot ECS is billed pay-per-use.")
		}
		out.Charge = vmplane.ChargeSpot
	default:
		return invalidParam("Invalid marketType [%s].", ext.MarketType)
	}
	return nil
}

// checkName applies ECS's rules for server names: 1 to 64 characters,
// letters, digits, underscores, hyphens and periods.
func checkName(name string) error {
	if name == "" {
		return invalidParam("name is required.")
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return errNameTooLong
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' && r != '.' {
			return invalidParam("Invalid name [%s]: only letters, digits, underscores (_), hyphens (-) and periods (.) are allowed.", name)
		}
	}
	return nil
}

// isUUID reports whether s has the 8-4-4-4-12 hex form of an id.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range []byte(s) {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// deleteServers serves POST /v1/{project_id}/cloudservers/delete. A running
// server is stopped first, as ECS does; the job has a sub-job per server.
// Only pay-per-use (and spot) servers are deleted, as ECS documents: a
// yearly/monthly one is unsubscribed through billing, which vmplane does not
// serve, and refuses the whole request. delete_publicip and delete_volume
// have nothing to act on in vmplane.
func (h *Handler) deleteServers(w http.ResponseWriter, c *call) error {
	var req struct {
		Servers        []serverRef `json:"servers"`
		DeletePublicip *bool       `json:"delete_publicip"`
		DeleteVolume   *bool       `json:"delete_volume"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	ids, err := serverIDs(req.Servers)
	if err != nil {
		return err
	}
	servers, err := h.findServers(c, ids)
	if err != nil {
		return err
	}
	for _, in := range servers {
		if in.Charge == vmplane.ChargePrepaid {
			return errDeletePrepaid(in.ID)
		}
	}
	return h.submit(w, c, vmplane.OperationRequest{Kind: vmplane.KindTerminate, Mode: vmplane.ModeStopFirst, InstanceIDs: ids, Batch: true})
}

// batchOption is the body of one batch action: the servers and, for stop
// and reboot, SOFT or HARD.
type batchOption struct {
	Servers []serverRef `json:"servers"`
	Type    *string     `json:"type"`
}

// batchAction serves POST /v1/{project_id}/cloudservers/action: os-start,
// os-stop or reboot of up to 1000 servers, as one job.
func (h *Handler) batchAction(w http.ResponseWriter, c *call) error {
	var req struct {
		Start  *batchOption `json:"os-start"`
		Stop   *batchOption `json:"os-stop"`
		Reboot *batchOption `json:"reboot"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return err
	}
	rec := access.From(c.r.Context())
	var opt *batchOption
	var op vmplane.OperationRequest
	switch {
	case req.Start != nil && req.Stop == nil && req.Reboot == nil:
		opt, op.Kind, rec.Action = req.Start, vmplane.KindStart, "BatchStartServers"
	case req.Stop != nil && req.Start == nil && req.Reboot == nil:
		opt, op.Kind, rec.Action = req.Stop, vmplane.KindStop, "BatchStopServers"
		if opt.Type == nil {
			opt.Type = new(string) // SOFT by default
		}
	case req.Reboot != nil && req.Start == nil && req.Stop == nil:
		opt, op.Kind, rec.Action = req.Reboot, vmplane.KindReboot, "BatchRebootServers"
		if opt.Type == nil {
			return invalidParam("type is required.")
		}
	default:
		return invalidParam("Exactly one of os-start, os-stop and reboot is required.")
	}
	if op.Kind != vmplane.KindStart {
		switch *opt.Type {
		case "", "SOFT":
		case "HARD":
			op.Hard = true
		default:
			return invalidParam("Invalid type [%s]: it must be SOFT or HARD.", *opt.Type)
		}
	}
	ids, err := serverIDs(opt.Servers)
	if err != nil {
		return err
	}
	op.InstanceIDs, op.Batch = ids, true
	return h.submit(w, c, op)
}

// submit accepts op on the caller's servers and answers its job id.
func (h *Handler) submit(w http.ResponseWriter, c *call, op vmplane.OperationRequest) error {
	op.Scope = c.scope
	job, err := h.svc.Submit(c.r.Context(), op)
	if err != nil {
		return err
	}
	return reply(w, c, http.StatusOK, struct {
		JobID string `json:"job_id"`
	}{job.ID})
}

// findServers returns the servers a batch request names, in its order; an
// unknown one is ECS's 404.
func (h *Handler) findServers(c *call, ids []string) ([]vmplane.Instance, error) {
	out := make([]vmplane.Instance, len(ids))
	for i, id := range ids {
		in, err := h.svc.FindInstanceByID(c.r.Context(), c.scope, id)
		if err != nil {
			return nil, err
		}
		out[i] = in
	}
	return out, nil
}

// reservationID and ipOf are what ECS shows of a server that vmplane does
// not record: derived from its sequence number, stable.
func reservationID(in *vmplane.Instance) string {
	return fmt.Sprintf("r-%08x", mix(uint64(in.Seq))>>32)
}

func ipOf(in *vmplane.Instance) string {
	seq := uint64(in.Seq)
	return cmp.Or(in.Attr(attrIP), fmt.Sprintf("192.168.%d.%d", seq/250%256, seq%250+2))
}
