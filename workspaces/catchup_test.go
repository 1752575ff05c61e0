package workspaces_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/store/sqlite"
	ws "github.com/wslocal/wslocal/workspaces"
)

// BenchmarkCatchUp measures one Sweep after one clock advance that makes
// N steps due, each at its own instant: N PENDING WorkSpaces, due 1 ms
// apart, become AVAILABLE. It reports the longest time one write
// transaction of the sweep held the write lock (max-write-ms).
//
// The store is an in-memory SQLite, a SQLite file when
// WSLOCAL_BENCH_STORE=sqlite (in a temporary directory), or PostgreSQL when
// WSLOCAL_BENCH_STORE=postgres (at WSLOCAL_TEST_POSTGRES, or the local
// server; each run in a schema of its own). WSLOCAL_BENCH_CATCHUP_STEPS
// replaces the sizes (comma-separated), e.g. 1000000.
func BenchmarkCatchUp(b *testing.B) {
	sizes := []int{100, 20000}
	if v := os.Getenv("WSLOCAL_BENCH_CATCHUP_STEPS"); v != "" {
		sizes = nil
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("WSLOCAL_BENCH_CATCHUP_STEPS: %q is not a positive number", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) { benchCatchUp(b, n) })
	}
}

// timedStore is a store that records the longest write transaction.
type timedStore struct {
	store.Store
	mu       sync.Mutex
	maxWrite time.Duration
	writes   int
}

func (s *timedStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s *timedStore) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	start := time.Now()
	err := s.Store.WriteIn(ctx, ps, fn)
	d := time.Since(start)
	s.mu.Lock()
	s.writes++
	s.maxWrite = max(s.maxWrite, d)

	s.mu.Unlock()
	return err
}

// benchFile is the SQLite file of the last benchStore, if any.
var benchFile string

