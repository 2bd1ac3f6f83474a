// Package huawei serves the Huawei Cloud ECS API (/v1/{project_id}/cloudservers/..., jobs).
package huawei

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/vmplane/vmplane"
)

// Routes are the path prefixes the handler serves.
var Routes = []string{"/v1/", "/v1.1/", "/v3/"}

// Config configures a Handler.
type Config struct {
	Logger *slog.Logger
	// Now is the wall clock request signatures are checked against
	// (default time.Now): clients sign with real time, whatever the core's
	// virtual clock says.
	Now func() time.Time
}

// Clouds returns the clouds this dialect registers with the core, with their
// embedded catalogs.
func Clouds() []*vmplane.Cloud {
	var out []*vmplane.Cloud
	for _, name := range []string{"huawei"} {
		out = append(out, &vmplane.Cloud{Name: name, Catalog: &vmplane.Catalog{}})
	}
	return out
}

// NewHandler returns the API handler. (Not implemented yet.)
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	return http.NotFoundHandler()
}
