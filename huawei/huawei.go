// Package huawei serves the Huawei Cloud ECS API (/v1/{project_id}/cloudservers/..., jobs)
// as the official SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2)
// calls it, signed with SDK-HMAC-SHA256, and the IAM project look-up
// (GET /v3/projects) that region-based clients make first.
package huawei

import (
	"bytes"
	"crypto/hmac"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/catalog"
)

// Routes are the path prefixes the handler serves.
var Routes = []string{"/v1/", "/v1.1/", "/v2/", "/v3/"}

// cloudName is the cloud's name in the core.
const cloudName = "huawei"

// maxBody is the largest request body the gateway takes (reference §1.4).
const maxBody = 12 << 20

// Config configures a Handler.
type Config struct {
	Logger *slog.Logger
	// Now is the wall clock request signatures are checked against
	// (default time.Now): clients sign with real time, whatever the core's
	// virtual clock says.
	Now func() time.Time
}

//go:embed catalog.yaml
var catalogYAML []byte

// Clouds returns the clouds this dialect registers with the core, with their
// embedded catalogs.
func Clouds() []*vmplane.Cloud {
	return []*vmplane.Cloud{{
		Name:        cloudName,
		Catalog:     catalog.MustParse(catalogYAML),
		InstanceID:  serverID,
		OperationID: jobID,
		JobID:       jobID,
	}}
}

// Handler serves the ECS API.
type Handler struct {
	svc    *vmplane.Service
	log    *slog.Logger
	now    func() time.Time
	mux    *http.ServeMux
	tokens clientTokens
}

// call is one authenticated request.
type call struct {
	r       *http.Request
	body    []byte
	account *vmplane.Account
	scope   vmplane.Scope
}

// endpoint serves one API once its caller is authenticated.
type endpoint func(w http.ResponseWriter, c *call) error

// NewHandler returns the API handler.
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	h := &Handler{svc: svc, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	// Actions are named after the SDK's methods.
	routes := []struct {
		pattern, action string
		serve           endpoint
	}{
		{"POST /v1/{project_id}/cloudservers", "CreatePostPaidServers", h.createServers},
		{"POST /v1.1/{project_id}/cloudservers", "CreateServers", h.createServers},
		{"POST /v1/{project_id}/cloudservers/delete", "DeleteServers", h.deleteServers},
		{"POST /v1/{project_id}/cloudservers/action", "BatchServersAction", h.batchAction},
		{"GET /v1/{project_id}/cloudservers/detail", "ListServersDetails", h.listServers},
		{"GET /v1.1/{project_id}/cloudservers/detail", "ListCloudServers", h.listCloudServers},
		{"GET /v1/{project_id}/cloudservers/{server_id}", "ShowServer", h.showServer},
		{"PUT /v1/{project_id}/cloudservers/{server_id}", "UpdateServer", h.updateServer},
		{"PUT /v1/{project_id}/cloudservers/server-name", "BatchUpdateServersName", h.batchRename},
		{"PUT /v1/{project_id}/cloudservers/{server_id}/os-reset-password", "ResetServerPassword", h.resetServerPassword},
		{"PUT /v1/{project_id}/cloudservers/os-reset-passwords", "BatchResetServersPassword", h.batchResetPasswords},
		{"POST /v1/{project_id}/cloudservers/{server_id}/resize", "ResizePostPaidServer", h.resizePostPaid},
		{"POST /v1.1/{project_id}/cloudservers/{server_id}/resize", "ResizeServer", h.resizeServer},
		{"POST /v1/{project_id}/cloudservers/batch-resize", "BatchResizeServers", h.batchResize},
		{"GET /v1/{project_id}/cloudservers/resize_flavors", "ListResizeFlavors", h.listResizeFlavors},
		{"GET /v1/{project_id}/cloudservers/{server_id}/tags", "ShowServerTags", h.showServerTags},
		{"POST /v1/{project_id}/cloudservers/{server_id}/tags/action", "BatchCreateServerTags", h.tagAction},
		{"GET /v1/{project_id}/cloudservers/tags", "ListServerTags", h.listProjectTags},
		{"GET /v1/{project_id}/cloudservers/flavors", "ListFlavors", h.listFlavors},
		{"POST /v2/{project_id}/cloudservers/{server_id}/reinstallos", "ReinstallServerWithCloudInit", h.reinstallOS},
		{"POST /v2/{project_id}/cloudservers/{server_id}/changeos", "ChangeServerOsWithCloudInit", h.changeOS},
		{"GET /v1/{project_id}/jobs/{job_id}", "ShowJob", h.showJob},
		{"GET /v3/projects", "KeystoneListProjects", h.listProjects},
	}
	for _, rt := range routes {
		h.mux.Handle(rt.pattern, h.serve(rt.action, strings.Contains(rt.pattern, "{project_id}"), rt.serve))
	}
	// The gateway answers for any path or method it does not publish.
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNoAPI) })
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := access.From(r.Context())
	rec.Cloud = cloudName
	w.Header().Set("X-Request-Id", rec.Hex())
	h.mux.ServeHTTP(w, r)
}

