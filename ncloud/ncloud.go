// Package ncloud serves the NAVER Cloud Platform Server API, VPC
// (/vserver/v2, with the calls clients make to /vpc/v2) and Classic
// (/server/v2), behind NCP's API Gateway signing.
//
// A request names its action in the last path segment and passes its
// parameters in the query string, a form body or both. It is answered in
// XML, or in JSON with responseFormatType=json, byte for byte as the
// official clients expect (see encode).
package ncloud

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

// Routes are the path prefixes the handler serves: wider than the APIs, so
// that a wrong version or action gets the gateway's 404.
var Routes = []string{"/vserver/", "/server/", "/vpc/"}

// Config configures a Handler.
type Config struct {
	Logger *slog.Logger
	// Now is the wall clock request signatures are checked against
	// (default time.Now): clients sign with real time, whatever the core's
	// virtual clock says.
	Now func() time.Time
}

// maxBody bounds a form body; NCP's gateway refuses large requests too.
const maxBody = 1 << 20

// Handler serves the API.
type Handler struct {
	svc  *vmplane.Service
	log  *slog.Logger
	now  func() time.Time
	apis []*api
	// autoNames counts the servers named by vmplane, so that names made
	// in the same millisecond of a frozen clock still differ.
	autoNames atomic.Int64
	// ipChanges serializes the actions that change a public IP's server:
	// each checks associations, then writes one, and an association is
	// its server's attribute, which no single commit can check across
	// servers and IPs.
	ipChanges sync.Mutex
}

// api is one of the path prefixes: which cloud it serves and its actions.
type api struct {
	prefix  string
	cloud   string
	classic bool
	actions map[string]action
}

// action answers one call. It returns the response's list, or an error.
type action func(c *call) (result, error)

// result is what every NCP response carries besides the request id and
// return code: one list and its total, or fields of its own, or nothing
// (deleteLoginKeys).
type result struct {
	list  string // e.g. serverInstanceList; "" for none
	items []obj
	total int // totalRows: all matches, not just this page
	// fields follow the list: what an action answers other than a list
	// (createLoginKey's privateKey, getRootPassword's rootPassword).
	fields obj
}

func list(name string, items []obj) result {
	return result{list: name, items: items, total: len(items)}
}

// NewHandler returns the API handler.
func NewHandler(svc *vmplane.Service, cfg Config) http.Handler {
	h := &Handler{svc: svc, log: cfg.Logger, now: cfg.Now}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.apis = []*api{
		{prefix: "/vserver/v2/", cloud: cloudVPC, actions: vpcActions},
		{prefix: "/vpc/v2/", cloud: cloudVPC, actions: vpcNetworkActions},
		{prefix: "/server/v2/", cloud: cloudClassic, classic: true, actions: classicActions},
	}
	return h
}

// vpcActions are the VPC platform's Server API (/vserver/v2).
var vpcActions = map[string]action{
	"getServerInstanceList":         (*call).getServerInstanceList,
	"getServerInstanceDetail":       (*call).getServerInstanceDetail,
	"createServerInstances":         (*call).createServerInstances,
	"startServerInstances":          operation(vmplane.KindStart),
	"stopServerInstances":           operation(vmplane.KindStop),
	"rebootServerInstances":         operation(vmplane.KindReboot),
	"terminateServerInstances":      operation(vmplane.KindTerminate),
	"changeServerInstanceSpec":      (*call).changeServerInstanceSpec,
	"setProtectServerTermination":   (*call).setProtectServerTermination,
	"getServerSpecList":             (*call).getServerSpecList,
	"getServerSpecDetail":           (*call).getServerSpecDetail,
	"getServerProductList":          (*call).getServerProductList,
	"getServerImageProductList":     (*call).getServerImageProductList,
	"getServerImageList":            (*call).getServerImageList,
	"getServerImageDetail":          (*call).getServerImageDetail,
	"getRegionList":                 (*call).getRegionList,
	"getZoneList":                   (*call).getZoneList,
	"getAccessControlGroupList":     (*call).getAccessControlGroupList,
	"getBlockStorageInstanceList":   (*call).getBlockStorageInstanceList,
	"getBlockStorageInstanceDetail": (*call).getBlockStorageInstanceDetail,
	"getNetworkInterfaceDetail":     (*call).getNetworkInterfaceDetail,
	// Around a server: what Packer's builder calls.
	"createLoginKey":                         (*call).createLoginKey,
	"getLoginKeyList":                        (*call).getLoginKeyList,
	"deleteLoginKeys":                        (*call).deleteLoginKeys,
	"getRootPassword":                        (*call).getRootPassword,
	"createInitScript":                       (*call).createInitScript,
	"getInitScriptList":                      (*call).getInitScriptList,
	"getInitScriptDetail":                    (*call).getInitScriptDetail,
	"deleteInitScripts":                      (*call).deleteInitScripts,
	"getAccessControlGroupDetail":            (*call).getAccessControlGroupDetail,
	"createAccessControlGroup":               (*call).createAccessControlGroup,
	"deleteAccessControlGroup":               (*call).deleteAccessControlGroup,
	"addAccessControlGroupInboundRule":       addRules(true),
	"addAccessControlGroupOutboundRule":      addRules(false),
	"getAccessControlGroupRuleList":          (*call).getAccessControlGroupRuleList,
	"createPublicIpInstance":                 (*call).createPublicIpInstance,
	"getPublicIpInstanceList":                (*call).getPublicIpInstanceList,
	"getPublicIpInstanceDetail":              (*call).getPublicIpInstanceDetail,
	"associatePublicIpWithServerInstance":    (*call).associatePublicIpWithServerInstance,
	"disassociatePublicIpFromServerInstance": (*call).disassociatePublicIpFromServerInstance,
	"deletePublicIpInstance":                 (*call).deletePublicIpInstance,
	"createMemberServerImageInstance":        (*call).createMemberServerImage,
	"getMemberServerImageInstanceList":       (*call).getMemberServerImageList,
	"getMemberServerImageInstanceDetail":     (*call).getMemberServerImageInstanceDetail,
	"deleteMemberServerImageInstances":       (*call).deleteMemberServerImages,
}

