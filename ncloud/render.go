package ncloud

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// kst is the offset NCP writes every date in: 2025-06-11T17:00:14+0900.
var kst = time.FixedZone("KST", 9*60*60)

const dateLayout = "2006-01-02T15:04:05-0700"

func date(t time.Time) string { return t.In(kst).Format(dateLayout) }

const (
	mib = 1 << 20
	gib = 1 << 30
)

// server is an instance with what NCP shows of it resolved against the
// catalog. Instances seeded without NCP's attributes get the defaults of
// their zone and region, so that they look like any other server.
type server struct {
	*vmplane.Instance
	spec   *vmplane.Spec
	image  *vmplane.Image
	zone   *vmplane.Zone
	region *vmplane.Region
	state  serverState
}

func (c *call) server(in *vmplane.Instance) server {
	s := server{Instance: in, spec: c.cat.FindSpec(in.SpecID), image: c.cat.FindImage(in.ImageID),
		zone: c.cat.FindZone(in.Zone), region: c.cat.FindRegion(in.Region), state: stateOf(in)}
	if s.spec == nil {
		s.spec = &vmplane.Spec{ID: in.SpecID, VCPU: in.VCPU, MemoryMiB: in.MemoryMiB}
	}
	if s.image == nil {
		s.image = c.defaultImage(s.spec)
	}
	if s.zone == nil {
		s.zone = &vmplane.Zone{ID: in.Zone, Region: in.Region, Name: in.Zone}
	}
	if s.region == nil {
		s.region = &vmplane.Region{ID: in.Region, Name: in.Region}
	}
	return s
}

// defaultImage is what a server created without an image (a fixture's)
// shows: the first image its spec can run.
func (c *call) defaultImage(spec *vmplane.Spec) *vmplane.Image {
	for i := range c.cat.Images {
		if fits(spec, &c.cat.Images[i]) {
			return &c.cat.Images[i]
		}
	}
	return &vmplane.Image{}
}

func (c *call) servers(ins []vmplane.Instance) []obj {
	out := make([]obj, len(ins))
	for i := range ins {
		s := c.server(&ins[i])
		if c.api.classic {
			out[i] = c.classicServer(s)
		} else {
			out[i] = c.vpcServer(s)
		}
	}
	return out
}

func (s server) subnet() subnet {
	return subnetOf(s.zone, s.region, s.Attr("subnetNo"))
}

func (s server) vpcNo() string {
	if v := s.Attr("vpcNo"); v != "" {
		return v
	}
	return s.subnet().vpcNo
}

func (s server) nicNo() string {
	if v := s.Attr("networkInterfaceNo"); v != "" {
		return v
	}
	return derivedNo(baseNIC, s.Seq)
}

// privateIP is a host in the server's subnet.
func (s server) privateIP() string { return s.subnet().host(s.Seq) }

// publicIP is the server's public IP: one associated with it, or its own
// if it was created with associateWithPublicIp.
func (s server) publicIP() (instanceNo, ip string) {
	if no := s.Attr("publicIpInstanceNo"); no != "" {
		return no, s.Attr("publicIp")
	}
	if s.Attr("associateWithPublicIp") != "true" {
		return "", ""
	}
	return derivedNo(basePublicIP, s.Seq), fmt.Sprintf("211.188.%d.%d", 64+(s.Seq/250)%64, 1+s.Seq%250)
}

func (s server) accessControlGroups() []string {
	if v := s.Attr("accessControlGroupNoList"); v != "" {
		return strings.Split(v, ",")
	}
	if s.region.Attrs["accessControlGroupNo"] != "" {
		return []string{s.region.Attrs["accessControlGroupNo"]}
	}
	return []string{}
}

func (s server) uptime() string {
	if s.LaunchedAt.IsZero() {
		return date(s.CreatedAt)
	}
	return date(s.LaunchedAt)
}

func (s server) platform() obj {
	return code(s.image.Attrs["platformType"], s.image.Attrs["platformName"])
}

func (s server) hypervisor() obj {
	h := s.spec.Attrs["hypervisor"]
	return code(h, h)
}

func (s server) diskDetail() obj { return code(s.DiskType, s.DiskType) }

