// Package zenlayer serves the Zenlayer Cloud VM API 2.0 (POST /api/v2/vm with X-ZC-Action).
package zenlayer

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/vmplane/vmplane"
)

// Routes are the path prefixes the handler serves.
var Routes = []string{"/api/v2/"}

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
	for _, name := range []string{"zenlayer"} {
		out = append(out, &vmplane.Cloud{Name: name, Catalog: &vmplane.Catalog{}})
	}
	return out
}

// NewHandler returns the API handler. (Not implemented yet.)
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	return http.NotFoundHandler()
}
