// Package metrics exposes wslocal to Prometheus, in its text format:
// request counts and latencies by operation, the associations in each
// state, counted in the store at scrape time, and the Go runtime's and the
// process's figures. Each server has its own Metrics (no global state), so
// several servers can live in one test binary.
//
// The format is written here rather than by the Prometheus client library:
// the library's packages (and the protobuf, procfs and expvar packages
// they import) allocated 214 KB at every start, half of what all the
// packages' init functions allocate, and cost wslocal --version about
// 4 ms of its 27 on a host where a page fault costs 30 us.
package metrics

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/store"
)

// Metrics holds a server's counters.
type Metrics struct {
	store store.Store
	// series are the counters and histogram of each operation label.
	series sync.Map // string -> *opSeries
}

// durationBounds are the upper bounds of the latency histogram's buckets,
// in seconds. Local calls take well under a millisecond to a few
// milliseconds (Prometheus' default buckets start at 5 ms).
var durationBounds = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// opSeries are one operation's series.
type opSeries struct {
	ok       atomic.Uint64 // answers with status 200, by far the most common
	mu       sync.Mutex
	byStatus map[int]uint64 // the other statuses answered

	// The latency histogram: the count in each bucket (not cumulative;
	// the last is above every bound), and the sum in nanoseconds.
	buckets [len(durationBounds) + 1]atomic.Uint64
	sum     atomic.Int64
}

// New returns the metrics of a server whose state is in st.
func New(st store.Store) *Metrics {
	return &Metrics{store: st}
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
	s := m.seriesOf(operationLabel(r.Operation))
	if r.Status == http.StatusOK {
		s.ok.Add(1)
	} else {
		s.mu.Lock()
		if s.byStatus == nil {
			s.byStatus = map[int]uint64{}
		}
		s.byStatus[r.Status]++
		s.mu.Unlock()
	}
	seconds := r.Latency.Seconds()
	i := 0
	for i < len(durationBounds) && seconds > durationBounds[i] {
		i++
	}
	s.buckets[i].Add(1)
	s.sum.Add(int64(r.Latency))
}

func (m *Metrics) seriesOf(op string) *opSeries {
	if v, ok := m.series.Load(op); ok {
		return v.(*opSeries)
	}
	v, _ := m.series.LoadOrStore(op, new(opSeries))
	return v.(*opSeries)
}

// Handler serves the metrics in the Prometheus text format. A store that
// cannot be counted makes the scrape a 500, so that a failing store shows
// as a failed scrape rather than as zeros.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var t text
		m.writeRequests(&t)
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := m.writeAssociations(ctx, &t); err != nil {
			http.Error(w, "counting the associations: "+err.Error(), http.StatusInternalServerError)
			return
		}
		writeRuntime(&t)
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(t.b)
	})
}

// writeRequests writes the request counters and the latency histograms,
// each operation's in name order. An operation has a series only for the
// statuses it answered.
func (m *Metrics) writeRequests(t *text) {
	series := map[string]*opSeries{}
	m.series.Range(func(k, v any) bool {
		series[k.(string)] = v.(*opSeries)
		return true
	})
	if len(series) == 0 {
		return
	}
	ops := slices.Sorted(maps.Keys(series))
	t.family("wslocal_requests_total", "counter", "AWS API requests answered, by operation and HTTP status.")
	for _, op := range ops {
		s := series[op]
		s.mu.Lock()
		counts := maps.Clone(s.byStatus)
		s.mu.Unlock()
		if counts == nil {
			counts = map[int]uint64{}
		}
		if n := s.ok.Load(); n > 0 {
			counts[http.StatusOK] = n
		}
		for _, status := range slices.Sorted(maps.Keys(counts)) {
			t.sample("wslocal_requests_total", float64(counts[status]), "operation", op, "status", strconv.Itoa(status))
		}
	}
	t.family("wslocal_request_duration_seconds", "histogram", "Time to answer an AWS API request, by operation.")
	for _, op := range ops {
		s := series[op]
		var cumulative uint64
		for i, le := range durationBounds {
			cumulative += s.buckets[i].Load()
			t.sample("wslocal_request_duration_seconds_bucket", float64(cumulative), "operation", op, "le", strconv.FormatFloat(le, 'g', -1, 64))
		}
		cumulative += s.buckets[len(durationBounds)].Load()
		t.sample("wslocal_request_duration_seconds_bucket", float64(cumulative), "operation", op, "le", "+Inf")
		t.sample("wslocal_request_duration_seconds_sum", time.Duration(s.sum.Load()).Seconds(), "operation", op)
		t.sample("wslocal_request_duration_seconds_count", float64(cumulative), "operation", op)
	}
}

// writeAssociations writes the wslocal_associations gauge, computed from
// the store at each scrape: the lifecycle is data in the store, shared by
// replicas, so counting there is right for one process or ten.
func (m *Metrics) writeAssociations(ctx context.Context, t *text) error {
	var counts []store.AssociationCount
	err := m.store.Read(ctx, func(tx store.Tx) error {
		var err error
		counts, err = tx.CountAssociations(ctx)
		return err
	})
	if err != nil {
		return err
	}
	t.family("wslocal_associations", "gauge",
		"Application associations in the store (every account and region), by state and resource type.")
	// Every state and type is reported, zeros included, so that a query
	// such as wslocal_associations{state="ERROR"} > 0 has a series to read.
	n := map[[2]string]int{}
	for _, ct := range counts {
		n[[2]string{ct.State, ct.ResourceType}] += ct.Count
	}
	for _, state := range api.AssociationState("").Values() {
		for _, typ := range api.ApplicationAssociatedResourceType("").Values() {
			k := [2]string{string(state), string(typ)}
			t.sample("wslocal_associations", float64(n[k]), "state", k[0], "resource_type", k[1])
			delete(n, k)
		}
	}
	// A state the model does not name: still counted, in a stable order.
	rest := slices.SortedFunc(maps.Keys(n), func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	for _, k := range rest {
		t.sample("wslocal_associations", float64(n[k]), "state", k[0], "resource_type", k[1])
	}
	return nil
}
