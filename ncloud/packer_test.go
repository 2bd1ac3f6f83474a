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

// aroundResponse holds every list and field the responses of these calls
// carry.
type aroundResponse struct {
	RequestId                     *string                      `json:"requestId,omitempty"`
	ReturnCode                    *string                      `json:"returnCode,omitempty"`
	ReturnMessage                 *string                      `json:"returnMessage,omitempty"`
	TotalRows                     *int32                       `json:"totalRows,omitempty"`
	KeyName                       *string                      `json:"keyName,omitempty"`
	PrivateKey                    *string                      `json:"privateKey,omitempty"`
	RootPassword                  *string                      `json:"rootPassword,omitempty"`
	LoginKeyList                  []*LoginKey                  `json:"loginKeyList,omitempty"`
	InitScriptList                []*InitScript                `json:"initScriptList,omitempty"`
	AccessControlGroupList        []*AccessControlGroup        `json:"accessControlGroupList,omitempty"`
	AccessControlGroupRuleList    []*AccessControlGroupRule    `json:"accessControlGroupRuleList,omitempty"`
	PublicIpInstanceList          []*PublicIpInstance          `json:"publicIpInstanceList,omitempty"`
	MemberServerImageInstanceList []*MemberServerImageInstance `json:"memberServerImageInstanceList,omitempty"`
	VpcList                       []*Vpc                       `json:"vpcList,omitempty"`
	SubnetList                    []*Subnet                    `json:"subnetList,omitempty"`
	ProductList                   []*Product                   `json:"productList,omitempty"`
	ZoneList                      []*Zone                      `json:"zoneList,omitempty"`
	RegionList                    []*Region                    `json:"regionList,omitempty"`
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
func (c *sdk) around(t *testing.T, action string, req any) *aroundResponse {
	t.Helper()
	var resp aroundResponse
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
	var resp aroundResponse
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
