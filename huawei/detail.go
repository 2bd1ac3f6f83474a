package huawei

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// What the ECS API records about a server that the core has no use for,
// in Instance.Attrs.
const (
	attrVPC            = "vpc_id"
	attrSubnet         = "subnet_id"
	attrIP             = "ip_address"
	attrSecurityGroups = "security_groups" // comma-separated ids
	attrKeyName        = "key_name"
	attrDescription    = "description"
	attrUserData       = "user_data"
	attrHostname       = "hostname" // set by UpdateServer; else derived from the name
	attrEnterprise     = "enterprise_project_id"
	attrOrder          = "order_id"
	attrMetaPrefix     = "meta:" // user metadata, one attr per key
	attrTagPrefix      = "tag:"  // server tags, one attr per key
)

// serverDetail is a server as ShowServer and ListServersDetails show it,
// with the fields the SDK's ServerDetail models, in ECS's types (reference
// §3.4, §2.10): flavor sizes are strings, power_state a number.
type serverDetail struct {
	ID                  string                     `json:"id"`
	Name                string                     `json:"name"`
	Status              string                     `json:"status"`
	Created             string                     `json:"created"`
	Updated             string                     `json:"updated"`
	AutoTerminateTime   string                     `json:"auto_terminate_time"`
	HostID              string                     `json:"hostId"`
	Host                string                     `json:"OS-EXT-SRV-ATTR:host"`
	Addresses           map[string][]serverAddress `json:"addresses"`
	KeyName             string                     `json:"key_name"`
	Image               serverImage                `json:"image"`
	TaskState           *string                    `json:"OS-EXT-STS:task_state"`
	VMState             string                     `json:"OS-EXT-STS:vm_state"`
	InstanceName        string                     `json:"OS-EXT-SRV-ATTR:instance_name"`
	HypervisorHostname  string                     `json:"OS-EXT-SRV-ATTR:hypervisor_hostname"`
	Flavor              serverFlavor               `json:"flavor"`
	SecurityGroups      []securityGroup            `json:"security_groups"`
	AvailabilityZone    string                     `json:"OS-EXT-AZ:availability_zone"`
	UserID              string                     `json:"user_id"`
	TenantID            string                     `json:"tenant_id"`
	DiskConfig          string                     `json:"OS-DCF:diskConfig"`
	AccessIPv4          string                     `json:"accessIPv4"`
	AccessIPv6          string                     `json:"accessIPv6"`
	Fault               *serverFault               `json:"fault,omitempty"`
	Progress            int                        `json:"progress"`
	PowerState          int32                      `json:"OS-EXT-STS:power_state"`
	ConfigDrive         string                     `json:"config_drive"`
	Metadata            map[string]string          `json:"metadata"`
	LaunchedAt          string                     `json:"OS-SRV-USG:launched_at"`
	TerminatedAt        string                     `json:"OS-SRV-USG:terminated_at"`
	Volumes             []volumeAttachment         `json:"os-extended-volumes:volumes_attached"`
	Description         string                     `json:"description"`
	HostStatus          string                     `json:"host_status"`
	Hostname            string                     `json:"OS-EXT-SRV-ATTR:hostname"`
	ReservationID       string                     `json:"OS-EXT-SRV-ATTR:reservation_id"`
	LaunchIndex         int                        `json:"OS-EXT-SRV-ATTR:launch_index"`
	KernelID            string                     `json:"OS-EXT-SRV-ATTR:kernel_id"`
	RamdiskID           string                     `json:"OS-EXT-SRV-ATTR:ramdisk_id"`
	RootDeviceName      string                     `json:"OS-EXT-SRV-ATTR:root_device_name"`
	UserData            string                     `json:"OS-EXT-SRV-ATTR:user_data,omitempty"`
	Locked              bool                       `json:"locked"`
	Tags                []string                   `json:"tags"`
	SchedulerHints      struct{}                   `json:"os:scheduler_hints"`
	EnterpriseProjectID string                     `json:"enterprise_project_id"`
	SysTags             []sysTag                   `json:"sys_tags"`
	Hypervisor          hypervisor                 `json:"hypervisor"`
	CapacityReservation string                     `json:"capacity_reservation_id"`
	CapacitySpec        capacitySpec               `json:"capacity_reservation_specification"`
	SpodID              string                     `json:"spod_id"`
	EnclaveOptions      enclaveOptions             `json:"enclave_options"`
	NetworkInterfaces   []networkInterface         `json:"network_interfaces"`
}

type serverImage struct {
	ID string `json:"id"`
}