// benchStore opens the store of the benchmarks: see BenchmarkCatchUp.
func benchStore(b *testing.B) store.Store {
	ctx := context.Background()
	if kind := os.Getenv("WSLOCAL_BENCH_STORE"); kind != "postgres" {
		path := ":memory:"
		if kind == "sqlite" {
			path = filepath.Join(b.TempDir(), "wslocal.db")
			benchFile = path
		}
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	st, err := openPostgres(b, "wslocal_bench_")
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// openPostgres opens a PostgreSQL store (at WSLOCAL_TEST_POSTGRES, or the
// local one) in a schema of its own, named prefix and random letters,
// which the test's cleanup drops.
func openPostgres(tb testing.TB, prefix string) (*postgres.Store, error) {
	base := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := prefix + strings.ToLower(rand.Text()[:10])
	st, err := postgres.Open(context.Background(), base+"&search_path="+schema)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w", base, err)
	}
	tb.Cleanup(func() {
		st.Close()
		if err := postgres.DropSchema(context.Background(), base, schema); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return st, nil
}

// pendingWorkspaces writes n PENDING WorkSpaces to p, the i-th due at
// due + i ms, in transactions of 5,000.
func pendingWorkspaces(ctx context.Context, st store.Store, p store.Partition, created, due time.Time, n int) error {
	return dueWorkspaces(ctx, st, p, created, n, func(i int) (string, time.Time) {
		return "PENDING", due.Add(time.Duration(i) * time.Millisecond)
	})
}

// dueWorkspaces writes n WorkSpaces to p, the i-th in the state and with
// the due time of at(i), in transactions of 5,000.
func dueWorkspaces(ctx context.Context, st store.Store, p store.Partition, created time.Time, n int, at func(i int) (string, time.Time)) error {
	for lo := 0; lo < n; lo += 5000 {
		err := st.Write(ctx, func(tx store.Tx) error {
			for i := lo; i < min(n, lo+5000); i++ {
				id := fmt.Sprintf("ws-%09d", i)
				doc, err := json.Marshal(map[string]any{"WorkspaceId": id, "DirectoryId": "d-1234567890",
					"UserName": fmt.Sprintf("user%d", i), "BundleId": "wsb-000000001", "ComputerName": "A-" + id,
					"WorkspaceProperties": map[string]any{"RunningMode": "AUTO_STOP", "ComputeTypeName": "STANDARD",
						"RootVolumeSizeGib": 80, "UserVolumeSizeGib": 50, "OperatingSystemName": "WINDOWS_SERVER_2019"}})
				if err != nil {
					return err
				}
				state, due := at(i)
				if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "workspace", ID: id,
					State: state, Created: created, DueAt: due, Doc: doc}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func benchCatchUp(b *testing.B, n int) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	var maxWrite time.Duration
	writes := 0
	for b.Loop() {
		b.StopTimer()
		st := &timedStore{Store: benchStore(b)}
		clock, err := sim.NewSwitchableClock("manual", t0)
		if err != nil {
			b.Fatal(err)
		}
		if err := pendingWorkspaces(ctx, st.Store, p, t0, t0.Add(time.Second), n); err != nil {
			b.Fatal(err)
		}
		svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
		if _, err := clock.Advance(time.Second + time.Duration(n)*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := svc.Sweep(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if got := svc.StepsApplied()["workspace"]; got != int64(n) {
			b.Fatalf("%d steps applied, want %d", got, n)
		}
		maxWrite = max(maxWrite, st.maxWrite)
		writes += st.writes
		b.StartTimer()
	}
	b.ReportMetric(float64(maxWrite.Microseconds())/1000, "max-write-ms")
	b.ReportMetric(float64(writes)/float64(b.N), "writes/op")
}

// BenchmarkCatchUpWriterWait measures what another writer waits for a
// catch-up: while one Sweep applies N steps (as BenchmarkCatchUp), a
// client of another account tags a WorkSpace every 5 ms, and the latency
// of each of its CreateTags (its wait for the store plus its own work) is
// recorded. It reports the longest (writer-max-ms) and the 99th
// percentile (writer-p99-ms) over the calls issued during the sweep, the
// longest a write transaction of the writer waited for the store before
// it began (writer-max-store-wait-ms), and the most transactions of the
// sweep that committed during one call (writer-max-sweep-commits): 1 when
// a waiting writer always gets the store right after the transaction it
// waited for.
// WSLOCAL_BENCH_STORE and WSLOCAL_BENCH_CATCHUP_STEPS as for
// BenchmarkCatchUp (default 20,000 steps). With WSLOCAL_BENCH_WRITER=same
// the client is of the account being caught up: each of its calls first
// applies the steps due (update), in transactions of its own beside the
// sweep's, so its latency is the rest of the catch-up, and its wait for
// the store is the figure to read.
func BenchmarkCatchUpWriterWait(b *testing.B) {
	sizes := []int{20000}
	if v := os.Getenv("WSLOCAL_BENCH_CATCHUP_STEPS"); v != "" {
		sizes = nil
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("WSLOCAL_BENCH_CATCHUP_STEPS: %q is not a positive number", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) { benchWriterWait(b, n) })
	}
}

func benchWriterWait(b *testing.B, n int) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	other := store.Partition{Account: "210987654321", Region: "us-east-1"}
	if os.Getenv("WSLOCAL_BENCH_WRITER") == "same" {
		other = p
	}
	octx := auth.WithCaller(context.WithValue(ctx, writerKey{}, true), auth.Caller{Account: other.Account, Region: other.Region})
	var waits []time.Duration
	var calls []writerCall
	maxCommits := int64(0)
	var maxStoreWait time.Duration
	for b.Loop() {
		b.StopTimer()
		st := &sweepCounter{Store: benchStore(b), trace: os.Getenv("WSLOCAL_BENCH_TRACE") != ""}
		clock, err := sim.NewSwitchableClock("manual", t0)
		if err != nil {
			b.Fatal(err)
		}
		// Written past st: the setup is neither the sweep's nor the writer's.
		if err := pendingWorkspaces(ctx, st.Store, p, t0, t0.Add(time.Second), n); err != nil {
			b.Fatal(err)
		}
		if other != p {
			if err := dueWorkspaces(ctx, st.Store, other, t0, 1, func(int) (string, time.Time) { return "AVAILABLE", time.Time{} }); err != nil {
				b.Fatal(err)
			}
		}
		svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
		if _, err := clock.Advance(time.Second + time.Duration(n)*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		writer := make(chan error, 1)
		go func() {
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					writer <- nil
					return
				case <-tick.C:
				}
				start, c0 := time.Now(), st.commits.Load()
				_, err := svc.CreateTags(octx, &api.CreateTagsRequest{ResourceId: api.String("ws-000000000"),
					Tags: []api.Tag{{Key: api.String("k"), Value: api.String(strconv.Itoa(i))}}})
				if err != nil {
					writer <- err
					return
				}
				waits = append(waits, time.Since(start))
				calls = append(calls, writerCall{start, time.Since(start)})
				maxCommits = max(maxCommits, st.commits.Load()-c0)
			}
		}()
		walMax := make(chan int64, 1)
		go func() { // the WAL's largest size, sampled
			var m int64
			for {
				select {
				case <-stop:
					walMax <- m
					return
				case <-time.After(20 * time.Millisecond):
				}
				if fi, err := os.Stat(benchFile + "-wal"); err == nil {
					m = max(m, fi.Size())
				}
			}
		}()
		b.StartTimer()
		err = svc.Sweep(ctx)
		b.StopTimer()
		close(stop)
		if benchFile != "" && st.trace {
			b.Logf("WAL at most %.1f MB", float64(<-walMax)/1e6)
		}
		if werr := <-writer; werr != nil {
			b.Fatal(werr)
		}
		if err != nil {
			b.Fatal(err)
		}
		if got := svc.StepsApplied()["workspace"]; got != int64(n) {
			b.Fatalf("%d steps applied, want %d", got, n)
		}
		if st.trace {
			st.report(b, calls)
		}
		calls = calls[:0]
		maxStoreWait = max(maxStoreWait, time.Duration(st.maxWait.Load()))
		b.StartTimer()
	}
	if len(waits) == 0 {
		b.Fatal("the writer made no call during the sweep")
	}
	slices.Sort(waits)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(waits[len(waits)-1]), "writer-max-ms")
	b.ReportMetric(ms(waits[len(waits)*99/100]), "writer-p99-ms")
	b.ReportMetric(float64(len(waits))/float64(b.N), "writer-calls/op")
	b.ReportMetric(float64(maxCommits), "writer-max-sweep-commits")
	b.ReportMetric(ms(maxStoreWait), "writer-max-store-wait-ms")
}

// writerKey marks the context of the writer of BenchmarkCatchUpWriterWait:
// every other write is the sweep's.
type writerKey struct{}

// sweepCounter counts the write transactions of the sweep that committed,
// and records the longest a writer's transaction waited before its
// function first ran (maxWait, ns). With trace set it also records when
// each write transaction was asked for, began, ended its work and returned
// (see writeEvent).
type sweepCounter struct {
	store.Store
	commits atomic.Int64
	maxWait atomic.Int64
	trace   bool
	mu      sync.Mutex
	events  []writeEvent
}

// writeEvent is one write transaction: asked for at call, begun (its
// function first called) at got, its function done at fnEnd, committed
// and returned at done.
type writeEvent struct {
	sweep                  bool
	call, got, fnEnd, done time.Time
	ops                    []txOp
}

func (s *sweepCounter) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s *sweepCounter) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	sweep := ctx.Value(writerKey{}) == nil
	call := time.Now()
	var began atomic.Bool
	waited := func() {
		if !sweep && began.CompareAndSwap(false, true) {
			w := int64(time.Since(call))
			for m := s.maxWait.Load(); w > m && !s.maxWait.CompareAndSwap(m, w); m = s.maxWait.Load() {
			}
		}
	}
	if !s.trace {
		err := s.Store.WriteIn(ctx, ps, func(tx store.Tx) error {
			waited()
			return fn(tx)
		})
		if err == nil && sweep {
			s.commits.Add(1)
		}
		return err
	}
	ev := writeEvent{sweep: sweep, call: call}
	err := s.Store.WriteIn(ctx, ps, func(tx store.Tx) error {
		waited()
		ev.got = time.Now()
		ttx := &tracingTx{Tx: tx}
		err := fn(ttx)
		ev.fnEnd, ev.ops = time.Now(), ttx.ops
		return err
	})
	ev.done = time.Now()
	if err == nil && sweep {
		s.commits.Add(1)
	}
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
	return err
}

// report prints, for the slowest of calls (the writer's, each its start
// and latency), the write transactions that overlapped it, in ms from the
// call's start: where the wait went.
func (s *sweepCounter) report(b *testing.B, calls []writerCall) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var maxTx, maxCommit, maxGap time.Duration
	var commits []time.Duration
	var longest *writeEvent
	for i, e := range s.events {
		if e.sweep {
			if d := e.done.Sub(e.got); d > maxTx {
				maxTx, longest = d, &s.events[i]
			}
			maxCommit = max(maxCommit, e.done.Sub(e.fnEnd))
		}
		commits = append(commits, e.done.Sub(e.fnEnd))
	}
	slices.Sort(commits)
	over := len(commits) - sort.Search(len(commits), func(i int) bool { return commits[i] > 20*time.Millisecond })
	b.Logf("commits: p50 %.2f ms, p99 %.1f ms, max %.1f ms, %d over 20 ms", ms(commits[len(commits)/2]),
		ms(commits[len(commits)*99/100]), ms(commits[len(commits)-1]), over)
	for i := 1; i < len(s.events); i++ {
		maxGap = max(maxGap, s.events[i].got.Sub(s.events[i-1].done))
	}
	b.Logf("%d write transactions; sweep: longest %.1f ms, longest commit %.1f ms; longest gap between two %.1f ms",
		len(s.events), ms(maxTx), ms(maxCommit), ms(maxGap))
	if longest != nil {
		b.Logf("the sweep's longest transaction: work %.1f ms, commit %.1f ms", ms(longest.fnEnd.Sub(longest.got)), ms(longest.done.Sub(longest.fnEnd)))
		for _, o := range longest.ops {
			b.Logf("  %s at %.1f ms took %.1f ms", o.name, ms(o.start.Sub(longest.got)), ms(o.end.Sub(o.start)))
		}
	}
	slices.SortFunc(calls, func(a, b writerCall) int { return int(b.d - a.d) })
	for _, c := range calls[:min(5, len(calls))] {
		b.Logf("call at %s took %.1f ms:", c.start.Format("15:04:05.000"), ms(c.d))
		for _, e := range s.events {
			if e.done.Before(c.start) || e.call.After(c.start.Add(c.d)) {
				continue
			}
			who := "writer"
			if e.sweep {
				who = "sweep "
			}
			b.Logf("  %s call %7.1f got %7.1f work %6.1f commit %6.1f", who,
				ms(e.call.Sub(c.start)), ms(e.got.Sub(c.start)), ms(e.fnEnd.Sub(e.got)), ms(e.done.Sub(e.fnEnd)))
			if len(e.ops) == 0 {
				continue
			}
			var in, gap, op time.Duration
			var gapAfter, longest string
			prev, prevName := e.got, "begin"
			for _, o := range append(e.ops, txOp{"end", e.fnEnd, e.fnEnd}) {
				if g := o.start.Sub(prev); g > gap {
					gap, gapAfter = g, prevName
				}
				if d := o.end.Sub(o.start); d > op {
					op, longest = d, o.name
				}
				in += o.end.Sub(o.start)
				prev, prevName = o.end, o.name
			}
			b.Logf("         %d statements, %.1f ms in them; longest %s %.1f ms; longest gap %.1f ms after %s",
				len(e.ops), ms(in), longest, ms(op), ms(gap), gapAfter)
		}
	}
	for _, name := range []string{"/sched/latencies:seconds", "/sched/pauses/total/gc:seconds"} {
		m := []metrics.Sample{{Name: name}}
		metrics.Read(m)
		h := m[0].Value.Float64Histogram()
		for i := len(h.Counts) - 1; i >= 0; i-- {
			if h.Counts[i] > 0 {
				b.Logf("%s: longest in [%g, %g) s", name, h.Buckets[i], h.Buckets[i+1])
				break
			}
		}
	}
}

// tracingTx times the calls of a transaction that a catch-up makes.
type tracingTx struct {
	store.Tx
	ops []txOp
}

// txOp is one call of a tracingTx.
type txOp struct {
	name       string
	start, end time.Time
}

func traced[T any](t *tracingTx, name string, f func() (T, error)) (T, error) {
	start := time.Now()
	v, err := f()
	t.ops = append(t.ops, txOp{name, start, time.Now()})
	return v, err
}

func (t *tracingTx) WriteRows(ctx context.Context, w *store.RowWrites) error {
	_, err := traced(t, "WriteRows", func() (bool, error) { return false, t.Tx.(store.RowWriter).WriteRows(ctx, w) })
	return err
}

func (t *tracingTx) AnyDue(ctx context.Context, p *store.Partition, now time.Time) (bool, error) {
	return traced(t, "AnyDue", func() (bool, error) { return t.Tx.AnyDue(ctx, p, now) })
}

func (t *tracingTx) DueResources(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Resource, error) {
	return traced(t, "DueResources", func() ([]store.Resource, error) { return t.Tx.DueResources(ctx, p, now, limit) })
}

func (t *tracingTx) DueAssociations(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Association, error) {
	return traced(t, "DueAssociations", func() ([]store.Association, error) { return t.Tx.DueAssociations(ctx, p, now, limit) })
}

func (t *tracingTx) AnyDueFrom(ctx context.Context, p *store.Partition, from, now time.Time) (bool, error) {
	return traced(t, "AnyDueFrom", func() (bool, error) { return t.Tx.(store.DueFromReader).AnyDueFrom(ctx, p, from, now) })
}

func (t *tracingTx) DueResourcesFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Resource, error) {
	return traced(t, "DueResourcesFrom", func() ([]store.Resource, error) {
		return t.Tx.(store.DueFromReader).DueResourcesFrom(ctx, p, from, now, limit)
	})
}

