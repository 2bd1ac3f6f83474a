package ncloud_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/vmplanetest"
)

// wall is the fixed wall clock golden requests are signed at and checked
// against; the core's clock is frozen at vmplanetest.Epoch.
var wall = time.Date(2025, 6, 19, 7, 49, 7, 0, time.UTC)

// A goldenCase replays one request against a fresh server and compares
// the status, content type and body with testdata/golden/<name>.txt.
type goldenCase struct {
	name   string
	seed   []vmplane.InstanceSeed
	setup  func(t *testing.T, srv *vmplanetest.Server)
	method string // GET when empty
	target string // path and query, exactly as sent
	body   string // a form body
	// auth changes the signed headers before sending; nil signs with -v2.
	auth func(h http.Header)
	// makeBody, when set, makes the body after setup: for a request that
	// needs what setup was answered (a private key).
	makeBody func(t *testing.T, srv *vmplanetest.Server) string
}

// Servers the cases seed. Their numbers follow the core's sequence:
// 20000001, 20000002, ...
var (
	runningCI2 = vmplane.InstanceSeed{Cloud: "ncloud", Name: "test-web", SpecID: "ci2-g3", ImageID: "104630229", Zone: "KR-1",
		Protected: true, Attrs: map[string]string{"loginKeyName": "test-key", "associateWithPublicIp": "true"}}
	stoppedCI2 = vmplane.InstanceSeed{Cloud: "ncloud", Name: "test-db", SpecID: "ci2-g3", ImageID: "104630229", Zone: "KR-1",
		Power: vmplane.PowerStopped}
	stoppedS2 = vmplane.InstanceSeed{Cloud: "ncloud", Name: "batch", SpecID: "s2-g3", ImageID: "23214590", Zone: "KR-2",
		Power: vmplane.PowerStopped}
	runningSGN = vmplane.InstanceSeed{Cloud: "ncloud", Name: "sgn-web", SpecID: "s2-g3", Zone: "SGN-4"}
	classicSSD = vmplane.InstanceSeed{Cloud: "ncloud-classic", Name: "s1669aa4e78c", SpecID: "SPSVRSSD00000003", ImageID: "SPSW0LINUX000139",
		Zone: "KR-2", Attrs: map[string]string{"serverDescription": "My server", "tag:env": "test"}}
	classicHDD = vmplane.InstanceSeed{Cloud: "ncloud-classic", Name: "legacy", SpecID: "SPSVRSTAND000004", ImageID: "SPSW0LINUX000139",
		Zone: "KR-1", Power: vmplane.PowerStopped}
)

func seeds(s ...vmplane.InstanceSeed) []vmplane.InstanceSeed { return s }

// XEN servers, which member server images are made of.
var (
	stoppedXEN = vmplane.InstanceSeed{Cloud: "ncloud", Name: "xen-web", SpecID: "c2-g2-s50", ImageID: "SW.VSVR.OS.LNX64.ROCKY.0810.B050",
		Zone: "KR-1", Power: vmplane.PowerStopped}
	runningXEN = vmplane.InstanceSeed{Cloud: "ncloud", Name: "xen-web", SpecID: "c2-g2-s50", ImageID: "SW.VSVR.OS.LNX64.ROCKY.0810.B050",
		Zone: "KR-1"}
)

// createACG makes ACG 20000001.
func createACG(t *testing.T, srv *vmplanetest.Server) {
	get(t, srv, "/vserver/v2/createAccessControlGroup?vpcNo=10375&accessControlGroupName=packer-acg")
}

// createKeyAndServer makes login key web-key and server 20000003 with it
// (job 20000002), and returns the key's private key.
func createKeyAndServer(t *testing.T, srv *vmplanetest.Server) string {
	res, b := send(t, srv, http.MethodGet, "/vserver/v2/createLoginKey?keyName=web-key&responseFormatType=json", "", nil)
	var key struct {
		R struct{ PrivateKey string } `json:"createLoginKeyResponse"`
	}
	if err := json.Unmarshal(b, &key); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("createLoginKey: %s %v\n%s", res.Status, err, b)
	}
	post(t, srv, "/vserver/v2/createServerInstances", sdkCreateBody+"&loginKeyName=web-key")
	return key.R.PrivateKey
}

