package huawei

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

// cloudServer is a server as ListCloudServers (v1.1) shows it: the SDK's
// CloudServer, with names and types of its own (flavor sizes are numbers
// here, strings in ServerDetail). The fields after Fault are shown only
// when expect-fields asks for them.
type cloudServer struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	Description      string       `json:"description,omitempty"`
	Status           string       `json:"status"`
	TenantID         string       `json:"tenant_id"`
	UserID           string       `json:"user_id"`
	AvailabilityZone string       `json:"availability_zone"`
	VMState          string       `json:"vm_state"`
	TaskState        string       `json:"task_state"`
	Created          string       `json:"created"`
	Updated          string       `json:"updated"`
	InRecycleBin     bool         `json:"in_recycle_bin"`
	SpodID           string       `json:"spod_id"`
	Flavor           cloudFlavor  `json:"flavor"`
	Fault            *serverFault `json:"fault"`

	LaunchedAt          *string                   `json:"launched_at,omitempty"`
	KeyName             *string                   `json:"key_name,omitempty"`
	Locked              *bool                     `json:"locked,omitempty"`
	RootDeviceName      *string                   `json:"root_device_name,omitempty"`
	Tenancy             *string                   `json:"tenancy,omitempty"`
	DedicatedHostID     *string                   `json:"dedicated_host_id,omitempty"`
	EnterpriseProjectID *string                   `json:"enterprise_project_id,omitempty"`
	Tags                []string                  `json:"tags,omitempty"`
	Metadata            map[string]string         `json:"metadata,omitempty"`
	Addresses           map[string][]cloudAddress `json:"addresses,omitempty"`
	SecurityGroups      []securityGroup           `json:"security_groups,omitempty"`
	VolumesAttached     []cloudVolume             `json:"volumes_attached,omitempty"`
	Image               *serverImage              `json:"image,omitempty"`
	PowerState          *int32                    `json:"power_state,omitempty"`
	MarketInfo          *marketInfo               `json:"market_info,omitempty"`
}

type cloudFlavor struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	VCPUs int    `json:"vcpus"`
	RAM   int    `json:"ram"`
	Disk  int    `json:"disk"`
}

type cloudAddress struct {
	Version int    `json:"version"`
	Addr    string `json:"addr"`
	Type    string `json:"OS-EXT-IPS:type"`
	MAC     string `json:"OS-EXT-IPS-MAC:mac_addr"`
	PortID  string `json:"OS-EXT-IPS:port_id"`
	Primary bool   `json:"primary"`
}

type cloudVolume struct {
	ID                  string `json:"id"`
	DeleteOnTermination bool   `json:"delete_on_termination"` // a boolean here, a string in ServerDetail
	Device              string `json:"device"`
	BootIndex           string `json:"bootIndex"`
}

type marketInfo struct {
	ChargeMode  string       `json:"charge_mode"`
	PrepaidInfo *prepaidInfo `json:"prepaid_info,omitempty"`
}

type prepaidInfo struct {
	ExpiredTime string `json:"expired_time"`
}

// marketModes are market_info's charge modes, and charging_mode's values.
var marketModes = map[vmplane.ChargeType]string{
	vmplane.ChargePayPerUse: "postpaid",
	vmplane.ChargePrepaid:   "prepaid",
	vmplane.ChargeSpot:      "spot",
}

// expectFields are the fields expect-fields may add.
var expectFields = []string{
	"launched_at", "key_name", "locked", "root_device_name", "tenancy", "dedicated_host_id", "enterprise_project_id",
	"tags", "metadata", "addresses", "security_groups", "volumes_attached", "image", "power_state", "cpu_options", "market_info",
}

// listCloudServers serves GET /v1.1/{project_id}/cloudservers/detail:
// newest first (UNVERIFIED, as v1), limit 10 by default and at most 100,
// marker the id of the last server of the previous page. A full page links
// to the next in servers_links (rel "next"); a shorter one ends the list.
//
// Filters: id, name (a part), status, flavor_name, image_id, tags,
// not-tags, availability_zone (a part), availability_zone_eq,
// charging_mode (market_info's charge_mode, postpaid, prepaid or spot, in
// any case, or metadata's 0, 1 or 2; UNVERIFIED), key_name, enterprise_project_id, in_recycle_bin,
// launched_since (RFC 3339) and metadata-key. vmplane keeps no spods, so a
// spod_id matches nothing; metadata (a key and value) is not served.
// cpu_options is never shown: vmplane does not record it.
func (h *Handler) listCloudServers(w http.ResponseWriter, c *call) error {
	q := c.r.URL.Query()
	limit, err := intParam(q, "limit", 10, 0, 100)
	if err != nil {
		return err
	}
	limit = cmp.Or(limit, 10)
	expect, err := expected(q["expect-fields"])
	if err != nil {
		return err
	}
	now := h.svc.Now()
	match, err := cloudServerFilter(q, now)
	if err != nil {
		return err
	}
	list, _, err := h.svc.FindInstances(c.r.Context(), vmplane.InstanceFilter{
		Scope: c.scope, Newest: true, After: q.Get("marker"), Match: match, Limit: limit,
	})
	if err != nil {
		return err
	}
	cat := h.svc.Catalog(cloudName)
	servers := make([]cloudServer, len(list))
	for i, in := range list {
		servers[i] = cloudServerOf(in, c.account, cat, now, expect)
	}
	var links []pageLink
	if len(list) == limit {
		next := url.Values{"limit": {strconv.Itoa(limit)}, "marker": {list[len(list)-1].ID}}
		links = []pageLink{{Rel: "next", Href: baseURL(c.r) + "/v1.1/" + c.account.ProjectID + "/cloudservers/detail?" + next.Encode()}}
	}
	return reply(w, c, http.StatusOK, struct {
		Servers      []cloudServer `json:"servers"`
		ServersLinks []pageLink    `json:"servers_links,omitempty"`
		RequestID    string        `json:"request_id"`
	}{servers, links, access.From(c.r.Context()).Hex()})
}

type pageLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// expected reads expect-fields: repeated, as the SDK sends a list, or
// comma-separated.
func expected(values []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if !slices.Contains(expectFields, f) {
				return nil, invalidParam("Invalid expect-fields [%s].", f)
			}
			out[f] = true
		}
	}
	return out, nil
}

// cloudServerFilter is v1.1's filters as one predicate, nil when the
// query has none.
func cloudServerFilter(q url.Values, now time.Time) (func(*vmplane.Instance) bool, error) {
	// v1's filters, flavor by its v1.1 name.
	f := serverFilters(func(name string) string {
		if name == "flavor" {
			name = "flavor_name"
		}
		return q.Get(name)
	}, now)
	f.on("id", func(in *vmplane.Instance, v string) bool { return in.ID == v })
	f.on("image_id", func(in *vmplane.Instance, v string) bool { return in.ImageID == v })
	f.on("availability_zone", func(in *vmplane.Instance, v string) bool { return strings.Contains(in.Zone, v) })
	f.on("availability_zone_eq", func(in *vmplane.Instance, v string) bool { return in.Zone == v })
	f.on("charging_mode", func(in *vmplane.Instance, v string) bool {
		// UNVERIFIED which form ECS takes: market_info's names, any case
		// (postPaid as v1.1's create writes it), or metadata's numbers.
		return strings.EqualFold(marketModes[in.Charge], v) || chargingModes[in.Charge] == v
	})
	f.on("key_name", func(in *vmplane.Instance, v string) bool { return in.Attr(attrKeyName) == v })
	f.on("metadata-key", func(in *vmplane.Instance, v string) bool {
		_, ok := in.Attrs[attrMetaPrefix+v]
		return ok
	})
	f.on("in_recycle_bin", func(in *vmplane.Instance, v string) bool { return (in.Power == vmplane.PowerRecycled) == (v == "true") })
	f.on("spod_id", func(*vmplane.Instance, string) bool { return false })
	if v := q.Get("launched_since"); v != "" {
		since, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, invalidParam("Invalid launched_since [%s].", v)
		}
		f.on("launched_since", func(in *vmplane.Instance, _ string) bool { return !in.LaunchedAt.Before(since) })
	}
	return f.match(), nil
}

// cloudServerOf renders in as ListCloudServers shows it at time now, with
// the fields in expect.
func cloudServerOf(in *vmplane.Instance, acct *vmplane.Account, cat *vmplane.Catalog, now time.Time, expect map[string]bool) cloudServer {
	d := detailOf(in, acct, cat, now)
	var task string
	if d.TaskState != nil {
		task = *d.TaskState
	}
	out := cloudServer{
		ID: d.ID, Name: d.Name, Description: d.Description, Status: d.Status, TenantID: d.TenantID, UserID: d.UserID,
		AvailabilityZone: d.AvailabilityZone, VMState: d.VMState, TaskState: task,
		Created: d.Created, Updated: d.Updated, InRecycleBin: in.Power == vmplane.PowerRecycled,
		Flavor: cloudFlavor{ID: in.SpecID, Name: in.SpecID, VCPUs: in.VCPU, RAM: in.MemoryMiB},
		Fault:  d.Fault,
	}
	for f := range expect {
		switch f {
		case "launched_at":
			out.LaunchedAt = &d.LaunchedAt
		case "key_name":
			out.KeyName = &d.KeyName
		case "locked":
			out.Locked = &d.Locked
		case "root_device_name":
			out.RootDeviceName = &d.RootDeviceName
		case "tenancy":
			tenancy := "shared" // vmplane has no dedicated hosts
			out.Tenancy = &tenancy
		case "dedicated_host_id":
			out.DedicatedHostID = new(string)
		case "enterprise_project_id":
			out.EnterpriseProjectID = &d.EnterpriseProjectID
		case "tags":
			out.Tags = d.Tags
		case "metadata":
			out.Metadata = d.Metadata
		case "addresses":
			out.Addresses = map[string][]cloudAddress{}
			for net, addrs := range d.Addresses {
				for _, a := range addrs {
					out.Addresses[net] = append(out.Addresses[net], cloudAddress{Version: 4, Addr: a.Addr, Type: a.Type, MAC: a.MAC, PortID: a.PortID, Primary: a.Primary})
				}
			}
		case "security_groups":
			out.SecurityGroups = d.SecurityGroups
		case "volumes_attached":
			for _, v := range d.Volumes {
				out.VolumesAttached = append(out.VolumesAttached, cloudVolume{ID: v.ID, DeleteOnTermination: v.DeleteOnTermination == "true", Device: v.Device, BootIndex: v.BootIndex})
			}
		case "image":
			out.Image = &d.Image
		case "power_state":
			out.PowerState = &d.PowerState
		case "market_info":
			out.MarketInfo = &marketInfo{ChargeMode: marketModes[in.Charge]}
			if end := in.CycleEnd(now); !end.IsZero() {
				out.MarketInfo.PrepaidInfo = &prepaidInfo{ExpiredTime: end.UTC().Format(serverTimeLayout)}
			}
		}
	}
	return out
}
