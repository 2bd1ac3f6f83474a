package sqlite

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"

	"github.com/vmplane/vmplane"
)

// Instances and operations are stored as records: every field, in a
// compact binary form that the store alone reads and writes, next to the
// few columns SQL needs (keys, what is filtered and indexed on) and a person
// reading the tables wants. A restart decodes one column per instance
// instead of twenty, and a commit binds a few values instead of twenty:
// columns were most of the cost of both.
//
// The form: a version byte, then each field in the order of appendInstance,
// strings as a uvarint length and bytes, integers as varints, times as a
// presence byte and Unix nanoseconds, optional parts (the scheduled change,
// the last operation) as a presence byte and their fields, attributes as a
// count and sorted pairs.

const recordVersion = 1

// operationVersion is an operation record's version: 2 adds Batch at the
// end; a version 1 record, written before, reads as no batch.
const operationVersion = 2

var errCorruptRecord = errors.New("sqlite: corrupt record")

func appendInstance(b []byte, in *vmplane.Instance) []byte {
	b = append(b, recordVersion)
	for _, s := range []string{in.ID, in.Cloud, in.Account, in.Name, in.SpecID, in.DiskType, in.ImageID, in.Region, in.Zone,
		string(in.Charge), string(in.Power)} {
		b = appendString(b, s)
	}
	for _, n := range []int64{in.Seq, int64(in.VCPU), int64(in.MemoryMiB), int64(in.DiskGiB), int64(in.PeriodMonths)} {
		b = binary.AppendVarint(b, n)
	}
	b = appendBool(b, in.Protected)
	b = appendTime(appendTime(appendTime(b, in.CreatedAt), in.LaunchedAt), in.UpdatedAt)
	b = appendBool(b, in.Scheduled != nil)
	if c := in.Scheduled; c != nil {
		b = appendString(appendTime(appendString(b, c.SpecID), c.At), c.Order)
	}
	b = appendBool(b, in.Last != nil)
	if l := in.Last; l != nil {
		for _, s := range []string{l.ID, string(l.Kind), string(l.State), l.SpecID, l.ErrorCode} {
			b = appendString(b, s)
		}
		b = appendTime(b, l.FinishedAt)
	}
	b = binary.AppendUvarint(b, uint64(len(in.Attrs)))
	keys := make([]string, 0, len(in.Attrs))
	for k := range in.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendString(appendString(b, k), in.Attrs[k])
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), t.UnixNano())
}

// recordReader decodes a record; its first error sticks, and every read
// after it returns a zero value.
type recordReader struct {
	b   []byte
	err error
	*interner
}

// interner keeps one copy of the strings many instances share (cloud,
// account, spec, zone, ...) for the records of one load. Neighbouring
// records mostly share them all: each shared field first compares with what
// the previous record had there, and only then looks the string up.
type interner struct {
	strings map[string]string
	last    []string
	field   int
}

func newInterner() *interner { return &interner{strings: make(map[string]string)} }

func (in *interner) next() { in.field = 0 }

func (in *interner) get(b []byte) string {
	i := in.field
	in.field++
	if i < len(in.last) && in.last[i] == string(b) {
		return in.last[i]
	}
	s, ok := in.strings[string(b)]
	if !ok {
		s = string(b)
		in.strings[s] = s
	}
	if i < len(in.last) {
		in.last[i] = s
	} else {
		in.last = append(in.last, s)
	}
	return s
}

func (r *recordReader) fail() { r.err, r.b = errCorruptRecord, nil }

func (r *recordReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recordReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recordReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *recordReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *recordReader) string() string { return string(r.bytes()) }

// shared reads a string that many instances share, keeping one copy.
func (r *recordReader) shared() string { return r.get(r.bytes()) }

func (r *recordReader) bool() bool { return r.byte() == 1 }

func (r *recordReader) int() int { return int(r.varint()) }

func (r *recordReader) time() time.Time {
	if r.byte() == 0 {
		return time.Time{}
	}
	return time.Unix(0, r.varint()).UTC()
}

