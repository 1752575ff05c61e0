package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// testWriteRows: a store.RowWriter's WriteRows leaves the rows that the
// same puts and deletes, one call each, leave: written in p1 by WriteRows
// and in p2 one by one, over more rows than one statement takes, both
// partitions read back alike.
func testWriteRows(t *testing.T, st store.Store) {
	const n = 700
	var due time.Time
	seed := func(tx store.Tx, p store.Partition) error {
		for i := range n {
			if err := tx.PutResource(ctx, res(p, "workspace", fmt.Sprintf("ws-%04d", i), "PENDING")); err != nil {
				return err
			}
			if err := tx.PutAssociation(ctx, assoc(p, fmt.Sprintf("wsa-%04d", i), "WORKSPACE", "ws-1", "INSTALLING")); err != nil {
				return err
			}
		}
		return nil
	}
	// Row i of each table: put anew (i%3 == 0), deleted (i%3 == 1), left;
	// and as many new rows.
	var w store.RowWrites
	due = t0.Add(time.Minute)
	for i := range 2 * n {
		id := fmt.Sprintf("ws-%04d", i)
		app := fmt.Sprintf("wsa-%04d", i)
		switch {
		case i >= n || i%3 == 0:
			r := res(p1, "workspace", id, "AVAILABLE")
			r.DueAt = due.Add(time.Duration(i) * time.Millisecond)
			w.Resources = append(w.Resources, r)
			a := assoc(p1, app, "WORKSPACE", "ws-1", "INSTALLED")
			a.ReasonCode, a.FailedStep, a.DueAt = "code", "INSTALLING", due
			w.Associations = append(w.Associations, a)
		case i%3 == 1:
			w.DeleteResources = append(w.DeleteResources, store.ResourceRef{Partition: p1, Kind: "workspace", ID: id})
			w.DeleteAssociations = append(w.DeleteAssociations, store.AssociationRef{Partition: p1,
				AssociationKey: store.AssociationKey{ApplicationID: app, ResourceType: "WORKSPACE", ResourceID: "ws-1"}})
		}
	}
	write(t, st, func(tx store.Tx) error {
		if err := seed(tx, p1); err != nil {
			return err
		}
		return seed(tx, p2)
	})
	write(t, st, func(tx store.Tx) error {
		rw, ok := tx.(store.RowWriter)
		if !ok {
			t.Skip("the store writes rows one by one")
		}
		if err := rw.WriteRows(ctx, &w); err != nil {
			return err
		}
		// The same, one call each, in p2.
		for _, r := range w.Resources {
			c := *r
			c.Partition = p2
			if err := tx.PutResource(ctx, &c); err != nil {
				return err
			}
		}
		for _, a := range w.Associations {
			c := *a
			c.Partition = p2
			if err := tx.PutAssociation(ctx, &c); err != nil {
				return err
			}
		}
		for _, r := range w.DeleteResources {
			if err := tx.DeleteResource(ctx, p2, r.Kind, r.ID); err != nil {
				return err
			}
		}
		for _, a := range w.DeleteAssociations {
			if err := tx.DeleteAssociation(ctx, p2, a.AssociationKey); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx store.Tx) error {
		r1, err := tx.ListResources(ctx, p1, "workspace", "", 0)
		if err != nil {
			return err
		}
		r2, err := tx.ListResources(ctx, p2, "workspace", "", 0)
		if err != nil {
			return err
		}
		if want := 2*n - (n+1)/3; len(r1) != want {
			t.Errorf("%d resources after WriteRows, want %d", len(r1), want)
		}
		a1, err := tx.Associations(ctx, store.AssociationQuery{Partition: p1, ResourceType: "WORKSPACE", ResourceID: "ws-1"})
		if err != nil {
			return err
		}
		a2, err := tx.Associations(ctx, store.AssociationQuery{Partition: p2, ResourceType: "WORKSPACE", ResourceID: "ws-1"})
		if err != nil {
			return err
		}
		for i := range r1 {
			r1[i].Partition = p2
		}
		for i := range a1 {
			a1[i].Partition = p2
		}
		if !reflect.DeepEqual(r1, r2) {
			t.Error("resources written by WriteRows differ from those written one by one")
		}
		if len(a1) != len(r1) || !reflect.DeepEqual(a1, a2) {
			t.Errorf("%d associations written by WriteRows, %d one by one, or they differ", len(a1), len(a2))
		}
		return nil
	})
	// A row with U+0000 is refused, as by PutResource, and nothing is
	// written.
	bad := store.RowWrites{Resources: []*store.Resource{res(p1, "workspace", "ws-new", "AVAILABLE"), res(p1, "workspace", "ws-\x00", "AVAILABLE")}}
	err := st.Write(ctx, func(tx store.Tx) error { return tx.(store.RowWriter).WriteRows(ctx, &bad) })
	if !errors.Is(err, store.ErrNUL) {
		t.Errorf("WriteRows with U+0000 in an ID: %v, want store.ErrNUL", err)
	}
}
