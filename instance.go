package vmplane

import (
	"cmp"
	"time"
)

// PowerState is where an instance has settled. While an operation is in
// flight the instance keeps the state it had until the operation's current
// step completes: a server being stopped is still running, which is what
// every cloud shows (NCP RUN/SHTDN, ECS ACTIVE/powering-off, ...).
type PowerState string

const (
	// PowerNone is the state before an instance exists; only create leaves it.
	PowerNone     PowerState = ""
	PowerBuilding PowerState = "building"
	PowerRunning  PowerState = "running"
	PowerStopped  PowerState = "stopped"
	// PowerFailed is where a failed operation leaves an instance whose real
	// state is unknown; start, stop and terminate recover from it.
	PowerFailed PowerState = "failed"
	// PowerRecycled is a soft-deleted instance: powered off, kept, and only
	// able to be terminated for good.
	PowerRecycled PowerState = "recycled"
	// PowerDeleted instances are gone; they are kept in the store for history.
	PowerDeleted PowerState = "deleted"
)

// PowerStates lists every state an instance can be in, for tables and tests.
var PowerStates = []PowerState{PowerNone, PowerBuilding, PowerRunning, PowerStopped, PowerFailed, PowerRecycled, PowerDeleted}

// ChargeType is how an instance is billed.
type ChargeType string

const (
	ChargePayPerUse ChargeType = "pay_per_use"
	ChargePrepaid   ChargeType = "prepaid"
	ChargeSpot      ChargeType = "spot"
)

// Valid reports whether c is a known charge type.
func (c ChargeType) Valid() bool {
	return c == ChargePayPerUse || c == ChargePrepaid || c == ChargeSpot
}

