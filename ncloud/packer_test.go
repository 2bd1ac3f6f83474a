package ncloud_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane/vmplanetest"
)

// The SDK's request and response types of the calls Packer's ncloud builder
// makes besides the server calls (sdk_test.go has those). Field order is
// wire order; a request type may stop at the last field a caller sets.

type LoginKey struct {
	KeyName     *string `json:"keyName,omitempty"`
	Fingerprint *string `json:"fingerprint,omitempty"`
	PublicKey   *string `json:"publicKey,omitempty"`
	CreateDate  *string `json:"createDate,omitempty"`
}

type InitScript struct {
	InitScriptNo          *string     `json:"initScriptNo,omitempty"`
	InitScriptName        *string     `json:"initScriptName,omitempty"`
	CreateDate            *string     `json:"createDate,omitempty"`
	InitScriptDescription *string     `json:"initScriptDescription,omitempty"`
	InitScriptContent     *string     `json:"initScriptContent,omitempty"`
	OsType                *CommonCode `json:"osType,omitempty"`
}

type ProtocolType struct {
	Code     *string `json:"code,omitempty"`
	CodeName *string `json:"codeName,omitempty"`
	Number   *int32  `json:"number,omitempty"`
}

type AccessControlGroupRule struct {
	AccessControlGroupNo              *string       `json:"accessControlGroupNo,omitempty"`
	ProtocolType                      *ProtocolType `json:"protocolType,omitempty"`
	IpBlock                           *string       `json:"ipBlock,omitempty"`
	PortRange                         *string       `json:"portRange,omitempty"`
	AccessControlGroupSequence        *string       `json:"accessControlGroupSequence,omitempty"`
	AccessControlGroupRuleType        *CommonCode   `json:"accessControlGroupRuleType,omitempty"`
	AccessControlGroupRuleDescription *string       `json:"accessControlGroupRuleDescription,omitempty"`
}

type PublicIpInstance struct {
	PublicIpInstanceNo         *string     `json:"publicIpInstanceNo,omitempty"`
	PublicIp                   *string     `json:"publicIp,omitempty"`
	PublicIpDescription        *string     `json:"publicIpDescription,omitempty"`
	CreateDate                 *string     `json:"createDate,omitempty"`
	PublicIpInstanceStatusName *string     `json:"publicIpInstanceStatusName,omitempty"`
	PublicIpInstanceStatus     *CommonCode `json:"publicIpInstanceStatus,omitempty"`
	ServerInstanceNo           *string     `json:"serverInstanceNo,omitempty"`
	ServerName                 *string     `json:"serverName,omitempty"`
	PrivateIp                  *string     `json:"privateIp,omitempty"`
	LastModifyDate             *string     `json:"lastModifyDate,omitempty"`
	PublicIpInstanceOperation  *CommonCode `json:"publicIpInstanceOperation,omitempty"`
}

type MemberServerImageInstance struct {
	MemberServerImageInstanceNo            *string     `json:"memberServerImageInstanceNo,omitempty"`
	MemberServerImageName                  *string     `json:"memberServerImageName,omitempty"`
	MemberServerImageDescription           *string     `json:"memberServerImageDescription,omitempty"`
	OriginalServerInstanceNo               *string     `json:"originalServerInstanceNo,omitempty"`
	OriginalServerImageProductCode         *string     `json:"originalServerImageProductCode,omitempty"`
	MemberServerImageInstanceStatus        *CommonCode `json:"memberServerImageInstanceStatus,omitempty"`
	MemberServerImageInstanceOperation     *CommonCode `json:"memberServerImageInstanceOperation,omitempty"`
	MemberServerImageInstanceStatusName    *string     `json:"memberServerImageInstanceStatusName,omitempty"`
	CreateDate                             *string     `json:"createDate,omitempty"`
	MemberServerImageBlockStorageTotalRows *int32      `json:"memberServerImageBlockStorageTotalRows,omitempty"`
	MemberServerImageBlockStorageTotalSize *int64      `json:"memberServerImageBlockStorageTotalSize,omitempty"`
	ShareStatus                            *CommonCode `json:"shareStatus,omitempty"`
	SharedLoginIdList                      []*string   `json:"sharedLoginIdList,omitempty"`
}

type Vpc struct {
	VpcNo         *string     `json:"vpcNo,omitempty"`
	VpcName       *string     `json:"vpcName,omitempty"`
	Ipv4CidrBlock *string     `json:"ipv4CidrBlock,omitempty"`
	VpcStatus     *CommonCode `json:"vpcStatus,omitempty"`
	RegionCode    *string     `json:"regionCode,omitempty"`
	CreateDate    *string     `json:"createDate,omitempty"`
}

type CreateLoginKeyRequest struct{ KeyName *string }

type GetLoginKeyListRequest struct {
	KeyName  *string
	PageNo   *int32
	PageSize *int32
}

