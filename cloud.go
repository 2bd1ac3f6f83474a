package vmplane

import "fmt"

// Cloud describes one API dialect to the core: what it offers and the shape
// of the ids it hands out. A cloud package builds one and the server
// registers it; the core knows clouds only through these values.
type Cloud struct {
	// Name is the key instances and operations carry ("ncloud", ...).
	Name    string
	Catalog *Catalog
	// InstanceID, OperationID and JobID format the core's sequence numbers
	// as the cloud's ids. They must be injective. Nil means the decimal number.
	InstanceID  func(seq int64) string
	OperationID func(seq int64) string
	JobID       func(seq int64) string
	// ResourceID formats the ids of resources the cloud keeps (see
	// Resource); nil means the decimal number.
	ResourceID func(kind string, seq int64) string
}

func (c *Cloud) instanceID(seq int64) string  { return formatID(c.InstanceID, seq) }
func (c *Cloud) operationID(seq int64) string { return formatID(c.OperationID, seq) }
func (c *Cloud) jobID(seq int64) string       { return formatID(c.JobID, seq) }

func (c *Cloud) resourceID(kind string, seq int64) string {
	if c.ResourceID == nil {
		return fmt.Sprint(seq)
	}
	return c.ResourceID(kind, seq)
}

func formatID(f func(int64) string, seq int64) string {
	if f == nil {
		return fmt.Sprint(seq)
	}
	return f(seq)
}
