package vmplane

import (
	"log/slog"
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
