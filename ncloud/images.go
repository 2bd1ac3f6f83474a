package ncloud

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// A member server image ("My server image") is made from one of the
// caller's servers. vmplane keeps what it was made from: the server, its
// catalog image and spec. A server created from it runs that catalog image
// and shows the member image's number.

// imageBuildTime is how long an image takes to make, at time scale 1: the
// scale of the emulator's other durations (a server is made in 8 s), for a
// job NCP takes minutes over. The image's status is derived from its
// creation time and the virtual clock whenever it is read.
const imageBuildTime = 30 * time.Second

// imageReady reports whether an image is made.
func (c *call) imageReady(r *vmplane.Resource) bool {
	return !c.svc.Now().Before(r.CreatedAt.Add(c.svc.Scaled(imageBuildTime)))
}

// createMemberServerImageInstance (VPC) and createMemberServerImage
// (Classic) make an image of an idle server, running or stopped.
func (c *call) createMemberServerImage() (result, error) {
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	name := c.p.str("memberServerImageName")
	if name != "" && !namePattern.MatchString(name) {
		return result{}, invalidParam("memberServerImageName")
	}
	desc := c.p.str("memberServerImageDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("memberServerImageDescription")
	}
	in, err := c.find(id)
	if err != nil {
		return result{}, err
	}
	s := c.server(in)
	if in.Op != nil || (in.Power != vmplane.PowerRunning && in.Power != vmplane.PowerStopped) {
		return result{}, badRequest(codeImageServer, msgImageServerBusy)
	}
	if !c.api.classic && s.spec.Attrs["hypervisor"] == "KVM" {
		return result{}, badRequest(codeInvalidValue, msgKVMImage)
	}
	if name == "" {
		name = c.autoName("image")
	}
	attrs := map[string]string{"serverInstanceNo": in.ID, "imageID": s.image.ID, "specID": s.spec.ID,
		"description": desc, "regionCode": in.Region, "diskGiB": strconv.Itoa(in.DiskGiB), "serverName": in.Name}
	r, err := c.svc.CreateResource(c.ctx, vmplane.ResourceCreate{Scope: c.scope, Kind: kindImage, Name: name, UniqueName: true, Attrs: attrs})
	if vmplane.ErrorCode(err) == vmplane.EEXISTS {
		return result{}, nameTaken("memberServerImageName")
	}
	if err != nil {
		return result{}, err
	}
	return c.imageList([]vmplane.Resource{r}), nil
}

func (c *call) imageList(images []vmplane.Resource) result {
	items := make([]obj, len(images))
	for i := range images {
		items[i] = c.renderMemberImage(&images[i], "")
	}
	if c.api.classic {
		return list("memberServerImageList", items)
	}
	return list("memberServerImageInstanceList", items)
}

// images returns the caller's member images in the call's region (VPC) or
// anywhere (Classic).
func (c *call) images() ([]vmplane.Resource, error) {
	all := c.svc.FindResources(c.ctx, c.scope, kindImage)
	if c.api.classic {
		return all, nil
	}
	region, err := c.region()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r vmplane.Resource) bool { return r.Attr("regionCode") != region.ID }), nil
}

