package zenlayer

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vmplane/vmplane"
)

// An instance's public network has two settings that change by order, as
// Terraform's zvm_instance changes them when internet_max_bandwidth_out or
// traffic_package_size changes: it calls ModifyInstanceBandwidth (or
// ModifyInstanceTrafficPackage), then polls DescribeInstanceInternetStatus
// until the status is Enable, done when the current value is its target
// and failed otherwise.
//
// UNVERIFIED, all here: an increase, and any change of a POSTPAID
// instance, takes effect at once (the real service may show Processing
// for a moment; vmplane has no network to reconfigure); a decrease of an
// unexpired PREPAID instance waits until it expires (WaitToEnable),
// as ModifyInstanceType's downgrade does, and can be cancelled until then;
// a new order replaces a waiting one. The order number is a fresh one, as
// CreateInstances' and ModifyInstanceType's are, minted with the change.
// Both settings are cloud attributes, recorded with the core's
// UpdateInstanceWithOrder: two orders racing on one instance both succeed
// and the later one stands.
type internetSetting struct {
	field     string // the request's parameter
	current   string // attribute keys
	pending   string
	pendingAt string // when the pending value takes effect, Unix seconds
}

var (
	bandwidthSetting = internetSetting{"internetMaxBandwidthOut", attrBandwidth, "bandwidthPending", "bandwidthPendingAt"}
	trafficSetting   = internetSetting{"trafficPackageSize", attrTraffic, "trafficPackagePending", "trafficPackagePendingAt"}
)

// at returns the setting's value at now, the value it is changing to
// (itself when no change waits) and the change's status. A waiting change
// whose time has come is the value: nothing needs to apply it.
func (s internetSetting) at(in *vmplane.Instance, now time.Time, def float64) (cur, target float64, status string) {
	cur = attrFloat(in, s.current, def)
	pending, err := strconv.ParseFloat(in.Attr(s.pending), 64)
	if err != nil {
		return cur, cur, "Enable"
	}
	at, _ := strconv.ParseInt(in.Attr(s.pendingAt), 10, 64)
	if !now.Before(time.Unix(at, 0)) {
		return pending, pending, "Enable"
	}
	return cur, pending, "WaitToEnable"
}

