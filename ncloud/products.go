package ncloud

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vmplane/vmplane"
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// specDescription is how NCP describes a size: "vCPU 2EA, Memory 8GB",
// with the disk for specs that include one.
func specDescription(s *vmplane.Spec) string {
	d := fmt.Sprintf("vCPU %dEA, Memory %dGB", s.VCPU, s.MemoryMiB/1024)
	if s.DiskGiB > 0 {
		d += fmt.Sprintf(", [%s]Disk %dGB", s.DiskType, s.DiskGiB)
	}
	return d
}

func renderSpec(s *vmplane.Spec) obj {
	h := s.Attrs["hypervisor"]
	return obj{
		{"serverSpecCode", str(s.ID)},
		{"generationCode", str(s.Attrs["generation"])},
		{"cpuCount", num(s.VCPU)},
		{"memorySize", num(int64(s.MemoryMiB) * mib)},
		{"hypervisorType", object(code(h, h))},
		{"cpuArchitectureType", object(code("X86_64", "x86 64bit"))},
		{"blockStorageMaxCount", num(20)},
		{"blockStorageMaxIops", num(atoi(s.Attrs["iops"]))},
		{"blockStorageMaxThroughput", num(atoi(s.Attrs["throughput"]))},
		{"networkPerformance", num(atoi(s.Attrs["network"]))},
		{"networkInterfaceMaxCount", num(3)},
		{"serverProductCode", str(productCode(s))},
		{"serverSpecDescription", str(specDescription(s))},
		{"gpuCount", num(0)},
		{"serverSpecNo", num(atoi(s.Attrs["specNo"]))},
	}
}

// getServerSpecList lists the VPC specs, optionally those an image can use
// (serverImageNo) in a zone.
func (c *call) getServerSpecList() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	zone, err := c.zoneParam(region)
	if err != nil {
		return result{}, err
	}
	codes, err := c.p.strings("serverSpecCodeList")
	if err != nil {
		return result{}, err
	}
	hypervisors, err := c.p.strings("hypervisorCodeList")
	if err != nil {
		return result{}, err
	}
	var img *vmplane.Image
	if no := c.p.str("serverImageNo"); no != "" {
		if img = c.cat.FindImage(no); img == nil {
			return list("serverSpecList", nil), nil
		}
	}
	var items []obj
	for i := range c.cat.Specs {
		s := &c.cat.Specs[i]
		if (zone == "" || s.OfferedIn(zone)) && (img == nil || fits(s, img)) && c.specInRegion(s, region) &&
			(len(codes) == 0 || slices.Contains(codes, s.ID)) &&
			(len(hypervisors) == 0 || slices.Contains(hypervisors, s.Attrs["hypervisor"])) {
			items = append(items, renderSpec(s))
		}
	}
	return list("serverSpecList", items), nil
}

func (c *call) getServerSpecDetail() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	id, err := c.p.required("serverSpecCode")
	if err != nil {
		return result{}, err
	}
	s := c.cat.FindSpec(id)
	if s == nil || !c.specInRegion(s, region) {
		return list("serverSpecList", nil), nil
	}
	return list("serverSpecList", []obj{renderSpec(s)}), nil
}

// specInRegion reports whether a spec is offered in any zone of region.
func (c *call) specInRegion(s *vmplane.Spec, region *vmplane.Region) bool {
	return slices.ContainsFunc(regionZones(c.cat, region.ID), func(z vmplane.Zone) bool { return s.OfferedIn(z.ID) })
}

// zoneParam reads VPC's zoneCode, which must be a zone of region.
func (c *call) zoneParam(region *vmplane.Region) (string, error) {
	z := c.p.str("zoneCode")
	if z == "" {
		return "", nil
	}
	if zone := c.cat.FindZone(z); zone == nil || zone.Region != region.ID {
		return "", invalidParam("zoneCode")
	}
	return z, nil
}

func (c *call) renderProduct(s *vmplane.Spec) obj {
	o := obj{
		{"productCode", str(productCode(s))},
		{"productName", str(specDescription(s))},
		{"productType", object(familyCode(s))},
		{"productDescription", str(specDescription(s))},
		{"infraResourceType", object(code("SVR", "Server"))},
	}
	if !c.api.classic {
		o = append(o, field{"infraResourceDetailType", object(code("VSVR", "Server (VPC)"))})
	}
	o = append(o,
		field{"cpuCount", num(s.VCPU)},
		field{"memorySize", num(int64(s.MemoryMiB) * mib)},
		field{"baseBlockStorageSize", num(int64(s.DiskGiB) * gib)},
		field{"diskType", object(code("NET", "Network Storage"))},
		field{"dbKindCode", str("")},
		field{"addBlockStorageSize", num(0)},
		field{"generationCode", str(s.Attrs["generation"])},
	)
	return o
}