// getMemberServerImageList lists images, filtered and paged: VPC's
// getMemberServerImageInstanceList and Classic's getMemberServerImageList.
func (c *call) getMemberServerImageList() (result, error) {
	listParam := "memberServerImageInstanceNoList"
	if c.api.classic {
		listParam = "memberServerImageNoList"
	}
	nos, err := c.p.strings(listParam)
	if err != nil {
		return result{}, err
	}
	platforms, err := c.p.strings("platformTypeCodeList")
	if err != nil {
		return result{}, err
	}
	status, err := c.p.oneOf("memberServerImageInstanceStatusCode", "INIT", "CREAT")
	if err != nil {
		return result{}, err
	}
	by, err := c.p.oneOf("sortedBy", "memberServerImageName")
	if err != nil {
		return result{}, err
	}
	order, err := c.p.oneOf("sortingOrder", "ASC", "DESC")
	if err != nil {
		return result{}, err
	}
	var region *vmplane.Region
	if c.api.classic && c.p.has("regionNo") {
		if region = regionByNo(c.cat, c.p.str("regionNo")); region == nil {
			return result{}, invalidParam("regionNo")
		}
	}
	images, err := c.images()
	if err != nil {
		return result{}, err
	}
	images = slices.DeleteFunc(images, func(r vmplane.Resource) bool {
		st := imageStatus(c.imageReady(&r))
		img := c.cat.FindImage(r.Attr("imageID"))
		return (len(nos) > 0 && !slices.Contains(nos, r.ID)) || !matches(c.p, "memberServerImageName", r.Name) ||
			(status != "" && status != st) || (region != nil && r.Attr("regionCode") != region.ID) ||
			(len(platforms) > 0 && (img == nil || !slices.Contains(platforms, img.Attrs["platformType"])))
	})
	if by != "" {
		slices.SortStableFunc(images, func(a, b vmplane.Resource) int { return strings.Compare(a.Name, b.Name) })
	}
	if order == "DESC" {
		slices.Reverse(images)
	}
	res := c.imageList(images)
	return c.paged(res.list, res.items)
}

// getMemberServerImageInstanceDetail answers one image, or an empty list
// for a number that names none (as getServerInstanceDetail does).
func (c *call) getMemberServerImageInstanceDetail() (result, error) {
	no, err := c.p.required("memberServerImageInstanceNo")
	if err != nil {
		return result{}, err
	}
	images, err := c.images()
	if err != nil {
		return result{}, err
	}
	images = slices.DeleteFunc(images, func(r vmplane.Resource) bool { return r.ID != no })
	return c.imageList(images), nil
}

// deleteMemberServerImages deletes made images, all or none, and answers
// them as they were, terminating.
func (c *call) deleteMemberServerImages() (result, error) {
	listParam := "memberServerImageInstanceNoList"
	if c.api.classic {
		listParam = "memberServerImageNoList"
	}
	nos, err := c.p.requiredList(listParam)
	if err != nil {
		return result{}, err
	}
	images, err := c.images()
	if err != nil {
		return result{}, err
	}
	var doomed []vmplane.Resource
	for _, no := range nos {
		i := slices.IndexFunc(images, func(r vmplane.Resource) bool { return r.ID == no })
		if i < 0 {
			return result{}, notFoundParam(listParam)
		}
		if !c.imageReady(&images[i]) {
			return result{}, badRequest(codeImageBusy, msgImageBusy)
		}
		doomed = append(doomed, images[i])
	}
	items := make([]obj, len(doomed))
	for i := range doomed {
		if err := c.svc.DeleteResource(c.ctx, c.scope, kindImage, doomed[i].ID); err != nil && vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
			return result{}, err
		}
		items[i] = c.renderMemberImage(&doomed[i], "TERMT")
	}
	res := c.imageList(nil)
	return list(res.list, items), nil
}

// memberImage resolves the member image a server is to be created from:
// it must be made.
func (c *call) memberImage(no string) (*vmplane.Image, error) {
	images, err := c.images()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(images, func(r vmplane.Resource) bool { return r.ID == no })
	if i < 0 {
		return nil, noProduct()
	}
	if !c.imageReady(&images[i]) {
		return nil, badRequest(codeImageBusy, msgImageBusy)
	}
	img := c.cat.FindImage(images[i].Attr("imageID"))
	if img == nil {
		return nil, noProduct() // its image left the catalog
	}
	return img, nil
}

func imageStatus(ready bool) string {
	if ready {
		return "CREAT"
	}
	return "INIT"
}

