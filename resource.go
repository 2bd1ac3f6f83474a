package vmplane

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Resource is a cloud object that is not an instance — a login key, a public
// IP, an image made from a server — that a cloud needs kept. The core keeps
// it durable and scoped to an account, and knows nothing else of it: its
// Kind and Attrs are the cloud's.
type Resource struct {
	Cloud     string            `json:"cloud"`
	Account   string            `json:"account"`
	Kind      string            `json:"kind"`
	ID        string            `json:"id"`
	Seq       int64             `json:"seq"`
	Name      string            `json:"name,omitempty"`
	Attrs     map[string]string `json:"attrs,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
	// Deleted marks a removal in Changes; deleted resources are not loaded.
	Deleted bool `json:"deleted,omitempty"`
}

// Attr returns an attribute, or "" when unset.
func (r *Resource) Attr(key string) string { return r.Attrs[key] }

// ResourceCreate asks for a new resource.
type ResourceCreate struct {
	Scope
	Kind string
	// ID is the resource's id; empty means one from the cloud's
	// ResourceID format.
	ID    string
	Name  string
	Attrs map[string]string
	// UniqueName refuses (EEXISTS) a name already used by a resource of the
	// same kind in the scope.
	UniqueName bool
}

func resourceKey(cloud, kind, id string) string { return cloud + "/" + kind + "/" + id }

// CreateResource adds a resource.
func (s *Service) CreateResource(ctx context.Context, req ResourceCreate) (Resource, error) {
	cloud, ok := s.clouds[req.Cloud]
	if !ok {
		return Resource{}, notFound("cloud", req.Cloud)
	}
	if req.Kind == "" {
		return Resource{}, invalid("kind", "A resource needs a kind.")
	}
	var out Resource
	_, err := s.mutate(ctx, func(t *txn) error {
		seq := t.nextSeq()
		r := Resource{Cloud: req.Cloud, Account: req.Account, Kind: req.Kind, ID: req.ID, Seq: seq, Name: req.Name,
			Attrs: maps.Clone(req.Attrs), CreatedAt: t.now, UpdatedAt: t.now}
		if r.ID == "" {
			r.ID = cloud.resourceID(req.Kind, seq)
		}
		key := resourceKey(r.Cloud, r.Kind, r.ID)
		if s.reserved[key] || (req.UniqueName && s.reserved[resourceNameKey(&r)]) {
			return errReserved
		}
		if s.resources[key] != nil {
			return &Error{Code: EEXISTS, Subject: req.Kind, ID: r.ID, Message: fmt.Sprintf("%s %s already exists.", req.Kind, r.ID)}
		}
		if req.UniqueName {
			for _, o := range s.resources {
				if o.Cloud == r.Cloud && o.Account == r.Account && o.Kind == r.Kind && o.Name == r.Name {
					return &Error{Code: EEXISTS, Subject: req.Kind, ID: r.Name, Message: fmt.Sprintf("%s %q already exists.", req.Kind, r.Name)}
				}
			}
			t.holds = append(t.holds, resourceNameKey(&r))
		}
		t.putResource(&r)
		out = r
		return nil
	})
	return out, err
}

func resourceNameKey(r *Resource) string {
	return "name:" + r.Cloud + "/" + r.Account + "/" + r.Kind + "/" + r.Name
}

// FindResources returns the resources of a kind in scope, oldest first;
// ids, when given, keep only those.
func (s *Service) FindResources(ctx context.Context, scope Scope, kind string, ids ...string) []Resource {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Resource
	for _, r := range s.resources {
		if r.Cloud == scope.Cloud && r.Kind == kind && (scope.Account == "" || r.Account == scope.Account) &&
			(len(ids) == 0 || slices.Contains(ids, r.ID)) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b Resource) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// FindResourceByID returns one resource of scope.
func (s *Service) FindResourceByID(ctx context.Context, scope Scope, kind, id string) (Resource, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.resources[resourceKey(scope.Cloud, kind, id)]
	if r == nil || (scope.Account != "" && r.Account != scope.Account) {
		return Resource{}, notFound(kind, id)
	}
	return *r, nil
}

// UpdateResource merges attrs into a resource's ("" deletes a key).
func (s *Service) UpdateResource(ctx context.Context, scope Scope, kind, id string, attrs map[string]string) (Resource, error) {
	return s.changeResource(ctx, scope, kind, id, func(r *Resource) error {
		r.Attrs = mergeAttrs(r.Attrs, attrs)
		return nil
	})
}

// EditResource changes a copy of a resource's attributes inside the commit,
// so that it sees every change committed before it: a list kept in one
// attribute loses no addition made at the same moment. An error refuses
// the change.
func (s *Service) EditResource(ctx context.Context, scope Scope, kind, id string, edit func(attrs map[string]string) error) (Resource, error) {
	return s.changeResource(ctx, scope, kind, id, func(r *Resource) error {
		attrs, err := editAttrs(r.Attrs, edit)
		r.Attrs = attrs
		return err
	})
}

// changeResource commits change to a copy of a resource.
func (s *Service) changeResource(ctx context.Context, scope Scope, kind, id string, change func(r *Resource) error) (Resource, error) {
	var out Resource
	_, err := s.mutate(ctx, func(t *txn) error {
		cur, err := t.resource(scope, kind, id)
		if err != nil {
			return err
		}
		r := *cur
		if err := change(&r); err != nil {
			return err
		}
		r.UpdatedAt = t.now
		t.putResource(&r)
		out = r
		return nil
	})
	return out, err
}

// DeleteResource removes a resource.
func (s *Service) DeleteResource(ctx context.Context, scope Scope, kind, id string) error {
	_, err := s.mutate(ctx, func(t *txn) error {
		cur, err := t.resource(scope, kind, id)
		if err != nil {
			return err
		}
		r := *cur
		r.Deleted, r.UpdatedAt = true, t.now
		t.putResource(&r)
		return nil
	})
	return err
}

func (s *Service) putResource(r *Resource) {
	key := resourceKey(r.Cloud, r.Kind, r.ID)
	if r.Deleted {
		delete(s.resources, key)
		return
	}
	s.resources[key] = r
}