// vpcNetworkActions are the few calls of the VPC API (/vpc/v2) that
// Terraform reads about a server's network.
var vpcNetworkActions = map[string]action{
	"getSubnetDetail": (*call).getSubnetDetail,
	"getSubnetList":   (*call).getSubnetList,
	"getVpcList":      (*call).getVpcList,
	"getVpcDetail":    (*call).getVpcDetail,
}

// classicActions are the Classic platform's Server API (/server/v2).
var classicActions = map[string]action{
	"getServerInstanceList":       (*call).getServerInstanceList,
	"createServerInstances":       (*call).createClassicServerInstances,
	"startServerInstances":        operation(vmplane.KindStart),
	"stopServerInstances":         operation(vmplane.KindStop),
	"rebootServerInstances":       operation(vmplane.KindReboot),
	"terminateServerInstances":    operation(vmplane.KindTerminate),
	"changeServerInstanceSpec":    (*call).changeServerInstanceSpec,
	"setProtectServerTermination": (*call).setProtectServerTermination,
	"getServerProductList":        (*call).getServerProductList,
	"getServerImageProductList":   (*call).getServerImageProductList,
	"getRegionList":               (*call).getRegionList,
	"getZoneList":                 (*call).getZoneList,
	// Around a server: what Packer's builder calls.
	"createLoginKey":                         (*call).createLoginKey,
	"getLoginKeyList":                        (*call).getLoginKeyList,
	"deleteLoginKey":                         (*call).deleteLoginKey,
	"getRootPassword":                        (*call).getRootPassword,
	"createPublicIpInstance":                 (*call).createPublicIpInstance,
	"getPublicIpInstanceList":                (*call).getPublicIpInstanceList,
	"associatePublicIpWithServerInstance":    (*call).associatePublicIpWithServerInstance,
	"disassociatePublicIpFromServerInstance": (*call).disassociatePublicIpFromServerInstance,
	"deletePublicIpInstances":                (*call).deletePublicIpInstances,
	"createMemberServerImage":                (*call).createMemberServerImage,
	"getMemberServerImageList":               (*call).getMemberServerImageList,
	"deleteMemberServerImages":               (*call).deleteMemberServerImages,
}