// Instance is one server. Values are snapshots: the core never changes a
// published Instance, it replaces it, so a caller may keep and read one freely.
type Instance struct {
	ID      string `json:"id"`
	Seq     int64  `json:"seq"` // creation order, unique across clouds
	Cloud   string `json:"cloud"`
	Account string `json:"account"`
	Name    string `json:"name"`

	SpecID    string `json:"spec"`
	VCPU      int    `json:"vcpu"`
	MemoryMiB int    `json:"memoryMiB"`
	DiskType  string `json:"diskType,omitempty"`
	DiskGiB   int    `json:"diskGiB,omitempty"`
	ImageID   string `json:"image,omitempty"`
	Region    string `json:"region,omitempty"`
	Zone      string `json:"zone,omitempty"`

	Charge ChargeType `json:"charge"`
	Power  PowerState `json:"power"`
	// PeriodMonths is the billing cycle of a prepaid instance. An int32
	// beside a bool: the two share a word, which keeps an Instance in a
	// smaller allocation class (TestInstanceFitsItsAllocationClass).
	PeriodMonths int32 `json:"periodMonths,omitempty"`
	Protected    bool  `json:"protected,omitempty"`

	CreatedAt  time.Time `json:"createdAt"`
	LaunchedAt time.Time `json:"launchedAt,omitzero"` // last completed power-on or reboot: the start of uptime
	UpdatedAt  time.Time `json:"updatedAt"`

	// Op is the operation in flight, nil when the instance is idle.
	Op *Operation `json:"operation,omitempty"`
	// Scheduled is a spec change waiting for a point in time.
	Scheduled *ScheduledChange `json:"scheduled,omitempty"`
	// Last summarises the most recent finished operation.
	Last *OperationSummary `json:"last,omitempty"`

	// Attrs holds what a cloud records about an instance that the core has
	// no use for (network ids, key names, descriptions, ...). Only the cloud
	// that created the instance reads it.
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Idle reports whether no operation is in flight.
func (in *Instance) Idle() bool { return in.Op == nil }

// Attr returns a cloud attribute, or "" when unset.
func (in *Instance) Attr(key string) string { return in.Attrs[key] }

// CycleEnd returns the end of the prepaid billing cycle that contains t: the
// first whole number of periods after creation that is later than t.
// It returns the zero time for instances that are not prepaid.
func (in *Instance) CycleEnd(t time.Time) time.Time {
	if in.Charge != ChargePrepaid || in.PeriodMonths <= 0 {
		return time.Time{}
	}
	end := in.CreatedAt
	for n := 1; !end.After(t); n++ {
		end = in.CreatedAt.AddDate(0, n*int(in.PeriodMonths), 0)
	}
	return end
}

// ScheduledChange is a resize that takes effect at a point in time, such as
// a prepaid downgrade at the end of the billing cycle.
type ScheduledChange struct {
	SpecID string    `json:"spec"`
	At     time.Time `json:"at"`
	// Order identifies the change to the client (an order number).
	Order string `json:"order,omitempty"`
}

// OperationSummary is what an instance remembers of its last operation.
type OperationSummary struct {
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	State      OpState   `json:"state"`
	SpecID     string    `json:"spec,omitempty"` // the target of a resize
	ErrorCode  string    `json:"errorCode,omitempty"`
	FinishedAt time.Time `json:"finishedAt"`
}

// Scope is the part of the world one caller sees: one cloud, one account.
type Scope struct {
	Cloud   string
	Account string
}

// InstanceFilter selects instances within a scope.
type InstanceFilter struct {
	Scope
	// IDs keeps only these instances; unknown ids are ignored.
	IDs []string
	// Region keeps only the instances of one region ("": any).
	Region string
	// Match keeps only the instances it returns true for. Clouds use it to
	// filter on their own wire codes.
	Match func(*Instance) bool
	// Compare orders the result; nil means creation order.
	Compare func(a, b *Instance) int
	// Newest lists the newest instances first, when there is no Compare.
	Newest bool
	// After starts the result after this instance of Scope.Cloud (a paging
	// marker): after where it is, or would be, in the order, whether or not
	// it matches. An unknown instance is ENOTFOUND, subject "marker".
	After string
	// Offset and Limit page the result; Limit 0 means no limit.
	Offset, Limit int
}

// BySeq orders instances by creation.
func BySeq(a, b *Instance) int { return cmp.Compare(a.Seq, b.Seq) }

// InstanceCreate asks for new instances.
type InstanceCreate struct {
	Scope
	// Names has one name per instance; its length is the number created.
	Names     []string
	SpecID    string
	ImageID   string
	Zone      string
	DiskType  string
	DiskGiB   int
	Charge    ChargeType
	Period    int32 // months, for prepaid
	Protected bool
	Attrs     map[string]string
}

// InstanceSeed places an instance in any state, for fixtures and tests.
type InstanceSeed struct {
	Cloud     string            `json:"cloud"`
	Account   string            `json:"account,omitempty"` // default account when empty
	ID        string            `json:"id,omitempty"`      // generated when empty
	Name      string            `json:"name,omitempty"`
	SpecID    string            `json:"spec"`
	ImageID   string            `json:"image,omitempty"`
	Zone      string            `json:"zone,omitempty"`
	DiskType  string            `json:"diskType,omitempty"`
	DiskGiB   int               `json:"diskGiB,omitempty"`
	Charge    ChargeType        `json:"charge,omitempty"`
	Period    int32             `json:"periodMonths,omitempty"`
	Power     PowerState        `json:"power,omitempty"` // running when empty
	Protected bool              `json:"protected,omitempty"`
	CreatedAt time.Time         `json:"createdAt,omitzero"`
	Attrs     map[string]string `json:"attrs,omitempty"`
	// Operation, when set, leaves an operation in flight on the instance,
	// accepted at seeding time as if a client had asked for it.
	Operation *SeedOperation `json:"operation,omitempty"`
	// Scheduled, when set, leaves a scheduled change on the instance.
	Scheduled *ScheduledChange `json:"scheduled,omitempty"`
}

// SeedOperation is an operation left in flight by a seed.
type SeedOperation struct {
	Kind   Kind   `json:"kind"`
	Mode   Mode   `json:"mode,omitempty"`
	SpecID string `json:"spec,omitempty"`
	Hard   bool   `json:"hard,omitempty"`
}