type DeleteLoginKeysRequest struct{ KeyNameList []*string }

type CreateInitScriptRequest struct {
	RegionCode            *string
	InitScriptContent     *string
	InitScriptName        *string
	InitScriptDescription *string
	OsTypeCode            *string
}

type DeleteInitScriptsRequest struct {
	RegionCode       *string
	InitScriptNoList []*string
}

type GetMemberServerImageInstanceListRequest struct {
	RegionCode                          *string
	MemberServerImageName               *string
	MemberServerImageInstanceStatusCode *string
	MemberServerImageInstanceNoList     []*string
}

type GetServerImageProductListRequest struct {
	RegionCode *string
}

type GetVpcListRequest struct {
	RegionCode    *string
	VpcName       *string
	VpcStatusCode *string
	VpcNoList     []*string
}

type GetVpcDetailRequest struct {
	RegionCode *string
	VpcNo      *string
}

type GetSubnetListRequest struct {
	RegionCode     *string
	SubnetNoList   []*string
	SubnetName     *string
	Subnet         *string
	SubnetTypeCode *string
	UsageTypeCode  *string
	NetworkAclNo   *string
	PageNo         *int32
	PageSize       *int32
	SubnetStatus   *string
	VpcNo          *string
}

type CreateAccessControlGroupRequest struct {
	RegionCode                    *string
	AccessControlGroupName        *string
	AccessControlGroupDescription *string
	VpcNo                         *string
}

type AddAccessControlGroupRuleParameter struct {
	AccessControlGroupRuleDescription *string
	IpBlock                           *string
	AccessControlGroupSequence        *string
	PortRange                         *string
	ProtocolTypeCode                  *string
}

type AddAccessControlGroupRuleRequest struct {
	RegionCode                 *string
	AccessControlGroupNo       *string
	VpcNo                      *string
	AccessControlGroupRuleList []*AddAccessControlGroupRuleParameter
}

type AccessControlGroupDetailRequest struct {
	RegionCode           *string
	AccessControlGroupNo *string
}

type DeleteAccessControlGroupRequest struct {
	RegionCode           *string
	VpcNo                *string
	AccessControlGroupNo *string
}

type GetRootPasswordRequest struct {
	RegionCode       *string
	ServerInstanceNo *string
	PrivateKey       *string
}

type CreatePublicIpInstanceRequest struct {
	RegionCode          *string
	PublicIpDescription *string
	ServerInstanceNo    *string
}

type PublicIpInstanceDetailRequest struct {
	RegionCode         *string
	PublicIpInstanceNo *string
}

type DisassociatePublicIpRequest struct {
	RegionCode         *string
	PublicIpInstanceNo *string
	ServerInstanceNo   *string
}

type CreateMemberServerImageInstanceRequest struct {
	RegionCode                   *string
	MemberServerImageName        *string
	MemberServerImageDescription *string
	ServerInstanceNo             *string
}

type MemberServerImageInstanceDetailRequest struct {
	RegionCode                  *string
	MemberServerImageInstanceNo *string
}

type DeleteMemberServerImageInstancesRequest struct {
	RegionCode                      *string
	MemberServerImageInstanceNoList []*string
}

// around calls an action that must succeed and decodes it.
func (c *sdk) around(t *testing.T, action string, req any) *response {
	t.Helper()
	var resp response
	if err := c.call(action, req, &resp); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if resp.ReturnCode == nil || *resp.ReturnCode != "0" || resp.RequestId == nil {
		t.Fatalf("%s: bad envelope: %+v", action, resp)
	}
	return &resp
}

// refused calls an action that must be refused and returns NCP's code.
func (c *sdk) refused(t *testing.T, action string, req any) string {
	t.Helper()
	var resp response
	return returnCode(t, c.call(action, req, &resp))
}

// packerTemplate is what the README's template sets: an image product
// code and a subnet, with communicator "none".
const (
	packerImage  = "SW.VSVR.OS.LNX64.ROCKY.0810.B050"
	packerSubnet = "30136"
)

