package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http/httptest"
	"time"

	"github.com/wslocal/wslocal/server"
	"github.com/wslocal/wslocal/store"
)

// populateStore fills a store with about --populate associations, fast
// enough for millions: it runs wslocal in this process on the store (with
// a manual clock), makes a template of up to 1,000 associations through
// the API (populateAPI, so every document is what the service writes), and
// then clones the template's images, bundles and WorkSpaces with their
// associations, new ids and names, straight through the store, --populate-batch
// rows a transaction. Quotas are not enforced on the clones.
func populateStore(ctx context.Context, o *options, out io.Writer) error {
	start := time.Now()
	srv, err := server.New(ctx, server.Config{Store: o.populateStore, Clock: "manual"})
	if err != nil {
		return err
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler)
	defer hs.Close()
	target := layoutFor(o.populate)
	tpl, err := populateAPI(ctx, newAPI(hs.URL, o.account, o.region), min(o.populate, 1000), 8, out)
	if err != nil {
		return err
	}
	p := store.Partition{Account: o.account, Region: o.region}
	type original struct {
		res    *store.Resource
		assocs []store.Association
		names  [][2]string // strings of the document to change in a clone: the id, a name
	}
	load := func(tx store.Tx, kind, assocType string, ids []string, name func(i int) string) ([]original, error) {
		var out []original
		for i, id := range ids {
			r, err := tx.GetResource(ctx, p, kind, id)
			if err != nil {
				return nil, fmt.Errorf("template %s %s: %w", kind, id, err)
			}
			as, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocType, ResourceID: id})
			if err != nil {
				return nil, err
			}
			out = append(out, original{res: r, assocs: as, names: [][2]string{{id, ""}, {name(i), ""}}})
		}
		return out, nil
	}
	var images, bundles, wss []original
	err = srv.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		if images, err = load(tx, "image", "IMAGE", tpl.images, func(i int) string { return fmt.Sprintf("%simage-%d", tpl.prefix, i) }); err != nil {
			return err
		}
		if bundles, err = load(tx, "bundle", "BUNDLE", tpl.bundles, func(i int) string { return fmt.Sprintf("%sbundle-%d", tpl.prefix, i) }); err != nil {
			return err
		}
		wss, err = load(tx, "workspace", "WORKSPACE", tpl.workspaces, func(i int) string { return fmt.Sprintf("%suser-%d", tpl.prefix, i) })
		return err
	})
	if err != nil {
		return err
	}

	// The clones, as a list of rows to write in batches.
	type clone struct {
		of   *original
		id   string
		name string
	}
	var clones []clone
	plan := func(origs []original, want int, idPrefix, namePrefix string) {
		for k := len(origs); k < want; k++ {
			clones = append(clones, clone{of: &origs[k%len(origs)], id: idPrefix + randomID(12), name: fmt.Sprintf("%s%sc%d", tpl.prefix, namePrefix, k)})
		}
	}
	plan(images, target.Images, "wsi-", "image-")
	plan(bundles, target.Bundles, "wsb-", "bundle-")
	plan(wss, target.Workspaces, "ws-", "user-")
	rows := 0
	for _, c := range clones {
		rows += 1 + len(c.of.assocs)
	}
	fmt.Fprintf(out, "cloning the template into %d images, %d bundles, %d WorkSpaces: %d more rows, %d a transaction\n",
		target.Images, target.Bundles, target.Workspaces, rows, o.populateBatchSize)
	cloneStart := time.Now()
	for i := 0; i < len(clones); {
		n := 0
		err := srv.Store.Write(ctx, func(tx store.Tx) error {
			n = 0
			for j := i; j < len(clones) && n < o.populateBatchSize; j++ {
				c := clones[j]
				r := *c.of.res
				r.ID = c.id
				r.Doc = bytes.ReplaceAll(r.Doc, quote(c.of.names[0][0]), quote(c.id))
				r.Doc = bytes.ReplaceAll(r.Doc, quote(c.of.names[1][0]), quote(c.name))
				if err := tx.PutResource(ctx, &r); err != nil {
					return err
				}
				for _, a := range c.of.assocs {
					a.ResourceID = c.id
					if err := tx.PutAssociation(ctx, &a); err != nil {
						return err
					}
				}
				n += 1 + len(c.of.assocs)
				i = j + 1
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %d of %d clones written (%v)\n", i, len(clones), time.Since(cloneStart).Round(time.Millisecond))
	}
	fmt.Fprintf(out, "%s now holds %d associations of wslocal-bench in %s/%s (populated in %v)\n",
		o.populateStore, target.associations(), p.Account, p.Region, time.Since(start).Round(time.Millisecond))
	return nil
}

func quote(s string) []byte { return []byte(`"` + s + `"`) }

// randomID is n random lowercase alphanumerics.
func randomID(n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