// serve authenticates a request for f; inProject says the path names a
// project, which must be the signing account's.
func (h *Handler) serve(action string, inProject bool, f endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		access.From(r.Context()).Action = action
		c, err := h.authenticate(r, inProject)
		if err == nil {
			err = f(w, c)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	})
}

// authenticate checks the request's signature, the way the API gateway
// does, and that the project in the path is the signing account's.
func (h *Handler) authenticate(r *http.Request, inProject bool) (*call, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		if r.Header.Get("X-Auth-Token") != "" {
			return nil, authError("decrypt token fail") // vmplane knows no IAM tokens
		}
		return nil, authError("x-auth-token not found")
	}
	auth, err := parseAuthorization(header)
	if err != nil {
		return nil, authError("verify aksk signature fail")
	}
	date := r.Header.Get("X-Sdk-Date")
	at, err := time.Parse(dateLayout, date)
	if err != nil || !slices.Contains(auth.SignedHeaders, "x-sdk-date") {
		return nil, authError("verify aksk signature fail")
	}
	if d := h.now().Sub(at); d > maxSkew || d < -maxSkew {
		return nil, authError("calc ak sk signature fail:signature expired")
	}
	acct, key, err := h.svc.FindAccountByKey(auth.AccessKey)
	if err != nil {
		return nil, authError("Get secretKey failed,ak:******,err:ak not exist")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "APIGW.0201", Message: "Request entity too large.", Gateway: true}
		}
		return nil, &apiError{Status: http.StatusBadRequest, Code: "APIGW.0201", Message: "API request error.", Gateway: true}
	}
	canonical := canonicalRequest(r, body, auth.SignedHeaders)
	if !hmac.Equal([]byte(signature(key.SecretKey, date, canonical)), []byte(auth.Signature)) {
		// The gateway shows its canonical request, newlines as bars, so
		// that a client can see where it differs; it holds no secret.
		return nil, authError("verify aksk signature fail,canonicalRequest:" + strings.ReplaceAll(canonical, "\n", "|"))
	}
	access.From(r.Context()).Account = acct.ID
	// Another account's project is refused like a wrong one: a key never
	// reaches another account's servers.
	if inProject && r.PathValue("project_id") != acct.ProjectID {
		return nil, errProject
	}
	if x := r.Header.Get("X-Project-Id"); x != "" && x != acct.ProjectID {
		return nil, errProject
	}
	return &call{r: r, body: body, account: acct, scope: vmplane.Scope{Cloud: cloudName, Account: acct.ID}}, nil
}

// fail answers err as ECS or its gateway would.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := toAPIError(err)
	if e.Status >= http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "huawei request failed", "err", err)
	}
	rec := access.From(r.Context())
	rec.Code = e.Code
	if e.Gateway {
		writeBody(w, e.Status, struct {
			Message   string `json:"error_msg"`
			Code      string `json:"error_code"`
			RequestID string `json:"request_id"`
		}{e.Message, e.Code, rec.Hex()})
		return
	}
	type body struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	writeBody(w, e.Status, struct {
		Error body `json:"error"`
	}{body{e.Message, e.Code}})
}

// reply answers a successful call.
func reply(w http.ResponseWriter, c *call, status int, v any) error {
	access.From(c.r.Context()).Code = "ok"
	writeBody(w, status, v)
	return nil
}

// bodies are the buffers answers are encoded into, reused: an answer is
// written whole before its buffer goes back, and a huge one is not kept.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeBody(w http.ResponseWriter, status int, v any) {
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bodies.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	var body []byte
	if err := enc.Encode(v); err == nil {
		body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	} else {
		status, body = http.StatusInternalServerError, []byte(`{"error":{"message":"A system exception occurred.","code":"Common.0001"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
