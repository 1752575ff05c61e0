package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// endpoint is one server under load with the request it gets: one target,
// or several (accounts, replicas) that the workers share out.
type endpoint struct {
	name    string // A or B
	url     string // as given: one URL, or several separated by commas
	op      string
	targets []*lane

	mu       sync.Mutex
	samples  []int64 // latencies (ns) of the measured successful requests
	errors   int64
	firstErr string
	active   time.Duration // measured time this endpoint was loaded
}

// lane is one server and account, with the requests it gets.
type lane struct {
	api  *api
	addr string // host:port to dial
	// cycles are what the workers of the lane send: worker i sends cycle i
	// (modulo their number), its calls in turn, again and again. Most
	// operations are one cycle of one call.
	cycles [][]*call
}

// call is one request: an operation and its body.
type call struct {
	op   string
	body []byte
	// wire is the signed request as sent on the connection, re-signed every
	// minute so servers that check the signing time accept it.
	wire atomic.Pointer[[]byte]
}

func newLane(a *api, cycles [][]*call) (*lane, error) {
	u, err := url.Parse(a.url)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("%s: want an http://host:port URL", a.url)
	}
	addr := u.Host
	if u.Port() == "" {
		addr += ":80"
	}
	return &lane{api: a, addr: addr, cycles: cycles}, nil
}

func newEndpoint(ctx context.Context, name, url, op string, targets []*lane) (*endpoint, error) {
	ep := &endpoint{name: name, url: url, op: op, targets: targets}
	return ep, ep.sign(ctx)
}

// sign precomputes the wire form of the signed requests.
func (ep *endpoint) sign(ctx context.Context) error {
	for _, t := range ep.targets {
		for _, cycle := range t.cycles {
			for _, c := range cycle {
				req, err := t.api.signedRequest(ctx, c.op, c.body)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := req.Write(&buf); err != nil {
					return err
				}
				b := buf.Bytes()
				c.wire.Store(&b)
			}
		}
	}
	return nil
}

func (ep *endpoint) record(d time.Duration, status int, err error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if err == nil && status == http.StatusOK {
		ep.samples = append(ep.samples, int64(d))
		return
	}
	ep.errors++
	if ep.firstErr == "" {
		if err != nil {
			ep.firstErr = err.Error()
		} else {
			ep.firstErr = fmt.Sprintf("HTTP %d", status)
		}
	}
}

// conn is a keep-alive connection of a worker to an endpoint.
type conn struct {
	c  net.Conn
	br *bufio.Reader
}

// worker sends one request at a time on its own connection per target;
// worker i loads target i of an endpoint (modulo their number).
type worker struct {
	id    int
	conns map[*lane]*conn
	sent  map[*lane]int // calls sent to each lane: the place in its cycle
}

// do sends ep's request and reads the whole answer. A connection the
// server closed while idle is replaced once.
func (w *worker) do(ep *endpoint) (int, error) {
	t := ep.targets[w.id%len(ep.targets)]
	cycle := t.cycles[w.id%len(t.cycles)]
	wire := *cycle[w.sent[t]%len(cycle)].wire.Load()
	// An answer or not, the next call of the cycle is next: a write
	// refused once (another run left the cycle half-way) is not refused
	// forever.
	w.sent[t]++
	for attempt := 0; ; attempt++ {
		c := w.conns[t]
		reused := c != nil
		if c == nil {
			nc, err := net.DialTimeout("tcp", t.addr, 5*time.Second)
			if err != nil {
				return 0, err
			}
			c = &conn{c: nc, br: bufio.NewReaderSize(nc, 16<<10)}
			w.conns[t] = c
		}
		status, err := c.roundTrip(wire)
		if err != nil {
			c.c.Close()
			delete(w.conns, t)
			if reused && attempt == 0 {
				continue
			}
			return 0, err
		}
		if status < 0 { // the server asked to close
			c.c.Close()
			delete(w.conns, t)
			status = -status
		}
		return status, nil
	}
}

// roundTrip writes the request and reads the answer; a negative status
// means the connection is not to be reused.
func (c *conn) roundTrip(wire []byte) (int, error) {
	if _, err := c.c.Write(wire); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.Close {
		return -resp.StatusCode, nil
	}
	return resp.StatusCode, nil
}

func (w *worker) close() {
	for _, c := range w.conns {
		c.c.Close()
	}
}

// load runs conns workers against the current endpoint until stop; the
// coordinator switches endpoints and turns measuring on and off.
type load struct {
	current   atomic.Pointer[endpoint]
	measuring atomic.Bool
	stop      atomic.Bool
	wg        sync.WaitGroup
}

func (l *load) start(conns int) {
	for i := range conns {
		l.wg.Go(func() {
			w := &worker{id: i, conns: map[*lane]*conn{}, sent: map[*lane]int{}}
			defer w.close()
			for !l.stop.Load() {
				ep := l.current.Load()
				t0 := time.Now()
				status, err := w.do(ep)
				d := time.Since(t0)
				if l.measuring.Load() {
					ep.record(d, status, err)
				} else if err != nil {
					time.Sleep(10 * time.Millisecond) // do not spin on a refused connection
				}
			}
		})
	}
}

// result is what a run measured on one endpoint.
type result struct {
	Endpoint string  `json:"endpoint"`
	Op       string  `json:"op"`
	Conns    int     `json:"conns"`
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	Errors   int64   `json:"errors"`
	FirstErr string  `json:"firstError,omitempty"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50Ms"`
	P90      float64 `json:"p90Ms"`
	P99      float64 `json:"p99Ms"`
	Max      float64 `json:"maxMs"`
}