// getServerProductList lists the server products an image can use.
func (c *call) getServerProductList() (result, error) {
	var img *vmplane.Image
	switch {
	case c.p.has("memberServerImageInstanceNo") || c.p.has("memberServerImageNo"):
		var err error
		if img, err = c.memberImage(cmp.Or(c.p.str("memberServerImageInstanceNo"), c.p.str("memberServerImageNo"))); err != nil {
			return result{}, err
		}
	case c.p.has("serverImageProductCode"):
		if img = imageByProduct(c.cat, c.p.str("serverImageProductCode")); img == nil {
			return result{}, noProduct()
		}
	default:
		if c.api.classic {
			return result{}, missingParam("serverImageProductCode or memberServerImageNo")
		}
		return result{}, missingParam("serverImageProductCode or memberServerImageInstanceNo")
	}
	zones, err := c.productZones()
	if err != nil {
		return result{}, err
	}
	gen, err := c.p.oneOf("generationCode", "G1", "G2", "G3")
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range c.cat.Specs {
		s := &c.cat.Specs[i]
		pc := productCode(s)
		if fits(s, img) && slices.ContainsFunc(zones, s.OfferedIn) && matches(c.p, "productCode", pc) &&
			(!c.p.has("exclusionProductCode") || c.p.str("exclusionProductCode") != pc) && (gen == "" || gen == s.Attrs["generation"]) {
			items = append(items, c.renderProduct(s))
		}
	}
	return list("productList", items), nil
}