// Random key material, replaced in goldens: a PEM body, a fingerprint and
// an OpenSSH public key.
var (
	pemBody     = regexp.MustCompile(`(-----BEGIN RSA PRIVATE KEY-----)[\s\S]+?(-----END RSA PRIVATE KEY-----)`)
	fingerprint = regexp.MustCompile(`\b(?:[0-9a-f]{2}:){15}[0-9a-f]{2}\b`)
	sshKey      = regexp.MustCompile(`ssh-rsa AAAA[A-Za-z0-9+/=]+`)
)

func scrubKeys(b []byte) []byte {
	b = pemBody.ReplaceAll(b, []byte("$1 <key> $2"))
	b = fingerprint.ReplaceAll(b, []byte("<fingerprint>"))
	return sshKey.ReplaceAll(b, []byte("ssh-rsa <public key>"))
}

const sdkCreateBody = "responseFormatType=json&regionCode=KR&serverName=web-1&isProtectServerTermination=false&vpcNo=10375&subnetNo=30136" +
	"&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=21375" +
	"&associateWithPublicIp=true&serverImageNo=104630229&serverSpecCode=s2-g3"

var goldenCases = []goldenCase{
	// The seeds' curl examples: GET with a query string, XML by default.
	{name: "vpc_stop_xml", seed: seeds(runningCI2),
		target: "/vserver/v2/stopServerInstances?regionCode=KR&serverInstanceNoList.1=20000001"},
	{name: "vpc_stop_json", seed: seeds(runningCI2),
		target: "/vserver/v2/stopServerInstances?regionCode=KR&serverInstanceNoList.1=20000001&responseFormatType=json"},
	{name: "vpc_change_spec_shows_old_spec_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/changeServerInstanceSpec?regionCode=KR&serverInstanceNo=20000001&serverSpecCode=ci4-g3&responseFormatType=json"},
	{name: "vpc_change_spec_applied_json", seed: seeds(stoppedCI2),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverProductCode=SVR.VSVR.CPU.C004.M008.G003")
			srv.Advance(4 * time.Second)
		},
		target: "/vserver/v2/getServerInstanceDetail?regionCode=KR&serverInstanceNo=20000001&responseFormatType=json"},
	{name: "classic_stop_xml", seed: seeds(classicSSD),
		target: "/server/v2/stopServerInstances?serverInstanceNoList.1=20000001"},
	{name: "classic_stop_json", seed: seeds(classicSSD),
		target: "/server/v2/stopServerInstances?serverInstanceNoList.1=20000001&responseFormatType=json"},

	// The SDK's way: POST with a form body; and POST with a query string.
	{name: "vpc_create_post_form_json", method: "POST", target: "/vserver/v2/createServerInstances", body: sdkCreateBody},
	{name: "vpc_create_with_partitions_xml", method: "POST", target: "/vserver/v2/createServerInstances",
		body: strings.TrimPrefix(sdkCreateBody, "responseFormatType=json&") +
			"&blockDevicePartitionList.1.mountPoint=%2F&blockDevicePartitionList.1.partitionSize=50" +
			"&blockDevicePartitionList.2.mountPoint=%2Fdata&blockDevicePartitionList.2.partitionSize=100"},
	{name: "vpc_start_post_query_json", method: "POST", seed: seeds(stoppedS2),
		target: "/vserver/v2/startServerInstances?responseFormatType=json&serverInstanceNoList.1=20000001"},
	{name: "vpc_reboot_xml", seed: seeds(runningCI2),
		target: "/vserver/v2/rebootServerInstances?serverInstanceNoList.1=20000001"},
	{name: "vpc_terminate_json", seed: seeds(stoppedS2),
		target: "/vserver/v2/terminateServerInstances?serverInstanceNoList.1=20000001&responseFormatType=json"},
	{name: "vpc_protect_json", seed: seeds(stoppedS2),
		target: "/vserver/v2/setProtectServerTermination?serverInstanceNo=20000001&isProtectServerTermination=true&responseFormatType=json"},

	// Listing.
	{name: "vpc_list_region_kr_xml", seed: seeds(runningCI2, stoppedS2, runningSGN),
		target: "/vserver/v2/getServerInstanceList?regionCode=KR"},
	{name: "vpc_list_page_2_by_name_desc_json", seed: seeds(runningCI2, stoppedCI2, stoppedS2),
		target: "/vserver/v2/getServerInstanceList?pageNo=2&pageSize=1&sortedBy=servername&sortingOrder=desc&responseFormatType=json"},
	{name: "vpc_list_filter_status_json", seed: seeds(runningCI2, stoppedCI2, stoppedS2),
		target: "/vserver/v2/getServerInstanceList?serverInstanceStatusCode=NSTOP&serverName=test&responseFormatType=json"},
	{name: "vpc_detail_creating_json",
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			post(t, srv, "/vserver/v2/createServerInstances", sdkCreateBody) // job 20000001, server 20000002
			srv.Advance(5 * time.Second)
		},
		target: "/vserver/v2/getServerInstanceDetail?serverInstanceNo=20000002&responseFormatType=json"},
	{name: "vpc_detail_terminated_is_empty_json", seed: seeds(stoppedS2),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/terminateServerInstances?serverInstanceNoList.1=20000001")
			srv.Advance(3 * time.Second)
		},
		target: "/vserver/v2/getServerInstanceDetail?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "classic_list_json", seed: seeds(classicSSD, classicHDD),
		target: "/server/v2/getServerInstanceList?responseFormatType=json"},
	{name: "classic_list_search_xml", seed: seeds(classicSSD, classicHDD),
		target: "/server/v2/getServerInstanceList?searchFilterName=serverName&searchFilterValue=leg"},
	{name: "classic_change_spec_xml", seed: seeds(classicHDD),
		target: "/server/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverProductCode=SPSVRSTAND000005"},
	{name: "classic_create_json", method: "POST", target: "/server/v2/createServerInstances",
		body: "responseFormatType=json&serverImageProductCode=SPSW0LINUX000139&serverName=legacy-app&zoneNo=3" +
			"&instanceTagList.1.tagKey=team&instanceTagList.1.tagValue=infra"},

	// The catalog and the calls Terraform makes around a server.
	{name: "vpc_regions_json", target: "/vserver/v2/getRegionList?responseFormatType=json"},
	{name: "vpc_zones_xml", target: "/vserver/v2/getZoneList?regionCode=KR"},
	{name: "vpc_specs_for_image_json", target: "/vserver/v2/getServerSpecList?regionCode=KR&zoneCode=KR-1&serverImageNo=104630229&serverSpecCodeList.1=ci2-g3&serverSpecCodeList.2=s2-g3&responseFormatType=json"},
	{name: "vpc_images_kvm_rocky_json", target: "/vserver/v2/getServerImageList?hypervisorCodeList.1=KVM&osTypeCodeList.1=ROCKY&responseFormatType=json"},
	{name: "vpc_image_products_xml", target: "/vserver/v2/getServerImageProductList?platformTypeCodeList.1=LNX64"},
	{name: "vpc_spec_detail_xml", target: "/vserver/v2/getServerSpecDetail?serverSpecCode=s2-g3"},
	{name: "vpc_products_xen_xml", target: "/vserver/v2/getServerProductList?serverImageProductCode=SW.VSVR.OS.LNX64.ROCKY.0810.B050&productCode=SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002"},
	{name: "classic_regions_xml", target: "/server/v2/getRegionList"},
	{name: "classic_zones_json", target: "/server/v2/getZoneList?regionNo=1&responseFormatType=json"},
	{name: "classic_products_json", target: "/server/v2/getServerProductList?serverImageProductCode=SPSW0LINUX000139&zoneNo=2&productCode=SPSVRSSD00000003&responseFormatType=json"},
	{name: "vpc_subnet_json", target: "/vpc/v2/getSubnetDetail?regionCode=KR&subnetNo=30136&responseFormatType=json"},
	{name: "vpc_acgs_json", seed: seeds(runningCI2), target: "/vserver/v2/getAccessControlGroupList?vpcNo=10375&responseFormatType=json"},
	{name: "vpc_basic_storage_json", seed: seeds(runningCI2),
		target: "/vserver/v2/getBlockStorageInstanceList?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "vpc_network_interface_json", seed: seeds(runningCI2),
		target: "/vserver/v2/getNetworkInterfaceDetail?networkInterfaceNo=30000001&responseFormatType=json"},

	// Refusals, in NCP's error bodies.
	{name: "err_stop_stopped_28005_xml", seed: seeds(stoppedS2),
		target: "/vserver/v2/stopServerInstances?serverInstanceNoList.1=20000001"},
	{name: "err_stop_partial_22001_json", seed: seeds(runningCI2, stoppedS2),
		target: "/vserver/v2/stopServerInstances?serverInstanceNoList.1=20000001&serverInstanceNoList.2=20000002&responseFormatType=json"},
	{name: "err_stop_unknown_24120_json", seed: seeds(runningCI2),
		target: "/vserver/v2/stopServerInstances?serverInstanceNoList.1=29999999&responseFormatType=json"},
	{name: "err_stop_malformed_24109_json",
		target: "/vserver/v2/stopServerInstances?serverInstanceNoList.1=abc&responseFormatType=json"},
	{name: "err_stop_duplicate_json", seed: seeds(runningCI2),
		target: "/vserver/v2/stopServerInstances?serverInstanceNoList.1=20000001&serverInstanceNoList.2=20000001&responseFormatType=json"},
	{name: "err_stop_missing_list_900_json", target: "/vserver/v2/stopServerInstances?responseFormatType=json"},
	{name: "err_change_spec_running_25041_json", seed: seeds(runningCI2),
		target: "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverSpecCode=ci4-g3&responseFormatType=json"},
	{name: "err_change_spec_same_10503_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverSpecCode=ci2-g3&responseFormatType=json"},
	{name: "err_change_spec_unknown_10712_xml", seed: seeds(stoppedCI2),
		target: "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverSpecCode=zz9-g9"},
	{name: "err_change_spec_other_type_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverSpecCode=s2-g3&responseFormatType=json"},
	{name: "err_change_spec_both_codes_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/changeServerInstanceSpec?serverInstanceNo=20000001&serverSpecCode=ci4-g3&serverProductCode=SVR.VSVR.CPU.C004.M008.G003&responseFormatType=json"},
	{name: "err_terminate_protected_json", seed: seeds(vmplane.InstanceSeed{Cloud: "ncloud", SpecID: "s2-g3", Power: vmplane.PowerStopped, Protected: true}),
		target: "/vserver/v2/terminateServerInstances?serverInstanceNoList.1=20000001&responseFormatType=json"},
	{name: "err_terminate_running_json", seed: seeds(runningCI2),
		target: "/vserver/v2/terminateServerInstances?serverInstanceNoList.1=20000001&responseFormatType=json"},
	{name: "err_create_no_image_900_json", method: "POST", target: "/vserver/v2/createServerInstances",
		body: "responseFormatType=json&vpcNo=10375&subnetNo=30136&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=21375"},
	{name: "err_create_spec_for_other_hypervisor_json", method: "POST", target: "/vserver/v2/createServerInstances",
		body: "responseFormatType=json&vpcNo=10375&subnetNo=30136&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=21375&serverImageNo=104630229&serverSpecCode=s2-g2-s50"},
	{name: "err_bad_page_size_xml", target: "/vserver/v2/getServerInstanceList?pageSize=-1"},
	{name: "err_bad_format", target: "/vserver/v2/getRegionList?responseFormatType=yaml"},
	{name: "err_unknown_region_json", target: "/vserver/v2/getServerInstanceList?regionCode=MARS&responseFormatType=json"},
	{name: "err_classic_change_spec_missing_product_json", seed: seeds(classicHDD),
		target: "/server/v2/changeServerInstanceSpec?serverInstanceNo=20000001&responseFormatType=json"},

	// Around a server: what Packer's builder calls. Key material is random
	// and scrubbed (see scrubKeys).
	{name: "vpc_create_login_key_json", target: "/vserver/v2/createLoginKey?keyName=packer-1750319347&responseFormatType=json"},
	{name: "classic_create_login_key_xml", target: "/server/v2/createLoginKey?keyName=packer-1750319347"},
	{name: "vpc_login_key_list_xml", setup: func(t *testing.T, srv *vmplanetest.Server) { get(t, srv, "/vserver/v2/createLoginKey?keyName=web-key") },
		target: "/vserver/v2/getLoginKeyList"},
	{name: "vpc_root_password_json", method: "POST", target: "/vserver/v2/getRootPassword",
		makeBody: func(t *testing.T, srv *vmplanetest.Server) string {
			return "responseFormatType=json&serverInstanceNo=20000003&privateKey=" + url.QueryEscape(createKeyAndServer(t, srv))
		}},
	{name: "err_root_password_wrong_key_json", setup: func(t *testing.T, srv *vmplanetest.Server) { createKeyAndServer(t, srv) },
		method: "POST", target: "/vserver/v2/getRootPassword",
		body: "responseFormatType=json&serverInstanceNo=20000003&privateKey=" + url.QueryEscape("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")},
	{name: "err_create_login_key_taken_json", setup: func(t *testing.T, srv *vmplanetest.Server) { get(t, srv, "/vserver/v2/createLoginKey?keyName=web-key") },
		target: "/vserver/v2/createLoginKey?keyName=web-key&responseFormatType=json"},
	{name: "err_create_server_unknown_login_key_json", method: "POST", target: "/vserver/v2/createServerInstances",
		body: sdkCreateBody + "&loginKeyName=no-such-key"},
	{name: "err_delete_unknown_login_key_xml", target: "/vserver/v2/deleteLoginKeys?keyNameList.1=no-such-key"},
	{name: "vpc_create_init_script_json", target: "/vserver/v2/createInitScript?initScriptName=hello&initScriptContent=%23%21%2Fbin%2Fsh%0Aecho+hi%0A&responseFormatType=json"},
	{name: "vpc_create_acg_json", target: "/vserver/v2/createAccessControlGroup?vpcNo=10375&accessControlGroupName=packer-acg&accessControlGroupDescription=Temporary+ACG+for+packer&responseFormatType=json"},
	{name: "vpc_add_inbound_rules_xml", setup: createACG,
		target: "/vserver/v2/addAccessControlGroupInboundRule?vpcNo=10375&accessControlGroupNo=20000001" +
			"&accessControlGroupRuleList.1.ipBlock=0.0.0.0%2F0&accessControlGroupRuleList.1.portRange=22&accessControlGroupRuleList.1.protocolTypeCode=TCP" +
			"&accessControlGroupRuleList.2.ipBlock=0.0.0.0%2F0&accessControlGroupRuleList.2.protocolTypeCode=ICMP"},
	{name: "vpc_acg_list_with_created_json", setup: createACG, target: "/vserver/v2/getAccessControlGroupList?responseFormatType=json"},
	{name: "err_add_rule_without_ports_json", setup: createACG,
		target: "/vserver/v2/addAccessControlGroupInboundRule?vpcNo=10375&accessControlGroupNo=20000001&accessControlGroupRuleList.1.ipBlock=0.0.0.0%2F0&accessControlGroupRuleList.1.protocolTypeCode=TCP&responseFormatType=json"},
	{name: "err_delete_default_acg_json", target: "/vserver/v2/deleteAccessControlGroup?vpcNo=10375&accessControlGroupNo=21375&responseFormatType=json"},
	{name: "err_delete_acg_in_use_json", setup: func(t *testing.T, srv *vmplanetest.Server) {
		createACG(t, srv)
		post(t, srv, "/vserver/v2/createServerInstances", strings.Replace(sdkCreateBody, "accessControlGroupNoList.1=21375", "accessControlGroupNoList.1=20000001", 1))
	}, target: "/vserver/v2/deleteAccessControlGroup?vpcNo=10375&accessControlGroupNo=20000001&responseFormatType=json"},
	{name: "vpc_create_public_ip_for_server_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/createPublicIpInstance?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "vpc_server_shows_public_ip_json", seed: seeds(stoppedCI2),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createPublicIpInstance?serverInstanceNo=20000001")
		},
		target: "/vserver/v2/getServerInstanceDetail?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "vpc_public_ip_disassociated_xml", seed: seeds(stoppedCI2),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createPublicIpInstance?serverInstanceNo=20000001")
		},
		target: "/vserver/v2/disassociatePublicIpFromServerInstance?publicIpInstanceNo=20000002"},
	{name: "err_delete_associated_public_ip_json", seed: seeds(stoppedCI2),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createPublicIpInstance?serverInstanceNo=20000001")
		},
		target: "/vserver/v2/deletePublicIpInstance?publicIpInstanceNo=20000002&responseFormatType=json"},
	{name: "err_second_public_ip_json", seed: seeds(runningCI2),
		target: "/vserver/v2/createPublicIpInstance?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "classic_public_ip_list_json", seed: seeds(classicSSD),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/server/v2/createPublicIpInstance?serverInstanceNo=20000001")
		},
		target: "/server/v2/getPublicIpInstanceList?responseFormatType=json"},
	{name: "vpc_create_member_image_json", seed: seeds(stoppedXEN),
		target: "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&memberServerImageName=packer-image&responseFormatType=json"},
	{name: "vpc_member_image_made_xml", seed: seeds(stoppedXEN),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&memberServerImageName=packer-image")
			srv.Advance(30 * time.Second)
		},
		target: "/vserver/v2/getMemberServerImageInstanceDetail?memberServerImageInstanceNo=20000002"},
	{name: "vpc_create_server_from_member_image_json", seed: seeds(stoppedXEN),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&memberServerImageName=packer-image")
			srv.Advance(30 * time.Second)
		},
		method: "POST", target: "/vserver/v2/createServerInstances", body: "responseFormatType=json&serverName=from-image&vpcNo=10375&subnetNo=30136" +
			"&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=21375&memberServerImageInstanceNo=20000002"},
	{name: "err_create_server_from_image_being_made_json", seed: seeds(stoppedXEN),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&memberServerImageName=packer-image")
		},
		method: "POST", target: "/vserver/v2/createServerInstances", body: "responseFormatType=json&vpcNo=10375&subnetNo=30136" +
			"&networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=21375&memberServerImageInstanceNo=20000002"},
	{name: "err_member_image_of_stopping_server_json", seed: seeds(runningXEN),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/stopServerInstances?serverInstanceNoList.1=20000001")
		},
		target: "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "err_member_image_of_kvm_server_json", seed: seeds(stoppedCI2),
		target: "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&responseFormatType=json"},
	{name: "vpc_delete_member_image_json", seed: seeds(stoppedXEN),
		setup: func(t *testing.T, srv *vmplanetest.Server) {
			get(t, srv, "/vserver/v2/createMemberServerImageInstance?serverInstanceNo=20000001&memberServerImageName=packer-image")
			srv.Advance(30 * time.Second)
		},
		target: "/vserver/v2/deleteMemberServerImageInstances?memberServerImageInstanceNoList.1=20000002&responseFormatType=json"},
	{name: "classic_create_member_image_xml", seed: seeds(classicHDD),
		target: "/server/v2/createMemberServerImage?serverInstanceNo=20000001&memberServerImageName=legacy-image"},
	{name: "vpc_vpc_list_json", target: "/vpc/v2/getVpcList?regionCode=KR&responseFormatType=json"},
	{name: "vpc_public_subnets_xml", target: "/vpc/v2/getSubnetList?regionCode=KR&vpcNo=10375&subnetTypeCode=PUBLIC"},

	// The gateway's answers.
	{name: "gw_unknown_action_404", target: "/vserver/v2/getEverything?responseFormatType=json"},
	{name: "gw_unknown_api_404", target: "/vserver/v3/getServerInstanceList"},
	{name: "gw_missing_auth_401", target: "/vserver/v2/getRegionList",
		auth: func(h http.Header) { h.Del("x-ncp-apigw-signature-v2") }},
	{name: "gw_bad_signature_401", target: "/vserver/v2/getRegionList",
		auth: func(h http.Header) { h.Set("x-ncp-apigw-signature-v2", "AAAA"+h.Get("x-ncp-apigw-signature-v2")[4:]) }},
	{name: "gw_unknown_key_401", target: "/vserver/v2/getRegionList",
		auth: func(h http.Header) { h.Set("x-ncp-iam-access-key", "NOSUCHKEY") }},
	{name: "gw_bad_query_400", target: "/vserver/v2/getRegionList?regionCode=%zz"},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := vmplanetest.NewServer(t, vmplanetest.Options{WallClock: func() time.Time { return wall }, NoListener: true})
			if len(tc.seed) > 0 {
				if _, err := srv.Service.SeedInstances(context.Background(), tc.seed); err != nil {
					t.Fatal(err)
				}
			}
			if tc.setup != nil {
				tc.setup(t, srv)
			}
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			reqBody := tc.body
			if tc.makeBody != nil {
				reqBody = tc.makeBody(t, srv)
			}
			res, body := send(t, srv, method, tc.target, reqBody, tc.auth)
			got := fmt.Sprintf("%s\nContent-Type: %s\n\n%s", res.Status, res.Header.Get("Content-Type"), scrubKeys(body))
			vmplanetest.Golden(t, filepath.Join("testdata", "golden", tc.name+".txt"), []byte(got))
			if strings.Contains(tc.target+reqBody, "responseFormatType=json") && res.StatusCode < 300 {
				var out response
				if strings.HasPrefix(tc.target, "/server/") {
					var classic classicResponse
					if err := sdkDecode(res, body, &classic); err != nil {
						t.Fatalf("the SDK cannot decode this: %v", err)
					}
					return
				}
				if err := sdkDecode(res, body, &out); err != nil || out.ReturnCode == nil || *out.ReturnCode != "0" {
					t.Fatalf("the SDK cannot decode this: %v", err)
				}
			}
		})
	}
}

