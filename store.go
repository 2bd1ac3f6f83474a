package vmplane

import (
	"context"
	"time"
)

// Store makes the core's state durable. The core keeps the live state in
// memory and commits every change through the Store before it answers the
// request that made it; Load rebuilds the live state after a restart.
//
// Commit may be called from many goroutines at once; a Store is free to
// group concurrent commits into one transaction, but each call returns only
// once its changes are durable.
type Store interface {
	// Load returns everything the core needs to resume.
	Load(ctx context.Context) (*Snapshot, error)
	// Commit durably applies a set of changes, all or nothing.
	Commit(ctx context.Context, c *Changes) error
	// FindOperations returns finished operations the core no longer keeps in memory.
	FindOperations(ctx context.Context, f OperationFilter) ([]Operation, error)
	// PruneOperations removes the operations that finished before a time,
	// but none of a job that still has one running, and says how many.
	// Commits go on while it runs.
	PruneOperations(ctx context.Context, finishedBefore time.Time) (int, error)
	// Setting and PutSetting keep small named values (such as the clock's state).
	Setting(ctx context.Context, key string) (string, error)
	PutSetting(ctx context.Context, key, value string) error
	// Reset removes all state.
	Reset(ctx context.Context) error
	Close() error
}

// Snapshot is the state Load returns.
type Snapshot struct {
	Accounts []Account
	// Instances are the ones not deleted, each its own allocation: the core
	// keeps them, and drops each one the moment it replaces it. (One array
	// of them all would stay whole as long as one of them is kept.)
	Instances []*Instance
	// Operations are the ones still running.
	Operations []Operation
	// JobOperations are the finished operations of the jobs still running:
	// a job is shown whole.
	JobOperations []Operation
	// Resources are the ones not deleted.
	Resources []Resource
	// Seq is the highest sequence number handed out so far.
	Seq int64
}

// Changes is one atomic set of upserts.
type Changes struct {
	Accounts   []Account
	Instances  []Instance
	Operations []Operation
	// Resources are upserted, or removed when Deleted.
	Resources []Resource
	// Seq, when non-zero, is the new highest sequence number.
	Seq int64
}

// Empty reports whether there is nothing to commit.
func (c *Changes) Empty() bool {
	return len(c.Accounts) == 0 && len(c.Instances) == 0 && len(c.Operations) == 0 && len(c.Resources) == 0 && c.Seq == 0
}

// OperationFilter selects operations from the store.
type OperationFilter struct {
	Cloud      string
	Account    string
	JobID      string
	InstanceID string
	// FinishedBefore keeps operations that finished before it (zero: any).
	FinishedBefore time.Time
	Limit          int
}