// TestPackerBuildVPC replays the call sequence of Packer's ncloud builder
// (VPC, communicator none, with user data) in its order, with its
// parameters, reading what it reads: validate the template, make a login
// key, an init script and a temporary ACG with rules, create the server and
// wait for RUN, read the root password with the private key, make and wait
// for a public IP, stop the server, make an image and wait for it, then
// terminate the server and clean up in reverse: public IP, ACG, init
// script, login key. Then the image is used: a server is created from it.
func TestPackerBuildVPC(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	vpc := newSDK(srv, "/vpc/v2")
	kr := str("KR")

	// StepValidateTemplate.
	regions := c.around(t, "getRegionList", &RegionListRequest{})
	if !slices.ContainsFunc(regions.RegionList, func(r *Region) bool { return *r.RegionCode == "KR" }) {
		t.Fatal("no KR")
	}
	if zones := c.around(t, "getZoneList", &ZoneListRequest{RegionCode: kr}); *zones.ZoneList[0].ZoneCode == "" {
		t.Fatal("no zone")
	}
	for _, img := range c.around(t, "getMemberServerImageInstanceList", &GetMemberServerImageInstanceListRequest{RegionCode: kr}).MemberServerImageInstanceList {
		_, _ = *img.MemberServerImageName, *img.MemberServerImageInstanceNo // dereferenced unchecked
	}
	products := c.around(t, "getServerImageProductList", &GetServerImageProductListRequest{RegionCode: kr}).ProductList
	if !slices.ContainsFunc(products, func(p *Product) bool { return *p.ProductCode == packerImage && *p.ProductName != "" }) {
		t.Fatalf("%s is not an image product", packerImage)
	}
	subnet := vpc.around(t, "getSubnetDetail", &SubnetDetailRequest{RegionCode: kr, SubnetNo: str(packerSubnet)})
	if *subnet.TotalRows == 0 || *subnet.SubnetList[0].SubnetType.Code != "PUBLIC" {
		t.Fatalf("subnet %s is not public", packerSubnet)
	}
	vpcNo := subnet.SubnetList[0].VpcNo
	for _, p := range c.around(t, "getServerProductList", &ServerProductListRequest{RegionCode: kr, ServerImageProductCode: str(packerImage)}).ProductList {
		_ = *p.ProductType.Code // dereferenced unchecked
	}

	// StepCreateLoginKey: packer-<unix time>.
	keyName := "packer-1750319347"
	key := c.around(t, "createLoginKey", &CreateLoginKeyRequest{KeyName: &keyName})
	if key.PrivateKey == nil || !strings.HasPrefix(*key.PrivateKey, "-----BEGIN RSA PRIVATE KEY-----\n") {
		t.Fatalf("createLoginKey: no private key: %+v", key)
	}

	// StepCreateInitScript, for user_data.
	script := c.around(t, "createInitScript", &CreateInitScriptRequest{RegionCode: kr, InitScriptContent: str("#!/bin/sh\necho hi\n"),
		InitScriptName: str("packer-1750319347")}).InitScriptList[0].InitScriptNo

	// StepCreateAccessControlGroup: named after the image (empty here).
	acgs := c.around(t, "createAccessControlGroup", &CreateAccessControlGroupRequest{RegionCode: kr, AccessControlGroupName: str(""),
		AccessControlGroupDescription: str("Temporary ACG for packer"), VpcNo: vpcNo})
	if *acgs.TotalRows == 0 {
		t.Fatal("createAccessControlGroup: no ACG")
	}
	acg := acgs.AccessControlGroupList[0].AccessControlGroupNo
	anywhere := str("0.0.0.0/0")
	rule := func(proto, ports string) *AddAccessControlGroupRuleParameter {
		r := &AddAccessControlGroupRuleParameter{IpBlock: anywhere, ProtocolTypeCode: str(proto)}
		if ports != "" {
			r.PortRange = str(ports)
		}
		return r
	}
	c.around(t, "addAccessControlGroupInboundRule", &AddAccessControlGroupRuleRequest{RegionCode: kr, AccessControlGroupNo: acg, VpcNo: vpcNo,
		AccessControlGroupRuleList: []*AddAccessControlGroupRuleParameter{rule("TCP", "22"), rule("TCP", "3389"), rule("TCP", "5985")}})
	out := c.around(t, "addAccessControlGroupOutboundRule", &AddAccessControlGroupRuleRequest{RegionCode: kr, AccessControlGroupNo: acg, VpcNo: vpcNo,
		AccessControlGroupRuleList: []*AddAccessControlGroupRuleParameter{rule("ICMP", ""), rule("TCP", "1-65535"), rule("UDP", "1-65535")}})
	if len(out.AccessControlGroupRuleList) != 3 || *out.AccessControlGroupRuleList[1].ProtocolType.Number != 6 {
		t.Fatalf("outbound rules: %+v", out.AccessControlGroupRuleList)
	}

	// StepCreateServerInstance: empty strings where the template is silent.
	created := c.server(t, "createServerInstances", &CreateServerInstancesRequest{
		RegionCode: kr, ServerProductCode: str(""), ServerImageProductCode: str(packerImage), MemberServerImageInstanceNo: str(""),
		LoginKeyName: &keyName, FeeSystemTypeCode: str("MTRAT"), InitScriptNo: script, VpcNo: vpcNo, SubnetNo: str(packerSubnet),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{acg}}},
	})
	id := *created.ServerInstanceNo
	waitStatus := func(want string, limit time.Duration) {
		t.Helper()
		for waited := time.Duration(0); ; waited += 5 * time.Second {
			if got := c.servers(t, "getServerInstanceDetail", &ServerInstanceDetailRequest{ServerInstanceNo: &id})[0]; got.ServerInstanceStatus.code() == want {
				return
			}
			if waited >= limit {
				t.Fatalf("server %s never became %s", id, want)
			}
			srv.Advance(5 * time.Second) // the builder polls every 5 s
		}
	}
	waitStatus("RUN", 30*time.Minute)
	running := c.detail(t, id)
	if *running.LoginKeyName != keyName || *running.InitScriptNo != *script || *running.ServerImageProductCode != packerImage {
		t.Errorf("running server: %+v", running)
	}

	// StepGetRootPassword.
	pw := c.around(t, "getRootPassword", &GetRootPasswordRequest{RegionCode: kr, ServerInstanceNo: &id, PrivateKey: key.PrivateKey})
	if pw.RootPassword == nil || len(*pw.RootPassword) < 8 {
		t.Fatalf("getRootPassword: %+v", pw)
	}

	// StepCreatePublicIP, then its waiter reads the server's publicIp.
	ip := c.around(t, "createPublicIpInstance", &CreatePublicIpInstanceRequest{RegionCode: kr, ServerInstanceNo: &id}).PublicIpInstanceList[0]
	if got := c.detail(t, id); *got.PublicIp != *ip.PublicIp || *got.PublicIpInstanceNo != *ip.PublicIpInstanceNo {
		t.Fatalf("server shows public IP %s (%s), want %s", *got.PublicIp, *got.PublicIpInstanceNo, *ip.PublicIp)
	}

	// StepStopServerInstance, then StepCreateServerImage.
	stopping := c.server(t, "stopServerInstances", &InstancesRequest{RegionCode: kr, ServerInstanceNoList: []*string{&id}})
	if *stopping.ServerInstanceNo != id {
		t.Fatal("stop answered another server")
	}
	waitStatus("NSTOP", 5*time.Minute)
	imageName := "packer-image"
	image := c.around(t, "createMemberServerImageInstance", &CreateMemberServerImageInstanceRequest{MemberServerImageName: &imageName,
		MemberServerImageDescription: str(""), ServerInstanceNo: &id}).MemberServerImageInstanceList[0]
	imageNo := *image.MemberServerImageInstanceNo
	if *image.MemberServerImageName != imageName || image.MemberServerImageInstanceStatus.code() != "INIT" {
		t.Fatalf("image being made: %+v", image)
	}
	for waited := time.Duration(0); ; waited += 5 * time.Second {
		got := c.around(t, "getMemberServerImageInstanceDetail", &MemberServerImageInstanceDetailRequest{MemberServerImageInstanceNo: &imageNo})
		if got.MemberServerImageInstanceList[0].MemberServerImageInstanceStatus.code() == "CREAT" {
			break
		}
		if waited > time.Hour {
			t.Fatal("the image was never made")
		}
		srv.Advance(5 * time.Second)
	}

	// StepTerminateServerInstance: no regionCode; polls the list until empty.
	c.servers(t, "terminateServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}})
	for waited := time.Duration(0); len(c.servers(t, "getServerInstanceList", &ServerInstanceListRequest{RegionCode: kr, ServerInstanceNoList: []*string{&id}})) > 0; waited += 3 * time.Second {
		if waited > 2*time.Minute {
			t.Fatal("the server was never terminated")
		}
		srv.Advance(3 * time.Second)
	}

	// Clean-up, in reverse order of the steps. The public IP outlived its
	// server and is no longer associated: the builder deletes it at once.
	got := c.around(t, "getPublicIpInstanceDetail", &PublicIpInstanceDetailRequest{RegionCode: kr, PublicIpInstanceNo: ip.PublicIpInstanceNo}).PublicIpInstanceList[0]
	if *got.ServerInstanceNo != "" || got.PublicIpInstanceStatus.code() != "RUN" || got.PublicIpInstanceOperation.code() != "NULL" {
		t.Fatalf("public IP after the server: %+v", got)
	}
	c.around(t, "deletePublicIpInstance", &PublicIpInstanceDetailRequest{RegionCode: kr, PublicIpInstanceNo: ip.PublicIpInstanceNo})
	c.around(t, "deleteAccessControlGroup", &DeleteAccessControlGroupRequest{RegionCode: kr, VpcNo: vpcNo, AccessControlGroupNo: acg})
	c.around(t, "deleteInitScripts", &DeleteInitScriptsRequest{RegionCode: kr, InitScriptNoList: []*string{script}})
	c.around(t, "deleteLoginKeys", &DeleteLoginKeysRequest{KeyNameList: []*string{&keyName}})
	if keys := c.around(t, "getLoginKeyList", &GetLoginKeyListRequest{}); len(keys.LoginKeyList) != 0 {
		t.Errorf("login keys left: %+v", keys.LoginKeyList)
	}

	// The artifact: listed by name, and a server can be made from it.
	listed := c.around(t, "getMemberServerImageInstanceList", &GetMemberServerImageInstanceListRequest{RegionCode: kr, MemberServerImageName: &imageName})
	if len(listed.MemberServerImageInstanceList) != 1 || *listed.MemberServerImageInstanceList[0].OriginalServerImageProductCode != packerImage {
		t.Fatalf("image list: %+v", listed.MemberServerImageInstanceList)
	}
	fromImage := c.server(t, "createServerInstances", &CreateServerInstancesRequest{
		RegionCode: kr, MemberServerImageInstanceNo: &imageNo, VpcNo: vpcNo, SubnetNo: str(packerSubnet),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}},
	})
	if *fromImage.MemberServerImageInstanceNo != imageNo || *fromImage.ServerImageProductCode != packerImage {
		t.Fatalf("server from the image: %+v", fromImage)
	}
}

