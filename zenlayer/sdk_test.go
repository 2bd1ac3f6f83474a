package zenlayer_test

// This file reproduces, byte for byte, how the official Zenlayer Go SDK
// (github.com/zenlayer/zenlayercloud-sdk-go v0.2.45, packages common and
// vm20230313) talks to the API, since the SDK is not on the module proxy:
// its request and response struct shapes (same JSON tags, same Go types, so
// a response the SDK cannot decode fails here too), its headers (raw
// lower-case keys), its ZC2-HMAC-SHA256 signing with the configured domain
// (port included) as the signed host, and its decoding: any status but 200
// is an error parsed from {requestId, code, message}; a 200 is decoded
// into the response struct with encoding/json.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sdkError is common.ZenlayerCloudSdkError.
type sdkError struct {
	Code      string
	Message   string
	RequestId string
	// Status is not kept by the SDK; tests check it too.
	Status int
}

func (e *sdkError) Error() string {
	return fmt.Sprintf("[ZenlayerCloudSDKError] Code=%s, Message=%s, RequestId=%s", e.Code, e.Message, e.RequestId)
}

// sdkConfig is the part of common.Config that points a client somewhere.
type sdkConfig struct {
	Domain string // host[:port], also the signed host
	Scheme string // "http" or anything else for https
}

// sdkClient is common.Client with a secret key or token credential.
type sdkClient struct {
	config        sdkConfig
	secretKeyID   string
	secretKeyPass string
	token         string
	version       string // vm20230313.APIVersion unless set
	httpClient    *http.Client
	// now is when the client signs; the SDK uses time.Now.
	now func() time.Time
	// edit, when set, changes the signed request before it is sent: tests
	// use it to tamper with requests. The SDK has no such hook.
	edit func(*http.Request)
}

