package ncloud

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vmplane/vmplane"
)

// region returns the VPC region a call addresses: regionCode, or the first
// region getRegionList lists.
func (c *call) region() (*vmplane.Region, error) {
	code := c.p.str("regionCode")
	if code == "" {
		if len(c.cat.Regions) == 0 {
			return &vmplane.Region{}, nil
		}
		return &c.cat.Regions[0], nil
	}
	if r := c.cat.FindRegion(code); r != nil {
		return r, nil
	}
	return nil, invalidParam("regionCode")
}

// find returns one of the caller's servers. A VPC server outside the
// call's region is not found, as on NCP.
func (c *call) find(id string) (*vmplane.Instance, error) {
	in, err := c.svc.FindInstanceByID(c.ctx, c.scope, id)
	if err != nil {
		return nil, unknownServer(id)
	}
	if !c.api.classic {
		r, err := c.region()
		if err != nil {
			return nil, err
		}
		if in.Region != r.ID {
			return nil, unknownServer(id)
		}
	}
	return &in, nil
}

func (c *call) serverList(ins []*vmplane.Instance, total int) result {
	return result{list: "serverInstanceList", items: c.servers(ins), total: total}
}

// refs points at each of ins, for the lists a job's instances answer.
func refs(ins []vmplane.Instance) []*vmplane.Instance {
	out := make([]*vmplane.Instance, len(ins))
	for i := range ins {
		out[i] = &ins[i]
	}
	return out
}

// getServerInstanceList lists the caller's servers, filtered, sorted and
// paged; totalRows counts every match.
func (c *call) getServerInstanceList() (result, error) {
	f := vmplane.InstanceFilter{Scope: c.scope}
	var err error
	if f.IDs, err = c.p.strings("serverInstanceNoList"); err != nil {
		return result{}, err
	}
	if !c.api.classic {
		// A VPC list shows one region: the core keeps each region's list.
		r, err := c.region()
		if err != nil {
			return result{}, err
		}
		f.Region = r.ID
	}
	match, err := c.listFilter()
	if err != nil {
		return result{}, err
	}
	if match != nil {
		f.Match = func(in *vmplane.Instance) bool { return match(c.server(in)) }
	}
	if f.Compare, err = c.sortOrder(); err != nil {
		return result{}, err
	}
	if f.Offset, f.Limit, err = c.page(); err != nil {
		return result{}, err
	}
	ins, total, err := c.svc.FindInstances(c.ctx, f)
	if err != nil {
		return result{}, err
	}
	return c.serverList(ins, total), nil
}

// listFilter builds the getServerInstanceList filter of the call's
// flavour, or nil when the call asks for none.
func (c *call) listFilter() (func(server) bool, error) {
	var tests []func(server) bool
	add := func(t func(server) bool) { tests = append(tests, t) }
	status, err := c.p.oneOf("serverInstanceStatusCode", "INIT", "CREAT", "RUN", "NSTOP", "FSTOP")
	if err != nil {
		return nil, err
	}
	if status != "" {
		add(func(s server) bool { return s.state.status == status })
	}
	diskType, err := c.p.oneOf("baseBlockStorageDiskTypeCode", "NET", "LOCAL")
	if err != nil {
		return nil, err
	}
	if diskType != "" {
		add(func(server) bool { return diskType == "NET" })
	}
	diskDetail, err := c.p.oneOf("baseBlockStorageDiskDetailTypeCode", "HDD", "SSD")
	if err != nil {
		return nil, err
	}
	if diskDetail != "" {
		add(func(s server) bool { return s.DiskType == diskDetail })
	}
	var more []func(server) bool
	if c.api.classic {
		more, err = c.classicFilter()
	} else {
		more, err = c.vpcFilter()
	}
	if err != nil {
		return nil, err
	}
	tests = append(tests, more...)
	if len(tests) == 0 {
		return nil, nil // no filter: a page costs the page, not a scan
	}
	return func(s server) bool {
		for _, t := range tests {
			if !t(s) {
				return false
			}
		}
		return true
	}, nil
}

// serverNameMatches is how a server name filter matches: NCP documents
// serverName (VPC) and searchFilterValue (Classic) as a search, so a part
// of the name matches. UNVERIFIED: whether VPC's serverName matches exactly.
func serverNameMatches(name, query string) bool { return strings.Contains(name, query) }