// vpcServer renders a VPC ServerInstance in the field order of NCP's
// documented responses.
func (c *call) vpcServer(s server) obj {
	ipNo, ip := s.publicIP()
	return c.slab.keep(obj{
		{"serverInstanceNo", s.ID},
		{"serverName", s.Name},
		{"serverDescription", s.Attr("serverDescription")},
		{"cpuCount", s.VCPU},
		{"memorySize", int64(s.MemoryMiB) * mib},
		{"platformType", s.platform()},
		{"loginKeyName", s.Attr("loginKeyName")},
		{"publicIpInstanceNo", ipNo},
		{"publicIp", ip},
		{"serverInstanceStatus", code(s.state.status, vpcStatusNames[s.state.status])},
		{"serverInstanceOperation", code(s.state.op, opNames[s.state.op])},
		{"serverInstanceStatusName", s.state.name()},
		{"createDate", date(s.CreatedAt)},
		{"uptime", s.uptime()},
		{"serverImageProductCode", imageProductCode(s.image)},
		{"serverProductCode", productCode(s.spec)},
		{"isProtectServerTermination", s.Protected},
		{"zoneCode", s.zone.ID},
		{"regionCode", s.region.ID},
		{"vpcNo", s.vpcNo()},
		{"subnetNo", s.subnet().no},
		{"networkInterfaceNoList", []string{s.nicNo()}},
		{"initScriptNo", s.Attr("initScriptNo")},
		{"serverInstanceType", familyCode(s.spec)},
		{"baseBlockStorageDiskType", code("NET", "Network Storage")},
		{"baseBlockStorageDiskDetailType", s.diskDetail()},
		{"placementGroupNo", s.Attr("placementGroupNo")},
		{"placementGroupName", ""},
		{"memberServerImageInstanceNo", s.Attr("memberServerImageInstanceNo")},
		{"hypervisorType", s.hypervisor()},
		{"serverImageNo", imageNo(s.image)},
		{"serverSpecCode", s.spec.ID},
		{"eventList", []string{}},
		{"fabricClusterPoolNo", ""},
		{"fabricClusterPoolName", ""},
		{"fabricClusterMode", ""},
		{"fabricClusterNo", ""},
		{"fabricClusterName", ""},
	})
}

// classicServer renders a Classic ServerInstance in the field order of
// NCP's documented responses.
func (c *call) classicServer(s server) obj {
	acgs := make([]obj, 0, 1)
	for _, no := range s.accessControlGroups() {
		acgs = append(acgs, classicACG(no, no == s.region.Attrs["accessControlGroupNo"]))
	}
	_, classicIP := s.publicIP()
	return c.slab.keep(obj{
		{"serverInstanceNo", s.ID},
		{"serverName", s.Name},
		{"serverDescription", s.Attr("serverDescription")},
		{"cpuCount", s.VCPU},
		{"memorySize", int64(s.MemoryMiB) * mib},
		{"baseBlockStorageSize", int64(s.DiskGiB) * gib},
		{"platformType", s.platform()},
		{"loginKeyName", s.Attr("loginKeyName")},
		{"isFeeChargingMonitoring", false},
		{"publicIp", classicIP},
		{"privateIp", s.privateIP()},
		{"serverImageName", s.image.Name},
		{"serverInstanceStatus", code(s.state.status, classicStatusNames[s.state.status])},
		{"serverInstanceOperation", code(s.state.op, opNames[s.state.op])},
		{"serverInstanceStatusName", s.state.name()},
		{"createDate", date(s.CreatedAt)},
		{"uptime", s.uptime()},
		{"serverImageProductCode", imageProductCode(s.image)},
		{"serverProductCode", productCode(s.spec)},
		{"isProtectServerTermination", s.Protected},
		{"portForwardingPublicIp", ""},
		{"zone", classicZone(s.zone, s.region)},
		{"region", classicRegion(s.region)},
		{"baseBlockStorageDiskType", code("NET", "Network Storage")},
		{"baseBlockStorageDiskDetailType", s.diskDetail()},
		{"internetLineType", code("PUBLC", "Public")},
		{"serverInstanceType", familyCode(s.spec)},
		{"userData", ""},
		{"initScriptNo", s.Attr("initScriptNo")},
		{"accessControlGroupList", acgs},
		{"instanceTagList", s.tags()},
	})
}

// tagPrefix marks a Classic instance tag among an instance's attributes.
const tagPrefix = "tag:"

func (s server) tags() []obj {
	var keys []string
	for k := range s.Attrs {
		if key, ok := strings.CutPrefix(k, tagPrefix); ok {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	out := make([]obj, 0, len(keys))
	for _, k := range keys {
		out = append(out, obj{{"instanceNo", s.ID}, {"instanceType", code("SVR", "Server")}, {"tagKey", k}, {"tagValue", s.Attrs[tagPrefix+k]}})
	}
	return out
}

// classicACGDate is when the Classic default ACGs were made: they predate
// every server, so a fixed date is as good as any.
const classicACGDate = "2018-04-09T11:12:54+0900"

func classicACG(no string, isDefault bool) obj {
	name, desc := "acg-"+no, ""
	if isDefault {
		name, desc = "ncloud-default-acg", "Default AccessControlGroup"
	}
	return obj{
		{"accessControlGroupConfigurationNo", no},
		{"accessControlGroupName", name},
		{"accessControlGroupDescription", desc},
		{"isDefaultGroup", isDefault},
		{"createDate", classicACGDate},
	}
}

func classicZone(z *vmplane.Zone, r *vmplane.Region) obj {
	return obj{
		{"zoneNo", z.Attrs["zoneNo"]},
		{"zoneName", z.Name},
		{"zoneCode", z.ID},
		{"zoneDescription", z.Attrs["description"]},
		{"regionNo", r.Attrs["regionNo"]},
	}
}

func classicRegion(r *vmplane.Region) obj {
	return obj{{"regionNo", r.Attrs["regionNo"]}, {"regionCode", r.ID}, {"regionName", r.Name}}
}
