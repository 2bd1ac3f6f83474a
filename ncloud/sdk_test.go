package ncloud_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/vmplane/vmplane/vmplanetest"
)

// sdk sends and decodes exactly like NCP's official Go SDK
// (ncloud-sdk-go-v2): every call is a POST whose form body starts with
// responseFormatType=json and lists the request struct's non-nil fields in
// order, signed under x-ncp-apigw-signature-v1; a status of 300 or more is
// an error "Status: ..., Body: ..."; a body is decoded by cutting the outer
// object off at the byte before the inner "{" and before the last byte,
// with encoding/json, into structs of pointers. Any answer the real SDK
// could not decode fails here too.
type sdk struct {
	base      string // e.g. http://127.0.0.1:1234/vserver/v2
	client    *http.Client
	accessKey string
	secretKey string
	now       func() time.Time
}

func newSDK(srv *vmplanetest.Server, path string) *sdk {
	return &sdk{base: srv.URL() + path, client: srv.HTTPClient(), accessKey: vmplanetest.AccessKey,
		secretKey: vmplanetest.SecretKey, now: time.Now}
}

// call performs action with req (a pointer to a request struct) and
// decodes into resp.
func (c *sdk) call(action string, req, resp any) error {
	body := "responseFormatType=json" + sdkForm(reflect.ValueOf(req).Elem(), "")
	u := c.base + "/" + action
	r, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("User-Agent", "vserver/1.0.7/go")
	ts := strconv.FormatInt(c.now().UnixMilli(), 10)
	parsed, _ := url.Parse(u)
	mac := hmac.New(sha256.New, []byte(c.secretKey))
	mac.Write([]byte("POST " + parsed.RequestURI() + "\n" + ts + "\n" + c.accessKey))
	r.Header.Set("x-ncp-apigw-timestamp", ts)
	r.Header.Set("x-ncp-iam-access-key", c.accessKey)
	r.Header.Set("x-ncp-apigw-signature-v1", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	res, err := c.client.Do(r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return sdkDecode(res, b, resp)
}

// sdkDecode is the SDK's response handling, byte for byte.
func sdkDecode(res *http.Response, b []byte, resp any) error {
	if res.StatusCode >= 300 || !bytes.HasPrefix(b, []byte("{")) {
		return fmt.Errorf("Status: %v, Body: %s", res.Status, b)
	}
	if !bytes.Contains(b, []byte(`{"error"`)) {
		return json.Unmarshal(b[bytes.IndexAny(bytes.Trim(b, "{"), "{"):len(b)-1], resp)
	}
	return nil
}

// sdkForm encodes a request struct as the SDK does: field names with a
// lower-case first letter, *string values query-escaped, list elements
// numbered from 1 and written unescaped, nested structs as name.N.field.
func sdkForm(v reflect.Value, prefix string) string {
	var b strings.Builder
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if f.IsNil() {
				continue
			}
			name := []rune(v.Type().Field(i).Name)
			name[0] = unicode.ToLower(name[0])
			if prefix != "" {
				b.WriteString(sdkForm(f, prefix+"."+string(name)))
			} else {
				b.WriteString(sdkForm(f, string(name)))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			b.WriteString(sdkForm(v.Index(i).Elem(), fmt.Sprintf("%s.%d", prefix, i+1)))
		}
	case reflect.Pointer:
		switch p := v.Interface().(type) {
		case *string:
			fmt.Fprintf(&b, "&%s=%s", prefix, url.QueryEscape(*p))
		case *bool:
			fmt.Fprintf(&b, "&%s=%t", prefix, *p)
		case *int32:
			fmt.Fprintf(&b, "&%s=%d", prefix, *p)
		}
	case reflect.String:
		fmt.Fprintf(&b, "&%s=%s", prefix, v.String())
	}
	return b.String()
}

// returnCode reads an SDK error as Terraform does: the JSON after "Body: ",
// its responseError.returnCode.
func returnCode(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded; want an error")
	}
	_, body, ok := strings.Cut(err.Error(), "Body: ")
	if !ok {
		t.Fatalf("not an SDK error: %v", err)
	}
	var e struct {
		ResponseError struct {
			ReturnCode    string `json:"returnCode"`
			ReturnMessage string `json:"returnMessage"`
		} `json:"responseError"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not NCP's: %v: %s", err, body)
	}
	return e.ResponseError.ReturnCode
}

func str(s string) *string { return &s }
func i32(n int32) *int32   { return &n }
func boolp(b bool) *bool   { return &b }

// The SDK's types, as far as the tests read them: every field a pointer,
// numbers as the SDK types them.

type CommonCode struct {
	Code     *string `json:"code,omitempty"`
	CodeName *string `json:"codeName,omitempty"`
}

func (c *CommonCode) code() string {
	if c == nil || c.Code == nil {
		return ""
	}
	return *c.Code
}

type ServerInstance struct {
	ServerInstanceNo               *string                 `json:"serverInstanceNo,omitempty"`
	ServerName                     *string                 `json:"serverName,omitempty"`
	ServerDescription              *string                 `json:"serverDescription,omitempty"`
	CpuCount                       *int32                  `json:"cpuCount,omitempty"`
	MemorySize                     *int64                  `json:"memorySize,omitempty"`
	PlatformType                   *CommonCode             `json:"platformType,omitempty"`
	LoginKeyName                   *string                 `json:"loginKeyName,omitempty"`
	PublicIpInstanceNo             *string                 `json:"publicIpInstanceNo,omitempty"`
	PublicIp                       *string                 `json:"publicIp,omitempty"`
	ServerInstanceStatus           *CommonCode             `json:"serverInstanceStatus,omitempty"`
	ServerInstanceOperation        *CommonCode             `json:"serverInstanceOperation,omitempty"`
	ServerInstanceStatusName       *string                 `json:"serverInstanceStatusName,omitempty"`
	CreateDate                     *string                 `json:"createDate,omitempty"`
	Uptime                         *string                 `json:"uptime,omitempty"`
	ServerImageProductCode         *string                 `json:"serverImageProductCode,omitempty"`
	ServerProductCode              *string                 `json:"serverProductCode,omitempty"`
	IsProtectServerTermination     *bool                   `json:"isProtectServerTermination,omitempty"`
	ZoneCode                       *string                 `json:"zoneCode,omitempty"`
	RegionCode                     *string                 `json:"regionCode,omitempty"`
	VpcNo                          *string                 `json:"vpcNo,omitempty"`
	SubnetNo                       *string                 `json:"subnetNo,omitempty"`
	NetworkInterfaceNoList         []*string               `json:"networkInterfaceNoList,omitempty"`
	InitScriptNo                   *string                 `json:"initScriptNo,omitempty"`
	ServerInstanceType             *CommonCode             `json:"serverInstanceType,omitempty"`
	BaseBlockStorageDiskType       *CommonCode             `json:"baseBlockStorageDiskType,omitempty"`
	BaseBlockStorageDiskDetailType *CommonCode             `json:"baseBlockStorageDiskDetailType,omitempty"`
	PlacementGroupNo               *string                 `json:"placementGroupNo,omitempty"`
	PlacementGroupName             *string                 `json:"placementGroupName,omitempty"`
	MemberServerImageInstanceNo    *string                 `json:"memberServerImageInstanceNo,omitempty"`
	BlockDevicePartitionList       []*BlockDevicePartition `json:"blockDevicePartitionList,omitempty"`
	HypervisorType                 *CommonCode             `json:"hypervisorType,omitempty"`
	ServerImageNo                  *string                 `json:"serverImageNo,omitempty"`
	ServerSpecCode                 *string                 `json:"serverSpecCode,omitempty"`
	FabricClusterPoolNo            *string                 `json:"fabricClusterPoolNo,omitempty"`
	FabricClusterPoolName          *string                 `json:"fabricClusterPoolName,omitempty"`
	FabricClusterMode              *string                 `json:"fabricClusterMode,omitempty"`
	FabricClusterNo                *string                 `json:"fabricClusterNo,omitempty"`
	FabricClusterName              *string                 `json:"fabricClusterName,omitempty"`
	IsPreInstallGpuDriver          *bool                   `json:"isPreInstallGpuDriver,omitempty"`
	EventList                      []*string               `json:"eventList,omitempty"`
}

// BlockDevicePartition is both a create parameter and a field of a
// server, as in the SDK.
type BlockDevicePartition struct {
	MountPoint    *string `json:"mountPoint,omitempty"`
	PartitionSize *string `json:"partitionSize,omitempty"`
}

type ClassicServerInstance struct {
	ServerInstanceNo               *string                 `json:"serverInstanceNo,omitempty"`
	ServerName                     *string                 `json:"serverName,omitempty"`
	ServerDescription              *string                 `json:"serverDescription,omitempty"`
	CpuCount                       *int32                  `json:"cpuCount,omitempty"`
	MemorySize                     *int64                  `json:"memorySize,omitempty"`
	BaseBlockStorageSize           *int64                  `json:"baseBlockStorageSize,omitempty"`
	PlatformType                   *CommonCode             `json:"platformType,omitempty"`
	LoginKeyName                   *string                 `json:"loginKeyName,omitempty"`
	IsFeeChargingMonitoring        *bool                   `json:"isFeeChargingMonitoring,omitempty"`
	PublicIp                       *string                 `json:"publicIp,omitempty"`
	PrivateIp                      *string                 `json:"privateIp,omitempty"`
	ServerImageName                *string                 `json:"serverImageName,omitempty"`
	ServerInstanceStatus           *CommonCode             `json:"serverInstanceStatus,omitempty"`
	ServerInstanceOperation        *CommonCode             `json:"serverInstanceOperation,omitempty"`
	ServerInstanceStatusName       *string                 `json:"serverInstanceStatusName,omitempty"`
	CreateDate                     *string                 `json:"createDate,omitempty"`
	Uptime                         *string                 `json:"uptime,omitempty"`
	ServerImageProductCode         *string                 `json:"serverImageProductCode,omitempty"`
	ServerProductCode              *string                 `json:"serverProductCode,omitempty"`
	IsProtectServerTermination     *bool                   `json:"isProtectServerTermination,omitempty"`
	PortForwardingPublicIp         *string                 `json:"portForwardingPublicIp,omitempty"`
	PortForwardingExternalPort     *int32                  `json:"portForwardingExternalPort,omitempty"`
	PortForwardingInternalPort     *int32                  `json:"portForwardingInternalPort,omitempty"`
	Zone                           *ClassicZone            `json:"zone,omitempty"`
	Region                         *ClassicRegion          `json:"region,omitempty"`
	BaseBlockStorageDiskType       *CommonCode             `json:"baseBlockStorageDiskType,omitempty"`
	BaseBlockStorageDiskDetailType *CommonCode             `json:"baseBlockStorageDiskDetailType,omitempty"`
	ServerInstanceType             *CommonCode             `json:"serverInstanceType,omitempty"`
	UserData                       *string                 `json:"userData,omitempty"`
	AccessControlGroupList         []*ClassicACG           `json:"accessControlGroupList,omitempty"`
	InstanceTagList                []*ClassicInstanceTag   `json:"instanceTagList,omitempty"`
	BlockDevicePartitionList       []*BlockDevicePartition `json:"blockDevicePartitionList,omitempty"`
}

type ClassicACG struct {
	AccessControlGroupConfigurationNo *string `json:"accessControlGroupConfigurationNo,omitempty"`
	AccessControlGroupName            *string `json:"accessControlGroupName,omitempty"`
	AccessControlGroupDescription     *string `json:"accessControlGroupDescription,omitempty"`
	IsDefaultGroup                    *bool   `json:"isDefaultGroup,omitempty"` // never in a server answer: NCP says isDefault
	CreateDate                        *string `json:"createDate,omitempty"`
}

type ClassicInstanceTag struct {
	InstanceNo   *string     `json:"instanceNo,omitempty"`
	InstanceType *CommonCode `json:"instanceType,omitempty"`
	TagKey       *string     `json:"tagKey,omitempty"`
	TagValue     *string     `json:"tagValue,omitempty"`
}

type ClassicRegion struct {
	RegionNo   *string `json:"regionNo,omitempty"`
	RegionCode *string `json:"regionCode,omitempty"`
	RegionName *string `json:"regionName,omitempty"`
}

type ClassicZone struct {
	ZoneNo          *string `json:"zoneNo,omitempty"`
	ZoneName        *string `json:"zoneName,omitempty"`
	ZoneCode        *string `json:"zoneCode,omitempty"`
	ZoneDescription *string `json:"zoneDescription,omitempty"`
	RegionNo        *string `json:"regionNo,omitempty"`
}

type Region struct {
	RegionCode *string `json:"regionCode,omitempty"`
	RegionName *string `json:"regionName,omitempty"`
}

type Zone struct {
	ZoneName        *string `json:"zoneName,omitempty"`
	ZoneCode        *string `json:"zoneCode,omitempty"`
	RegionCode      *string `json:"regionCode,omitempty"`
	ZoneDescription *string `json:"zoneDescription,omitempty"`
}

type ServerSpec struct {
	ServerSpecCode            *string     `json:"serverSpecCode,omitempty"`
	GenerationCode            *string     `json:"generationCode,omitempty"`
	CpuCount                  *int32      `json:"cpuCount,omitempty"`
	MemorySize                *int64      `json:"memorySize,omitempty"`
	HypervisorType            *CommonCode `json:"hypervisorType,omitempty"`
	CpuArchitectureType       *CommonCode `json:"cpuArchitectureType,omitempty"`
	BlockStorageMaxCount      *int32      `json:"blockStorageMaxCount,omitempty"`
	BlockStorageMaxIops       *int32      `json:"blockStorageMaxIops,omitempty"`
	BlockStorageMaxThroughput *int32      `json:"blockStorageMaxThroughput,omitempty"`
	NetworkPerformance        *int64      `json:"networkPerformance,omitempty"`
	NetworkInterfaceMaxCount  *int32      `json:"networkInterfaceMaxCount,omitempty"`
	ServerProductCode         *string     `json:"serverProductCode,omitempty"`
	ServerSpecDescription     *string     `json:"serverSpecDescription,omitempty"`
	GpuCount                  *int32      `json:"gpuCount,omitempty"`
	ServerSpecNo              *int64      `json:"serverSpecNo,omitempty"`
}

type Product struct {
	ProductCode             *string     `json:"productCode,omitempty"`
	ProductName             *string     `json:"productName,omitempty"`
	ProductType             *CommonCode `json:"productType,omitempty"`
	ProductDescription      *string     `json:"productDescription,omitempty"`
	InfraResourceType       *CommonCode `json:"infraResourceType,omitempty"`
	InfraResourceDetailType *CommonCode `json:"infraResourceDetailType,omitempty"`
	CpuCount                *int32      `json:"cpuCount,omitempty"`
	MemorySize              *int64      `json:"memorySize,omitempty"`
	BaseBlockStorageSize    *int64      `json:"baseBlockStorageSize,omitempty"`
	PlatformType            *CommonCode `json:"platformType,omitempty"`
	OsInformation           *string     `json:"osInformation,omitempty"`
	DiskType                *CommonCode `json:"diskType,omitempty"`
	DbKindCode              *string     `json:"dbKindCode,omitempty"`
	AddBlockStorageSize     *int64      `json:"addBlockStorageSize,omitempty"`
	GenerationCode          *string     `json:"generationCode,omitempty"`
	OsMemorySize            *int64      `json:"osMemorySize,omitempty"`
}

type AccessControlGroup struct {
	AccessControlGroupNo          *string     `json:"accessControlGroupNo,omitempty"`
	AccessControlGroupName        *string     `json:"accessControlGroupName,omitempty"`
	IsDefault                     *bool       `json:"isDefault,omitempty"`
	VpcNo                         *string     `json:"vpcNo,omitempty"`
	AccessControlGroupStatus      *CommonCode `json:"accessControlGroupStatus,omitempty"`
	AccessControlGroupDescription *string     `json:"accessControlGroupDescription,omitempty"`
}

type BlockStorageInstance struct {
	BlockStorageInstanceNo         *string     `json:"blockStorageInstanceNo,omitempty"`
	ServerInstanceNo               *string     `json:"serverInstanceNo,omitempty"`
	BlockStorageName               *string     `json:"blockStorageName,omitempty"`
	BlockStorageType               *CommonCode `json:"blockStorageType,omitempty"`
	BlockStorageSize               *int64      `json:"blockStorageSize,omitempty"`
	DeviceName                     *string     `json:"deviceName,omitempty"`
	BlockStorageProductCode        *string     `json:"blockStorageProductCode,omitempty"`
	BlockStorageInstanceStatus     *CommonCode `json:"blockStorageInstanceStatus,omitempty"`
	BlockStorageInstanceOperation  *CommonCode `json:"blockStorageInstanceOperation,omitempty"`
	BlockStorageInstanceStatusName *string     `json:"blockStorageInstanceStatusName,omitempty"`
	CreateDate                     *string     `json:"createDate,omitempty"`
	BlockStorageDescription        *string     `json:"blockStorageDescription,omitempty"`
	BlockStorageDiskType           *CommonCode `json:"blockStorageDiskType,omitempty"`
	BlockStorageDiskDetailType     *CommonCode `json:"blockStorageDiskDetailType,omitempty"`
	MaxIopsThroughput              *int32      `json:"maxIopsThroughput,omitempty"`
	IsEncryptedVolume              *bool       `json:"isEncryptedVolume,omitempty"`
	ZoneCode                       *string     `json:"zoneCode,omitempty"`
	RegionCode                     *string     `json:"regionCode,omitempty"`
	IsReturnProtection             *bool       `json:"isReturnProtection,omitempty"`
	BlockStorageVolumeType         *CommonCode `json:"blockStorageVolumeType,omitempty"`
	HypervisorType                 *CommonCode `json:"hypervisorType,omitempty"`
	Throughput                     *int64      `json:"throughput,omitempty"`
	Iops                           *int64      `json:"iops,omitempty"`
	BlockStorageSnapshotInstanceNo *int64      `json:"blockStorageSnapshotInstanceNo,omitempty"`
}

type NetworkInterface struct {
	NetworkInterfaceNo          *string     `json:"networkInterfaceNo,omitempty"`
	NetworkInterfaceName        *string     `json:"networkInterfaceName,omitempty"`
	SubnetNo                    *string     `json:"subnetNo,omitempty"`
	DeleteOnTermination         *bool       `json:"deleteOnTermination,omitempty"`
	IsDefault                   *bool       `json:"isDefault,omitempty"`
	DeviceName                  *string     `json:"deviceName,omitempty"`
	NetworkInterfaceStatus      *CommonCode `json:"networkInterfaceStatus,omitempty"`
	InstanceType                *CommonCode `json:"instanceType,omitempty"`
	InstanceNo                  *string     `json:"instanceNo,omitempty"`
	Ip                          *string     `json:"ip,omitempty"`
	MacAddress                  *string     `json:"macAddress,omitempty"`
	AccessControlGroupNoList    []*string   `json:"accessControlGroupNoList,omitempty"`
	NetworkInterfaceDescription *string     `json:"networkInterfaceDescription,omitempty"`
	SecondaryIpList             []*string   `json:"secondaryIpList,omitempty"`
	EnableFlowLog               *bool       `json:"enableFlowLog,omitempty"`
}

type Subnet struct {
	SubnetNo     *string     `json:"subnetNo,omitempty"`
	VpcNo        *string     `json:"vpcNo,omitempty"`
	ZoneCode     *string     `json:"zoneCode,omitempty"`
	SubnetName   *string     `json:"subnetName,omitempty"`
	Subnet       *string     `json:"subnet,omitempty"`
	SubnetStatus *CommonCode `json:"subnetStatus,omitempty"`
	CreateDate   *string     `json:"createDate,omitempty"`
	SubnetType   *CommonCode `json:"subnetType,omitempty"`
	UsageType    *CommonCode `json:"usageType,omitempty"`
	NetworkAclNo *string     `json:"networkAclNo,omitempty"`
}

type ServerImage struct {
	ServerImageNo             *string                `json:"serverImageNo,omitempty"`
	ServerImageName           *string                `json:"serverImageName,omitempty"`
	ServerImageDescription    *string                `json:"serverImageDescription,omitempty"`
	ServerImageProductCode    *string                `json:"serverImageProductCode,omitempty"`
	ServerImageType           *CommonCode            `json:"serverImageType,omitempty"`
	HypervisorType            *CommonCode            `json:"hypervisorType,omitempty"`
	CpuArchitectureType       *CommonCode            `json:"cpuArchitectureType,omitempty"`
	OsCategoryType            *CommonCode            `json:"osCategoryType,omitempty"`
	OsType                    *CommonCode            `json:"osType,omitempty"`
	ServerImageStatus         *CommonCode            `json:"serverImageStatus,omitempty"`
	ServerImageOperation      *CommonCode            `json:"serverImageOperation,omitempty"`
	ServerImageStatusName     *string                `json:"serverImageStatusName,omitempty"`
	CreateDate                *string                `json:"createDate,omitempty"`
	ShareStatus               *CommonCode            `json:"shareStatus,omitempty"`
	SharedLoginIdList         []*string              `json:"sharedLoginIdList,omitempty"`
	BlockStorageMappingList   []*BlockStorageMapping `json:"blockStorageMappingList,omitempty"`
	ServerImageLifeCyclePhase *CommonCode            `json:"serverImageLifeCyclePhase,omitempty"`
	PlatformCategoryCode      *string                `json:"platformCategoryCode,omitempty"`
}

type BlockStorageMapping struct {
	Order                          *int32      `json:"order,omitempty"`
	BlockStorageSnapshotInstanceNo *int32      `json:"blockStorageSnapshotInstanceNo,omitempty"`
	BlockStorageSnapshotName       *string     `json:"blockStorageSnapshotName,omitempty"`
	BlockStorageSize               *int64      `json:"blockStorageSize,omitempty"`
	BlockStorageName               *string     `json:"blockStorageName,omitempty"`
	BlockStorageVolumeType         *CommonCode `json:"blockStorageVolumeType,omitempty"`
	Iops                           *int32      `json:"iops,omitempty"`
	Throughput                     *int64      `json:"throughput,omitempty"`
	IsEncryptedVolume              *bool       `json:"isEncryptedVolume,omitempty"`
}

// response holds every list a VPC response can carry; the SDK has one
// response type per action, each with the common fields and one list.
type response struct {
	RequestId                *string                 `json:"requestId,omitempty"`
	ReturnCode               *string                 `json:"returnCode,omitempty"`
	ReturnMessage            *string                 `json:"returnMessage,omitempty"`
	TotalRows                *int32                  `json:"totalRows,omitempty"`
	ServerInstanceList       []*ServerInstance       `json:"serverInstanceList,omitempty"`
	RegionList               []*Region               `json:"regionList,omitempty"`
	ZoneList                 []*Zone                 `json:"zoneList,omitempty"`
	ServerSpecList           []*ServerSpec           `json:"serverSpecList,omitempty"`
	ProductList              []*Product              `json:"productList,omitempty"`
	AccessControlGroupList   []*AccessControlGroup   `json:"accessControlGroupList,omitempty"`
	BlockStorageInstanceList []*BlockStorageInstance `json:"blockStorageInstanceList,omitempty"`
	NetworkInterfaceList     []*NetworkInterface     `json:"networkInterfaceList,omitempty"`
	SubnetList               []*Subnet               `json:"subnetList,omitempty"`
	ServerImageList          []*ServerImage          `json:"serverImageList,omitempty"`
	// Around a server (packer_test.go).
	KeyName                       *string                      `json:"keyName,omitempty"`
	PrivateKey                    *string                      `json:"privateKey,omitempty"`
	RootPassword                  *string                      `json:"rootPassword,omitempty"`
	LoginKeyList                  []*LoginKey                  `json:"loginKeyList,omitempty"`
	InitScriptList                []*InitScript                `json:"initScriptList,omitempty"`
	AccessControlGroupRuleList    []*AccessControlGroupRule    `json:"accessControlGroupRuleList,omitempty"`
	PublicIpInstanceList          []*PublicIpInstance          `json:"publicIpInstanceList,omitempty"`
	MemberServerImageInstanceList []*MemberServerImageInstance `json:"memberServerImageInstanceList,omitempty"`
	VpcList                       []*Vpc                       `json:"vpcList,omitempty"`
}

// classicResponse is response for the Classic API.
type classicResponse struct {
	RequestId          *string                  `json:"requestId,omitempty"`
	ReturnCode         *string                  `json:"returnCode,omitempty"`
	ReturnMessage      *string                  `json:"returnMessage,omitempty"`
	TotalRows          *int32                   `json:"totalRows,omitempty"`
	ServerInstanceList []*ClassicServerInstance `json:"serverInstanceList,omitempty"`
	RegionList         []*ClassicRegion         `json:"regionList,omitempty"`
	ZoneList           []*ClassicZone           `json:"zoneList,omitempty"`
	ProductList        []*Product               `json:"productList,omitempty"`
	// Around a server (packer_test.go).
	PrivateKey            *string                     `json:"privateKey,omitempty"`
	RootPassword          *string                     `json:"rootPassword,omitempty"`
	MemberServerImageList []*ClassicMemberServerImage `json:"memberServerImageList,omitempty"`
	PublicIpInstanceList  []*ClassicPublicIpInstance  `json:"publicIpInstanceList,omitempty"`
}

// Requests, as the SDK declares them (field order is wire order).

type RegionListRequest struct{}

type ZoneListRequest struct {
	RegionCode *string
}

type ServerInstanceListRequest struct {
	RegionCode                         *string
	ServerInstanceNoList               []*string
	VpcNo                              *string
	PageNo                             *int32
	PageSize                           *int32
	ServerInstanceStatusCode           *string
	BaseBlockStorageDiskTypeCode       *string
	BaseBlockStorageDiskDetailTypeCode *string
	ServerName                         *string
	Ip                                 *string
	SortedBy                           *string
	SortingOrder                       *string
	PlacementGroupNoList               []*string
	HypervisorTypeCodeList             []*string
}

type ServerInstanceDetailRequest struct {
	RegionCode       *string
	ServerInstanceNo *string
}

type NetworkInterfaceParameter struct {
	NetworkInterfaceOrder    *int32
	NetworkInterfaceNo       *string
	SubnetNo                 *string
	Ip                       *string
	AccessControlGroupNoList []*string
}

type CreateServerInstancesRequest struct {
	RegionCode                        *string
	ServerProductCode                 *string
	ServerImageProductCode            *string
	MemberServerImageInstanceNo       *string
	ServerName                        *string
	ServerDescription                 *string
	LoginKeyName                      *string
	IsProtectServerTermination        *bool
	ServerCreateCount                 *int32
	ServerCreateStartNo               *int32
	FeeSystemTypeCode                 *string
	InitScriptNo                      *string
	VpcNo                             *string
	SubnetNo                          *string
	NetworkInterfaceList              []*NetworkInterfaceParameter
	PlacementGroupNo                  *string
	IsEncryptedBaseBlockStorageVolume *bool
	AssociateWithPublicIp             *bool
	RaidTypeName                      *string
	BlockDevicePartitionList          []*BlockDevicePartition
	ServerImageNo                     *string
	ServerSpecCode                    *string
	BlockStorageMappingList           []*BlockStorageMappingParameter
}

type BlockStorageMappingParameter struct {
	Order                      *int32
	SnapshotInstanceNo         *string
	BlockStorageSize           *string
	BlockStorageName           *string
	BlockStorageVolumeTypeCode *string
}

// InstancesRequest is start/stop/reboot/terminateServerInstances.
type InstancesRequest struct {
	RegionCode           *string
	ServerInstanceNoList []*string
}

type ChangeSpecRequest struct {
	RegionCode        *string
	ServerInstanceNo  *string
	ServerSpecCode    *string
	ServerProductCode *string
}

type ProtectRequest struct {
	RegionCode                 *string
	ServerInstanceNo           *string
	IsProtectServerTermination *bool
}

type ServerSpecListRequest struct {
	RegionCode         *string
	ServerImageNo      *string
	ZoneCode           *string
	ServerSpecCodeList []*string
	HypervisorCodeList []*string
}

type ServerProductListRequest struct {
	RegionCode             *string
	ZoneCode               *string
	ServerImageProductCode *string
	ExclusionProductCode   *string
	ProductCode            *string
	GenerationCode         *string
}

type AccessControlGroupListRequest struct {
	RegionCode *string
	VpcNo      *string
}

type BlockStorageListRequest struct {
	RegionCode               *string
	ZoneCode                 *string
	ServerInstanceNo         *string
	BlockStorageTypeCodeList []*string
}

type BlockStorageDetailRequest struct {
	RegionCode             *string
	BlockStorageInstanceNo *string
}

type NetworkInterfaceDetailRequest struct {
	RegionCode         *string
	NetworkInterfaceNo *string
}

type SubnetDetailRequest struct {
	RegionCode *string
	SubnetNo   *string
}

type ClassicCreateRequest struct {
	ServerImageProductCode                *string
	ServerProductCode                     *string
	ServerName                            *string
	IsProtectServerTermination            *bool
	ZoneNo                                *string
	AccessControlGroupConfigurationNoList []*string
	InstanceTagList                       []*ClassicTagParameter
	BlockDevicePartitionList              []*BlockDevicePartition
}

type ClassicTagParameter struct {
	TagKey   *string
	TagValue *string
}

type ClassicListRequest struct {
	ServerInstanceNoList []*string
	SearchFilterName     *string
	SearchFilterValue    *string
	PageNo               *int32
	PageSize             *int32
}

type ClassicInstancesRequest struct {
	ServerInstanceNoList []*string
}

type ClassicChangeSpecRequest struct {
	ServerInstanceNo  *string
	ServerProductCode *string
}