// decodeInstance reads a record into in.
func decodeInstance(b []byte, in *vmplane.Instance, intern *interner) error {
	intern.next()
	r := &recordReader{b: b, interner: intern}
	if r.byte() != recordVersion {
		return errCorruptRecord
	}
	in.ID, in.Cloud, in.Account, in.Name = r.string(), r.shared(), r.shared(), r.string()
	in.SpecID, in.DiskType, in.ImageID, in.Region, in.Zone = r.shared(), r.shared(), r.shared(), r.shared(), r.shared()
	in.Charge, in.Power = vmplane.ChargeType(r.shared()), vmplane.PowerState(r.shared())
	in.Seq, in.VCPU, in.MemoryMiB, in.DiskGiB, in.PeriodMonths = r.varint(), r.int(), r.int(), r.int(), int32(r.varint())
	in.Protected = r.bool()
	in.CreatedAt, in.LaunchedAt, in.UpdatedAt = r.time(), r.time(), r.time()
	if r.bool() {
		in.Scheduled = &vmplane.ScheduledChange{SpecID: r.shared(), At: r.time(), Order: r.string()}
	}
	if r.bool() {
		in.Last = &vmplane.OperationSummary{ID: r.string(), Kind: vmplane.Kind(r.shared()), State: vmplane.OpState(r.shared()),
			SpecID: r.shared(), ErrorCode: r.shared(), FinishedAt: r.time()}
	}
	if n := r.uvarint(); n > 0 && r.err == nil {
		if n > uint64(len(r.b)) { // each pair takes two bytes at least
			return errCorruptRecord
		}
		in.Attrs = make(map[string]string, n)
		for range n {
			k := r.shared()
			in.Attrs[k] = r.string()
		}
	}
	if r.err == nil && len(r.b) != 0 {
		return errCorruptRecord
	}
	return r.err
}

func appendOperation(b []byte, op *vmplane.Operation) []byte {
	b = append(b, operationVersion)
	for _, s := range []string{op.ID, op.JobID, op.Cloud, op.Account, op.InstanceID, string(op.Kind), string(op.Mode),
		op.SpecID, op.FromSpecID, string(op.State), string(op.FailTo), op.ErrorCode, op.ErrorMessage} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(binary.AppendVarint(b, op.Seq), int64(op.Step))
	b = appendBool(b, op.Hard)
	b = binary.AppendUvarint(b, uint64(len(op.Steps)))
	for _, st := range op.Steps {
		b = appendString(appendString(b, string(st.Action)), string(st.Then))
	}
	for _, t := range []time.Time{op.CreatedAt, op.StepStartedAt, op.DueAt, op.FinishedAt} {
		b = appendTime(b, t)
	}
	b = appendBool(b, op.Fault != nil)
	if f := op.Fault; f != nil {
		b = binary.AppendVarint(appendString(appendString(b, f.Rule), string(f.Effect)), int64(f.Duration))
		b = appendBool(b, f.Error != nil)
		if e := f.Error; e != nil {
			b = binary.AppendVarint(appendString(appendString(b, e.Code), e.Message), int64(e.Status))
		}
	}
	return appendBool(b, op.Batch)
}

// decodeOperation reads a record into op.
func decodeOperation(b []byte, op *vmplane.Operation, intern *interner) error {
	intern.next()
	r := &recordReader{b: b, interner: intern}
	version := r.byte()
	if version != 1 && version != operationVersion {
		return errCorruptRecord
	}
	op.ID, op.JobID, op.Cloud, op.Account, op.InstanceID = r.string(), r.string(), r.shared(), r.shared(), r.string()
	op.Kind, op.Mode, op.SpecID, op.FromSpecID = vmplane.Kind(r.shared()), vmplane.Mode(r.shared()), r.shared(), r.shared()
	op.State, op.FailTo = vmplane.OpState(r.shared()), vmplane.PowerState(r.shared())
	op.ErrorCode, op.ErrorMessage = r.shared(), r.string()
	op.Seq, op.Step, op.Hard = r.varint(), r.int(), r.bool()
	if n := r.uvarint(); n > 0 && r.err == nil {
		if n > uint64(len(r.b)) { // each step takes two bytes at least
			return errCorruptRecord
		}
		op.Steps = make([]vmplane.Step, n)
		for i := range op.Steps {
			op.Steps[i] = vmplane.Step{Action: vmplane.Action(r.shared()), Then: vmplane.PowerState(r.shared())}
		}
	}
	op.CreatedAt, op.StepStartedAt, op.DueAt, op.FinishedAt = r.time(), r.time(), r.time(), r.time()
	if r.bool() {
		op.Fault = &vmplane.Fault{Rule: r.string(), Effect: vmplane.FaultEffect(r.shared()), Duration: time.Duration(r.varint())}
		if r.bool() {
			op.Fault.Error = &vmplane.WireError{Code: r.shared(), Message: r.string(), Status: r.int()}
		}
	}
	if version >= 2 {
		op.Batch = r.bool()
	}
	if r.err == nil && len(r.b) != 0 {
		return errCorruptRecord
	}
	return r.err
}