// send signs a request like the documentation's curl examples (-v2
// header, timestamp of the wall clock) and returns the response and body.
func send(t testing.TB, srv *vmplanetest.Server, method, target, body string, auth func(http.Header)) (*http.Response, []byte) {
	t.Helper()
	base := srv.URL()
	if base == "" {
		base = "http://vmplane.test"
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, base+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	ts := strconv.FormatInt(wall.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(vmplanetest.SecretKey))
	mac.Write([]byte(method + " " + target + "\n" + ts + "\n" + vmplanetest.AccessKey))
	r.Header.Set("x-ncp-apigw-timestamp", ts)
	r.Header.Set("x-ncp-iam-access-key", vmplanetest.AccessKey)
	r.Header.Set("x-ncp-apigw-signature-v2", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	if auth != nil {
		auth(r.Header)
	}
	res, err := srv.HTTPClient().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// get and post make a setup request that must succeed.
func get(t testing.TB, srv *vmplanetest.Server, target string) {
	mustOK(t, srv, http.MethodGet, target, "")
}

func post(t testing.TB, srv *vmplanetest.Server, target, body string) {
	mustOK(t, srv, http.MethodPost, target, body)
}

func mustOK(t testing.TB, srv *vmplanetest.Server, method, target, body string) {
	t.Helper()
	if res, b := send(t, srv, method, target, body, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s\n%s", method, target, res.Status, b)
	}
}

// TestGoldenJSONIsWhatTheSDKNeeds checks the byte-level properties of every
// JSON golden that NCP's Go SDK depends on, so that a rewrite with -update
// cannot quietly lose them.
func TestGoldenJSONIsWhatTheSDKNeeds(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := bytes.Cut(data, []byte("\n\n"))
		if !bytes.Contains(data, []byte("application/json")) || bytes.HasPrefix(body, []byte(`{"error"`)) {
			continue
		}
		inner := bytes.IndexByte(body[1:], '{') + 1
		switch {
		case !bytes.HasPrefix(body, []byte("{\n  \"")):
			t.Errorf("%s: does not start pretty-printed", f)
		case inner <= 0 || (body[inner-1] != ' ' && body[inner-1] != '\n'):
			t.Errorf("%s: no whitespace before the inner object", f)
		case !bytes.HasSuffix(body, []byte("\n}")):
			t.Errorf("%s: does not end with the outer brace", f)
		case !json.Valid(body):
			t.Errorf("%s: not JSON", f)
		}
	}
}
