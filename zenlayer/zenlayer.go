// Package zenlayer serves the Zenlayer Cloud VM API 2.0: every call is
// POST /api/v2/vm with a JSON body, the action in the X-ZC-Action header and
// a ZC2-HMAC-SHA256 signature. Success is HTTP 200 with
// {"requestId", "response": {...}}; failure is a 4xx/5xx with
// {"requestId", "code", "message"}. The official SDKs treat any 200 as
// success, so an error is never answered with one.
package zenlayer

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/catalog"
)

// Routes are the path prefixes the handler serves. Only /api/v2/vm is an
// API; other services under /api/v2/ get Zenlayer's error envelope.
var Routes = []string{"/api/v2/"}

// CloudName is the name the core knows Zenlayer instances by.
const CloudName = "zenlayer"

// Config configures a Handler.
type Config struct {
	Logger *slog.Logger
	// Now is the wall clock request signatures are checked against
	// (default time.Now): clients sign with real time, whatever the core's
	// virtual clock says.
	Now func() time.Time
	// TimestampTolerance is how far a signed timestamp may be from Now
	// (default DefaultTimestampTolerance).
	TimestampTolerance time.Duration
}

//go:embed catalog.yaml
var catalogYAML []byte

// Clouds returns the cloud this dialect registers with the core, with its
// embedded catalog.
func Clouds() []*vmplane.Cloud {
	return []*vmplane.Cloud{{
		Name:        CloudName,
		Catalog:     catalog.MustParse(catalogYAML),
		InstanceID:  instanceID,
		OperationID: operationID,
		JobID:       orderNumber,
	}}
}

// Id formats. The VM API's are not documented (UNVERIFIED): the bare metal
// and ZEC services use long numeric strings for instances and orders, so
// vmplane does too, offset so that they do not look like small counters.
func instanceID(seq int64) string  { return strconv.FormatInt(1_779_437_129_371_222_016+seq, 10) }
func orderNumber(seq int64) string { return strconv.FormatInt(1_748_930_000_000+seq, 10) }
func operationID(seq int64) string { return "op-" + strconv.FormatInt(seq, 10) }

// maxBody bounds a request body: 100 ids or a 32 KB init script fit many
// times over.
const maxBody = 1 << 20

// versions are the vm API versions the official clients send.
var versions = map[string]bool{"2023-03-13": true, "2026-04-01": true}

// Handler serves the VM API.
type Handler struct {
	svc       *vmplane.Service
	log       *slog.Logger
	now       func() time.Time
	tolerance time.Duration
}

// NewHandler returns the API handler.
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	h := &Handler{svc: svc, log: cfg.Logger, now: cfg.Now, tolerance: cfg.TimestampTolerance}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.tolerance <= 0 {
		h.tolerance = DefaultTimestampTolerance
	}
	return h
}

// call is one authenticated request on its way to an action.
type call struct {
	ctx   context.Context
	scope vmplane.Scope
}

// actionFunc serves one action from a request body.
type actionFunc func(h *Handler, c *call, body []byte) (any, error)

// act adapts a typed action to an actionFunc: the body is decoded into Req
// first, and bad input never reaches the action.
func act[Req any, Resp any](f func(*Handler, *call, *Req) (*Resp, error)) actionFunc {
	return func(h *Handler, c *call, body []byte) (any, error) {
		var req Req
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return f(h, c, &req)
	}
}