type networkInterface struct {
	PortID      string   `json:"port_id"`
	Primary     bool     `json:"primary"`
	IPAddresses []string `json:"ip_addresses"`
	SubnetID    string   `json:"subnet_id"`
}

type serverAddress struct {
	Version string `json:"version"` // a string on /v1, unlike Nova's number
	Addr    string `json:"addr"`
	Primary bool   `json:"primary"`
	Type    string `json:"OS-EXT-IPS:type"`
	MAC     string `json:"OS-EXT-IPS-MAC:mac_addr"`
	PortID  string `json:"OS-EXT-IPS:port_id"`
}

type serverFlavor struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Disk             string   `json:"disk"`
	VCPUs            string   `json:"vcpus"`
	RAM              string   `json:"ram"`
	GPUs             []string `json:"gpus"`
	AsicAccelerators []string `json:"asic_accelerators"`
}

type securityGroup struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

type serverFault struct {
	Code    int    `json:"code"`
	Created string `json:"created"`
	Message string `json:"message"`
}

type volumeAttachment struct {
	ID                  string `json:"id"`
	DeleteOnTermination string `json:"delete_on_termination"` // "true"/"false", a string
	BootIndex           string `json:"bootIndex"`             // a string
	Device              string `json:"device"`
}

type sysTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type hypervisor struct {
	Type          string  `json:"hypervisor_type"`
	CSDHypervisor *string `json:"csd_hypervisor"`
}

type capacitySpec struct {
	Preference string `json:"preference"`
}

type enclaveOptions struct {
	Enabled bool `json:"enabled"`
}

// ECS writes created/updated as RFC 3339 seconds (Terraform parses them as
// such) and launched_at without a zone, in microseconds.
const (
	serverTimeLayout = "2006-01-02T15:04:05Z"
	launchTimeLayout = "2006-01-02T15:04:05.000000"
)

// chargingModes are the metadata values ECS uses for billing modes.
var chargingModes = map[vmplane.ChargeType]string{
	vmplane.ChargePayPerUse: "0",
	vmplane.ChargePrepaid:   "1",
	vmplane.ChargeSpot:      "2",
}

// detailOf renders in as ECS shows it at time now.
func detailOf(in *vmplane.Instance, acct *vmplane.Account, cat *vmplane.Catalog, now time.Time) serverDetail {
	d := displayOf(in, now)
	seq := uint64(in.Seq)
	vpc := cmp.Or(in.Attr(attrVPC), defaultNetwork(acct, "vpc"))
	subnet := cmp.Or(in.Attr(attrSubnet), defaultNetwork(acct, "subnet"))
	ip := ipOf(in)
	m := mix(seq ^ saltPort)
	mac := fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", byte(m>>16), byte(m>>8), byte(m))
	out := serverDetail{
		ID: in.ID, Name: in.Name, Status: d.Status,
		Created: in.CreatedAt.UTC().Format(serverTimeLayout), Updated: in.UpdatedAt.UTC().Format(serverTimeLayout),
		HostID:    hexOf(56, acct.ProjectID, in.Zone),
		Host:      "pod01." + in.Zone,
		Addresses: map[string][]serverAddress{vpc: {{Version: "4", Addr: ip, Primary: true, Type: "fixed", MAC: mac, PortID: uuidOf(seq, saltPort)}}},
		KeyName:   in.Attr(attrKeyName),
		TaskState: d.TaskState, VMState: d.VMState,
		InstanceName:       fmt.Sprintf("instance-%08x", seq),
		HypervisorHostname: hexOf(32, acct.ProjectID, in.Zone, "hypervisor"),
		Flavor: serverFlavor{ID: in.SpecID, Name: in.SpecID, Disk: "0", VCPUs: strconv.Itoa(in.VCPU), RAM: strconv.Itoa(in.MemoryMiB),
			GPUs: []string{}, AsicAccelerators: []string{}},
		SecurityGroups:   securityGroups(in, acct),
		AvailabilityZone: in.Zone, UserID: hexOf(32, acct.ID, "user"), TenantID: acct.ProjectID,
		DiskConfig: "MANUAL", PowerState: d.Power, Metadata: metadataOf(in, cat, vpc),
		Volumes:     []volumeAttachment{{ID: uuidOf(seq, saltVolume), DeleteOnTermination: "true", BootIndex: "0", Device: "/dev/vda"}},
		Description: in.Attr(attrDescription), HostStatus: "UP", Hostname: hostnameOf(in),
		ReservationID: reservationID(in), RootDeviceName: "/dev/vda", UserData: in.Attr(attrUserData),
		Locked: in.Protected, Tags: tagsOf(in), EnterpriseProjectID: cmp.Or(in.Attr(attrEnterprise), "0"),
		Hypervisor: hypervisor{Type: "kvm"}, CapacitySpec: capacitySpec{Preference: "none"},
	}
	out.Image.ID = in.ImageID
	out.SysTags = []sysTag{{Key: "_sys_enterprise_project_id", Value: out.EnterpriseProjectID}}
	out.NetworkInterfaces = []networkInterface{{PortID: uuidOf(seq, saltPort), Primary: true, IPAddresses: []string{ip}, SubnetID: subnet}}
	if !in.LaunchedAt.IsZero() {
		out.LaunchedAt = in.LaunchedAt.UTC().Format(launchTimeLayout)
	}
	if d.Status == "BUILD" && in.Op != nil {
		out.Progress = int(in.Op.Progress(now) * 100)
	}
	if d.Status == "ERROR" && in.Last != nil {
		out.Fault = &serverFault{Code: 500, Created: in.Last.FinishedAt.UTC().Format(serverTimeLayout), Message: faultReason(in.Last)}
	}
	return out
}

