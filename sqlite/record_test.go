package sqlite

import (
	"reflect"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
)

func fullInstance() vmplane.Instance {
	at := time.Date(2025, 6, 11, 8, 0, 14, 123456789, time.UTC)
	return vmplane.Instance{
		ID: "20000001", Seq: 7, Cloud: "ncloud", Account: "team-b", Name: "web ü 1", SpecID: "c2-g3", VCPU: 2, MemoryMiB: 4096,
		DiskType: "SSD", DiskGiB: 50, ImageID: "23214590", Region: "KR", Zone: "KR-1", Charge: vmplane.ChargePrepaid,
		PeriodMonths: 12, Power: vmplane.PowerStopped, Protected: true, CreatedAt: at, LaunchedAt: at.Add(time.Minute),
		UpdatedAt: at.Add(time.Hour),
		Scheduled: &vmplane.ScheduledChange{SpecID: "c4-g3", At: at.AddDate(0, 1, 0), Order: "ORD-1"},
		Last: &vmplane.OperationSummary{ID: "op-9", Kind: vmplane.KindResize, State: vmplane.OpFailed, SpecID: "c4-g3",
			ErrorCode: "25041", FinishedAt: at.Add(2 * time.Hour)},
		Attrs: map[string]string{"vpcNo": "75", "": "empty key", "tags": `[{"k":"v"}]`},
	}
}

// A record gives back every field of the instance it was made of.
func TestRecordRoundTrips(t *testing.T) {
	for _, in := range []vmplane.Instance{fullInstance(), {ID: "1", Cloud: "huawei", Power: vmplane.PowerRunning}} {
		var got vmplane.Instance
		if err := decodeInstance(appendInstance(nil, &in), &got, newInterner()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("got  %+v\nwant %+v", got, in)
		}
	}
}

// Every cut and every flipped byte of a record is refused or decoded,
// never a panic; a cut one is always refused.
func TestCorruptRecordsAreRefused(t *testing.T) {
	in := fullInstance()
	b := appendInstance(nil, &in)
	for n := range len(b) {
		var got vmplane.Instance
		if err := decodeInstance(b[:n], &got, newInterner()); err == nil {
			t.Errorf("a record cut to %d of %d bytes was accepted", n, len(b))
		}
	}
	for i := range b {
		c := append([]byte(nil), b...)
		c[i] ^= 0xff
		var got vmplane.Instance
		_ = decodeInstance(c, &got, newInterner())
	}
}

func FuzzDecodeInstance(f *testing.F) {
	in := fullInstance()
	f.Add(appendInstance(nil, &in))
	f.Add(appendInstance(nil, &vmplane.Instance{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got vmplane.Instance
		if err := decodeInstance(b, &got, newInterner()); err != nil {
			return
		}
		// What decodes encodes to a record that decodes to the same.
		var again vmplane.Instance
		if err := decodeInstance(appendInstance(nil, &got), &again, newInterner()); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("%+v re-decoded as %+v (%v)", got, again, err)
		}
	})
}

func BenchmarkDecodeInstance(b *testing.B) {
	in := fullInstance()
	in.Scheduled, in.Last, in.Attrs = nil, nil, nil
	rec := appendInstance(nil, &in)
	intern := newInterner()
	var out vmplane.Instance
	b.ReportAllocs()
	for b.Loop() {
		if err := decodeInstance(rec, &out, intern); err != nil {
			b.Fatal(err)
		}
	}
}

func fullOperation() vmplane.Operation {
	at := time.Date(2025, 6, 11, 8, 0, 14, 5, time.UTC)
	return vmplane.Operation{
		ID: "op-7", Seq: 7, JobID: "job-6", Cloud: "huawei", Account: "team-b", InstanceID: "srv-1", Kind: vmplane.KindResize,
		Mode: vmplane.ModeStopFirst, Hard: true, Batch: true, SpecID: "s6.large.2", FromSpecID: "s6.small.1",
		Steps: []vmplane.Step{{Action: vmplane.ActionPowerOff, Then: vmplane.PowerStopped}, {Action: vmplane.ActionApplySpec, Then: vmplane.PowerStopped},
			{Action: vmplane.ActionPowerOn, Then: vmplane.PowerRunning}},
		Step: 1, State: vmplane.OpFailed, FailTo: vmplane.PowerFailed, CreatedAt: at, StepStartedAt: at.Add(time.Second),
		DueAt: at.Add(5 * time.Second), FinishedAt: at.Add(6 * time.Second), ErrorCode: "Ecs.0207", ErrorMessage: "résumé \x00 failed",
		Fault: &vmplane.Fault{Rule: "f1", Effect: vmplane.FaultFail, Duration: time.Minute,
			Error: &vmplane.WireError{Code: "Ecs.0207", Message: "no", Status: 409}},
	}
}

// An operation's record gives back every field, with or without a fault.
func TestOperationRecordRoundTrips(t *testing.T) {
	noError := fullOperation()
	noError.Fault.Error = nil
	for _, op := range []vmplane.Operation{fullOperation(), noError, {ID: "1", Cloud: "ncloud", State: vmplane.OpRunning}} {
		var got vmplane.Operation
		if err := decodeOperation(appendOperation(nil, &op), &got, newInterner()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, op) {
			t.Errorf("got  %+v\nwant %+v", got, op)
		}
	}
	op := fullOperation()
	b := appendOperation(nil, &op)
	for n := range len(b) {
		var got vmplane.Operation
		if err := decodeOperation(b[:n], &got, newInterner()); err == nil {
			t.Errorf("a record cut to %d of %d bytes was accepted", n, len(b))
		}
	}
}

// An operation recorded before Batch was (version 1, without its byte)
// reads as it was, not a batch.
func TestOperationRecordOfVersion1ReadsAsNoBatch(t *testing.T) {
	op := fullOperation()
	op.Batch = false
	v1 := appendOperation(nil, &op)
	v1 = v1[:len(v1)-1]
	v1[0] = 1
	var got vmplane.Operation
	if err := decodeOperation(v1, &got, newInterner()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, op) {
		t.Errorf("got  %+v\nwant %+v", got, op)
	}
}

func FuzzDecodeOperation(f *testing.F) {
	op := fullOperation()
	f.Add(appendOperation(nil, &op))
	f.Add(appendOperation(nil, &vmplane.Operation{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got vmplane.Operation
		if err := decodeOperation(b, &got, newInterner()); err != nil {
			return
		}
		var again vmplane.Operation
		if err := decodeOperation(appendOperation(nil, &got), &again, newInterner()); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("%+v re-decoded as %+v (%v)", got, again, err)
		}
	})
}