// actions maps X-ZC-Action to its handler.
var actions = map[string]actionFunc{
	"DescribeZones":                         act((*Handler).describeZones),
	"DescribeZoneInstanceConfigInfos":       act((*Handler).describeZoneInstanceConfigInfos),
	"InquiryPriceCreateInstance":            act((*Handler).inquiryPriceCreateInstance),
	"DescribeInstances":                     act((*Handler).describeInstances),
	"DescribeInstancesStatus":               act((*Handler).describeInstancesStatus),
	"CreateInstances":                       act((*Handler).createInstances),
	"StartInstances":                        act((*Handler).startInstances),
	"StopInstances":                         act((*Handler).stopInstances),
	"RebootInstances":                       act((*Handler).rebootInstances),
	"TerminateInstance":                     act((*Handler).terminateInstance),
	"ReleaseInstances":                      act((*Handler).releaseInstances),
	"ModifyInstanceType":                    act((*Handler).modifyInstanceType),
	"DescribeInstanceTypeStatus":            act((*Handler).describeInstanceTypeStatus),
	"CancelInstanceDowngrade":               act((*Handler).cancelInstanceDowngrade),
	"ModifyInstancesAttribute":              act((*Handler).modifyInstancesAttribute),
	"ModifyInstancesResourceGroup":          act((*Handler).modifyInstancesResourceGroup),
	"ResetInstancesPassword":                act((*Handler).resetInstancesPassword),
	"ResetInstance":                         act((*Handler).resetInstance),
	"ModifyInstanceBandwidth":               act((*Handler).modifyInstanceBandwidth),
	"CancelInstanceBandwidthDowngrade":      act((*Handler).cancelInstanceBandwidthDowngrade),
	"ModifyInstanceTrafficPackage":          act((*Handler).modifyInstanceTrafficPackage),
	"CancelInstanceTrafficPackageDowngrade": act((*Handler).cancelInstanceTrafficPackageDowngrade),
	"DescribeInstanceInternetStatus":        act((*Handler).describeInstanceInternetStatus),
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := access.From(r.Context())
	rec.Cloud = CloudName
	resp, err := h.serve(r, rec)
	if err != nil {
		h.writeError(w, r, rec, err)
		return
	}
	rec.Code = "ok"
	id := requestID(rec)
	if s, ok := resp.(interface{ setRequestID(string) }); ok {
		s.setRequestID(id)
	}
	writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"requestId"`
		Response  any    `json:"response"`
	}{id, resp})
}

func (h *Handler) serve(r *http.Request, rec *access.Record) (any, error) {
	name := r.Header.Get("X-Zc-Action")
	// Only known names reach the record: it labels metrics, and a client
	// must not be able to mint label values.
	if _, ok := actions[name]; ok {
		rec.Action = name
	}
	if r.Method != http.MethodPost {
		return nil, errorf(http.StatusMethodNotAllowed, codeMethod, "The API accepts POST requests only.")
	}
	if strings.TrimSuffix(r.URL.Path, "/") != "/api/v2/vm" {
		return nil, errorf(http.StatusNotFound, codeService, "No service is served at %s; vmplane serves the vm service at /api/v2/vm.", r.URL.Path)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errorf(http.StatusRequestEntityTooLarge, codeBody, "The request body is larger than %d bytes.", maxBody)
		}
		return nil, errorf(http.StatusBadRequest, codeBody, "The request body could not be read.")
	}
	acct, err := h.authenticate(r, body)
	if err != nil {
		return nil, err
	}
	rec.Account = acct.ID
	if version := r.Header.Get("X-Zc-Version"); version != "" && !versions[version] {
		return nil, errorf(http.StatusBadRequest, codeVersion, "The vm service has no API version `%s`.", version)
	}
	if name == "" {
		return nil, errorf(http.StatusBadRequest, codeMissing, "The header X-ZC-Action is required.")
	}
	f, ok := actions[name]
	if !ok {
		return nil, errorf(http.StatusNotFound, codeAction, "The vm service has no action `%s`.", name)
	}
	c := &call{ctx: r.Context(), scope: vmplane.Scope{Cloud: CloudName, Account: acct.ID}}
	return f(h, c, body)
}

// requestID renders the request id as Zenlayer does: "T" and an upper-case UUID.
func requestID(rec *access.Record) string { return "T" + rec.UpperUUID() }

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, rec *access.Record, err error) {
	e, internal := wireError(rec.Action, err)
	if internal {
		h.log.ErrorContext(r.Context(), "zenlayer request failed", "action", rec.Action, "err", err)
	}
	rec.Code = e.Code
	writeJSON(w, e.Status, struct {
		RequestID string `json:"requestId"`
		Code      string `json:"code"`
		Message   string `json:"message"`
	}{requestID(rec), e.Code, e.Message})
}

// bodies are the buffers answers are encoded into, reused: an answer is
// written whole before its buffer goes back, and a huge one is not kept.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bodies.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a bug in a response type gets here.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"code":"INTERNAL_SERVER_ERROR","message":"The response could not be encoded."}`)
	}
	buf.Truncate(len(bytes.TrimRight(buf.Bytes(), "\n")))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// reply is embedded first in every response, so that requestId comes
// first inside "response" as in the documentation's examples.
type reply struct {
	RequestID string `json:"requestId"`
}

func (r *reply) setRequestID(id string) { r.RequestID = id }