// productZones are the zones a product list is for: VPC's zoneCode or
// region, Classic's zoneNo or regionNo, or all.
func (c *call) productZones() ([]string, error) {
	var zones []vmplane.Zone
	if c.api.classic {
		switch {
		case c.p.has("zoneNo"):
			z := zoneByNo(c.cat, c.p.str("zoneNo"))
			if z == nil {
				return nil, invalidParam("zoneNo")
			}
			zones = []vmplane.Zone{*z}
		case c.p.has("regionNo"):
			r := regionByNo(c.cat, c.p.str("regionNo"))
			if r == nil {
				return nil, invalidParam("regionNo")
			}
			zones = regionZones(c.cat, r.ID)
		default:
			zones = c.cat.Zones
		}
	} else {
		region, err := c.region()
		if err != nil {
			return nil, err
		}
		zone, err := c.zoneParam(region)
		if err != nil {
			return nil, err
		}
		zones = regionZones(c.cat, region.ID)
		if zone != "" {
			zones = []vmplane.Zone{*c.cat.FindZone(zone)}
		}
	}
	ids := make([]string, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	return ids, nil
}

// getServerImageProductList lists the images as products.
func (c *call) getServerImageProductList() (result, error) {
	if _, err := c.productZones(); err != nil {
		return result{}, err
	}
	platforms, err := c.p.strings("platformTypeCodeList")
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range c.cat.Images {
		img := &c.cat.Images[i]
		pc := imageProductCode(img)
		platform := img.Attrs["platformType"]
		if !matches(c.p, "productCode", pc) || (c.p.has("exclusionProductCode") && c.p.str("exclusionProductCode") == pc) ||
			(len(platforms) > 0 && !slices.Contains(platforms, platform)) {
			continue
		}
		kind := code("LINUX", "Linux")
		if strings.HasPrefix(platform, "WND") {
			kind = code("WINNT", "Windows NT")
		}
		items = append(items, obj{
			{"productCode", str(pc)},
			{"productName", str(img.Name)},
			{"productType", object(kind)},
			{"productDescription", str(img.Attrs["osInformation"])},
			{"infraResourceType", object(code("SW", "Software"))},
			{"cpuCount", num(0)},
			{"memorySize", num(0)},
			{"baseBlockStorageSize", num(int64(50 * gib))},
			{"platformType", object(code(platform, img.Attrs["platformName"]))},
			{"osInformation", str(img.Attrs["osInformation"])},
			{"dbKindCode", str("")},
			{"addBlockStorageSize", num(0)},
			{"generationCode", str(img.Attrs["generation"])},
		})
	}
	return list("productList", items), nil
}

func (c *call) getRegionList() (result, error) {
	items := make([]obj, len(c.cat.Regions))
	for i := range c.cat.Regions {
		r := &c.cat.Regions[i]
		if c.api.classic {
			items[i] = classicRegion(r)
		} else {
			items[i] = obj{{"regionCode", str(r.ID)}, {"regionName", str(r.Name)}}
		}
	}
	return list("regionList", items), nil
}

func (c *call) getZoneList() (result, error) {
	var items []obj
	if c.api.classic {
		var region *vmplane.Region
		if no := c.p.str("regionNo"); no != "" {
			if region = regionByNo(c.cat, no); region == nil {
				return result{}, invalidParam("regionNo")
			}
		}
		for i := range c.cat.Zones {
			z := &c.cat.Zones[i]
			if r := c.cat.FindRegion(z.Region); r != nil && (region == nil || r == region) {
				items = append(items, classicZone(z, r))
			}
		}
		return list("zoneList", items), nil
	}
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	for _, z := range regionZones(c.cat, region.ID) {
		items = append(items, obj{{"zoneName", str(z.Name)}, {"zoneCode", str(z.ID)}, {"regionCode", str(z.Region)}, {"zoneDescription", str(z.Attrs["description"])}})
	}
	return list("zoneList", items), nil
}

// renderImage renders a numbered (KVM) image as a VPC ServerImage.
func renderImage(img *vmplane.Image) obj {
	h := img.Attrs["hypervisor"]
	category := code("LINUX", "LINUX")
	if strings.HasPrefix(img.Attrs["platformType"], "WND") {
		category = code("WINDOWS", "WINDOWS")
	}
	osType := img.Attrs["osType"]
	return obj{
		{"serverImageNo", str(img.ID)},
		{"serverImageName", str(img.Name)},
		{"serverImageDescription", str(img.Attrs["osInformation"])},
		{"serverImageProductCode", str(imageProductCode(img))},
		{"serverImageType", object(code("NCP", "NCP server image"))},
		{"hypervisorType", object(code(h, h))},
		{"cpuArchitectureType", object(code("X86_64", "x86 64bit"))},
		{"osCategoryType", object(category)},
		{"osType", object(code(osType, osType))},
		{"serverImageStatus", object(code("CREAT", "NSI CREATED state"))},
		{"serverImageOperation", object(code("NULL", "NSI NULL OP"))},
		{"serverImageStatusName", str("created")},
		{"createDate", str(networkDate)},
		{"shareStatus", object(code("NULL", "NULL"))},
		{"sharedLoginIdList", strs()},
		{"blockStorageMappingList", objs([]obj{{
			{"order", num(0)},
			{"blockStorageSize", num(int64(50 * gib))},
			{"blockStorageName", str(img.Name)},
			{"blockStorageVolumeType", object(code("SSD", "SSD"))},
			{"iops", num(0)},
			{"throughput", num(0)},
			{"isEncryptedVolume", boolean(false)},
		}})},
		{"serverImageLifeCyclePhase", object(code("ACTIVE", "Active"))},
		{"platformCategoryCode", str("OS")},
	}
}

// getServerImageList lists the numbered (KVM) images, which are what
// serverImageNo names; XEN images are products (getServerImageProductList).
func (c *call) getServerImageList() (result, error) {
	if _, err := c.region(); err != nil {
		return result{}, err
	}
	nos, err := c.p.strings("serverImageNoList")
	if err != nil {
		return result{}, err
	}
	var filters [][]string
	// hypervisorCodeList is how older SDKs (and Terraform) spell hypervisorTypeCodeList.
	for _, name := range []string{"hypervisorTypeCodeList", "hypervisorCodeList", "osTypeCodeList", "serverImageTypeCodeList", "platformCategoryCodeList"} {
		l, err := c.p.strings(name)
		if err != nil {
			return result{}, err
		}
		filters = append(filters, l)
	}
	status, err := c.p.oneOf("serverImageStatusCode", "INIT", "CREAT")
	if err != nil {
		return result{}, err
	}
	var items []obj
	for i := range c.cat.Images {
		img := &c.cat.Images[i]
		// In the order of the filters above.
		values := []string{img.Attrs["hypervisor"], img.Attrs["hypervisor"], img.Attrs["osType"], "NCP", "OS"}
		ok := imageNo(img) != "" && (len(nos) == 0 || slices.Contains(nos, img.ID)) && matches(c.p, "serverImageName", img.Name) &&
			(status == "" || status == "CREAT")
		for j, f := range filters {
			ok = ok && (len(f) == 0 || slices.Contains(f, values[j]))
		}
		if ok {
			items = append(items, renderImage(img))
		}
	}
	return c.paged("serverImageList", items)
}

func (c *call) getServerImageDetail() (result, error) {
	if _, err := c.region(); err != nil {
		return result{}, err
	}
	no, err := c.p.required("serverImageNo")
	if err != nil {
		return result{}, err
	}
	if img := c.cat.FindImage(no); img != nil && imageNo(img) != "" {
		return list("serverImageList", []obj{renderImage(img)}), nil
	}
	return list("serverImageList", nil), nil
}
