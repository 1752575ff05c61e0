// Package metrics exposes wslocal to Prometheus: request counts and
// latencies by operation, and the associations in each state, counted in
// the store at scrape time. Each server has its own registry (no global
// state), so several servers can live in one test binary.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/store"
)

// Metrics holds a server's collectors.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series are the counters and histograms of each operation label,
	// looked up once: WithLabelValues hashes its labels and formats the
	// status on every call.
	series sync.Map // string -> *opSeries
}

// opSeries are one operation's series: its histogram and its counter of
// each status seen.
type opSeries struct {
	duration prometheus.Observer
	ok       atomic.Pointer[prometheus.Counter] // status 200, by far the most common
	mu       sync.Mutex
	byStatus map[int]prometheus.Counter
}

// New returns the metrics of a server whose state is in st.
func New(st store.Store) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wslocal_requests_total",
			Help: "AWS API requests answered, by operation and HTTP status.",
		}, []string{"operation", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wslocal_request_duration_seconds",
			Help: "Time to answer an AWS API request, by operation.",
			// Local calls take well under a millisecond to a few
			// milliseconds; the default buckets start at 5ms.
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"operation"}),
	}
	m.registry.MustRegister(m.requests, m.duration, &associations{store: st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// operationLabel bounds the label's values to the model's operations: the
// target header is the caller's to choose, and every value is a series.
func operationLabel(op string) string {
	if _, ok := api.Operations[op]; ok {
		return op
	}
	return "unknown"
}

// Record counts a request; it is an awsjson.Handler Recorder.
func (m *Metrics) Record(r awsjson.Record) {
	op := operationLabel(r.Operation)
	s := m.seriesOf(op)
	var c prometheus.Counter
	if r.Status == http.StatusOK {
		// Created at the first 200, so that an operation that has only
		// failed shows no 200 series. Two first requests may both create
		// it: WithLabelValues gives both the same counter.
		p := s.ok.Load()
		if p == nil {
			c := m.requests.WithLabelValues(op, "200")
			p = &c
			s.ok.Store(p)
		}
		c = *p
	} else {
		s.mu.Lock()
		if c = s.byStatus[r.Status]; c == nil {
			c = m.requests.WithLabelValues(op, strconv.Itoa(r.Status))
			if s.byStatus == nil {
				s.byStatus = map[int]prometheus.Counter{}
			}
			s.byStatus[r.Status] = c
		}
		s.mu.Unlock()
	}
	c.Inc()
	s.duration.Observe(r.Latency.Seconds())
}

func (m *Metrics) seriesOf(op string) *opSeries {
	if v, ok := m.series.Load(op); ok {
		return v.(*opSeries)
	}
	v, _ := m.series.LoadOrStore(op, &opSeries{duration: m.duration.WithLabelValues(op)})
	return v.(*opSeries)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// associations is the wslocal_associations gauge, computed from the store
// at each scrape: the lifecycle is data in the store, shared by replicas,
// so counting there is right for one process or ten.
type associations struct {
	store store.Store
}

var associationsDesc = prometheus.NewDesc("wslocal_associations",
	"Application associations in the store (every account and region), by state and resource type.",
	[]string{"state", "resource_type"}, nil)

func (c *associations) Describe(ch chan<- *prometheus.Desc) { ch <- associationsDesc }

func (c *associations) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var counts []store.AssociationCount
	err := c.store.Read(ctx, func(tx store.Tx) error {
		var err error
		counts, err = tx.CountAssociations(ctx)
		return err
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(associationsDesc, err)
		return
	}
	// Every state and type is reported, zeros included, so that a query
	// such as wslocal_associations{state="ERROR"} > 0 has a series to read.
	n := map[[2]string]int{}
	for _, ct := range counts {
		n[[2]string{ct.State, ct.ResourceType}] += ct.Count
	}
	for _, state := range api.AssociationState("").Values() {
		for _, typ := range api.ApplicationAssociatedResourceType("").Values() {
			k := [2]string{string(state), string(typ)}
			ch <- prometheus.MustNewConstMetric(associationsDesc, prometheus.GaugeValue, float64(n[k]), k[0], k[1])
			delete(n, k)
		}
	}
	for k, v := range n { // a state the model does not name: still counted
		ch <- prometheus.MustNewConstMetric(associationsDesc, prometheus.GaugeValue, float64(v), k[0], k[1])
	}
}