// renderMemberImage renders an image; op, when given, is the operation in
// progress (TERMT for one being deleted).
func (c *call) renderMemberImage(r *vmplane.Resource, op string) obj {
	ready := c.imageReady(r)
	status, statusName := code("INIT", "NSI INIT state"), "creating"
	if op == "" {
		op = "CREAT"
	}
	if ready {
		status, statusName = code("CREAT", "NSI CREATED state"), "created"
		if op == "CREAT" {
			op = "NULL"
		}
	}
	operation := code(op, map[string]string{"NULL": "NSI NULL OP", "CREAT": "NSI CREATE OP", "TERMT": "NSI TERMINATE OP"}[op])
	if op == "TERMT" {
		statusName = "terminating"
	}
	img := c.cat.FindImage(r.Attr("imageID"))
	if img == nil {
		img = &vmplane.Image{ID: r.Attr("imageID")}
	}
	size := int64(atoi(r.Attr("diskGiB"))) * gib
	if c.api.classic {
		return c.classicMemberImage(r, img, status, operation, statusName, size)
	}
	return obj{
		{"memberServerImageInstanceNo", str(r.ID)},
		{"memberServerImageName", str(r.Name)},
		{"memberServerImageDescription", str(r.Attr("description"))},
		{"originalServerInstanceNo", str(r.Attr("serverInstanceNo"))},
		{"originalServerImageProductCode", str(imageProductCode(img))},
		{"memberServerImageInstanceStatus", object(status)},
		{"memberServerImageInstanceOperation", object(operation)},
		{"memberServerImageInstanceStatusName", str(statusName)},
		{"createDate", date(r.CreatedAt)},
		{"memberServerImageBlockStorageTotalRows", num(1)},
		{"memberServerImageBlockStorageTotalSize", num(size)},
		{"shareStatus", object(code("NULL", "NULL"))},
		{"sharedLoginIdList", strs()},
	}
}

// classicMemberImage renders a Classic MemberServerImage: the VPC fields
// and more of the original server.
func (c *call) classicMemberImage(r *vmplane.Resource, img *vmplane.Image, status, operation obj, statusName string, size int64) obj {
	region := c.cat.FindRegion(r.Attr("regionCode"))
	if region == nil {
		region = &vmplane.Region{ID: r.Attr("regionCode")}
	}
	zone := &vmplane.Zone{Region: region.ID}
	if zs := regionZones(c.cat, region.ID); len(zs) > 0 {
		zone = &zs[0]
	}
	spec := c.cat.FindSpec(r.Attr("specID"))
	if spec == nil {
		spec = &vmplane.Spec{ID: r.Attr("specID")}
	}
	return obj{
		{"memberServerImageNo", str(r.ID)},
		{"memberServerImageName", str(r.Name)},
		{"memberServerImageDescription", str(r.Attr("description"))},
		{"originalServerInstanceNo", str(r.Attr("serverInstanceNo"))},
		{"originalServerProductCode", str(productCode(spec))},
		{"originalServerName", str(r.Attr("serverName"))},
		{"originalBaseBlockStorageDiskType", object(code("NET", "Network Storage"))},
		{"originalServerImageProductCode", str(imageProductCode(img))},
		{"originalOsInformation", str(img.Attrs["osInformation"])},
		{"originalServerImageName", str(img.Name)},
		{"memberServerImageStatusName", str(statusName)},
		{"memberServerImageStatus", object(status)},
		{"memberServerImageOperation", object(operation)},
		{"memberServerImagePlatformType", object(code(img.Attrs["platformType"], img.Attrs["platformName"]))},
		{"region", object(classicRegion(region))},
		{"zone", object(classicZone(zone, region))},
		{"createDate", date(r.CreatedAt)},
		{"memberServerImageBlockStorageTotalRows", num(1)},
		{"memberServerImageBlockStorageTotalSize", num(size)},
		{"shareStatus", object(code("NULL", "NULL"))},
		{"sharedLoginIdList", strs()},
	}
}
