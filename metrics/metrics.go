// Package metrics exposes vmplane's Prometheus metrics: API calls by cloud,
// action and result code, and operations by kind.
package metrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
)

var _ vmplane.Observer = (*Metrics)(nil)

// Metrics holds the collectors and the registry they are in.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	opDuration *prometheus.HistogramVec
	inFlight   *prometheus.GaugeVec
}

// New returns metrics in a registry of their own, with the Go runtime's.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vmplane_requests_total",
			Help: "API requests by cloud, action and result code (ok or the cloud's error code).",
		}, []string{"cloud", "action", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vmplane_request_duration_seconds",
			Help:    "Time to answer an API request, by cloud and action.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"cloud", "action"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vmplane_operation_duration_seconds",
			Help:    "Time from acceptance to completion of operations, on vmplane's clock, by kind and result.",
			Buckets: []float64{0, .1, .5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600},
		}, []string{"kind", "result"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vmplane_operations_in_flight",
			Help: "Operations accepted and not yet finished, by kind.",
		}, []string{"kind"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.opDuration, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Observe records one finished API call.
func (m *Metrics) Observe(r *access.Record, elapsed time.Duration) {
	if r.Cloud == "" {
		return
	}
	cloud, action, code := label(r.Cloud), label(r.Action), label(r.Code)
	m.requests.WithLabelValues(cloud, action, code).Inc()
	m.latency.WithLabelValues(cloud, action).Observe(elapsed.Seconds())
}

// label keeps a label value valid, whatever a handler recorded: the
// Prometheus client refuses (panics on) invalid UTF-8. Handlers record only
// names they know, so that labels stay few.
func label(v string) string {
	if len(v) > 64 {
		v = v[:64]
	}
	return strings.ToValidUTF8(v, "?")
}

// OperationStarted implements vmplane.Observer.
func (m *Metrics) OperationStarted(op *vmplane.Operation) {
	m.inFlight.WithLabelValues(string(op.Kind)).Inc()
}

// OperationFinished implements vmplane.Observer.
func (m *Metrics) OperationFinished(op *vmplane.Operation) {
	m.inFlight.WithLabelValues(string(op.Kind)).Dec()
	m.opDuration.WithLabelValues(string(op.Kind), string(op.State)).Observe(op.FinishedAt.Sub(op.CreatedAt).Seconds())
}
