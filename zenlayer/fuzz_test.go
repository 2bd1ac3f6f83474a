package zenlayer

import (
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bodies to the decoder of every action's
// request: it must never panic, and may only refuse with a 400 saying the
// body is malformed or a parameter has the wrong type.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"instanceIds":["1"],"pageSize":10}`))
	requests := []func() any{
		func() any { return new(describeZonesRequest) },
		func() any { return new(describeZoneInstanceConfigInfosRequest) },
		func() any { return new(describeInstancesRequest) },
		func() any { return new(describeInstancesStatusRequest) },
		func() any { return new(createInstancesRequest) },
		func() any { return new(instanceIDsRequest) },
		func() any { return new(stopInstancesRequest) },
		func() any { return new(instanceIDRequest) },
		func() any { return new(modifyInstanceTypeRequest) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, newReq := range requests {
			err := decode(body, newReq())
			if err == nil {
				continue
			}
			var e *apiError
			if !errors.As(err, &e) || e.Status != 400 || (e.Code != codeBody && e.Code != codeType) || e.Message == "" {
				t.Fatalf("decode %q: %v", body, err)
			}
		}
	})
}
