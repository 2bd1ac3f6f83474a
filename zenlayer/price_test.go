package zenlayer_test

import (
	"math"
	"testing"

	"github.com/vmplane/vmplane/vmplanetest"
)

// A rightsizing job compares what types cost: InquiryPriceCreateInstance
// answers the catalog's price, by the hour for POSTPAID and for the whole
// period for PREPAID, so the two agree and a larger type costs more.
func TestInquiryPriceCreateInstanceComparesTypes(t *testing.T) {
	_, c := newClient(t, vmplanetest.Options{})
	price := func(typ, charge string, period int) *Price {
		t.Helper()
		req := &InquiryPriceCreateInstanceRequest{ZoneId: "SEL-A", InstanceType: typ, InstanceChargeType: charge, InternetChargeType: "ByBandwidth"}
		if period > 0 {
			req.InstanceChargePrepaid = &ChargePrepaid{Period: period}
		}
		var resp InquiryPriceCreateInstanceResponse
		c.must(t, "InquiryPriceCreateInstance", req, &resp)
		p := resp.Response.InstancePrice
		if p == nil || p.ChargeUnit == nil {
			t.Fatalf("%s %s: no instance price: %+v", typ, charge, resp.Response)
		}
		return p
	}
	small, large := price("c.2c4g", "POSTPAID", 0), price("c.4c8g", "POSTPAID", 0)
	if *small.ChargeUnit != "HOUR" || small.UnitPrice == nil || large.UnitPrice == nil || !(*small.UnitPrice > 0 && *large.UnitPrice > *small.UnitPrice) {
		t.Fatalf("hourly prices: c.2c4g %+v, c.4c8g %+v", small, large)
	}
	year := price("c.2c4g", "PREPAID", 12)
	if *year.ChargeUnit != "MONTH" || year.OriginalPrice == nil || year.DiscountPrice == nil || *year.DiscountPrice != *year.OriginalPrice {
		t.Fatalf("a year prepaid: %+v", year)
	}
	// A month is 730 hours here, and hourly prices have four decimals.
	if monthly := *year.OriginalPrice / 12; math.Abs(*small.UnitPrice*730-monthly) > 730*0.00005 {
		t.Fatalf("c.2c4g: %v an hour, %v a month prepaid", *small.UnitPrice, monthly)
	}
}

func TestInquiryPriceCreateInstanceRefusals(t *testing.T) {
	_, c := newClient(t, vmplanetest.Options{})
	ok := InquiryPriceCreateInstanceRequest{ZoneId: "SEL-A", InstanceType: "c.2c4g", InstanceChargeType: "POSTPAID", InternetChargeType: "ByBandwidth"}
	for _, tc := range []struct {
		name   string
		change func(r *InquiryPriceCreateInstanceRequest)
		status int
		code   string
	}{
		{"no zone", func(r *InquiryPriceCreateInstanceRequest) { r.ZoneId = "" }, 400, "MISSING_PARAMETER"},
		{"no type", func(r *InquiryPriceCreateInstanceRequest) { r.InstanceType = "" }, 400, "MISSING_PARAMETER"},
		{"no internet charge type", func(r *InquiryPriceCreateInstanceRequest) { r.InternetChargeType = "" }, 400, "MISSING_PARAMETER"},
		{"unknown charge type", func(r *InquiryPriceCreateInstanceRequest) { r.InstanceChargeType = "MONTHLY" }, 400, "INVALID_PARAMETER_VALUE"},
		{"prepaid without a period", func(r *InquiryPriceCreateInstanceRequest) { r.InstanceChargeType = "PREPAID" }, 400, "MISSING_PARAMETER"},
		{"unknown internet charge type", func(r *InquiryPriceCreateInstanceRequest) { r.InternetChargeType = "Free" }, 400, "INVALID_PARAMETER_VALUE"},
		{"unknown zone", func(r *InquiryPriceCreateInstanceRequest) { r.ZoneId = "NOPE-A" }, 404, "INVALID_ZONE_NOT_FOUND"},
		{"unknown type", func(r *InquiryPriceCreateInstanceRequest) { r.InstanceType = "c.3c5g" }, 404, "INVALID_INSTANCE_TYPE_NOT_FOUND"},
		{"type not offered in the zone", func(r *InquiryPriceCreateInstanceRequest) { r.ZoneId, r.InstanceType = "FRA-A", "h.4c8g" }, 400, "RESOURCES_SOLDOUT_INSTANCE_TYPE"},
		{"unknown image", func(r *InquiryPriceCreateInstanceRequest) { r.ImageId = "img-nope" }, 404, "INVALID_IMAGE_NOT_FOUND"},
		{"internet charge type the type lacks", func(r *InquiryPriceCreateInstanceRequest) {
			r.InstanceType, r.InternetChargeType = "h.4c8g", "ByTrafficPackage"
		}, 400, "OPERATION_FILED_INTERNET_CHARGE_TYPE_NOT_SUPPORT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := ok
			tc.change(&req)
			wantError(t, c.apiCall("InquiryPriceCreateInstance", &req, &InquiryPriceCreateInstanceResponse{}), tc.status, tc.code)
		})
	}
}
