package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// TestDueBoundsFollowOtherReplicas: a replica that learnt that nothing is
// due in a partition must not trust it once another replica scheduled a
// step there, by a write of the partition or of every partition (which
// raises every partition's version).
func TestDueBoundsFollowOtherReplicas(t *testing.T) {
	sts := replicas(t, 2)
	a, b := sts[0], sts[1]
	ctx := context.Background()
	anyDue := func(st store.Store, p store.Partition, now time.Time) bool {
		t.Helper()
		var due bool
		err := st.WriteIn(ctx, []store.Partition{p}, func(tx store.Tx) error {
			var err error
			due, err = tx.AnyDue(ctx, &p, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return due
	}
	scheduled := func(p store.Partition, id string) *store.Resource {
		return &store.Resource{Partition: p, Kind: "image", ID: id, State: "PENDING", Created: t0, DueAt: t0.Add(time.Second), Doc: []byte(`{}`)}
	}
	later := t0.Add(2 * time.Second)

	for i := range 2 { // learnt, then trusted
		if anyDue(a, pA, later) {
			t.Fatalf("read %d: a step is due in an empty partition", i)
		}
	}
	if err := b.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error { return tx.PutResource(ctx, scheduled(pA, "wsi-1")) }); err != nil {
		t.Fatal(err)
	}
	if !anyDue(a, pA, later) {
		t.Error("replica a missed the step replica b scheduled in the partition")
	}

	if anyDue(a, pB, later) {
		t.Fatal("a step is due in an empty partition")
	}
	if err := b.Write(ctx, func(tx store.Tx) error { return tx.PutResource(ctx, scheduled(pB, "wsi-2")) }); err != nil {
		t.Fatal(err)
	}
	if !anyDue(a, pB, later) {
		t.Error("replica a missed the step replica b scheduled in a write of every partition")
	}
}
