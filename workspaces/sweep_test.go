package workspaces_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
	ws "github.com/wslocal/wslocal/workspaces"
)

// partitionsStore records the partitions each write names.
type partitionsStore struct {
	store.Store
	mu     sync.Mutex
	writes [][]store.Partition
}

func (s *partitionsStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s *partitionsStore) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	s.mu.Lock()
	s.writes = append(s.writes, ps)
	s.mu.Unlock()
	return s.Store.WriteIn(ctx, ps, fn)
}

// A sweep catches each partition up in writes of that partition alone,
// the one with the earliest step first, and applies every step due.
func TestSweepWritesOnePartitionAtATime(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	late := store.Partition{Account: "123456789012", Region: "us-east-1"}
	early := store.Partition{Account: "210987654321", Region: "eu-west-1"}
	base, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	// More steps than one transaction applies, in both partitions.
	if err := pendingWorkspaces(ctx, base, late, t0, t0.Add(2*time.Second), 2500); err != nil {
		t.Fatal(err)
	}
	if err := pendingWorkspaces(ctx, base, early, t0, t0.Add(time.Second), 1500); err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	now, err := clock.Advance(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	st := &partitionsStore{Store: base}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := svc.StepsApplied()["workspace"]; got != 4000 {
		t.Errorf("%d steps applied, want 4000", got)
	}
	if len(st.writes) < 4 {
		t.Fatalf("%d writes, want several per partition", len(st.writes))
	}
	seen := map[store.Partition]bool{}
	var last store.Partition
	for i, ps := range st.writes {
		if len(ps) != 1 {
			t.Fatalf("write %d names %v, want one partition", i, ps)
		}
		if ps[0] != last && seen[ps[0]] {
			t.Errorf("write %d goes back to %v", i, ps[0])
		}
		seen[ps[0]], last = true, ps[0]
	}
	if st.writes[0][0] != early {
		t.Errorf("the sweep began with %v, want %v (its steps are due first)", st.writes[0][0], early)
	}
	err = base.Read(ctx, func(tx store.Tx) error {
		due, err := tx.AnyDue(ctx, nil, now)
		if due {
			t.Error("steps are still due after the sweep")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// On PostgreSQL, a write of another partition commits while a transaction
// of the sweep holds its partition: it does not wait for the sweep.
func TestSweepDoesNotHoldOtherPartitions(t *testing.T) {
	ctx := context.Background()
	pg, err := openPostgres(t, "wslocal_test_")
	if err != nil {
		t.Skipf("%v (start it, or set WSLOCAL_TEST_POSTGRES)", err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	other := store.Partition{Account: "210987654321", Region: "us-east-1"}
	if err := pendingWorkspaces(ctx, pg, p, t0, t0.Add(time.Second), 10); err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clock.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	var otherErr error
	st := &hookStore{Store: pg}
	st.hook = func() {
		// Inside the sweep's first transaction: a write of every partition
		// would hold the schema's lock, and this one would time out.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		otherErr = pg.WriteIn(wctx, []store.Partition{other}, func(tx store.Tx) error {
			return tx.PutTags(wctx, other, "ws-other", []store.Tag{{Key: "k", Value: "v"}})
		})
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if otherErr != nil {
		t.Errorf("the write of another partition during the sweep: %v", otherErr)
	}
	if got := svc.StepsApplied()["workspace"]; got != 10 {
		t.Errorf("%d steps applied, want 10", got)
	}
}