// Classic's types for the same flow.

type ClassicMemberServerImage struct {
	MemberServerImageNo            *string     `json:"memberServerImageNo,omitempty"`
	MemberServerImageName          *string     `json:"memberServerImageName,omitempty"`
	OriginalServerProductCode      *string     `json:"originalServerProductCode,omitempty"`
	OriginalServerImageProductCode *string     `json:"originalServerImageProductCode,omitempty"`
	MemberServerImageStatus        *CommonCode `json:"memberServerImageStatus,omitempty"`
	Region                         *ClassicRegion
	Zone                           *ClassicZone
}

type ClassicPublicIpInstance struct {
	PublicIpInstanceNo                   *string                `json:"publicIpInstanceNo,omitempty"`
	PublicIp                             *string                `json:"publicIp,omitempty"`
	PublicIpInstanceStatus               *CommonCode            `json:"publicIpInstanceStatus,omitempty"`
	PublicIpInstanceOperation            *CommonCode            `json:"publicIpInstanceOperation,omitempty"`
	ServerInstanceAssociatedWithPublicIp *ClassicServerInstance `json:"serverInstanceAssociatedWithPublicIp,omitempty"`
}

type ClassicZoneListRequest struct{ RegionNo *string }

type ClassicMemberServerImageListRequest struct {
	MemberServerImageNoList []*string
	PlatformTypeCodeList    []*string
	PageNo                  *int32
	PageSize                *int32
	RegionNo                *string
}

