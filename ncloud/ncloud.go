// Package ncloud serves the NAVER Cloud Platform Server API, VPC (/vserver/v2) and Classic (/server/v2).
package ncloud

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/vmplane/vmplane"
)

// Routes are the path prefixes the handler serves.
var Routes = []string{"/vserver/v2/", "/server/v2/", "/vpc/v2/"}

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
	for _, name := range []string{"ncloud", "ncloud-classic"} {
		out = append(out, &vmplane.Cloud{Name: name, Catalog: &vmplane.Catalog{}})
	}
	return out
}

// NewHandler returns the API handler. (Not implemented yet.)
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	return http.NotFoundHandler()
}