func attrFloat(in *vmplane.Instance, key string, def float64) float64 {
	if v, err := strconv.ParseFloat(in.Attr(key), 64); err == nil {
		return v
	}
	return def
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// set orders the setting to value on in: at once, or at its expiry for a
// decrease of an unexpired PREPAID instance.
func (h *Handler) set(c *call, in *vmplane.Instance, s internetSetting, value, def float64) (*orderResponse, error) {
	if err := outOfBin(in); err != nil {
		return nil, err
	}
	now := h.svc.Now()
	// Inside the commit, on the setting as it is then: a change or a
	// cancellation made at the same moment is not undone.
	edit := func(in *vmplane.Instance, attrs map[string]string) error {
		cur, _, _ := s.at(in, now, def)
		attrs[s.current] = formatFloat(cur)
		delete(attrs, s.pending)
		delete(attrs, s.pendingAt)
		if subscribed(in, now) && value < cur {
			attrs[s.pending] = formatFloat(value)
			attrs[s.pendingAt] = strconv.FormatInt(expiry(in).Unix(), 10)
		} else {
			attrs[s.current] = formatFloat(value)
		}
		return nil
	}
	_, order, err := h.svc.UpdateInstanceWithOrder(c.ctx, c.scope, in.ID, vmplane.InstanceUpdate{Edit: edit})
	if err != nil {
		return nil, err
	}
	return &orderResponse{OrderNumber: order}, nil
}

// cancel drops the setting's waiting decrease.
func (h *Handler) cancel(c *call, id string, s internetSetting, def float64) (*empty, error) {
	in, err := h.find(c, id)
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	edit := func(in *vmplane.Instance, attrs map[string]string) error {
		if _, _, status := s.at(in, now, def); status != "WaitToEnable" {
			return &vmplane.Error{Code: vmplane.ENOSCHEDULE, ID: in.ID}
		}
		delete(attrs, s.pending)
		delete(attrs, s.pendingAt)
		return nil
	}
	if _, err := h.svc.UpdateInstance(c.ctx, c.scope, in.ID, vmplane.InstanceUpdate{Edit: edit}); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

// checkBandwidth refuses a bandwidth above the instance type's limit.
func checkBandwidth(cat *vmplane.Catalog, specID string, bw int) error {
	spec := cat.FindSpec(specID)
	if spec == nil {
		return nil
	}
	if limit, err := strconv.Atoi(spec.Attrs["bandwidthLimit"]); err == nil && limit > 0 && bw > limit {
		return errorf(http.StatusBadRequest, codeBandwidth, "The bandwidth %d Mbps exceeds the %d Mbps limit of %s.", bw, limit, spec.ID)
	}
	return nil
}

// orderResponse answers an action that places an order: a type or network
// change.
type orderResponse struct {
	reply
	OrderNumber string `json:"orderNumber"`
}

type modifyInstanceBandwidthRequest struct {
	InstanceID              string `json:"instanceId"`
	InternetMaxBandwidthOut *int   `json:"internetMaxBandwidthOut"`
}

// modifyInstanceBandwidth: from 1 Mbps to the instance type's limit.
func (h *Handler) modifyInstanceBandwidth(c *call, req *modifyInstanceBandwidthRequest) (*orderResponse, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	if req.InternetMaxBandwidthOut == nil {
		return nil, missing(bandwidthSetting.field)
	}
	bw := *req.InternetMaxBandwidthOut
	if bw < 1 {
		return nil, badValue("The parameter `internetMaxBandwidthOut` must be at least 1.")
	}
	if err := checkBandwidth(h.svc.Catalog(CloudName), in.SpecID, bw); err != nil {
		return nil, err
	}
	return h.set(c, in, bandwidthSetting, float64(bw), defaultBandwidth)
}

type modifyInstanceTrafficPackageRequest struct {
	InstanceID         string   `json:"instanceId"`
	TrafficPackageSize *float64 `json:"trafficPackageSize"`
}

// modifyInstanceTrafficPackage: a positive size in TB, for an instance
// billed by traffic package.
func (h *Handler) modifyInstanceTrafficPackage(c *call, req *modifyInstanceTrafficPackageRequest) (*orderResponse, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	if req.TrafficPackageSize == nil {
		return nil, missing(trafficSetting.field)
	}
	if *req.TrafficPackageSize <= 0 {
		return nil, badValue("The parameter `trafficPackageSize` must be greater than 0.")
	}
	if in.Attr(attrInternetCharge) != "ByTrafficPackage" {
		return nil, errorf(http.StatusBadRequest, codeChargeType, "The instance `%s` is not billed by traffic package.", in.ID)
	}
	return h.set(c, in, trafficSetting, *req.TrafficPackageSize, 0)
}

func (h *Handler) cancelInstanceBandwidthDowngrade(c *call, req *instanceIDRequest) (*empty, error) {
	return h.cancel(c, req.InstanceID, bandwidthSetting, defaultBandwidth)
}

func (h *Handler) cancelInstanceTrafficPackageDowngrade(c *call, req *instanceIDRequest) (*empty, error) {
	return h.cancel(c, req.InstanceID, trafficSetting, 0)
}

type describeInstanceInternetStatusResponse struct {
	reply
	InstanceID                      string   `json:"instanceId"`
	InstanceName                    string   `json:"instanceName"`
	InternetMaxBandwidthOut         int      `json:"internetMaxBandwidthOut"`
	ModifiedInternetMaxBandwidthOut int      `json:"modifiedInternetMaxBandwidthOut"`
	ModifiedBandwidthStatus         string   `json:"modifiedBandwidthStatus"`
	TrafficPackageSize              *float64 `json:"trafficPackageSize"`
	ModifiedTrafficPackageSize      *float64 `json:"modifiedTrafficPackageSize"`
	ModifiedTrafficPackageStatus    string   `json:"modifiedTrafficPackageStatus"`
}

// describeInstanceInternetStatus: the traffic package fields are null for
// an instance not billed by traffic package (its status stays Enable).
func (h *Handler) describeInstanceInternetStatus(c *call, req *instanceIDRequest) (*describeInstanceInternetStatusResponse, error) {
	in, err := h.find(c, req.InstanceID)
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	bw, bwTarget, bwStatus := bandwidthSetting.at(in, now, defaultBandwidth)
	out := &describeInstanceInternetStatusResponse{InstanceID: in.ID, InstanceName: in.Name,
		InternetMaxBandwidthOut: int(bw), ModifiedInternetMaxBandwidthOut: int(bwTarget), ModifiedBandwidthStatus: bwStatus,
		ModifiedTrafficPackageStatus: "Enable"}
	if in.Attr(attrInternetCharge) == "ByTrafficPackage" {
		size, target, status := trafficSetting.at(in, now, 0)
		out.TrafficPackageSize, out.ModifiedTrafficPackageSize, out.ModifiedTrafficPackageStatus = &size, &target, status
	}
	return out, nil
}
