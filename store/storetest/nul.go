package storetest

import (
	"errors"
	"testing"

	"github.com/wslocal/wslocal/store"
)

// testNUL: no store keeps U+0000 in a key or text column (a PostgreSQL
// text column cannot), and every store answers alike: a write refused
// with store.ErrNUL and nothing written, reads under such a key find
// nothing, deletes delete nothing. A document keeps it.
func testNUL(t *testing.T, st store.Store) {
	const nul = "a\x00b"
	pNUL := store.Partition{Account: "1111\x00", Region: "us-east-1"}
	doc := []byte(`{"description":"x\u0000y"}`)
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "ipgroup", "wsipg-1", "AVAILABLE")
		r.Doc = doc
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		if err := tx.PutTags(ctx, p1, "wsipg-1", []store.Tag{{Key: "k", Value: "v"}}); err != nil {
			return err
		}
		if err := tx.PutAssociation(ctx, assoc(p1, "wsa-1", "IMAGE", "wsi-1", "COMPLETED")); err != nil {
			return err
		}
		return tx.PutShare(ctx, store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: p2.Account})
	})

	refused := map[string]func(tx store.Tx) error{
		"tag key": func(tx store.Tx) error {
			return tx.PutTags(ctx, p1, "wsipg-1", []store.Tag{{Key: "ok", Value: "1"}, {Key: nul, Value: "v"}})
		},
		"tag value": func(tx store.Tx) error { return tx.PutTags(ctx, p1, "wsipg-1", []store.Tag{{Key: "k2", Value: nul}}) },
		"tag resource": func(tx store.Tx) error {
			return tx.PutTags(ctx, p1, "wsipg-"+nul, []store.Tag{{Key: "k", Value: "v"}})
		},
		"resource id":        func(tx store.Tx) error { return tx.PutResource(ctx, res(p1, "ipgroup", "wsipg-"+nul, "AVAILABLE")) },
		"resource partition": func(tx store.Tx) error { return tx.PutResource(ctx, res(pNUL, "ipgroup", "wsipg-2", "AVAILABLE")) },
		"association reason": func(tx store.Tx) error {
			a := assoc(p1, "wsa-2", "IMAGE", "wsi-1", "ERROR")
			a.ReasonMessage = nul
			return tx.PutAssociation(ctx, a)
		},
		"share account": func(tx store.Tx) error {
			return tx.PutShare(ctx, store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: nul})
		},
	}
	for what, fn := range refused {
		if err := st.Write(ctx, fn); !errors.Is(err, store.ErrNUL) {
			t.Errorf("write with U+0000 in the %s: %v; want store.ErrNUL", what, err)
		}
	}

	// Reads and deletes under keys with U+0000 find nothing.
	write(t, st, func(tx store.Tx) error {
		if err := tx.DeleteTags(ctx, p1, "wsipg-1", []string{nul}); err != nil {
			return err
		}
		if err := tx.DeleteResource(ctx, p1, "ipgroup", "wsipg-1"+nul); err != nil {
			return err
		}
		if err := tx.DeleteAllTags(ctx, p1, "wsipg-1\x00"); err != nil {
			return err
		}
		return tx.DeleteShare(ctx, store.Share{Partition: p1, Kind: "image", ID: "wsi-1\x00", Grantee: p2.Account})
	})
	read(t, st, func(tx store.Tx) error {
		if _, err := tx.GetResource(ctx, p1, "ipgroup", "wsipg-"+nul); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetResource of an id with U+0000: %v; want store.ErrNotFound", err)
		}
		if _, err := tx.GetResource(ctx, pNUL, "ipgroup", "wsipg-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetResource in a partition with U+0000: %v; want store.ErrNotFound", err)
		}
		if rs, err := tx.ListResources(ctx, p1, "ipgroup", nul, 0); err != nil || len(rs) != 0 {
			t.Errorf("ListResources after an id with U+0000: %v, %v; want none", ids(rs), err)
		}
		if n, err := tx.CountResources(ctx, pNUL, "ipgroup"); err != nil || n != 0 {
			t.Errorf("CountResources in a partition with U+0000: %d, %v", n, err)
		}
		if tags, err := tx.Tags(ctx, p1, "wsipg-1\x00"); err != nil || len(tags) != 0 {
			t.Errorf("Tags of an id with U+0000: %v, %v", tags, err)
		}
		for _, q := range []store.AssociationQuery{{Partition: p1, ApplicationID: nul}, {Partition: p1, ResourceID: nul},
			{Partition: p1, ResourceTypes: []string{"IMAGE", nul}}, {Partition: pNUL},
			{Partition: p1, After: &store.AssociationKey{ApplicationID: nul}}} {
			if as, err := tx.Associations(ctx, q); err != nil || len(as) != 0 {
				t.Errorf("Associations %+v: %v, %v; want none", q, as, err)
			}
		}
		if sh, err := tx.SharedWith(ctx, "image", nul, "us-east-1"); err != nil || len(sh) != 0 {
			t.Errorf("SharedWith an account with U+0000: %v, %v", sh, err)
		}
		if sh, err := tx.Shares(ctx, p1, "image", "wsi-1\x00"); err != nil || len(sh) != 0 {
			t.Errorf("Shares of an image with U+0000: %v, %v", sh, err)
		}
		if due, err := tx.AnyDue(ctx, &pNUL, t0); err != nil || due {
			t.Errorf("AnyDue in a partition with U+0000: %v, %v", due, err)
		}
		// What was there is untouched, the document byte for byte.
		r, err := tx.GetResource(ctx, p1, "ipgroup", "wsipg-1")
		if err != nil || string(r.Doc) != string(doc) {
			t.Errorf("document with \\u0000: %v, %v; want %s", r, err, doc)
		}
		tags, err := tx.Tags(ctx, p1, "wsipg-1")
		if err != nil || len(tags) != 1 || tags[0] != (store.Tag{Key: "k", Value: "v"}) {
			t.Errorf("tags after the refused writes: %v, %v; want only k=v", tags, err)
		}
		if sh, err := tx.Shares(ctx, p1, "image", "wsi-1"); err != nil || len(sh) != 1 {
			t.Errorf("shares after the refused writes: %v, %v", sh, err)
		}
		return nil
	})
	if v, ok := st.(store.ResourceViewer); ok {
		rv, err := v.ViewResource(ctx, p1, "ipgroup", "wsipg-1\x00", "IMAGE", t0)
		if err != nil || rv.Resource != nil {
			t.Errorf("ViewResource of an id with U+0000: %+v, %v; want no resource", rv, err)
		}
		rsv, err := v.ViewResources(ctx, pNUL, "ipgroup", t0)
		if err != nil || len(rsv.Resources) != 0 {
			t.Errorf("ViewResources in a partition with U+0000: %+v, %v; want none", rsv, err)
		}
	}
}
