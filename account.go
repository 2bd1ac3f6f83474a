package vmplane

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Account owns instances. Its keys sign requests for every cloud, and its
// project id is the project a cloud that scopes requests by project uses.
type Account struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	ProjectID string    `json:"projectId"`
	Keys      []Key     `json:"keys"`
	CreatedAt time.Time `json:"createdAt"`
}

// Key is an access key pair.
type Key struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

// LogValue keeps secret keys out of logs.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.AccessKey) }

// LogValue keeps an account's secret keys out of logs.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", a.ID), slog.String("project", a.ProjectID))
}

// String keeps secret keys out of formatted output.
func (k Key) String() string { return k.AccessKey + ":********" }

// AccountCreate asks for a new account. Empty fields are generated.
type AccountCreate struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	ProjectID string `json:"projectId,omitempty"`
	Keys      []Key  `json:"keys,omitempty"`
}

// ensureDefaultAccount makes the default account what the configuration
// says: the keys and project id it was given, or else those it had, or
// those prev had (the default account before a reset), or new ones.
func (s *Service) ensureDefaultAccount(ctx context.Context, prev *Account) error {
	s.mu.RLock()
	cur := s.accounts[s.defAcct.ID]
	s.mu.RUnlock()
	if cur != nil && (len(s.defAcct.Keys) == 0 || slices.Equal(cur.Keys, s.defAcct.Keys)) &&
		(s.defAcct.ProjectID == "" || cur.ProjectID == s.defAcct.ProjectID) {
		return nil
	}
	had := cmp.Or(cur, prev)
	_, err := s.mutate(ctx, func(t *txn) error {
		a := Account{ID: s.defAcct.ID, Name: s.defAcct.Name, ProjectID: s.defAcct.ProjectID, Keys: s.defAcct.Keys, CreatedAt: t.now}
		if cur != nil {
			a.CreatedAt = cur.CreatedAt
		}
		if had != nil {
			a.ProjectID = cmp.Or(a.ProjectID, had.ProjectID)
			if len(a.Keys) == 0 {
				a.Keys = had.Keys
			}
		}
		return t.putAccount(a, cur)
	})
	return err
}

// FindAccountByKey returns the account an access key belongs to and the key.
func (s *Service) FindAccountByKey(accessKey string) (*Account, Key, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.keys[accessKey]
	if a == nil {
		return nil, Key{}, notFound("key", accessKey)
	}
	for _, k := range a.Keys {
		if k.AccessKey == accessKey {
			return a, k, nil
		}
	}
	return nil, Key{}, notFound("key", accessKey)
}

// FindAccountByProject returns the account that owns a project id.
func (s *Service) FindAccountByProject(projectID string) (*Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a := s.projects[projectID]; a != nil {
		return a, nil
	}
	return nil, notFound("project", projectID)
}

// FindAccountByID returns an account.
func (s *Service) FindAccountByID(id string) (*Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a := s.accounts[id]; a != nil {
		return a, nil
	}
	return nil, notFound("account", id)
}

// Accounts lists every account.
func (s *Service) Accounts() []Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// CreateAccount adds an account; missing ids and keys are generated.
func (s *Service) CreateAccount(ctx context.Context, req AccountCreate) (Account, error) {
	var out Account
	_, err := s.mutate(ctx, func(t *txn) error {
		a := Account{ID: req.ID, Name: req.Name, ProjectID: req.ProjectID, Keys: req.Keys, CreatedAt: t.now}
		if a.ID == "" {
			a.ID = "acct-" + randomHex(6)
		}
		if s.accounts[a.ID] != nil {
			return &Error{Code: EINVALID, Subject: "id", ID: a.ID, Message: fmt.Sprintf("Account %q already exists.", a.ID)}
		}
		out = a
		return t.putAccount(a, nil)
	})
	if err != nil {
		return Account{}, err
	}
	a, _ := s.FindAccountByID(out.ID)
	return *a, nil
}

// GenerateKey returns a new random access key pair.
func GenerateKey() Key {
	return Key{AccessKey: strings.ToUpper(randomHex(10)), SecretKey: randomHex(20)}
}

// GenerateProjectID returns a new random project id: 32 hex digits.
func GenerateProjectID() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Service) putAccount(a *Account) {
	if old := s.accounts[a.ID]; old != nil {
		for _, k := range old.Keys {
			delete(s.keys, k.AccessKey)
		}
		delete(s.projects, old.ProjectID)
	}
	s.accounts[a.ID] = a
	for _, k := range a.Keys {
		s.keys[k.AccessKey] = a
	}
	if a.ProjectID != "" {
		s.projects[a.ProjectID] = a
	}
}