func (c *call) vpcFilter() ([]func(server) bool, error) {
	var tests []func(server) bool
	add := func(t func(server) bool) { tests = append(tests, t) }
	if v := c.p.str("vpcNo"); v != "" {
		add(func(s server) bool { return s.vpcNo() == v })
	}
	if v := c.p.str("serverName"); v != "" {
		add(func(s server) bool { return serverNameMatches(s.Name, v) })
	}
	if v := c.p.str("ip"); v != "" {
		add(func(s server) bool { _, pub := s.publicIP(); return s.privateIP() == v || pub == v })
	}
	placement, err := c.p.strings("placementGroupNoList")
	if err != nil {
		return nil, err
	}
	if len(placement) > 0 {
		add(func(s server) bool { return slices.Contains(placement, s.Attr("placementGroupNo")) })
	}
	hypervisors, err := c.p.strings("hypervisorTypeCodeList")
	if err != nil {
		return nil, err
	}
	if len(hypervisors) > 0 {
		add(func(s server) bool { return slices.Contains(hypervisors, s.spec.Attrs["hypervisor"]) })
	}
	// vmplane has no fabric clusters: asking for one matches nothing.
	for _, name := range []string{"fabricClusterPoolNo", "fabricClusterNo", "fabricClusterMode"} {
		if c.p.has(name) {
			add(func(server) bool { return false })
		}
	}
	return tests, nil
}

func (c *call) classicFilter() ([]func(server) bool, error) {
	var tests []func(server) bool
	add := func(t func(server) bool) { tests = append(tests, t) }
	if v := c.p.str("regionNo"); v != "" {
		r := regionByNo(c.cat, v)
		if r == nil {
			return nil, invalidParam("regionNo")
		}
		add(func(s server) bool { return s.Region == r.ID })
	}
	if v := c.p.str("zoneNo"); v != "" {
		z := zoneByNo(c.cat, v)
		if z == nil {
			return nil, invalidParam("zoneNo")
		}
		add(func(s server) bool { return s.Zone == z.ID })
	}
	by, err := c.p.oneOf("searchFilterName", "serverName", "ip")
	if err != nil {
		return nil, err
	}
	if v := c.p.str("searchFilterValue"); v != "" {
		if by == "ip" {
			add(func(s server) bool { return strings.Contains(s.privateIP(), v) })
		} else {
			add(func(s server) bool { return serverNameMatches(s.Name, v) })
		}
	}
	types, err := c.p.strings("serverInstanceTypeCodeList")
	if err != nil {
		return nil, err
	}
	if len(types) > 0 {
		add(func(s server) bool { return slices.Contains(types, s.spec.Family) })
	}
	keys, err := c.p.strings("tagKeyList")
	if err != nil {
		return nil, err
	}
	values, err := c.p.strings("tagValueList")
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 || len(values) > 0 {
		add(func(s server) bool {
			for k, v := range s.Attrs {
				key, ok := strings.CutPrefix(k, tagPrefix)
				if ok && (len(keys) == 0 || slices.Contains(keys, key)) && (len(values) == 0 || slices.Contains(values, v)) {
					return true
				}
			}
			return false
		})
	}
	return tests, nil
}

// compareNo orders servers by number, NCP's default order.
func compareNo(a, b *vmplane.Instance) int {
	return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
}

// sortOrder reads sortedBy (serverName or serverInstanceNo, in any case)
// and sortingOrder (ASC or DESC).
func (c *call) sortOrder() (func(a, b *vmplane.Instance) int, error) {
	by, err := c.p.oneOf("sortedBy", "serverName", "serverInstanceNo")
	if err != nil {
		return nil, err
	}
	order, err := c.p.oneOf("sortingOrder", "ASC", "DESC")
	if err != nil {
		return nil, err
	}
	if by == "" && order != "DESC" {
		// The default order is by number, which is creation order for
		// every number vmplane hands out: the order the core keeps, so a
		// page costs no sort. (Fixtures may choose their own numbers; they
		// list in creation order.)
		return nil, nil
	}
	compare := compareNo
	if by == "serverName" {
		compare = func(a, b *vmplane.Instance) int { return cmp.Or(strings.Compare(a.Name, b.Name), compareNo(a, b)) }
	}
	if order == "DESC" {
		return func(a, b *vmplane.Instance) int { return compare(b, a) }, nil
	}
	return compare, nil
}

