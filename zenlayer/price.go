package zenlayer

import (
	"math"

	"github.com/vmplane/vmplane"
)

// InquiryPriceCreateInstance prices an instance from the catalog's monthly
// price of its type, which an operator sets with --catalog to the prices
// they pay. What the real service answers beyond the field names is
// UNVERIFIED, and chosen here, in one place:
//   - POSTPAID is billed by the hour: unitPrice is the monthly price over
//     hoursPerMonth, to four decimals, chargeUnit HOUR;
//   - PREPAID is the monthly price times the period, chargeUnit MONTH;
//   - no discount: discount is 100 (Zenlayer's "80.0" is 20% off), and the
//     discounted prices equal the others;
//   - only the instance is priced: the catalog has no prices for disks,
//     bandwidth or addresses, so eipPrice, bandwidthPrice, systemDiskPrice
//     and dataDiskPrice are left out (the SDKs decode them as absent);
//   - the price is one instance's: the 2026 models' instanceCount is not
//     multiplied in.
const hoursPerMonth = 730

// inquiryPriceCreateInstanceRequest has every documented field, so that
// each is decoded to its type (a wrong one is refused, as everywhere); the
// bandwidth, traffic and disks are not priced (above).
type inquiryPriceCreateInstanceRequest struct {
	ZoneID                  string        `json:"zoneId"`
	InstanceType            string        `json:"instanceType"`
	ImageID                 string        `json:"imageId"`
	InstanceChargeType      string        `json:"instanceChargeType"`
	InternetChargeType      string        `json:"internetChargeType"`
	InstanceChargePrepaid   *chargePeriod `json:"instanceChargePrepaid"`
	InstanceChargePostpaid  *chargePeriod `json:"instanceChargePostpaid"` // 2026-04-01
	InstanceCount           *int          `json:"instanceCount"`          // 2026-04-01
	TrafficPackageSize      *float64      `json:"trafficPackageSize"`
	InternetMaxBandwidthOut *int          `json:"internetMaxBandwidthOut"`
	SystemDisk              *diskRequest  `json:"systemDisk"`
	DataDisks               []diskRequest `json:"dataDisks"`
}

// priceItem is the SDKs' Price (PriceItem in the 2026 models).
type priceItem struct {
	Discount          *float64 `json:"discount,omitempty"`
	DiscountPrice     *float64 `json:"discountPrice,omitempty"`
	OriginalPrice     *float64 `json:"originalPrice,omitempty"`
	UnitPrice         *float64 `json:"unitPrice,omitempty"`
	DiscountUnitPrice *float64 `json:"discountUnitPrice,omitempty"`
	ChargeUnit        string   `json:"chargeUnit"`
}

type inquiryPriceCreateInstanceResponse struct {
	reply
	InstancePrice *priceItem `json:"instancePrice"`
}

func (h *Handler) inquiryPriceCreateInstance(c *call, req *inquiryPriceCreateInstanceRequest) (*inquiryPriceCreateInstanceResponse, error) {
	if err := required([2]string{"zoneId", req.ZoneID}, [2]string{"instanceType", req.InstanceType},
		[2]string{"instanceChargeType", req.InstanceChargeType}, [2]string{"internetChargeType", req.InternetChargeType}); err != nil {
		return nil, err
	}
	charge, period, err := chargeOf(req.InstanceChargeType, req.InstanceChargePrepaid)
	if err != nil {
		return nil, err
	}
	if err := knownInternetCharge(req.InternetChargeType); err != nil {
		return nil, err
	}
	spec, _, err := h.svc.Catalog(CloudName).Place(req.InstanceType, req.ImageID, req.ZoneID)
	if err != nil {
		return nil, err
	}
	if err := checkInternetCharge(spec, req.InternetChargeType); err != nil {
		return nil, err
	}
	if charge == vmplane.ChargePrepaid {
		total := spec.Price * float64(period)
		return &inquiryPriceCreateInstanceResponse{InstancePrice: &priceItem{
			Discount: ptr(100.0), OriginalPrice: &total, DiscountPrice: &total, ChargeUnit: "MONTH",
		}}, nil
	}
	hourly := math.Round(spec.Price/hoursPerMonth*1e4) / 1e4
	return &inquiryPriceCreateInstanceResponse{InstancePrice: &priceItem{
		Discount: ptr(100.0), UnitPrice: &hourly, DiscountUnitPrice: &hourly, ChargeUnit: "HOUR",
	}}, nil
}

func ptr[T any](v T) *T { return &v }