// call is one request being answered.
type call struct {
	ctx   context.Context
	h     *Handler
	api   *api
	svc   *vmplane.Service
	cat   *vmplane.Catalog
	scope vmplane.Scope
	p     params
	slab  *slab // lends the answer's objects their fields
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := access.From(r.Context())
	a, name := h.route(r.URL.Path)
	rec.Cloud = cloudVPC
	if a != nil {
		rec.Cloud = a.cloud
	}
	fn := a.lookup(name)
	if fn == nil || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		// The action stays unnamed: paths are the caller's to invent, and
		// the record's action becomes a metric label.
		h.gatewayError(w, r, errNoRoute)
		return
	}
	rec.Action = name
	creds, err := requestCredentials(r)
	if err != nil {
		h.gatewayError(w, r, err)
		return
	}
	acct, key, err := h.svc.FindAccountByKey(creds.accessKey)
	if err != nil {
		h.gatewayError(w, r, errBadAuth)
		return
	}
	if err := creds.verify(r, key.SecretKey, h.now()); err != nil {
		h.gatewayError(w, r, err)
		return
	}
	rec.Account = acct.ID
	p, err := readParams(w, r)
	if err != nil {
		h.gatewayError(w, r, err)
		return
	}
	f := formatXML
	switch strings.ToLower(p.str("responseFormatType")) {
	case "", "xml":
	case "json":
		f = formatJSON
	default:
		h.writeError(w, r, f, name, invalidParam("responseFormatType"))
		return
	}
	c := &call{ctx: r.Context(), h: h, api: a, svc: h.svc, cat: h.svc.Catalog(a.cloud),
		scope: vmplane.Scope{Cloud: a.cloud, Account: acct.ID}, p: p, slab: slabs.Get().(*slab)}
	defer c.slab.release()
	res, err := fn(c)
	if err != nil {
		h.writeError(w, r, f, name, err)
		return
	}
	rec.Code = "ok"
	h.write(w, f, http.StatusOK, name+"Response", c.envelope(f, rec.UUID(), res))
}

// route splits a path into its API and action name.
func (h *Handler) route(path string) (*api, string) {
	for _, a := range h.apis {
		if name, ok := strings.CutPrefix(path, a.prefix); ok {
			return a, name
		}
	}
	return nil, ""
}

func (a *api) lookup(name string) action {
	if a == nil {
		return nil
	}
	return a.actions[name]
}

// readParams decodes the query string and, for a form (or untyped) body,
// the body.
func readParams(w http.ResponseWriter, r *http.Request) (params, error) {
	var body string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && (ct == "" || ct == "application/x-www-form-urlencoded") {
		// Read into a reused buffer: io.ReadAll's growing slices were a
		// sixth of what a list request allocated.
		buf := bodies.Get().(*bytes.Buffer)
		buf.Reset()
		_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody))
		body = buf.String()
		if buf.Cap() <= 64<<10 {
			bodies.Put(buf)
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return params{}, errTooBig
		}
		if err != nil {
			return params{}, errBadReq
		}
	}
	p, err := decodeParams(r.URL.RawQuery, body)
	if err != nil {
		return params{}, errBadReq
	}
	return p, nil
}

// envelope lays out a successful response. VPC answers JSON with the list
// first and the return code last; XML, and Classic in both formats, the
// other way round.
func (c *call) envelope(f format, requestID string, res result) obj {
	head := [...]field{{"requestId", str(requestID)}, {"returnCode", str("0")}, {"returnMessage", str("success")}}
	listFirst := f == formatJSON && !c.api.classic
	var room [8]field // the layout is made on the stack, then kept in the slab
	body := room[:0]
	if !listFirst {
		body = append(body, head[:]...)
	}
	if res.list != "" {
		body = append(body, field{"totalRows", num(res.total)}, field{res.list, c.slab.objs(res.items)})
	}
	body = append(body, res.fields...)
	if listFirst {
		body = append(body, head[:]...)
	}
	return c.slab.keep(body)
}

func (h *Handler) write(w http.ResponseWriter, f format, status int, root string, body obj) {
	// Encoded whole, then written at once with its length: the encoders
	// append to a byte slice, field by field, far faster than through an
	// interface to the connection, and the answer's objects are in memory
	// anyway. Buffers are reused, but for the rare huge one.
	b := buffers.Get().(*buffer)
	*b = (*b)[:0]
	writeDoc(b, f, root, body)
	w.Header().Set("Content-Type", f.contentType())
	w.Header().Set("Content-Length", strconv.Itoa(len(*b)))
	w.WriteHeader(status)
	_, _ = w.Write(*b)
	if cap(*b) <= 1<<20 {
		buffers.Put(b)
	}
}

var (
	buffers = sync.Pool{New: func() any { return new(buffer) }}
	bodies  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// writeError answers an action's error as NCP's responseError, and logs
// what is not the caller's fault.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, f format, action string, err error) {
	e := wireError(err)
	if e.status >= http.StatusInternalServerError && vmplane.ErrorCode(err) != vmplane.EFAULT {
		h.log.ErrorContext(r.Context(), "ncloud action failed", "action", action, "err", err)
	}
	access.From(r.Context()).Code = e.code
	h.write(w, f, e.status, "responseError", obj{{"returnCode", str(e.code)}, {"returnMessage", str(e.message)}})
}

func (h *Handler) gatewayError(w http.ResponseWriter, r *http.Request, err error) {
	var e *gatewayError
	if !errors.As(err, &e) {
		e = errBadReq
	}
	access.From(r.Context()).Code = "gateway-" + e.code
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body())
}