type ClassicProductListRequest struct {
	RegionNo               *string
	ServerImageProductCode *string
}

// ClassicPackerCreateRequest is createServerInstances as the builder fills
// it, in the SDK's field order; the SDK sends UserData base64-encoded.
type ClassicPackerCreateRequest struct {
	ServerImageProductCode *string
	ServerProductCode      *string
	MemberServerImageNo    *string
	LoginKeyName           *string
	FeeSystemTypeCode      *string
	UserData               *string
	ZoneNo                 *string
}

type ClassicRootPasswordRequest struct {
	PrivateKey       *string
	ServerInstanceNo *string
}

type ClassicCreatePublicIpRequest struct{ ServerInstanceNo *string }

type ClassicPublicIpListRequest struct{ PublicIpInstanceNoList []*string }

type ClassicCreateMemberServerImageRequest struct {
	MemberServerImageDescription *string
	MemberServerImageName        *string
	ServerInstanceNo             *string
}

func (c *sdk) classic(t *testing.T, action string, req any) *classicResponse {
	t.Helper()
	var resp classicResponse
	if err := c.call(action, req, &resp); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if resp.ReturnCode == nil || *resp.ReturnCode != "0" {
		t.Fatalf("%s: bad envelope: %+v", action, resp)
	}
	return &resp
}

