package control

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wslocal/wslocal/awsjson"
)

// RequestLogSize is how many AWS API requests the request log keeps.
const RequestLogSize = 1000

// RequestLog keeps the latest AWS API requests in memory, for GET
// /_wslocal/requests and the dashboard. It is a ring: old entries are
// overwritten, so it never grows.
type RequestLog struct {
	mu      sync.Mutex
	entries []logged
	next    int // where the next entry goes
	full    bool
}

// RequestEntry is one request, as GET /_wslocal/requests lists it.
type RequestEntry struct {
	Time      string  `json:"time"` // RFC 3339 with nanoseconds, UTC, wall clock
	RequestID string  `json:"requestId"`
	Operation string  `json:"operation"`
	Account   string  `json:"account"`
	Region    string  `json:"region"`
	Status    int     `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	ErrorCode string  `json:"errorCode"`
}

// logged is an entry as kept: its time is formatted when listed, not
// for every request.
type logged struct {
	time time.Time
	e    RequestEntry
}

// NewRequestLog returns a log keeping the last size requests (RequestLogSize when size <= 0).
func NewRequestLog(size int) *RequestLog {
	if size <= 0 {
		size = RequestLogSize
	}
	return &RequestLog{entries: make([]logged, size)}
}

// Record adds a request; it is an awsjson.Handler Recorder.
func (l *RequestLog) Record(r awsjson.Record) {
	// Whatever a Recorder passes, an entry keeps a bounded part of each
	// field a client chose: the log's memory and its answer stay small.
	e := RequestEntry{RequestID: awsjson.ClipLogged(r.RequestID), Operation: awsjson.ClipLogged(r.Operation),
		Account: awsjson.ClipLogged(r.Account), Region: awsjson.ClipLogged(r.Region), Status: r.Status,
		LatencyMs: float64(r.Latency.Microseconds()) / 1000, ErrorCode: awsjson.ClipLogged(r.ErrorCode)}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[l.next] = logged{r.Time, e}
	l.next = (l.next + 1) % len(l.entries)
	if l.next == 0 {
		l.full = true
	}
}

// Latest returns up to n entries, newest first.
func (l *RequestLog) Latest(n int) []RequestEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	have := l.next
	if l.full {
		have = len(l.entries)
	}
	n = min(n, have)
	out := make([]RequestEntry, 0, n)
	for i := 1; i <= n; i++ {
		le := &l.entries[(l.next-i+len(l.entries))%len(l.entries)]
		e := le.e
		e.Time = le.time.UTC().Format(time.RFC3339Nano)
		out = append(out, e)
	}
	return out
}

// getRequests answers GET /_wslocal/requests?limit=N with
// {"requests": [...]}: the last N AWS API requests, newest first (N is
// 100 by default, at most the log's size).
func (h *Handler) getRequests(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > RequestLogSize {
			writeErr(w, http.StatusBadRequest, fmt.Errorf("limit %q: give a number from 1 to %d", v, RequestLogSize))
			return
		}
		limit = n
	}
	entries := []RequestEntry{}
	if h.Requests != nil {
		entries = h.Requests.Latest(limit)
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": entries})
}
