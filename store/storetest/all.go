package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// dump is every row of a store, as the All* methods list them.
type dump struct {
	Resources    []store.Resource
	Associations []store.Association
	Tags         []store.ResourceTag
	Shares       []store.Share
}

func readAll(t *testing.T, st store.Store) dump {
	t.Helper()
	var d dump
	read(t, st, func(tx store.Tx) error {
		var err error
		if d.Resources, err = tx.AllResources(ctx); err != nil {
			return err
		}
		if d.Associations, err = tx.AllAssociations(ctx); err != nil {
			return err
		}
		if d.Tags, err = tx.AllTags(ctx); err != nil {
			return err
		}
		d.Shares, err = tx.AllShares(ctx)
		return err
	})
	return d
}

// fill writes rows across partitions, with values a lossy round trip would
// change: mixed-case ids (bytewise order differs from most collations),
// unicode, zero and non-zero due times, an ERROR with its reason.
func fill(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		for _, p := range []store.Partition{p2, p1, p3} {
			for _, id := range []string{"wsi-b", "wsi-B", "wsi-a"} {
				r := res(p, "image", id, "AVAILABLE")
				r.Doc = []byte(`{"name":"Bürozeit ✓","n":1}`)
				if id == "wsi-a" {
					r.DueAt = t0.Add(time.Minute)
				}
				if err := tx.PutResource(ctx, r); err != nil {
					return err
				}
			}
			if err := tx.PutResource(ctx, res(p, "bundle", "wsb-1", "AVAILABLE")); err != nil {
				return err
			}
			a := assoc(p, "wsa-2", "WORKSPACE", "ws-1", "ERROR")
			a.ReasonCode, a.ReasonMessage, a.FailedStep = "DeploymentError.InternalServerError", "boom", "INSTALLING"
			a.Updated, a.DueAt = t0.Add(time.Second), t0.Add(time.Hour)
			for _, x := range []*store.Association{a, assoc(p, "wsa-1", "IMAGE", "wsi-a", "COMPLETED"),
				assoc(p, "wsa-1", "BUNDLE", "wsb-1", "COMPLETED")} {
				if err := tx.PutAssociation(ctx, x); err != nil {
					return err
				}
			}
			if err := tx.PutTags(ctx, p, "wsi-b", []store.Tag{{Key: "Team", Value: "ä"}, {Key: "env", Value: ""}}); err != nil {
				return err
			}
			if err := tx.PutShare(ctx, store.Share{Partition: p, Kind: "image", ID: "wsi-a", Grantee: "999999999999"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// testRoundTrip lists everything, deletes it and writes it back in one
// transaction: the store must list exactly the same rows in the same order.
func testRoundTrip(t *testing.T, st store.Store) {
	fill(t, st)
	before := readAll(t, st)
	if len(before.Resources) != 12 || len(before.Associations) != 9 || len(before.Tags) != 6 || len(before.Shares) != 3 {
		t.Fatalf("listed %d resources, %d associations, %d tags, %d shares; want 12, 9, 6, 3",
			len(before.Resources), len(before.Associations), len(before.Tags), len(before.Shares))
	}
	// Bytewise order: account, region, kind, id; "wsi-B" before "wsi-a".
	first := before.Resources[:4]
	if first[0].Account != p1.Account || first[0].Region != p3.Region || first[0].Kind != "bundle" ||
		first[1].ID != "wsi-B" || first[2].ID != "wsi-a" || first[3].ID != "wsi-b" {
		t.Errorf("resources not in bytewise key order: %v", ids(before.Resources))
	}
	if a := before.Associations[0]; a.ApplicationID != "wsa-1" || a.ResourceType != "BUNDLE" {
		t.Errorf("first association = %+v, want wsa-1 BUNDLE", a)
	}
	if tg := before.Tags[0]; tg.Key != "Team" || tg.ResourceID != "wsi-b" {
		t.Errorf("first tag = %+v, want Team before env", tg)
	}
	write(t, st, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		if d, err := tx.AllResources(ctx); err != nil || len(d) != 0 {
			t.Errorf("after DeleteAll, within the transaction: %d resources, %v", len(d), err)
		}
		for i := range before.Resources {
			if err := tx.PutResource(ctx, &before.Resources[i]); err != nil {
				return err
			}
		}
		for i := range before.Associations {
			if err := tx.PutAssociation(ctx, &before.Associations[i]); err != nil {
				return err
			}
		}
		for _, tg := range before.Tags {
			if err := tx.PutTags(ctx, tg.Partition, tg.ResourceID, []store.Tag{tg.Tag}); err != nil {
				return err
			}
		}
		for _, sh := range before.Shares {
			if err := tx.PutShare(ctx, sh); err != nil {
				return err
			}
		}
		return nil
	})
	after := readAll(t, st)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("round trip changed the rows:\nbefore %+v\nafter  %+v", before, after)
	}
}

func testDeleteAllRollsBack(t *testing.T, st store.Store) {
	fill(t, st)
	before := readAll(t, st)
	boom := errors.New("boom")
	err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		if err := tx.PutResource(ctx, res(p1, "image", "wsi-new", "PENDING")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the function's error", err)
	}
	if after := readAll(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed transaction's DeleteAll took effect: %d resources left of %d", len(after.Resources), len(before.Resources))
	}
}

func testCountAssociations(t *testing.T, st store.Store) {
	fill(t, st)
	var got []store.AssociationCount
	read(t, st, func(tx store.Tx) error {
		var err error
		got, err = tx.CountAssociations(ctx)
		return err
	})
	want := []store.AssociationCount{
		{State: "COMPLETED", ResourceType: "BUNDLE", Count: 3},
		{State: "COMPLETED", ResourceType: "IMAGE", Count: 3},
		{State: "ERROR", ResourceType: "WORKSPACE", Count: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CountAssociations = %+v, want %+v", got, want)
	}
}