// faultReason is the message of a failed server's fault: ECS's documented
// reason for the failure's code, or the code itself when ECS documents none
// for it (a code a fault rule made up).
func faultReason(last *vmplane.OperationSummary) string {
	if f, ok := jobFailures[last.Kind]; ok && f.code == last.ErrorCode {
		return f.reason
	}
	return last.ErrorCode
}

// defaultNetwork is the VPC or subnet of a server created without one
// (seeded by an operator): one per account, stable.
func defaultNetwork(acct *vmplane.Account, what string) string {
	h := hexOf(32, acct.ID, what)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func securityGroups(in *vmplane.Instance, acct *vmplane.Account) []securityGroup {
	ids := in.Attr(attrSecurityGroups)
	if ids == "" {
		return []securityGroup{{Name: "default", ID: defaultNetwork(acct, "security-group")}}
	}
	var out []securityGroup
	for id := range strings.SplitSeq(ids, ",") {
		out = append(out, securityGroup{Name: "sg-" + id[:min(8, len(id))], ID: id})
	}
	return out
}

// metadataOf is the server's metadata: ECS's system keys (reference §3.3),
// then the user's. Every value is a string.
func metadataOf(in *vmplane.Instance, cat *vmplane.Catalog, vpc string) map[string]string {
	md := map[string]string{
		"charging_mode":             chargingModes[in.Charge],
		"vpc_id":                    vpc,
		"metering.resourcetype":     "1",
		"metering.resourcespeccode": in.SpecID + ".linux",
		"__support_agent_list":      "hss,ces",
	}
	if img := cat.FindImage(in.ImageID); img != nil {
		md["metering.image_id"] = img.ID
		md["metering.imagetype"] = cmp.Or(img.Attrs["imagetype"], "gold")
		md["image_name"] = img.Name
		md["os_type"] = img.OS
		md["os_bit"] = cmp.Or(img.Attrs["os_bit"], "64")
		if v := img.Attrs["os_version"]; v != "" {
			md["os_version"] = v
		}
		if img.OS == "Windows" {
			md["metering.resourcespeccode"] = in.SpecID + ".win"
		}
	}
	if o := in.Attr(attrOrder); o != "" {
		md["metering.order_id"] = o
		md["metering.product_id"] = hexOf(32, o, "product")
	}
	for k, v := range in.Attrs {
		if key, ok := strings.CutPrefix(k, attrMetaPrefix); ok {
			md[key] = v
		}
	}
	return md
}

// tagsOf renders the server's tags as ServerDetail does: "key=value", or
// "key" alone when the value is empty (the SDK's UpdateServerResult.tags).
func tagsOf(in *vmplane.Instance) []string {
	tags := []string{}
	for _, t := range tagList(in) {
		if t.Value == "" {
			tags = append(tags, t.Key)
		} else {
			tags = append(tags, t.Key+"="+t.Value)
		}
	}
	return tags
}

// hostname derives the guest's host name from the server's name.
// hostnameOf is a server's host name: the one UpdateServer set, or one
// made from its name.
func hostnameOf(in *vmplane.Instance) string { return cmp.Or(in.Attr(attrHostname), hostname(in.Name)) }

func hostname(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '_', r == '.', r == ' ':
			b.WriteByte('-')
		}
	}
	return cmp.Or(strings.Trim(b.String(), "-"), "ecs")
}