func (c *sdkClient) apiCall(action string, request, response any) error {
	scheme := "https"
	if strings.ToLower(c.config.Scheme) == "http" {
		scheme = "http"
	}
	version := c.version
	if version == "" {
		version = "2023-03-13"
	}
	headers := map[string]string{
		"x-zc-version":     version,
		"x-zc-service":     "vm",
		"x-zc-action":      action,
		"x-zc-sdk-version": "0.2.45",
		"x-zc-sdk-lang":    "go",
		"Host":             c.config.Domain,
		"Content-Type":     "application/json",
	}
	body, err := json.Marshal(request)
	if raw, ok := request.(rawBody); ok {
		body, err = raw, nil
	}
	if err != nil {
		return err
	}
	if c.token != "" {
		headers["Authorization"] = "Bearer " + c.token
	} else {
		headers["x-zc-signature-method"] = "ZC2-HMAC-SHA256"
		headers["Authorization"] = c.sign(headers, body)
	}
	req, err := http.NewRequest("POST", scheme+"://"+c.config.Domain+"/api/v2/vm", bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header[k] = []string{v}
	}
	if c.edit != nil {
		c.edit(req)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return &sdkError{Code: "NETWORK_ERROR", Message: err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return &sdkError{Code: "IO_ERROR", Message: err.Error()}
	}
	if resp.StatusCode != 200 {
		var e struct {
			RequestId string `json:"requestId"`
			Code      string `json:"code"`
			Message   string `json:"message"`
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return &sdkError{Code: "JSON_PARSE_FAILED", Message: fmt.Sprintf("Fail to parse json body: %s, error: %s", data, err), Status: resp.StatusCode}
		}
		return &sdkError{Code: e.Code, Message: e.Message, RequestId: e.RequestId, Status: resp.StatusCode}
	}
	if err := json.Unmarshal(data, &response); err != nil {
		return &sdkError{Code: "JSON_PARSE_FAILED", Message: fmt.Sprintf("Fail to parse json body: %s, error: %s", data, err), Status: resp.StatusCode}
	}
	return nil
}

// sign is common.Client.signRequest: the canonical request is built before
// the timestamp header is set, and the timestamp only enters the string to sign.
func (c *sdkClient) sign(headers map[string]string, body []byte) string {
	hashedPayload := sha256hex(string(body))
	canonicalHeaders := fmt.Sprintf("content-type:%s\nhost:%s\n", headers["Content-Type"], headers["Host"])
	signedHeaders := "content-type;host"
	canonicalRequest := fmt.Sprintf("%s\n%s\n%s\n%s\n%s\n%s", "POST", "/", "", canonicalHeaders, signedHeaders, hashedPayload)
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	timestamp := strconv.FormatInt(now().Unix(), 10)
	headers["x-zc-timestamp"] = timestamp
	string2sign := fmt.Sprintf("%s\n%s\n%s", "ZC2-HMAC-SHA256", timestamp, sha256hex(canonicalRequest))
	mac := hmac.New(sha256.New, []byte(c.secretKeyPass))
	mac.Write([]byte(string2sign))
	return fmt.Sprintf("%s Credential=%s, SignedHeaders=%s, Signature=%s", "ZC2-HMAC-SHA256", c.secretKeyID, signedHeaders, hex.EncodeToString(mac.Sum(nil)))
}

// rawBody is sent as it is, for tests of malformed bodies. The SDK always
// sends what json.Marshal makes of a request struct.
type rawBody []byte

func sha256hex(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// The vm20230313 models the tests use, with the SDK's tags and types.

type DescribeZonesRequest struct {
	ZoneIds []string `json:"zoneIds,omitempty"`
}

type DescribeZonesResponse struct {
	RequestId string                      `json:"requestId,omitempty"`
	Response  *DescribeZonesResponseParam `json:"response"`
}

type DescribeZonesResponseParam struct {
	RequestId string      `json:"requestId,omitempty"`
	ZoneSet   []*ZoneInfo `json:"zoneSet,omitempty"`
}

type ZoneInfo struct {
	ZoneId                string `json:"zoneId,omitempty"`
	ZoneName              string `json:"zoneName,omitempty"`
	SupportSecurityGroup  bool   `json:"supportSecurityGroup,omitempty"`
	SupportNetworkType    string `json:"supportNetworkType,omitempty"`
	SupportIpv6           bool   `json:"supportIpv6,omitempty"`
	SupportCpuPassThrough bool   `json:"supportCpuPassThrough,omitempty"`
}

type DescribeZoneInstanceConfigInfosRequest struct {
	InstanceChargeType string `json:"instanceChargeType,omitempty"`
	ZoneId             string `json:"zoneId,omitempty"`
	InstanceType       string `json:"instanceType,omitempty"`
}

type DescribeZoneInstanceConfigInfosResponse struct {
	RequestId string                                         `json:"requestId,omitempty"`
	Response  *DescribeZoneInstanceConfigInfosResponseParams `json:"response"`
}

type DescribeZoneInstanceConfigInfosResponseParams struct {
	RequestId            string                   `json:"requestId,omitempty"`
	InstanceTypeQuotaSet []*InstanceTypeQuotaItem `json:"instanceTypeQuotaSet,omitempty"`
}

type InstanceTypeQuotaItem struct {
	ZoneId                       string   `json:"zoneId,omitempty"`
	InstanceType                 string   `json:"instanceType,omitempty"`
	CpuCount                     int      `json:"cpuCount,omitempty"`
	Memory                       int      `json:"memory,omitempty"`
	Frequency                    string   `json:"frequency,omitempty"`
	InternetMaxBandwidthOutLimit int      `json:"internetMaxBandwidthOutLimit,omitempty"`
	InstanceTypeName             string   `json:"instanceTypeName,omitempty"`
	InternetChargeTypes          []string `json:"internetChargeTypes,omitempty"`
}

type DescribeInstancesRequest struct {
	InstanceIds        []string `json:"instanceIds,omitempty"`
	ZoneId             string   `json:"zoneId,omitempty"`
	ResourceGroupId    string   `json:"resourceGroupId,omitempty"`
	InstanceType       string   `json:"instanceType,omitempty"`
	InternetChargeType string   `json:"internetChargeType,omitempty"`
	ImageId            string   `json:"imageId,omitempty"`
	KeyId              string   `json:"keyId,omitempty"`
	SubnetId           string   `json:"subnetId,omitempty"`
	InstanceStatus     string   `json:"instanceStatus,omitempty"`
	InstanceName       string   `json:"instanceName,omitempty"`
	SecurityGroupId    string   `json:"securityGroupId,omitempty"`
	PublicIpAddresses  []string `json:"publicIpAddresses,omitempty"`
	PrivateIpAddresses []string `json:"privateIpAddresses,omitempty"`
	PageSize           int      `json:"pageSize,omitempty"`
	PageNum            int      `json:"pageNum,omitempty"`
	TagKeys            []string `json:"tagKeys,omitempty"`
	Tags               []*Tag   `json:"tags,omitempty"`
}

type DescribeInstancesResponse struct {
	RequestId string                           `json:"requestId,omitempty"`
	Response  *DescribeInstancesResponseParams `json:"response,omitempty"`
}

type DescribeInstancesResponseParams struct {
	RequestId  string          `json:"requestId,omitempty"`
	DataSet    []*InstanceInfo `json:"dataSet,omitempty"`
	TotalCount int             `json:"totalCount,omitempty"`
}

type InstanceInfo struct {
	InstanceId              string      `json:"instanceId,omitempty"`
	ZoneId                  string      `json:"zoneId,omitempty"`
	InstanceName            string      `json:"instanceName,omitempty"`
	InstanceType            string      `json:"instanceType,omitempty"`
	CpuCount                int         `json:"cpuCount,omitempty"`
	Memory                  int         `json:"memory,omitempty"`
	ImageId                 string      `json:"imageId,omitempty"`
	ImageName               string      `json:"imageName,omitempty"`
	InstanceChargeType      string      `json:"instanceChargeType,omitempty"`
	InternetMaxBandwidthOut int         `json:"internetMaxBandwidthOut,omitempty"`
	InternetChargeType      string      `json:"internetChargeType,omitempty"`
	Period                  *int        `json:"period,omitempty"`
	PublicIpAddresses       []string    `json:"publicIpAddresses,omitempty"`
	PublicIpv6Addresses     []string    `json:"publicIpv6Addresses,omitempty"`
	PrivateIpAddresses      []string    `json:"privateIpAddresses,omitempty"`
	SubnetId                string      `json:"subnetId,omitempty"`
	CreateTime              string      `json:"createTime,omitempty"`
	ExpiredTime             *string     `json:"expiredTime,omitempty"`
	ResourceGroupId         string      `json:"resourceGroupId,omitempty"`
	ResourceGroupName       string      `json:"resourceGroupName,omitempty"`
	InstanceStatus          string      `json:"instanceStatus,omitempty"`
	TrafficPackageSize      *float64    `json:"trafficPackageSize,omitempty"`
	SecurityGroupIds        []string    `json:"securityGroupIds,omitempty"`
	SystemDisk              *SystemDisk `json:"systemDisk,omitempty"`
	DataDisks               []*DataDisk `json:"dataDisks,omitempty"`
	AutoRenew               bool        `json:"autoRenew,omitempty"`
	KeyId                   string      `json:"keyId,omitempty"`
	Nic                     *Nic        `json:"nic,omitempty"`
	Tags                    *Tags       `json:"tags,omitempty"`
}

type SystemDisk struct {
	DiskId       string `json:"diskId,omitempty"`
	DiskSize     int    `json:"diskSize,omitempty"`
	DiskCategory string `json:"diskCategory,omitempty"`
}

type DataDisk struct {
	DiskId       string `json:"diskId,omitempty"`
	DiskSize     int    `json:"diskSize,omitempty"`
	DiskName     string `json:"diskName,omitempty"`
	Portable     bool   `json:"portable,omitempty"`
	DiskCategory string `json:"diskCategory,omitempty"`
}

type Nic struct {
	WanName string `json:"wanName,omitempty"`
	LanName string `json:"lanName,omitempty"`
}

type Tags struct {
	Tags []*Tag `json:"tags,omitempty"`
}

type TagAssociation struct {
	Tags []*Tag `json:"tags,omitempty"`
}

type Tag struct {
	Key   *string `json:"key,omitempty"`
	Value *string `json:"value,omitempty"`
}

type DescribeInstancesStatusRequest struct {
	InstanceIds []string `json:"instanceIds,omitempty"`
	PageSize    int      `json:"pageSize,omitempty"`
	PageNum     int      `json:"pageNum,omitempty"`
}

type DescribeInstancesStatusResponse struct {
	RequestId string                                 `json:"requestId,omitempty"`
	Response  *DescribeInstancesStatusResponseParams `json:"response,omitempty"`
}

type DescribeInstancesStatusResponseParams struct {
	RequestId  string            `json:"requestId,omitempty"`
	DataSet    []*InstanceStatus `json:"dataSet,omitempty"`
	TotalCount int               `json:"totalCount,omitempty"`
}

type InstanceStatus struct {
	InstanceId     string `json:"instanceId,omitempty"`
	InstanceStatus string `json:"instanceStatus,omitempty"`
}

type InquiryPriceCreateInstanceRequest struct {
	ZoneId                  string         `json:"zoneId,omitempty"`
	InstanceType            string         `json:"instanceType,omitempty"`
	ImageId                 string         `json:"imageId,omitempty"`
	InstanceChargeType      string         `json:"instanceChargeType,omitempty"`
	InternetChargeType      string         `json:"internetChargeType,omitempty"`
	InstanceChargePrepaid   *ChargePrepaid `json:"instanceChargePrepaid,omitempty"`
	TrafficPackageSize      *float64       `json:"trafficPackageSize,omitempty"`
	InternetMaxBandwidthOut int            `json:"internetMaxBandwidthOut,omitempty"`
	SystemDisk              *SystemDisk    `json:"systemDisk,omitempty"`
	DataDisks               []*DataDisk    `json:"dataDisks,omitempty"`
}

type InquiryPriceCreateInstanceResponse struct {
	RequestId string                                    `json:"requestId,omitempty"`
	Response  *InquiryPriceCreateInstanceResponseParams `json:"response"`
}

type InquiryPriceCreateInstanceResponseParams struct {
	RequestId       string   `json:"requestId,omitempty"`
	InstancePrice   *Price   `json:"instancePrice,omitempty"`
	EipPrice        *Price   `json:"eipPrice,omitempty"`
	BandwidthPrice  []*Price `json:"bandwidthPrice,omitempty"`
	SystemDiskPrice *Price   `json:"systemDiskPrice,omitempty"`
	DataDiskPrice   *Price   `json:"dataDiskPrice,omitempty"`
}

type Price struct {
	Discount          *float64     `json:"discount,omitempty"`
	DiscountPrice     *float64     `json:"discountPrice,omitempty"`
	OriginalPrice     *float64     `json:"originalPrice,omitempty"`
	UnitPrice         *float64     `json:"unitPrice,omitempty"`
	DiscountUnitPrice *float64     `json:"discountUnitPrice,omitempty"`
	ChargeUnit        *string      `json:"chargeUnit,omitempty"`
	StepPrices        []*StepPrice `json:"stepPrices,omitempty"`
}

type StepPrice struct {
	StepStart         *float64 `json:"stepStart,omitempty"`
	StepEnd           *float64 `json:"stepEnd,omitempty"`
	UnitPrice         *float64 `json:"unitPrice,omitempty"`
	DiscountUnitPrice *float64 `json:"discountUnitPrice,omitempty"`
}

type ChargePrepaid struct {
	Period int `json:"period,omitempty"`
}

type CreateInstancesRequest struct {
	ZoneId                  string          `json:"zoneId,omitempty"`
	InstanceChargeType      string          `json:"instanceChargeType,omitempty"`
	InstanceChargePrepaid   *ChargePrepaid  `json:"instanceChargePrepaid,omitempty"`
	InstanceType            string          `json:"instanceType,omitempty"`
	ImageId                 string          `json:"imageId,omitempty"`
	ResourceGroupId         string          `json:"resourceGroupId,omitempty"`
	InstanceName            string          `json:"instanceName,omitempty"`
	InstanceCount           int             `json:"instanceCount,omitempty"`
	Password                string          `json:"password,omitempty"`
	KeyId                   string          `json:"keyId,omitempty"`
	InternetChargeType      string          `json:"internetChargeType,omitempty"`
	InternetMaxBandwidthOut int             `json:"internetMaxBandwidthOut,omitempty"`
	TrafficPackageSize      *float64        `json:"trafficPackageSize,omitempty"`
	SubnetId                string          `json:"subnetId,omitempty"`
	EnableIpv6              bool            `json:"enableIpv6,omitempty"`
	EnableIpv4              bool            `json:"enableIpv4,omitempty"`
	CpuPassThrough          bool            `json:"cpuPassThrough,omitempty"`
	InitScript              string          `json:"initScript,omitempty"`
	SystemDisk              *SystemDisk     `json:"systemDisk,omitempty"`
	DataDisks               []*DataDisk     `json:"dataDisks,omitempty"`
	SecurityGroupId         string          `json:"securityGroupId,omitempty"`
	Nic                     *Nic            `json:"nic,omitempty"`
	ClusterId               string          `json:"clusterId,omitempty"`
	NetworkMode             string          `json:"networkMode,omitempty"`
	DiskPreAllocated        bool            `json:"diskPreAllocated,omitempty"`
	Tags                    *TagAssociation `json:"tags,omitempty"`
}

type CreateInstancesResponse struct {
	RequestId string                         `json:"requestId,omitempty"`
	Response  *CreateInstancesResponseParams `json:"response"`
}

type CreateInstancesResponseParams struct {
	RequestId     *string   `json:"requestId,omitempty"`
	InstanceIdSet []*string `json:"instanceIdSet,omitempty"`
	OrderNumber   *string   `json:"orderNumber,omitempty"`
}

type InstanceIdsRequest struct {
	InstanceIds []string `json:"instanceIds,omitempty"`
}

type ResetInstanceRequest struct {
	InstanceId string `json:"instanceId,omitempty"`
	ImageId    string `json:"imageId,omitempty"`
	Password   string `json:"password,omitempty"`
	KeyId      string `json:"keyId,omitempty"`
	WanName    string `json:"wanName,omitempty"`
	LanName    string `json:"lanName,omitempty"`
}

// ResetInstanceRequestV2026 is vm20260401.ResetInstanceRequest, which adds
// instanceName and initScript; it is sent with X-ZC-Version 2026-04-01.
type ResetInstanceRequestV2026 struct {
	InstanceId   *string `json:"instanceId,omitempty"`
	Password     *string `json:"password,omitempty"`
	KeyId        *string `json:"keyId,omitempty"`
	ImageId      *string `json:"imageId,omitempty"`
	InstanceName *string `json:"instanceName,omitempty"`
	WanName      *string `json:"wanName,omitempty"`
	LanName      *string `json:"lanName,omitempty"`
	InitScript   *string `json:"initScript,omitempty"`
}

type ResetInstancesPasswordRequest struct {
	InstanceIds []string `json:"instanceIds,omitempty"`
	Password    string   `json:"password,omitempty"`
}

type ModifyInstancesAttributeRequest struct {
	InstanceIds  []string `json:"instanceIds,omitempty"`
	InstanceName string   `json:"instanceName,omitempty"`
}

type ModifyInstancesResourceGroupRequest struct {
	InstanceIds     []string `json:"instanceIds,omitempty"`
	ResourceGroupId string   `json:"resourceGroupId,omitempty"`
}

type StopInstancesRequest struct {
	InstanceIds   []string `json:"instanceIds,omitempty"`
	ForceShutdown *bool    `json:"forceShutdown,omitempty"`
}

type InstanceIdRequest struct {
	InstanceId string `json:"instanceId,omitempty"`
}

// RequestIdResponse is the shape of StartInstancesResponse,
// StopInstancesResponse, RebootInstancesResponse, TerminateInstanceResponse,
// ReleaseInstancesResponse and CancelInstanceDowngradeResponse.
type RequestIdResponse struct {
	RequestId string `json:"requestId,omitempty"`
	Response  struct {
		RequestId string `json:"requestId,omitempty"`
	} `json:"response"`
}

type ModifyInstanceTypeRequest struct {
	InstanceId     string `json:"instanceId,omitempty"`
	InstanceTypeId string `json:"instanceTypeId,omitempty"`
}

type ModifyInstanceTypeResponse struct {
	RequestId string                            `json:"requestId,omitempty"`
	Response  *ModifyInstanceTypeResponseParams `json:"response"`
}

type ModifyInstanceTypeResponseParams struct {
	RequestId   string `json:"requestId,omitempty"`
	OrderNumber string `json:"orderNumber,omitempty"`
}

type DescribeInstanceTypeStatusResponse struct {
	RequestId string                                    `json:"requestId,omitempty"`
	Response  *DescribeInstanceTypeStatusResponseParams `json:"response"`
}

type DescribeInstanceTypeStatusResponseParams struct {
	RequestId                  string `json:"requestId,omitempty"`
	InstanceId                 string `json:"instanceId,omitempty"`
	InstanceName               string `json:"instanceName,omitempty"`
	InstanceType               string `json:"instanceType,omitempty"`
	ModifiedInstanceType       string `json:"modifiedInstanceType,omitempty"`
	ModifiedInstanceTypeStatus string `json:"modifiedInstanceTypeStatus,omitempty"`
}

// The public network's orders, as the SDK's vm package declares them: the
// status's values are pointers, which Terraform dereferences.
type ModifyInstanceBandwidthRequest struct {
	InstanceId              string `json:"instanceId,omitempty"`
	InternetMaxBandwidthOut int    `json:"internetMaxBandwidthOut,omitempty"`
}

type ModifyInstanceTrafficPackageRequest struct {
	InstanceId         string  `json:"instanceId,omitempty"`
	TrafficPackageSize float64 `json:"trafficPackageSize,omitempty"`
}

// OrderResponse is ModifyInstanceBandwidth's and ModifyInstanceTrafficPackage's.
type OrderResponse struct {
	RequestId string `json:"requestId,omitempty"`
	Response  *struct {
		RequestId   string `json:"requestId,omitempty"`
		OrderNumber string `json:"orderNumber,omitempty"`
	} `json:"response"`
}

type DescribeInstanceInternetStatusResponse struct {
	RequestId string                                        `json:"requestId,omitempty"`
	Response  *DescribeInstanceInternetStatusResponseParams `json:"response"`
}

type DescribeInstanceInternetStatusResponseParams struct {
	RequestId                       string   `json:"requestId,omitempty"`
	InstanceId                      string   `json:"instanceId,omitempty"`
	InstanceName                    string   `json:"instanceName,omitempty"`
	InternetMaxBandwidthOut         *int     `json:"internetMaxBandwidthOut,omitempty"`
	ModifiedInternetMaxBandwidthOut *int     `json:"modifiedInternetMaxBandwidthOut,omitempty"`
	ModifiedBandwidthStatus         string   `json:"modifiedBandwidthStatus,omitempty"`
	TrafficPackageSize              *float64 `json:"trafficPackageSize,omitempty"`
	ModifiedTrafficPackageSize      *float64 `json:"modifiedTrafficPackageSize,omitempty"`
	ModifiedTrafficPackageStatus    string   `json:"modifiedTrafficPackageStatus,omitempty"`
}