// page reads pageNo and pageSize. Pages count from 1; NCP also accepts 0
// for the first page. Without a pageSize, everything is one page.
func (c *call) page() (offset, limit int, err error) {
	no, err := c.p.int("pageNo", 0, math.MaxInt32, 0)
	if err != nil {
		return 0, 0, err
	}
	size, err := c.p.int("pageSize", 0, math.MaxInt32, 0)
	if err != nil || size == 0 {
		return 0, 0, err
	}
	return (max(no, 1) - 1) * size, size, nil
}

// getServerInstanceDetail answers one server, or an empty list for a
// server that does not exist (any more): Terraform waits for exactly that
// after terminating.
func (c *call) getServerInstanceDetail() (result, error) {
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	if _, err := c.region(); err != nil {
		return result{}, err
	}
	in, err := c.find(id)
	if err != nil {
		return c.serverList(nil, 0), nil
	}
	return c.serverList([]*vmplane.Instance{in}, 1), nil
}

// operation answers start, stop, reboot and terminate: all-or-nothing over
// serverInstanceNoList, answering the servers as they are right after the
// request was accepted.
func operation(kind vmplane.Kind) action {
	return func(c *call) (result, error) {
		ids, err := c.p.requiredList("serverInstanceNoList")
		if err != nil {
			return result{}, err
		}
		if !c.api.classic {
			for _, id := range ids {
				if _, err := c.find(id); err != nil {
					return result{}, err
				}
			}
		}
		job, err := c.svc.Submit(c.ctx, vmplane.OperationRequest{Scope: c.scope, Kind: kind, Mode: vmplane.ModeStrict, InstanceIDs: ids})
		if err != nil {
			return result{}, c.operationError(kind, err)
		}
		return c.serverList(refs(job.Instances), len(job.Instances)), nil
	}
}

// changeServerInstanceSpec changes a stopped server's spec. VPC names the
// target by serverSpecCode or serverProductCode (one of them), Classic by
// serverProductCode. The answer shows the server in NSTOP/CHNG with its
// old spec; the new one shows once the change completes.
func (c *call) changeServerInstanceSpec() (result, error) {
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	var spec *vmplane.Spec
	specCode, product := c.p.str("serverSpecCode"), c.p.str("serverProductCode")
	switch {
	case c.api.classic && product == "":
		return result{}, missingParam("serverProductCode")
	case c.api.classic:
		spec = c.cat.FindSpec(product)
	case specCode != "" && product != "":
		return result{}, exclusiveParams("serverSpecCode", "serverProductCode")
	case specCode != "":
		spec = c.cat.FindSpec(specCode)
	case product != "":
		spec = specByProduct(c.cat, product)
	default:
		return result{}, missingParam("serverSpecCode or serverProductCode")
	}
	if _, err := c.find(id); err != nil {
		return result{}, err
	}
	if spec == nil {
		return result{}, noProduct()
	}
	job, err := c.svc.Submit(c.ctx, vmplane.OperationRequest{Scope: c.scope, Kind: vmplane.KindResize, Mode: vmplane.ModeStrict,
		InstanceIDs: []string{id}, SpecID: spec.ID})
	if err != nil {
		return result{}, err
	}
	return c.serverList(refs(job.Instances), len(job.Instances)), nil
}

// setProtectServerTermination turns termination protection on or off.
func (c *call) setProtectServerTermination() (result, error) {
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	if !c.p.has("isProtectServerTermination") {
		return result{}, missingParam("isProtectServerTermination")
	}
	protect, err := c.p.bool("isProtectServerTermination", false)
	if err != nil {
		return result{}, err
	}
	if _, err := c.find(id); err != nil {
		return result{}, err
	}
	in, err := c.svc.UpdateInstance(c.ctx, c.scope, id, vmplane.InstanceUpdate{Protected: &protect})
	if err != nil {
		return result{}, err
	}
	return c.serverList([]*vmplane.Instance{&in}, 1), nil
}

