package workspaces

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// panicky is a store whose write transactions panic when they write the
// resource with the given id: a step that panics, whatever the cause.
type panicky struct {
	store.Store
	id string
}

func (s panicky) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s panicky) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	return s.Store.WriteIn(ctx, ps, func(tx store.Tx) error { return fn(panickyTx{tx, s.id}) })
}

type panickyTx struct {
	store.Tx
	id string
}

func (tx panickyTx) PutResource(ctx context.Context, r *store.Resource) error {
	if r.ID == tx.id {
		panic("the step of " + r.ID + " exploded")
	}
	return tx.Tx.PutResource(ctx, r)
}

// A step that panics is rolled back and its row quarantined; the other
// rows due at the same instant step, the sweep succeeds, nothing is left
// due, and the next sweep does not try the row again.
func TestStepThatPanicsIsQuarantined(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock, _ := sim.NewSwitchableClock("manual", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(panicky{st, "d-bad0000001"}, clock, Config{}, nil, nil)
	p := store.Partition{Account: "000000000000", Region: "us-east-1"}
	due := clock.Now().Add(time.Second)
	err = st.Write(ctx, func(tx store.Tx) error {
		for _, id := range []string{"d-bad0000001", "d-good000001"} {
			r := &store.Resource{Partition: p, Kind: kindDirectory, ID: id, State: dirRegistering, Created: clock.Now(), DueAt: due,
				Doc: []byte(`{"DirectoryId":"` + id + `"}`)}
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clock.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Sweep(ctx); err != nil {
			t.Fatalf("Sweep: %v", err)
		}
	}
	q := s.Quarantined()
	if len(q) != 1 || q[0].ID != "d-bad0000001" || q[0].Kind != kindDirectory || q[0].State != dirRegistering ||
		!q[0].DueAt.Equal(due) || q[0].Reason != "panic: the step of d-bad0000001 exploded" {
		t.Fatalf("quarantined = %+v", q)
	}
	states := map[string]string{}
	err = st.Read(ctx, func(tx store.Tx) error {
		rs, err := tx.ListResources(ctx, p, kindDirectory, "", 0)
		for _, r := range rs {
			states[r.ID] = r.State
		}
		return err
	})
	if err != nil || states["d-bad0000001"] != dirRegistering || states["d-good000001"] != dirRegistered {
		t.Fatalf("states = %v, %v; want the bad one left REGISTERING, the good one REGISTERED", states, err)
	}
	if got := s.StepsApplied(); got[kindDirectory] != 1 {
		t.Fatalf("steps applied = %+v, want 1 directory step", got)
	}
	// Once the row changes (here: re-imported as the same), it is another
	// row: a reset of the quarantine lets it be tried again.
	s.ClearQuarantine()
	if err := s.Sweep(ctx); err != nil || !strings.HasPrefix(s.Quarantined()[0].Reason, "panic:") {
		t.Fatalf("after ClearQuarantine: %v, %+v", err, s.Quarantined())
	}
}