func (t *tracingTx) DueAssociationsFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Association, error) {
	return traced(t, "DueAssociationsFrom", func() ([]store.Association, error) {
		return t.Tx.(store.DueFromReader).DueAssociationsFrom(ctx, p, from, now, limit)
	})
}

func (t *tracingTx) GetResource(ctx context.Context, p store.Partition, kind, id string) (*store.Resource, error) {
	return traced(t, "GetResource", func() (*store.Resource, error) { return t.Tx.GetResource(ctx, p, kind, id) })
}

// writerCall is one call of the writer of BenchmarkCatchUpWriterWait.
type writerCall struct {
	start time.Time
	d     time.Duration
}

// hookStore runs hook inside the first write transaction, once.
type hookStore struct {
	store.Store
	once sync.Once
	hook func()
}

func (s *hookStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s *hookStore) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	return s.Store.WriteIn(ctx, ps, func(tx store.Tx) error {
		s.once.Do(s.hook)
		return fn(tx)
	})
}

// A write issued while a long catch-up runs gets the store between two of
// the catch-up's transactions: it finds steps still due, and the catch-up
// then finishes them all.
func TestCatchUpLetsWritersIn(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	other := store.Partition{Account: "210987654321", Region: "us-east-1"}
	base, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	const n = 5000
	if err := pendingWorkspaces(ctx, base, p, t0, t0.Add(time.Second), n); err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	now, err := clock.Advance(time.Second + n*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		stillDue bool
		err      error
	}
	done := make(chan seen, 1)
	st := &hookStore{Store: base}
	// Inside the catch-up's first transaction, another writer asks for the
	// store: it tags a resource of another account and looks at p.
	st.hook = func() {
		go func() {
			var s seen
			s.err = base.Write(ctx, func(tx store.Tx) error {
				if err := tx.PutTags(ctx, other, "ws-other", []store.Tag{{Key: "k", Value: "v"}}); err != nil {
					return err
				}
				var err error
				s.stillDue, err = tx.AnyDue(ctx, &p, now)
				return err
			})
			done <- s
		}()
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	s := <-done
	if s.err != nil {
		t.Fatal(s.err)
	}
	if !s.stillDue {
		t.Error("the other write ran only after the whole catch-up")
	}
	if got := svc.StepsApplied()["workspace"]; got != n {
		t.Errorf("%d steps applied, want %d", got, n)
	}
	err = base.Read(ctx, func(tx store.Tx) error {
		due, err := tx.AnyDue(ctx, &p, now)
		if due {
			t.Error("steps are still due after the sweep")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// One catch-up over many batches and transactions leaves the rows, and
// every timestamp, as sweeping live (each millisecond) does, where steps
// schedule further steps among the rows already read: TERMINATING
// WorkSpaces become TERMINATED and are gone 2 ms later, two WorkSpaces due
// at each instant.
func TestCatchUpIsLive(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	const n = 1600
	run := func(live bool) []store.Resource {
		st, err := sqlite.Open(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		err = dueWorkspaces(ctx, st, p, t0, n, func(i int) (string, time.Time) {
			state := "PENDING"
			if i%3 != 0 {
				state = "TERMINATING"
			}
			return state, t0.Add(time.Second + time.Duration(i/2)*time.Millisecond)
		})
		if err != nil {
			t.Fatal(err)
		}
		clock, err := sim.NewSwitchableClock("manual", t0.Add(time.Second-time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
		svc.SetDurations(ws.Durations{Terminated: 2 * time.Millisecond, Deploy: time.Millisecond, Removed: 3 * time.Millisecond})
		// Every other WorkSpace has an application being installed, whose
		// steps read the WorkSpace (written at the same instant, or one
		// later) or go with it.
		apps, err := svc.DescribeApplications(ctx, &api.DescribeApplicationsRequest{})
		if err != nil || len(apps.Applications) == 0 {
			t.Fatalf("no application to install: %v", err)
		}
		err = st.Write(ctx, func(tx store.Tx) error {
			for i := 0; i < n; i += 2 {
				err := tx.PutAssociation(ctx, &store.Association{Partition: p, ApplicationID: *apps.Applications[0].ApplicationId,
					ResourceType: "WORKSPACE", ResourceID: fmt.Sprintf("ws-%09d", i), State: "PENDING_INSTALL",
					Created: t0, Updated: t0, DueAt: t0.Add(time.Second + time.Duration(i/2+i%4/2)*time.Millisecond)})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		end := t0.Add(time.Second + n*time.Millisecond)
		if !live {
			if _, err := clock.Set(end); err != nil {
				t.Fatal(err)
			}
		}
		for {
			if err := svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if !clock.Now().Before(end) {
				break
			}
			if _, err := clock.Advance(time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
		var rows []store.Resource
		err = st.Read(ctx, func(tx store.Tx) error {
			rows, err = tx.AllResources(ctx)
			if err != nil {
				return err
			}
			assocs, err := tx.AllAssociations(ctx)
			for _, a := range assocs {
				// The associations as resources, to compare alike.
				rows = append(rows, store.Resource{ID: a.ApplicationID + "/" + a.ResourceID, State: a.State + " " + a.FailedStep,
					DueAt: a.DueAt, Doc: []byte(a.Updated.String() + " " + a.ReasonCode)})
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if svc.StepsApplied()["association"] == 0 {
			t.Fatal("no association step was applied")
		}
		return rows
	}
	live, caughtUp := run(true), run(false)
	if want := n / 3; len(live) < want || len(live) > want+1+n/2 {
		t.Fatalf("live: %d rows left, want the %d WorkSpaces that were PENDING and their applications", len(live), want)
	}
	if len(caughtUp) != len(live) {
		t.Fatalf("caught up: %d WorkSpaces left, live %d", len(caughtUp), len(live))
	}
	for i := range live {
		a, b := live[i], caughtUp[i]
		if a.ID != b.ID || a.State != b.State || !a.DueAt.Equal(b.DueAt) || string(a.Doc) != string(b.Doc) {
			t.Fatalf("row %d: caught up %s %s due %v %s, live %s %s due %v %s", i,
				b.ID, b.State, b.DueAt, b.Doc, a.ID, a.State, a.DueAt, a.Doc)
		}
	}
}

// Rows that are not valid rows of their kind, due first and more than one
// read of the catch-up takes, are quarantined and the rest are stepped, in
// two sweeps (the second with the quarantine known).
func TestCatchUpPastQuarantinedRows(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const bad, good = 700, 900
	if err := pendingWorkspaces(ctx, st, p, t0, t0.Add(time.Second), bad+good); err != nil {
		t.Fatal(err)
	}
	err = st.Write(ctx, func(tx store.Tx) error {
		for i := range bad {
			err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "workspace", ID: fmt.Sprintf("ws-%09d", i),
				State: "PENDING", Created: t0, DueAt: t0.Add(time.Second + time.Duration(i)*time.Millisecond), Doc: []byte("[]")})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	for _, d := range []time.Duration{time.Second + (bad+good/2)*time.Millisecond, time.Hour} {
		if _, err := clock.Advance(d); err != nil {
			t.Fatal(err)
		}
		if err := svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(svc.Quarantined()); got != bad {
		t.Errorf("%d rows quarantined, want %d", got, bad)
	}
	if got := svc.StepsApplied()["workspace"]; got != good {
		t.Errorf("%d steps applied, want %d", got, good)
	}
	err = st.Read(ctx, func(tx store.Tx) error {
		rs, err := tx.ListResources(ctx, p, "workspace", "", 0)
		states := map[string]int{}
		for _, r := range rs {
			states[r.State]++
		}
		if states["AVAILABLE"] != good || states["PENDING"] != bad {
			t.Errorf("states %v, want %d AVAILABLE and %d PENDING", states, good, bad)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A step written due before the instants a catch-up has reached, between
// two of its transactions (by another writer), is applied by the same
// catch-up: it reads past what it has stepped, then from the start again
// before it ends.
func TestCatchUpFindsStepsWrittenBehindIt(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	base, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	const n = 5000
	if err := pendingWorkspaces(ctx, base, p, t0, t0.Add(time.Second), n); err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	now, err := clock.Advance(time.Second + n*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	written := make(chan error, 1)
	st := &hookStore{Store: base}
	st.hook = func() {
		go func() {
			written <- dueWorkspaces(ctx, base, p, t0, 1, func(int) (string, time.Time) { return "PENDING", t0.Add(time.Second) })
		}()
	}
	// The late row replaces ws-000000000 (stepped first) with a PENDING
	// one due at the first instant again.
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	if got := svc.StepsApplied()["workspace"]; got != n+1 {
		t.Errorf("%d steps applied, want %d", got, n+1)
	}
	err = base.Read(ctx, func(tx store.Tx) error {
		due, err := tx.AnyDue(ctx, &p, now)
		if due {
			t.Error("steps are still due after the sweep")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
