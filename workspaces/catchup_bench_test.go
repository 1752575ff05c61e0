package workspaces_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
// The store is an in-memory SQLite, or PostgreSQL when
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
	start := time.Now()
	err := s.Store.Write(ctx, fn)
	d := time.Since(start)
	s.mu.Lock()
	s.writes++
	s.maxWrite = max(s.maxWrite, d)
	s.mu.Unlock()
	return err
}

// benchStore opens the store of the benchmarks: see BenchmarkCatchUp.
func benchStore(b *testing.B) store.Store {
	ctx := context.Background()
	if os.Getenv("WSLOCAL_BENCH_STORE") != "postgres" {
		st, err := sqlite.Open(ctx, ":memory:")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	base := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_bench_" + strings.ToLower(rand.Text()[:10])
	st, err := postgres.Open(ctx, base+"&search_path="+schema)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		st.Close()
		if err := postgres.DropSchema(context.Background(), base, schema); err != nil {
			b.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return st
}

// pendingWorkspaces writes n PENDING WorkSpaces to p, the i-th due at
// due + i ms, in transactions of 5,000.
func pendingWorkspaces(ctx context.Context, st store.Store, p store.Partition, created, due time.Time, n int) error {
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
				if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "workspace", ID: id,
					State: "PENDING", Created: created, DueAt: due.Add(time.Duration(i) * time.Millisecond), Doc: doc}); err != nil {
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
		b.StartTimer()
	}
	b.ReportMetric(float64(maxWrite.Microseconds())/1000, "max-write-ms")
}