// TestPackerBuildClassic replays the builder's Classic flow: the same
// steps without init script and ACG, polling getServerInstanceList and
// getMemberServerImageList; then a second build from the image it made.
func TestPackerBuildClassic(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/server/v2")
	const image = "SPSW0LINUX000139"

	build := func(name string, fromImage string) string {
		t.Helper()
		regionNo := c.classic(t, "getRegionList", &RegionListRequest{}).RegionList[0].RegionNo
		zoneNo := c.classic(t, "getZoneList", &ClassicZoneListRequest{RegionNo: regionNo}).ZoneList[0].ZoneNo
		serverProduct, imageProduct := "", image
		for _, img := range c.classic(t, "getMemberServerImageList", &ClassicMemberServerImageListRequest{RegionNo: regionNo}).MemberServerImageList {
			if *img.MemberServerImageName == name {
				t.Fatalf("image name %s taken", name)
			}
			if *img.MemberServerImageNo == fromImage {
				serverProduct, imageProduct = *img.OriginalServerProductCode, *img.OriginalServerImageProductCode
			}
		}
		if fromImage != "" && serverProduct == "" {
			t.Fatalf("member image %s not listed", fromImage)
		}
		if !slices.ContainsFunc(c.classic(t, "getServerImageProductList", &ClassicProductListRequest{RegionNo: regionNo}).ProductList,
			func(p *Product) bool { return *p.ProductCode == imageProduct }) {
			t.Fatalf("%s is not an image product", imageProduct)
		}
		c.classic(t, "getServerProductList", &ClassicProductListRequest{RegionNo: regionNo, ServerImageProductCode: &imageProduct})
		keyName := "packer-" + name
		key := c.classic(t, "createLoginKey", &CreateLoginKeyRequest{KeyName: &keyName}).PrivateKey
		req := &ClassicPackerCreateRequest{ServerProductCode: &serverProduct, MemberServerImageNo: &fromImage, LoginKeyName: &keyName,
			FeeSystemTypeCode: str("MTRAT"), UserData: str("IyEvYmluL3NoCg=="), ZoneNo: zoneNo}
		if fromImage == "" {
			req.ServerImageProductCode = &imageProduct
		}
		id := *c.classic(t, "createServerInstances", req).ServerInstanceList[0].ServerInstanceNo
		list := &ClassicInstancesRequest{ServerInstanceNoList: []*string{&id}}
		wait := func(status string) *ClassicServerInstance {
			t.Helper()
			for range 100 {
				if s := c.classic(t, "getServerInstanceList", list).ServerInstanceList[0]; s.ServerInstanceStatus.code() == status {
					return s
				}
				srv.Advance(5 * time.Second)
			}
			t.Fatalf("server %s never became %s", id, status)
			return nil
		}
		wait("RUN")
		c.classic(t, "getRootPassword", &ClassicRootPasswordRequest{PrivateKey: key, ServerInstanceNo: &id})
		ip := c.classic(t, "createPublicIpInstance", &ClassicCreatePublicIpRequest{ServerInstanceNo: &id}).PublicIpInstanceList[0]
		if s := c.classic(t, "getServerInstanceList", list).ServerInstanceList[0]; *s.PublicIp != *ip.PublicIp {
			t.Fatalf("server shows public IP %q, want %s", *s.PublicIp, *ip.PublicIp)
		}
		c.classic(t, "stopServerInstances", list)
		wait("NSTOP")
		imageNo := *c.classic(t, "createMemberServerImage", &ClassicCreateMemberServerImageRequest{MemberServerImageDescription: str(""),
			MemberServerImageName: &name, ServerInstanceNo: &id}).MemberServerImageList[0].MemberServerImageNo
		for c.classic(t, "getMemberServerImageList", &ClassicMemberServerImageListRequest{MemberServerImageNoList: []*string{&imageNo}}).
			MemberServerImageList[0].MemberServerImageStatus.code() != "CREAT" {
			srv.Advance(5 * time.Second)
		}
		c.classic(t, "terminateServerInstances", list)
		for *c.classic(t, "getServerInstanceList", list).TotalRows > 0 {
			srv.Advance(3 * time.Second)
		}
		got := c.classic(t, "getPublicIpInstanceList", &ClassicPublicIpListRequest{PublicIpInstanceNoList: []*string{ip.PublicIpInstanceNo}}).PublicIpInstanceList[0]
		if got.PublicIpInstanceStatus.code() != "CREAT" || got.PublicIpInstanceOperation.code() != "NULL" ||
			(got.ServerInstanceAssociatedWithPublicIp != nil && got.ServerInstanceAssociatedWithPublicIp.ServerInstanceNo != nil) {
			t.Fatalf("public IP after its server: %+v", got)
		}
		c.classic(t, "deletePublicIpInstances", &ClassicPublicIpListRequest{PublicIpInstanceNoList: []*string{ip.PublicIpInstanceNo}})
		c.classic(t, "deleteLoginKey", &CreateLoginKeyRequest{KeyName: &keyName})
		return imageNo
	}
	first := build("packer-centos", "")
	build("packer-centos-2", first)
}