// serverNamePattern is NCP's rule for server names: 3 to 30 lower-case
// letters, digits and hyphens, starting with a letter and not ending with
// a hyphen.
var serverNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,28}[a-z0-9]$`)

// serverNames reads serverName, serverCreateCount and serverCreateStartNo.
// Without a name NCP names a server "s" and the hex creation time in
// milliseconds (s18fb360bc62); several servers of one name get a suffix
// counting from serverCreateStartNo (UNVERIFIED: the suffix's format).
func (c *call) serverNames() ([]string, error) {
	count, err := c.p.int("serverCreateCount", 1, 20, 1)
	if err != nil {
		return nil, err
	}
	start, err := c.p.int("serverCreateStartNo", 0, 1000, 1)
	if err != nil {
		return nil, err
	}
	name := c.p.str("serverName")
	if name != "" && !serverNamePattern.MatchString(name) {
		return nil, invalidParam("serverName")
	}
	names := make([]string, count)
	ms := c.svc.Now().UnixMilli()
	for i := range names {
		switch {
		case name == "":
			names[i] = "s" + strconv.FormatInt(ms+c.h.autoNames.Add(1), 16)
		case count == 1:
			names[i] = name
		default:
			names[i] = fmt.Sprintf("%s-%d", name, start+i)
		}
	}
	return names, nil
}

// createCommon reads what VPC and Classic creation share into the request
// and its attributes.
func (c *call) createCommon(req *vmplane.InstanceCreate) error {
	var err error
	if req.Names, err = c.serverNames(); err != nil {
		return err
	}
	if req.Protected, err = c.p.bool("isProtectServerTermination", false); err != nil {
		return err
	}
	fee, err := c.p.oneOf("feeSystemTypeCode", "MTRAT", "FXSUM")
	if err != nil {
		return err
	}
	req.Charge = vmplane.ChargePayPerUse
	if fee == "FXSUM" {
		req.Charge, req.Period = vmplane.ChargePrepaid, 1
	}
	if len(c.p.str("serverDescription")) > 1000 {
		return invalidParam("serverDescription")
	}
	if v := c.p.str("serverDescription"); v != "" {
		req.Attrs["serverDescription"] = v
	}
	if err := c.serverLoginKey(req.Attrs); err != nil {
		return err
	}
	if c.api.classic {
		// Classic has no init script objects; the number is kept as given.
		if v := c.p.str("initScriptNo"); v != "" {
			req.Attrs["initScriptNo"] = v
		}
	} else if err := c.serverInitScript(req.Attrs); err != nil {
		return err
	}
	return c.createPartitions(req.Attrs)
}

// partition is one item of blockDevicePartitionList. Both fields are kept
// as the client wrote them (strings, as in the SDK's model) and answered
// back so: Terraform compares what it reads with what it sent.
type partition struct {
	MountPoint    string `json:"mountPoint"`
	PartitionSize string `json:"partitionSize"`
}

// attrPartitions keeps a server's blockDevicePartitionList, as JSON.
const attrPartitions = "blockDevicePartitionList"

// createPartitions keeps blockDevicePartitionList with the server. The
// reference sets no rule on mount points or sizes, so none is checked.
func (c *call) createPartitions(attrs map[string]string) error {
	items, err := c.p.objects("blockDevicePartitionList")
	if err != nil || len(items) == 0 {
		return err
	}
	parts := make([]partition, len(items))
	for i, it := range items {
		parts[i] = partition{MountPoint: it.str("mountPoint"), PartitionSize: it.str("partitionSize")}
	}
	b, _ := json.Marshal(parts)
	attrs[attrPartitions] = string(b)
	return nil
}

// createServerInstances creates VPC servers. KVM servers are made from a
// serverImageNo and a serverSpecCode, XEN ones from a serverImageProductCode
// and a serverProductCode; the server's zone is its subnet's.
func (c *call) createServerInstances() (result, error) {
	region, err := c.region()
	if err != nil {
		return result{}, err
	}
	vpcNo, err := c.p.required("vpcNo")
	if err != nil {
		return result{}, err
	}
	subnetNo, err := c.p.required("subnetNo")
	if err != nil {
		return result{}, err
	}
	req := vmplane.InstanceCreate{Scope: c.scope, Attrs: map[string]string{"vpcNo": vpcNo, "subnetNo": subnetNo}}
	if err := c.networkInterfaces(req.Attrs); err != nil {
		return result{}, err
	}
	image, err := c.createImage(req.Attrs)
	if err != nil {
		return result{}, err
	}
	zone := c.subnetZone(region, subnetNo)
	spec, err := c.createSpec(image, zone)
	if err != nil {
		return result{}, err
	}
	if err := c.createCommon(&req); err != nil {
		return result{}, err
	}
	for _, name := range []string{"isEncryptedBaseBlockStorageVolume", "associateWithPublicIp", "isPreInstallGpuDriver"} {
		on, err := c.p.bool(name, false)
		if err != nil {
			return result{}, err
		}
		if on {
			req.Attrs[name] = "true"
		}
	}
	if v := c.p.str("placementGroupNo"); v != "" {
		req.Attrs["placementGroupNo"] = v
	}
	if req.DiskGiB, err = c.baseStorageSize(); err != nil {
		return result{}, err
	}
	return c.create(req, spec, image, zone)
}

// The sizes of a block storage, in GB: the basic storage's when neither
// the spec nor the create says, and the range a create may ask for.
// UNVERIFIED: the range, which the reference does not give for a create;
// it is what NCP documents for createBlockStorageInstance.
const (
	defaultStorageGiB = 50
	minStorageGiB     = 10
	maxStorageGiB     = 2000
)

// baseStorageSize reads blockStorageMappingList and answers the size its
// order 0, the server's basic storage, asks for; 0 when none. Other orders
// (storage made with the server) are checked but not modelled.
func (c *call) baseStorageSize() (int, error) {
	items, err := c.p.objects("blockStorageMappingList")
	if err != nil {
		return 0, err
	}
	size, seen := 0, false
	for i, it := range items {
		at := fmt.Sprintf("blockStorageMappingList.%d.", i+1)
		order, err := it.int("order", 0, math.MaxInt32, -1)
		if err != nil {
			return 0, invalidParam(at + "order")
		}
		n, err := it.int("blockStorageSize", minStorageGiB, maxStorageGiB, 0)
		if err != nil {
			return 0, invalidParam(at + "blockStorageSize")
		}
		if order != 0 {
			continue
		}
		if seen { // UNVERIFIED: NCP's answer to two basic storages
			return 0, invalidParam(at + "order")
		}
		size, seen = n, true
	}
	return size, nil
}

// networkInterfaces reads networkInterfaceList. vmplane models a server's
// default interface (order 0): its access control groups, or the existing
// interface it is given.
func (c *call) networkInterfaces(attrs map[string]string) error {
	nics, err := c.p.objects("networkInterfaceList")
	if err != nil {
		return err
	}
	if len(nics) == 0 {
		return missingParam("networkInterfaceList.1.networkInterfaceOrder")
	}
	seen := make(map[int]bool)
	for i, nic := range nics {
		at := fmt.Sprintf("networkInterfaceList.%d.", i+1)
		if !nic.has("networkInterfaceOrder") {
			return missingParam(at + "networkInterfaceOrder")
		}
		order, err := nic.int("networkInterfaceOrder", 0, 2, 0)
		if err != nil || seen[order] {
			return invalidParam(at + "networkInterfaceOrder")
		}
		seen[order] = true
		acgs, err := nic.strings("accessControlGroupNoList")
		if err != nil {
			return invalidParam(at + "accessControlGroupNoList")
		}
		for _, no := range acgs {
			if !numeric(no) {
				return invalidParam(at + "accessControlGroupNoList")
			}
		}
		nicNo := nic.str("networkInterfaceNo")
		if nicNo == "" && len(acgs) == 0 {
			return missingParam(at + "accessControlGroupNoList.1")
		}
		if order == 0 {
			if nicNo != "" {
				attrs["networkInterfaceNo"] = nicNo
			}
			if len(acgs) > 0 {
				attrs["accessControlGroupNoList"] = strings.Join(acgs, ",")
			}
		}
	}
	if !seen[0] {
		return missingParam("networkInterfaceList.N.networkInterfaceOrder=0")
	}
	return nil
}

// createImage resolves the image a VPC server is created from; a member
// server image resolves to the catalog image it was made of, and the
// server keeps its number.
func (c *call) createImage(attrs map[string]string) (*vmplane.Image, error) {
	switch {
	case c.p.has("memberServerImageInstanceNo"):
		no := c.p.str("memberServerImageInstanceNo")
		img, err := c.memberImage(no)
		if err == nil {
			attrs["memberServerImageInstanceNo"] = no
		}
		return img, err
	case c.p.has("serverImageNo"):
		img := c.cat.FindImage(c.p.str("serverImageNo"))
		if img == nil || imageNo(img) == "" {
			return nil, noProduct()
		}
		return img, nil
	case c.p.has("serverImageProductCode"):
		img := imageByProduct(c.cat, c.p.str("serverImageProductCode"))
		if img == nil {
			return nil, noProduct()
		}
		// Product codes create XEN and RHV servers only; a KVM image is
		// created from its serverImageNo, and NCP answers its product code
		// as a server product it cannot find.
		if img.Attrs["hypervisor"] == "KVM" {
			return nil, badRequest(codeServerProduct, msgNoServerProduct)
		}
		return img, nil
	}
	// NCP's own wording, serverSpecCode and all.
	return nil, missingParam("memberServerImageInstanceNo or serverImageProductCode or serverSpecCode")
}

// createSpec resolves the spec a server is created with: by serverSpecCode
// (VPC only) or serverProductCode, else the image's smallest.
func (c *call) createSpec(img *vmplane.Image, zone *vmplane.Zone) (*vmplane.Spec, error) {
	specCode, product := c.p.str("serverSpecCode"), c.p.str("serverProductCode")
	if c.api.classic {
		specCode = ""
	}
	var spec *vmplane.Spec
	switch {
	case specCode != "" && product != "":
		return nil, exclusiveParams("serverSpecCode", "serverProductCode")
	case specCode != "":
		spec = c.cat.FindSpec(specCode)
	case product != "":
		spec = specByProduct(c.cat, product)
	default:
		spec = smallestSpec(c.cat, img, zone.ID)
	}
	// A code NCP does not know is "not found product"; one it knows that
	// the image cannot use is "not found server product".
	if spec == nil && (specCode != "" || product != "") {
		return nil, noProduct()
	}
	if spec == nil || !fits(spec, img) {
		return nil, badRequest(codeServerProduct, msgNoHypervisor)
	}
	if !spec.OfferedIn(zone.ID) {
		return nil, badRequest(codeServerProduct, msgNoServerProduct)
	}
	return spec, nil
}

func (c *call) create(req vmplane.InstanceCreate, spec *vmplane.Spec, img *vmplane.Image, zone *vmplane.Zone) (result, error) {
	req.SpecID, req.ImageID, req.Zone, req.DiskType = spec.ID, img.ID, zone.ID, spec.DiskType
	// The basic storage is the size the create asks for, else the spec's;
	// KVM specs leave it to the server, and NCP makes it 50 GB.
	req.DiskGiB = cmp.Or(req.DiskGiB, spec.DiskGiB, defaultStorageGiB)
	job, err := c.svc.CreateInstances(c.ctx, req)
	if err != nil {
		return result{}, err
	}
	return c.serverList(refs(job.Instances), len(job.Instances)), nil
}

// createClassicServerInstances creates Classic servers, from a
// serverImageProductCode and optionally a serverProductCode, in zoneNo.
func (c *call) createClassicServerInstances() (result, error) {
	var img *vmplane.Image
	req := vmplane.InstanceCreate{Scope: c.scope, Attrs: map[string]string{}}
	switch {
	case c.p.has("memberServerImageNo"):
		no := c.p.str("memberServerImageNo")
		var err error
		if img, err = c.memberImage(no); err != nil {
			return result{}, err
		}
		req.Attrs["memberServerImageNo"] = no
	case c.p.has("serverImageProductCode"):
		if img = c.cat.FindImage(c.p.str("serverImageProductCode")); img == nil {
			return result{}, noProduct()
		}
	default:
		return result{}, missingParam("serverImageProductCode or memberServerImageNo")
	}
	var zone *vmplane.Zone
	if no := c.p.str("zoneNo"); no != "" {
		if zone = zoneByNo(c.cat, no); zone == nil {
			return result{}, invalidParam("zoneNo")
		}
	} else if len(c.cat.Zones) > 0 {
		zone = &c.cat.Zones[0]
	} else {
		zone = &vmplane.Zone{}
	}
	spec, err := c.createSpec(img, zone)
	if err != nil {
		return result{}, err
	}
	if err := c.createCommon(&req); err != nil {
		return result{}, err
	}
	acgs, err := c.p.strings("accessControlGroupConfigurationNoList")
	if err != nil {
		return result{}, err
	}
	if len(acgs) > 0 {
		req.Attrs["accessControlGroupNoList"] = strings.Join(acgs, ",")
	}
	tags, err := c.p.objects("instanceTagList")
	if err != nil {
		return result{}, err
	}
	for i, t := range tags {
		if !t.has("tagKey") {
			return result{}, missingParam(fmt.Sprintf("instanceTagList.%d.tagKey", i+1))
		}
		req.Attrs[tagPrefix+t.str("tagKey")] = t.str("tagValue")
	}
	return c.create(req, spec, img, zone)
}
