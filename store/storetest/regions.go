package storetest

import (
	"errors"
	"testing"

	"github.com/wslocal/wslocal/store"
)

// testAcrossRegions: one transaction writes two partitions of one account
// (a standby WorkSpace and its primary, in two Regions), all or nothing.
func testAcrossRegions(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		if err := tx.PutResource(ctx, res(p1, "workspace", "ws-primary", "AVAILABLE")); err != nil {
			return err
		}
		return tx.PutResource(ctx, res(p3, "workspace", "ws-standby", "PENDING"))
	})
	boom := errors.New("boom")
	err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutResource(ctx, res(p1, "workspace", "ws-primary", "SUSPENDED")); err != nil {
			return err
		}
		if err := tx.PutResource(ctx, res(p3, "workspace", "ws-half", "PENDING")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the function's error", err)
	}
	read(t, st, func(tx store.Tx) error {
		for _, want := range []struct {
			p            store.Partition
			id, state    string
			otherRegions store.Partition
		}{{p1, "ws-primary", "AVAILABLE", p3}, {p3, "ws-standby", "PENDING", p1}} {
			r, err := tx.GetResource(ctx, want.p, "workspace", want.id)
			if err != nil || r.State != want.state {
				t.Errorf("%v %s = %+v, %v; want %s", want.p, want.id, r, err, want.state)
			}
			if _, err := tx.GetResource(ctx, want.otherRegions, "workspace", want.id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s of %v is visible in %v: %v", want.id, want.p, want.otherRegions, err)
			}
		}
		if _, err := tx.GetResource(ctx, p3, "workspace", "ws-half"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed write across Regions left its resource: %v", err)
		}
		return nil
	})
}