func (ep *endpoint) result(conns int) result {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	s := slices.Clone(ep.samples)
	slices.Sort(s)
	pct := func(p float64) float64 {
		if len(s) == 0 {
			return 0
		}
		i := int(p*float64(len(s))+0.5) - 1
		i = max(0, min(i, len(s)-1))
		return float64(s[i]) / 1e6
	}
	r := result{Endpoint: ep.url, Op: ep.op, Conns: conns, Seconds: ep.active.Seconds(), Requests: len(s),
		Errors: ep.errors, FirstErr: ep.firstErr, P50: pct(0.50), P90: pct(0.90), P99: pct(0.99), Max: pct(1)}
	if r.Seconds > 0 {
		r.RPS = float64(len(s)) / r.Seconds
	}
	return r
}

// measure loads --url (and --compare, alternating) and prints the results.
func measure(ctx context.Context, o *options, stdout io.Writer) error {
	var eps []*endpoint
	targets := []string{o.url}
	if o.compare != "" {
		targets = append(targets, o.compare)
	}
	accounts, err := accountsOf(o)
	if err != nil {
		return err
	}
	var firstCycles [][]*call
	for i, spec := range targets {
		urls := strings.Split(spec, ",")
		var ts []*lane
		// Target j: account j and replica j, each modulo their number.
		for j := range max(len(accounts), len(urls)) {
			u := urls[j%len(urls)]
			a := newAPI(u, accounts[j%len(accounts)], o.region)
			cycles, err := cyclesFor(ctx, a, o.op, o.body, o.conns)
			if err != nil && firstCycles != nil {
				// The baseline answers one fixed thing: it cannot be asked for
				// ids, and it does not care what the body names.
				fmt.Fprintf(os.Stderr, "wslocal-bench: %s: %v; sending the body built for %s\n", u, err, targets[0])
				cycles, err = copyCycles(firstCycles), nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", u, err)
			}
			if firstCycles == nil {
				firstCycles = cycles
			}
			t, err := newLane(a, cycles)
			if err != nil {
				return err
			}
			ts = append(ts, t)
			if o.verbose {
				// The first call of the first cycle, which this sends once.
				c := cycles[0][0]
				var out json.RawMessage
				err := a.call(ctx, c.op, json.RawMessage(c.body), &out)
				fmt.Fprintf(os.Stderr, "%s %s %s %s\n  body:   %s\n  answer: %s (%v)\n", string(rune('A'+i)), u, accounts[j%len(accounts)], c.op, c.body, truncate(string(out), 400), err)
			}
		}
		ep, err := newEndpoint(ctx, string(rune('A'+i)), spec, o.op, ts)
		if err != nil {
			return err
		}
		eps = append(eps, ep)
	}

	loadBefore := loadavg()
	l := &load{}
	l.current.Store(eps[0])
	l.start(o.conns)
	defer func() { l.stop.Store(true); l.wg.Wait() }()

	resign := time.NewTicker(time.Minute)
	defer resign.Stop()
	wait := func(d time.Duration) bool {
		timer := time.NewTimer(d)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return false
			case <-resign.C:
				for _, ep := range eps {
					if err := ep.sign(ctx); err != nil {
						fmt.Fprintln(os.Stderr, "wslocal-bench: re-sign:", err)
					}
				}
			case <-timer.C:
				return true
			}
		}
	}
	for _, ep := range eps {
		l.current.Store(ep)
		if !wait(o.warmup) {
			return ctx.Err()
		}
	}
	// Turns: with one endpoint a single window of --d; with two, windows
	// of --window alternating until each has had --d.
	turn := o.duration
	if len(eps) > 1 {
		turn = o.window
	}
	for i := 0; eps[len(eps)-1].active < o.duration; i++ {
		ep := eps[i%len(eps)]
		d := min(turn, o.duration-ep.active)
		l.current.Store(ep)
		l.measuring.Store(true)
		t0 := time.Now()
		ok := wait(d)
		ep.mu.Lock()
		ep.active += time.Since(t0)
		ep.mu.Unlock()
		if !ok {
			return ctx.Err()
		}
	}
	l.measuring.Store(false)
	l.stop.Store(true)
	l.wg.Wait()

	var results []result
	for _, ep := range eps {
		results = append(results, ep.result(o.conns))
	}
	report := map[string]any{"results": results, "loadBefore": loadBefore, "loadAfter": loadavg()}
	if len(results) == 2 && results[1].RPS > 0 && results[1].P99 > 0 {
		report["rpsRatioAtoB"] = results[0].RPS / results[1].RPS
		report["p99RatioAtoB"] = results[0].P99 / results[1].P99
	}
	if o.pid > 0 {
		report["serverMemory"] = procMemory(o.pid)
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	fmt.Fprintf(stdout, "%s, %d connections, %v per endpoint (load average before %s, after %s)\n",
		o.op, o.conns, o.duration, loadBefore, report["loadAfter"])
	for i, r := range results {
		fmt.Fprintf(stdout, "%s %-28s %8.0f req/s  p50 %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  max %7.3f ms  %d requests, %d errors\n",
			eps[i].name, r.Endpoint, r.RPS, r.P50, r.P90, r.P99, r.Max, r.Requests, r.Errors)
		if r.FirstErr != "" {
			fmt.Fprintf(stdout, "  first error: %s\n", r.FirstErr)
		}
	}
	if v, ok := report["rpsRatioAtoB"]; ok {
		fmt.Fprintf(stdout, "A/B: %.2fx the requests/s (%.1f%%), %.2fx the p99\n", v, 100*v.(float64), report["p99RatioAtoB"])
	}
	if m, ok := report["serverMemory"]; ok {
		fmt.Fprintf(stdout, "server pid %d: %s\n", o.pid, m)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// loadavg is the first three fields of /proc/loadavg ("" elsewhere).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// procMemory is VmRSS and VmHWM of a process, from /proc/<pid>/status.
func procMemory(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}
