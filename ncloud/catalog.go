package ncloud

import (
	_ "embed"
	"slices"
	"strconv"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/catalog"
)

// The two clouds: VPC and Classic are separate platforms with their own
// servers and catalogs.
const (
	cloudVPC     = "ncloud"
	cloudClassic = "ncloud-classic"
)

var (
	//go:embed vpc.yaml
	vpcCatalog []byte
	//go:embed classic.yaml
	classicCatalog []byte
)

// Clouds returns the clouds this dialect registers with the core, with their
// embedded catalogs.
func Clouds() []*vmplane.Cloud {
	return []*vmplane.Cloud{
		{Name: cloudVPC, Catalog: catalog.MustParse(vpcCatalog), InstanceID: instanceNo, ResourceID: resourceNo},
		{Name: cloudClassic, Catalog: catalog.MustParse(classicCatalog), InstanceID: instanceNo, ResourceID: resourceNo},
	}
}

// NCP numbers every resource from one sequence. vmplane derives the numbers
// of the resources that come with a server (its network interface, its
// basic block storage, its public IP) from the server's sequence number,
// each in its own range, so that all stay distinct for the first ten
// million sequence numbers and look like NCP's 8-digit numbers.
const (
	baseServer   = 20_000_000
	baseNIC      = 30_000_000
	baseStorage  = 40_000_000
	basePublicIP = 50_000_000
)

func instanceNo(seq int64) string { return strconv.FormatInt(baseServer+seq, 10) }

// resourceNo numbers the objects vmplane keeps for NCP besides servers
// (login keys, ACGs, public IPs, init scripts, member server images) from
// the servers' sequence, as NCP does: the core's sequence numbers are
// never reused, so no two of them, and no server, share a number.
func resourceNo(kind string, seq int64) string { return instanceNo(seq) }

// The kinds of those objects (vmplane.Resource.Kind). Each is kept in the
// core scoped to an account and a cloud, so VPC and Classic have their own.
const (
	kindLoginKey   = "loginKey"
	kindInitScript = "initScript"
	kindACG        = "accessControlGroup"
	kindPublicIP   = "publicIp"
	kindImage      = "memberServerImage"
)

func derivedNo(base, seq int64) string { return strconv.FormatInt(base+seq, 10) }

// seqOf inverts derivedNo: the sequence number a derived number was made
// from, or -1.
func seqOf(base int64, no string) int64 {
	n, err := strconv.ParseInt(no, 10, 64)
	if err != nil || !numeric(no) || n <= base || n >= base+10_000_000 {
		return -1
	}
	return n - base
}

// productCode is a spec's product code: the attribute for VPC specs, the
// id itself for Classic ones.
func productCode(s *vmplane.Spec) string {
	if pc := s.Attrs["productCode"]; pc != "" {
		return pc
	}
	return s.ID
}

// imageProductCode is an image's product code, likewise.
func imageProductCode(img *vmplane.Image) string {
	if pc := img.Attrs["productCode"]; pc != "" {
		return pc
	}
	return img.ID
}

// imageNo is serverImageNo: KVM images are numbered, XEN ones are not.
func imageNo(img *vmplane.Image) string {
	if numeric(img.ID) {
		return img.ID
	}
	return ""
}

func specByProduct(cat *vmplane.Catalog, code string) *vmplane.Spec {
	for i := range cat.Specs {
		if productCode(&cat.Specs[i]) == code {
			return &cat.Specs[i]
		}
	}
	return nil
}

func imageByProduct(cat *vmplane.Catalog, code string) *vmplane.Image {
	for i := range cat.Images {
		if imageProductCode(&cat.Images[i]) == code {
			return &cat.Images[i]
		}
	}
	return nil
}

// fits reports whether a server of spec can run img: the same hypervisor
// and generation.
func fits(spec *vmplane.Spec, img *vmplane.Image) bool {
	return spec.Attrs["hypervisor"] == img.Attrs["hypervisor"] && spec.Attrs["generation"] == img.Attrs["generation"]
}

// smallestSpec is NCP's default spec for an image: the least memory, then
// the fewest CPUs, then the smallest disk, among the specs offered in zone.
func smallestSpec(cat *vmplane.Catalog, img *vmplane.Image, zone string) *vmplane.Spec {
	var best *vmplane.Spec
	for i := range cat.Specs {
		s := &cat.Specs[i]
		if !fits(s, img) || !s.OfferedIn(zone) {
			continue
		}
		if best == nil || s.MemoryMiB < best.MemoryMiB ||
			(s.MemoryMiB == best.MemoryMiB && (s.VCPU < best.VCPU || (s.VCPU == best.VCPU && s.DiskGiB < best.DiskGiB))) {
			best = s
		}
	}
	return best
}

func regionZones(cat *vmplane.Catalog, region string) []vmplane.Zone {
	return slices.DeleteFunc(slices.Clone(cat.Zones), func(z vmplane.Zone) bool { return z.Region != region })
}

func zoneByNo(cat *vmplane.Catalog, no string) *vmplane.Zone {
	for i := range cat.Zones {
		if cat.Zones[i].Attrs["zoneNo"] == no {
			return &cat.Zones[i]
		}
	}
	return nil
}

func regionByNo(cat *vmplane.Catalog, no string) *vmplane.Region {
	for i := range cat.Regions {
		if cat.Regions[i].Attrs["regionNo"] == no {
			return &cat.Regions[i]
		}
	}
	return nil
}

// familyNames are the code names of product types (serverInstanceType).
var familyNames = map[string]string{
	"STAND": "Standard", "HICPU": "High CPU", "HIMEM": "High Memory", "CPU": "CPU Intensive",
	"MICRO": "Micro Server", "COMPT": "Compact Server", "GPU": "GPU",
}

func familyCode(s *vmplane.Spec) obj { return code(s.Family, familyNames[s.Family]) }
