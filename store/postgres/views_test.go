package postgres_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
)

var (
	pA = store.Partition{Account: "111111111111", Region: "us-east-1"}
	pB = store.Partition{Account: "222222222222", Region: "us-east-1"}
	t0 = time.UnixMilli(1_800_000_000_000).UTC()
)

func putImage(t testing.TB, st store.Store, p store.Partition, id, state string, apps ...string) {
	t.Helper()
	err := st.WriteIn(context.Background(), []store.Partition{p}, func(tx store.Tx) error {
		if err := tx.PutResource(context.Background(), &store.Resource{Partition: p, Kind: "image", ID: id, State: state, Created: t0, Doc: []byte(`{}`)}); err != nil {
			return err
		}
		for _, a := range apps {
			if err := tx.PutAssociation(context.Background(), &store.Association{Partition: p, ApplicationID: a, ResourceType: "IMAGE", ResourceID: id, State: "COMPLETED", Created: t0, Updated: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkViewResource reads one view from 8 goroutines: kept and
// checked (cached), or by its statement each time (statement). checks/op
// is how many version checks each read cost.
func BenchmarkViewResource(b *testing.B) {
	st := openSchema(b).(*postgres.Store)
	putImage(b, st, pA, "wsi-1", "AVAILABLE", "wsa-1", "wsa-2")
	ctx := context.Background()
	b.Run("cached", func(b *testing.B) {
		before := postgres.Checks(st)
		b.SetParallelism(8 / max(1, runtimeProcs()))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := st.ViewResource(ctx, pA, "image", "wsi-1", "IMAGE", t0); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(postgres.Checks(st)-before)/float64(b.N), "checks/op")
	})
	b.Run("statement", func(b *testing.B) {
		b.SetParallelism(8 / max(1, runtimeProcs()))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := postgres.ViewStatement(st, ctx, pA, "image", "wsi-1", "IMAGE", t0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// replicas opens n stores on one new schema, with opts, dropped when the
// test ends.
func replicas(t *testing.T, n int, opts ...postgres.Options) []*postgres.Store {
	t.Helper()
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	url := URL() + "&search_path=" + schema
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), URL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	var sts []*postgres.Store
	for i := range n {
		o := postgres.DefaultOptions()
		if i < len(opts) {
			o = opts[i]
		}
		st, err := postgres.OpenWith(context.Background(), url, o)
		if err != nil {
			t.Fatalf("PostgreSQL at %s: %v", URL(), err)
		}
		t.Cleanup(func() { st.Close() })
		sts = append(sts, st)
	}
	return sts
}

// withWindow is DefaultOptions with the read window w.
func withWindow(w time.Duration) postgres.Options {
	o := postgres.DefaultOptions()
	o.ReadWindow = w
	return o
}

// TestReplicaSeesTheOthersWrites: a read on replica b that begins after
// a write on replica a returned sees it, whether b keeps the view, checks
// it in the background (the default window) or on every read (window 0),
// for writes of one partition, of a grantee's share, and of every
// partition (a reset, a state import). Readers on b keep its views warm
// meanwhile, so that they are served from what b keeps, not read anew.
func TestReplicaSeesTheOthersWrites(t *testing.T) {
	for _, w := range []time.Duration{postgres.DefaultReadWindow, 0} {
		t.Run(fmt.Sprint("window=", w), func(t *testing.T) {
			sts := replicas(t, 2, withWindow(w), withWindow(w))
			a, b := sts[0], sts[1]
			ctx := context.Background()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := b.ViewResource(ctx, pA, "image", "wsi-1", "IMAGE", t0); err != nil {
							t.Error(err)
							return
						}
						if _, err := b.ViewResources(ctx, pA, "image", t0); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			defer func() { close(stop); wg.Wait() }()
			const n = 60
			for i := range n {
				app := fmt.Sprintf("wsa-%03d", i)
				switch i % 6 {
				case 0: // a reset: every partition
					if err := a.Reset(ctx); err != nil {
						t.Fatal(err)
					}
					if v := view(t, b, pA); v.Resource != nil {
						t.Fatalf("write %d: b reads %+v after a's reset", i, v.Resource)
					}
					putImage(t, a, pA, "wsi-1", "AVAILABLE", app)
				case 3: // an import: a write of every partition
					if err := a.Write(ctx, func(tx store.Tx) error {
						return tx.PutAssociation(ctx, &store.Association{Partition: pA, ApplicationID: app, ResourceType: "IMAGE", ResourceID: "wsi-1", State: "COMPLETED", Created: t0, Updated: t0})
					}); err != nil {
						t.Fatal(err)
					}
				case 4: // a share: the grantee's partition
					shared := i%12 == 4
					if err := a.WriteIn(ctx, []store.Partition{pB}, func(tx store.Tx) error {
						s := store.Share{Partition: pB, Kind: "image", ID: "wsi-9", Grantee: pA.Account}
						if shared {
							return tx.PutShare(ctx, s)
						}
						return tx.DeleteShare(ctx, s)
					}); err != nil {
						t.Fatal(err)
					}
					if got, err := b.ViewResources(ctx, pA, "image", t0); err != nil || got.Shared != shared {
						t.Fatalf("write %d: b reads Shared %v (%v) after a's share, want %v", i, got.Shared, err, shared)
					}
					putImage(t, a, pA, "wsi-1", "AVAILABLE", app)
				default: // a write of the partition
					putImage(t, a, pA, "wsi-1", "AVAILABLE", app)
				}
				if v := view(t, b, pA); !hasApp(v, app) {
					t.Fatalf("write %d: b reads %d associations without %s after a's write returned", i, len(v.Associations), app)
				}
			}
		})
	}
}

func view(t *testing.T, st *postgres.Store, p store.Partition) store.ResourceView {
	t.Helper()
	v, err := st.ViewResource(context.Background(), p, "image", "wsi-1", "IMAGE", t0)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hasApp(v store.ResourceView, app string) bool {
	for _, a := range v.Associations {
		if a.ApplicationID == app {
			return true
		}
	}
	return false
}

// TestReadWindowBound: a write that returns at once (its replica's window
// is 0) may be missed by a replica that keeps the view for at most that
// replica's window, and never after it.
func TestReadWindowBound(t *testing.T) {
	const w = 200 * time.Millisecond
	sts := replicas(t, 2, withWindow(0), withWindow(w))
	a, b := sts[0], sts[1]
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-0")
	for i := 1; i <= 5; i++ {
		view(t, b, pA) // b keeps the view, and the versions it read
		app := fmt.Sprintf("wsa-%d", i)
		putImage(t, a, pA, "wsi-1", "AVAILABLE", app)
		start := time.Now()
		time.Sleep(w)
		// The versions b knows were read before the write began; w later
		// they are too old to serve the view.
		if v := view(t, b, pA); !hasApp(v, app) {
			t.Fatalf("b reads %d associations without %s %v after a's write returned (window %v)", len(v.Associations), app, time.Since(start), w)
		}
	}
}

// TestKeptViewsHoldUntilDue: a replica serves a kept view until the
// earliest step of its partition comes due, and then reads it anew, due.
func TestKeptViewsHoldUntilDue(t *testing.T) {
	sts := replicas(t, 2)
	a, b := sts[0], sts[1]
	ctx := context.Background()
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-1")
	if err := a.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: pA, Kind: "image", ID: "wsi-2", State: "PENDING", Created: t0, DueAt: t0.Add(10 * time.Second), Doc: []byte(`{}`)})
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		v, err := b.ViewResource(ctx, pA, "image", "wsi-1", "IMAGE", t0.Add(10*time.Second-time.Millisecond))
		if err != nil || v.Due || !v.NextDue.Equal(t0.Add(10*time.Second)) {
			t.Fatalf("before the step: Due %v NextDue %v (%v), want not due, next at +10s", v.Due, v.NextDue, err)
		}
	}
	// A view served from what b kept may have started a refresh of its
	// versions in the background (on a slow machine): not one of these.
	postgres.ChecksIdle(b)
	checks := postgres.Checks(b)
	for range 3 {
		v, err := b.ViewResource(ctx, pA, "image", "wsi-1", "IMAGE", t0.Add(10*time.Second))
		if err != nil || !v.Due {
			t.Fatalf("at the step: Due %v (%v), want due", v.Due, err)
		}
	}
	if got := postgres.Checks(b) - checks; got != 0 {
		t.Errorf("views with a step due were checked %d times: kept, though they must not be", got)
	}
}

// TestReadsAcrossReplicasNeverGoBack: once a replica has answered a view,
// a read on another replica that begins afterwards does not answer an
// older one, even when the write that made it has not returned yet (its
// replica's window, 0 here, does not hold it back).
func TestReadsAcrossReplicasNeverGoBack(t *testing.T) {
	const w = 200 * time.Millisecond
	sts := replicas(t, 3, withWindow(0), withWindow(w), withWindow(w))
	writer, a, b := sts[0], sts[1], sts[2]
	putImage(t, writer, pA, "wsi-1", "AVAILABLE", "wsa-0")
	for i := 1; i <= 5; i++ {
		view(t, a, pA) // a keeps the view, checked just now
		app := fmt.Sprintf("wsa-%d", i)
		putImage(t, writer, pA, "wsi-1", "AVAILABLE", app)
		if v := view(t, b, pA); !hasApp(v, app) {
			t.Fatalf("b reads %d associations without %s after the write returned", len(v.Associations), app)
		}
		if v := view(t, a, pA); !hasApp(v, app) {
			t.Fatalf("a reads %d associations without %s after b answered with it", len(v.Associations), app)
		}
	}
}

// TestRequestSettlesOnce: with a store.Settle in the context, a write
// (on a replica beside one that keeps views) returns without waiting out the read window, and the answer that
// store.SettleHTTP holds goes out no sooner than the window after the
// last commit; several writes of one request wait once.
func TestRequestSettlesOnce(t *testing.T) {
	const window = 2 * time.Second
	sts := replicas(t, 2, withWindow(window), withWindow(window))
	st := sts[0]
	keepViews(t, sts[1]) // writes wait only for a replica keeping views
	var lastWrite, answered time.Time
	var writesTook time.Duration
	h := store.SettleHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		for i := range 3 {
			lastWrite = time.Now() // its commit comes later
			putImageCtx(t, r.Context(), st, pA, fmt.Sprint("wsi-", i), "AVAILABLE")
		}
		writesTook = time.Since(start)
		w.WriteHeader(http.StatusOK)
		answered = time.Now()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil))
	if writesTook >= window {
		t.Errorf("three writes with a Settle took %v: each waited the window (%v)", writesTook, window)
	}
	if answered.Sub(lastWrite) < window {
		t.Errorf("answered %v after the last write began, before the read window (%v) was out", answered.Sub(lastWrite), window)
	}
}

func putImageCtx(t testing.TB, ctx context.Context, st store.Store, p store.Partition, id, state string) {
	t.Helper()
	err := st.WriteIn(ctx, []store.Partition{p}, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "image", ID: id, State: state, Created: t0, Doc: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
}