// TestPackerRefusals checks each refusal the builder can meet, in NCP's
// error format as the SDK reports it.
func TestPackerRefusals(t *testing.T) {
	srv := vmplanetest.NewServer(t, vmplanetest.Options{})
	c := newSDK(srv, "/vserver/v2")
	kr := str("KR")
	nic := []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}}
	create := func(key string, image string) *CreateServerInstancesRequest {
		r := &CreateServerInstancesRequest{RegionCode: kr, VpcNo: str("10375"), SubnetNo: str(packerSubnet), NetworkInterfaceList: nic}
		if key != "" {
			r.LoginKeyName = &key
		}
		if strings.HasPrefix(image, "SW.") {
			r.ServerImageProductCode = &image
		} else {
			r.MemberServerImageInstanceNo = &image
		}
		return r
	}
	key := c.around(t, "createLoginKey", &CreateLoginKeyRequest{KeyName: str("packer-key")}).PrivateKey
	keyless := *c.server(t, "createServerInstances", create("", packerImage)).ServerInstanceNo
	id := *c.server(t, "createServerInstances", create("packer-key", packerImage)).ServerInstanceNo
	srv.Advance(8 * time.Second)
	other := c.around(t, "createLoginKey", &CreateLoginKeyRequest{KeyName: str("other-key")}).PrivateKey
	c.around(t, "createPublicIpInstance", &CreatePublicIpInstanceRequest{ServerInstanceNo: &id})
	ip := c.around(t, "createPublicIpInstance", &CreatePublicIpInstanceRequest{}).PublicIpInstanceList[0].PublicIpInstanceNo
	acg := c.around(t, "createAccessControlGroup", &CreateAccessControlGroupRequest{VpcNo: str("10375")}).AccessControlGroupList[0].AccessControlGroupNo
	c.server(t, "createServerInstances", &CreateServerInstancesRequest{VpcNo: str("10375"), SubnetNo: str(packerSubnet),
		ServerImageProductCode: str(packerImage), NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{acg}}}})
	c.server(t, "stopServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}})
	srv.Advance(3 * time.Second)
	image := *c.around(t, "createMemberServerImageInstance", &CreateMemberServerImageInstanceRequest{ServerInstanceNo: &id}).
		MemberServerImageInstanceList[0].MemberServerImageInstanceNo
	c.server(t, "startServerInstances", &InstancesRequest{ServerInstanceNoList: []*string{&id}})

	for _, tc := range []struct {
		name, action string
		req          any
		want         string
	}{
		{"a login key name in use", "createLoginKey", &CreateLoginKeyRequest{KeyName: str("packer-key")}, "10405"},
		{"a login key name NCP does not allow", "createLoginKey", &CreateLoginKeyRequest{KeyName: str("Packer_Key")}, "50120"},
		{"an unknown login key at create", "createServerInstances", create("no-such-key", packerImage), "50120"},
		{"an unknown login key to delete", "deleteLoginKeys", &DeleteLoginKeysRequest{KeyNameList: []*string{str("packer-key"), str("no-such-key")}}, "10406"},
		{"another key's private key", "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: &id, PrivateKey: other}, "24001"},
		{"not a private key", "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: &id, PrivateKey: str("ssh-rsa AAAA")}, "24001"},
		{"no private key", "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: &id}, "900"},
		{"a server made without a key", "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: &keyless, PrivateKey: key}, "50120"},
		{"the password of an unknown server", "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: str("29999999"), PrivateKey: key}, "24120"},
		{"a second public IP for a server", "createPublicIpInstance", &CreatePublicIpInstanceRequest{ServerInstanceNo: &id}, "50120"},
		{"an unknown public IP", "getPublicIpInstanceDetail", &PublicIpInstanceDetailRequest{PublicIpInstanceNo: str("29999999")}, "50120"},
		{"disassociating a free public IP", "disassociatePublicIpFromServerInstance", &DisassociatePublicIpRequest{PublicIpInstanceNo: ip}, "28102"},
		{"disassociating from another server", "disassociatePublicIpFromServerInstance",
			&DisassociatePublicIpRequest{PublicIpInstanceNo: c.detail(t, id).PublicIpInstanceNo, ServerInstanceNo: &keyless}, "28102"},
		{"disassociating an unknown public IP", "disassociatePublicIpFromServerInstance", &DisassociatePublicIpRequest{PublicIpInstanceNo: str("29999999")}, "50120"},
		{"deleting an unknown public IP", "deletePublicIpInstance", &PublicIpInstanceDetailRequest{PublicIpInstanceNo: str("29999999")}, "10713"},
		{"an unknown init script at create", "createServerInstances", func() any { r := create("", packerImage); r.InitScriptNo = str("29999999"); return r }(), "50120"},
		{"an ACG rule without ports", "addAccessControlGroupInboundRule", &AddAccessControlGroupRuleRequest{AccessControlGroupNo: acg, VpcNo: str("10375"),
			AccessControlGroupRuleList: []*AddAccessControlGroupRuleParameter{{IpBlock: str("0.0.0.0/0"), ProtocolTypeCode: str("TCP")}}}, "900"},
		{"an ACG rule with a bad block", "addAccessControlGroupInboundRule", &AddAccessControlGroupRuleRequest{AccessControlGroupNo: acg, VpcNo: str("10375"),
			AccessControlGroupRuleList: []*AddAccessControlGroupRuleParameter{{IpBlock: str("0.0.0.0/33"), PortRange: str("22"), ProtocolTypeCode: str("TCP")}}}, "50120"},
		{"an ACG a server uses", "deleteAccessControlGroup", &DeleteAccessControlGroupRequest{VpcNo: str("10375"), AccessControlGroupNo: acg}, "50120"},
		{"the default ACG", "deleteAccessControlGroup", &DeleteAccessControlGroupRequest{VpcNo: str("10375"), AccessControlGroupNo: str("21375")}, "50120"},
		{"an image of a server starting", "createMemberServerImageInstance", &CreateMemberServerImageInstanceRequest{ServerInstanceNo: &id}, "25008"},
		{"a server from an image being made", "createServerInstances", create("", image), "25018"},
		{"deleting an image being made", "deleteMemberServerImageInstances", &DeleteMemberServerImageInstancesRequest{MemberServerImageInstanceNoList: []*string{&image}}, "25018"},
		{"a server from an unknown image", "createServerInstances", create("", "29999999"), "10712"},
		{"an image of a KVM server", "createMemberServerImageInstance", &CreateMemberServerImageInstanceRequest{ServerInstanceNo: str(seedKVM(t, srv))}, "50120"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.refused(t, tc.action, tc.req); got != tc.want {
				t.Errorf("%s: code %s, want %s", tc.action, got, tc.want)
			}
		})
	}

	// What the builder's clean-up does when a build halts with the server
	// still up: disassociate the public IP, then delete it.
	assoc := c.detail(t, id).PublicIpInstanceNo
	if code := c.refused(t, "deletePublicIpInstance", &PublicIpInstanceDetailRequest{PublicIpInstanceNo: assoc}); code != "24073" {
		t.Errorf("deleting an associated public IP: code %s, want 24073", code)
	}
	c.around(t, "disassociatePublicIpFromServerInstance", &DisassociatePublicIpRequest{PublicIpInstanceNo: assoc, ServerInstanceNo: &id})
	c.around(t, "deletePublicIpInstance", &PublicIpInstanceDetailRequest{PublicIpInstanceNo: assoc})
	if got := c.detail(t, id); *got.PublicIp != "" {
		t.Errorf("server still shows public IP %s", *got.PublicIp)
	}

	srv.Advance(30 * time.Second) // an image takes 30 s at time scale 1
	c.server(t, "createServerInstances", create("", image))
}

func seedKVM(t *testing.T, srv *vmplanetest.Server) string {
	t.Helper()
	ins, err := srv.Service.SeedInstances(t.Context(), seeds(stoppedCI2))
	if err != nil {
		t.Fatal(err)
	}
	return ins[0].ID
}

// TestPackerObjectsOutliveARestart checks that what the builder makes is
// kept: a login key, a public IP and an image are still there, and still
// work, after vmplane restarts on the same data.
func TestPackerObjectsOutliveARestart(t *testing.T) {
	dir := t.TempDir()
	srv := vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir})
	c := newSDK(srv, "/vserver/v2")
	key := c.around(t, "createLoginKey", &CreateLoginKeyRequest{KeyName: str("kept-key")}).PrivateKey
	id := *c.server(t, "createServerInstances", &CreateServerInstancesRequest{LoginKeyName: str("kept-key"), VpcNo: str("10375"),
		SubnetNo: str(packerSubnet), ServerImageProductCode: str(packerImage),
		NetworkInterfaceList: []*NetworkInterfaceParameter{{NetworkInterfaceOrder: i32(0), AccessControlGroupNoList: []*string{str("21375")}}}}).ServerInstanceNo
	srv.Advance(8 * time.Second)
	ip := c.around(t, "createPublicIpInstance", &CreatePublicIpInstanceRequest{ServerInstanceNo: &id}).PublicIpInstanceList[0]
	image := c.around(t, "createMemberServerImageInstance", &CreateMemberServerImageInstanceRequest{MemberServerImageName: str("kept-image"),
		ServerInstanceNo: &id}).MemberServerImageInstanceList[0].MemberServerImageInstanceNo
	srv.Close()

	srv = vmplanetest.NewServer(t, vmplanetest.Options{DataDir: dir, Start: vmplanetest.Epoch.Add(time.Minute)})
	c = newSDK(srv, "/vserver/v2")
	if keys := c.around(t, "getLoginKeyList", &GetLoginKeyListRequest{KeyName: str("kept-key")}).LoginKeyList; len(keys) != 1 {
		t.Fatalf("login keys after restart: %+v", keys)
	}
	c.around(t, "getRootPassword", &GetRootPasswordRequest{ServerInstanceNo: &id, PrivateKey: key})
	if got := c.detail(t, id); *got.PublicIp != *ip.PublicIp {
		t.Fatalf("server's public IP after restart: %q, want %s", *got.PublicIp, *ip.PublicIp)
	}
	got := c.around(t, "getMemberServerImageInstanceDetail", &MemberServerImageInstanceDetailRequest{MemberServerImageInstanceNo: image})
	if len(got.MemberServerImageInstanceList) != 1 || got.MemberServerImageInstanceList[0].MemberServerImageInstanceStatus.code() != "CREAT" {
		t.Fatalf("image after restart: %+v", got.MemberServerImageInstanceList)
	}
}
