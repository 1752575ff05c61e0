// Package storetest is the behaviour every store.Store must have, as one
// suite that each backend runs against a real database.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// Run runs the suite; open returns an empty store, closed by the test.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"Resources", testResources},
		{"ResourcesArePartitioned", testPartitions},
		{"Associations", testAssociations},
		{"AssociationPages", testAssociationPages},
		{"GetResourceAssociations", testGetResourceAssociations},
		{"Tags", testTags},
		{"AddTags", testAddTags},
		{"Shares", testShares},
		{"Due", testDue},
		{"DuePartitions", testDuePartitions},
		{"DueInWritesFollowsWrites", testDueInWrites},
		{"ResourceView", testResourceView},
		{"ViewsFollowWrites", testViewsFollowWrites},
		{"ConcurrentViewsAreNeverStale", testViewsNeverStale},
		{"FailedWriteLeavesNothing", testRollback},
		{"WritesAreSerialised", testSerialised},
		{"WritesAreSerialisedWhateverTheyName", testSerialisedAcrossScopes},
		{"Reset", testReset},
		{"ExportImportRoundTrip", testRoundTrip},
		{"DeleteAllRollsBack", testDeleteAllRollsBack},
		{"CountAssociations", testCountAssociations},
		{"NULIsNeverStored", testNUL},
		{"OneWriteSpansRegionsOfAnAccount", testAcrossRegions},
		{"WriteRowsIsPutsAndDeletes", testWriteRows},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			tc.fn(t, st)
		})
	}
}

var (
	ctx = context.Background()
	p1  = store.Partition{Account: "111111111111", Region: "us-east-1"}
	p2  = store.Partition{Account: "222222222222", Region: "us-east-1"}
	p3  = store.Partition{Account: "111111111111", Region: "eu-west-1"}
	t0  = time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
)

func write(t *testing.T, st store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := st.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, st store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := st.Read(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func res(p store.Partition, kind, id, state string) *store.Resource {
	return &store.Resource{Partition: p, Kind: kind, ID: id, State: state, Created: t0, Doc: []byte(`{"id":"` + id + `"}`)}
}

func testResources(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		for _, id := range []string{"wsi-c", "wsi-a", "wsi-b"} {
			if err := tx.PutResource(ctx, res(p1, "image", id, "PENDING")); err != nil {
				return err
			}
		}
		r := res(p1, "image", "wsi-a", "AVAILABLE")
		r.DueAt = t0.Add(time.Second)
		return tx.PutResource(ctx, r) // replaces
	})
	read(t, st, func(tx store.Tx) error {
		r, err := tx.GetResource(ctx, p1, "image", "wsi-a")
		if err != nil {
			return err
		}
		if r.State != "AVAILABLE" || !r.Created.Equal(t0) || !r.DueAt.Equal(t0.Add(time.Second)) || string(r.Doc) != `{"id":"wsi-a"}` {
			t.Errorf("GetResource = %+v", r)
		}
		if _, err := tx.GetResource(ctx, p1, "bundle", "wsi-a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another kind: %v, want ErrNotFound", err)
		}
		all, err := tx.ListResources(ctx, p1, "image", "", 0)
		if err != nil {
			return err
		}
		if ids(all) != "wsi-a,wsi-b,wsi-c" {
			t.Errorf("ListResources = %s, want ordered by id", ids(all))
		}
		page, err := tx.ListResources(ctx, p1, "image", "wsi-a", 1)
		if err != nil {
			return err
		}
		if ids(page) != "wsi-b" {
			t.Errorf("ListResources after wsi-a, limit 1 = %s", ids(page))
		}
		n, err := tx.CountResources(ctx, p1, "image")
		if n != 3 {
			t.Errorf("CountResources = %d", n)
		}
		return err
	})
	write(t, st, func(tx store.Tx) error { return tx.DeleteResource(ctx, p1, "image", "wsi-b") })
	read(t, st, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, p1, "image", "wsi-b")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		return nil
	})
}

func ids(rs []store.Resource) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += ","
		}
		s += r.ID
	}
	return s
}

func testPartitions(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		for _, p := range []store.Partition{p1, p2, p3} {
			if err := tx.PutResource(ctx, res(p, "image", "wsi-same", "PENDING")); err != nil {
				return err
			}
			if err := tx.PutTags(ctx, p, "wsi-same", []store.Tag{{Key: "owner", Value: p.Account + p.Region}}); err != nil {
				return err
			}
		}
		return tx.DeleteResource(ctx, p2, "image", "wsi-same")
	})
	read(t, st, func(tx store.Tx) error {
		for _, p := range []store.Partition{p1, p3} {
			if _, err := tx.GetResource(ctx, p, "image", "wsi-same"); err != nil {
				t.Errorf("%v lost its image when %v deleted its own: %v", p, p2, err)
			}
			tags, _ := tx.Tags(ctx, p, "wsi-same")
			if len(tags) != 1 || tags[0].Value != p.Account+p.Region {
				t.Errorf("%v tags = %v", p, tags)
			}
		}
		return nil
	})
}

func assoc(p store.Partition, app, typ, id, state string) *store.Association {
	return &store.Association{Partition: p, ApplicationID: app, ResourceType: typ, ResourceID: id, State: state,
		Created: t0, Updated: t0}
}

func testAssociations(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		a := assoc(p1, "wsa-1", "WORKSPACE", "ws-1", "ERROR")
		a.ReasonCode, a.ReasonMessage, a.FailedStep, a.DueAt = "ValidationError.InsufficientMemory", "too small", "PENDING_INSTALL", t0.Add(time.Minute)
		for _, x := range []*store.Association{a, assoc(p1, "wsa-1", "IMAGE", "wsi-1", "COMPLETED"),
			assoc(p1, "wsa-2", "WORKSPACE", "ws-1", "COMPLETED"), assoc(p2, "wsa-1", "WORKSPACE", "ws-1", "COMPLETED")} {
			if err := tx.PutAssociation(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx store.Tx) error {
		got, err := tx.Associations(ctx, store.AssociationQuery{Partition: p1, ResourceType: "WORKSPACE", ResourceID: "ws-1"})
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ApplicationID != "wsa-1" || got[1].ApplicationID != "wsa-2" {
			t.Fatalf("associations of ws-1 = %+v", got)
		}
		a := got[0]
		if a.State != "ERROR" || a.ReasonCode != "ValidationError.InsufficientMemory" || a.ReasonMessage != "too small" ||
			a.FailedStep != "PENDING_INSTALL" || !a.DueAt.Equal(t0.Add(time.Minute)) || !a.Created.Equal(t0) {
			t.Errorf("round trip = %+v", a)
		}
		byApp, err := tx.Associations(ctx, store.AssociationQuery{Partition: p1, ApplicationID: "wsa-1", ResourceTypes: []string{"IMAGE", "WORKSPACE"}})
		if len(byApp) != 2 || byApp[0].ResourceType != "IMAGE" {
			t.Errorf("by application = %+v", byApp)
		}
		return err
	})
	write(t, st, func(tx store.Tx) error {
		if err := tx.DeleteAssociation(ctx, p1, store.AssociationKey{ApplicationID: "wsa-2", ResourceType: "WORKSPACE", ResourceID: "ws-1"}); err != nil {
			return err
		}
		return tx.DeleteAssociationsOf(ctx, p1, "IMAGE", "wsi-1")
	})
	read(t, st, func(tx store.Tx) error {
		got, err := tx.Associations(ctx, store.AssociationQuery{Partition: p1})
		if len(got) != 1 || got[0].ResourceID != "ws-1" || got[0].ApplicationID != "wsa-1" {
			t.Errorf("after deletes = %+v", got)
		}
		other, _ := tx.Associations(ctx, store.AssociationQuery{Partition: p2})
		if len(other) != 1 {
			t.Errorf("the other account's association was touched: %+v", other)
		}
		return err
	})
}

// testAssociationPages walks keyset pages while rows are added behind and
// ahead of the cursor: nothing is returned twice, nothing present from the
// start is missed.
func testAssociationPages(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		for i := 0; i < 30; i++ {
			if err := tx.PutAssociation(ctx, assoc(p1, "wsa-1", "WORKSPACE", fmt.Sprintf("ws-%03d", i*2), "COMPLETED")); err != nil {
				return err
			}
		}
		return nil
	})
	seen := map[string]int{}
	var after *store.AssociationKey
	for page := 0; ; page++ {
		var got []store.Association
		read(t, st, func(tx store.Tx) error {
			var err error
			got, err = tx.Associations(ctx, store.AssociationQuery{Partition: p1, ApplicationID: "wsa-1", After: after, Limit: 7})
			return err
		})
		for _, a := range got {
			seen[a.ResourceID]++
		}
		if len(got) < 7 {
			break
		}
		last := got[len(got)-1]
		after = &store.AssociationKey{ApplicationID: last.ApplicationID, ResourceType: last.ResourceType, ResourceID: last.ResourceID}
		write(t, st, func(tx store.Tx) error { // one behind the cursor, one ahead
			if err := tx.PutAssociation(ctx, assoc(p1, "wsa-1", "WORKSPACE", fmt.Sprintf("ws-%03d", page*14+1), "COMPLETED")); err != nil {
				return err
			}
			return tx.PutAssociation(ctx, assoc(p1, "wsa-1", "WORKSPACE", fmt.Sprintf("ws-%03d", 100+page), "COMPLETED"))
		})
	}
	for i := 0; i < 30; i++ {
		if id := fmt.Sprintf("ws-%03d", i*2); seen[id] != 1 {
			t.Errorf("%s seen %d times", id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
}

func testTags(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		if err := tx.PutTags(ctx, p1, "ws-1", []store.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}); err != nil {
			return err
		}
		if err := tx.PutTags(ctx, p1, "ws-1", []store.Tag{{Key: "b", Value: "3"}}); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, p1, "ws-1", []string{"a", "missing"})
	})
	read(t, st, func(tx store.Tx) error {
		tags, err := tx.Tags(ctx, p1, "ws-1")
		if len(tags) != 1 || tags[0] != (store.Tag{Key: "b", Value: "3"}) {
			t.Errorf("tags = %v", tags)
		}
		return err
	})
	write(t, st, func(tx store.Tx) error { return tx.DeleteAllTags(ctx, p1, "ws-1") })
	read(t, st, func(tx store.Tx) error {
		tags, err := tx.Tags(ctx, p1, "ws-1")
		if len(tags) != 0 {
			t.Errorf("after DeleteAllTags: %v", tags)
		}
		return err
	})
}

// testAddTags: AddTags writes every tag or none, as the resource's
// existence and number of tags allow, the keys it has counting once.
// testGetResourceAssociations: one statement reads what GetResource and
// Associations read; GetResourceAssociationStates the same, less the
// association columns it leaves out.
func testGetResourceAssociations(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		for _, r := range []*store.Resource{res(p1, "workspace", "ws-1", "AVAILABLE"), res(p1, "workspace", "ws-2", "STOPPED"),
			res(p2, "workspace", "ws-1", "AVAILABLE"), res(p1, "image", "ws-3", "AVAILABLE")} {
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
		}
		for _, a := range []*store.Association{assoc(p1, "wsa-b", "WORKSPACE", "ws-1", "COMPLETED"),
			assoc(p1, "wsa-a", "WORKSPACE", "ws-1", "ERROR"), assoc(p1, "wsa-c", "IMAGE", "ws-1", "COMPLETED"),
			assoc(p1, "wsa-d", "WORKSPACE", "ws-3", "COMPLETED"), assoc(p2, "wsa-e", "WORKSPACE", "ws-1", "COMPLETED")} {
			a.ReasonCode, a.ReasonMessage, a.FailedStep, a.DueAt = "code-"+a.ApplicationID, "why", "INSTALLING", t0.Add(time.Second)
			a.Created = t0.Add(-time.Hour)
			if err := tx.PutAssociation(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx store.Tx) error {
		for _, c := range []struct {
			p                  store.Partition
			kind, id, assocTyp string
		}{
			{p1, "workspace", "ws-1", "WORKSPACE"}, {p1, "workspace", "ws-1", "IMAGE"}, {p1, "workspace", "ws-2", "WORKSPACE"},
			{p2, "workspace", "ws-1", "WORKSPACE"}, {p1, "workspace", "ws-3", "WORKSPACE"}, {p3, "workspace", "ws-1", "WORKSPACE"},
			{p1, "workspace", "ws-1\x00", "WORKSPACE"}, {p1, "workspace", "ws-1", "WORKSPACE\x00"},
		} {
			r, as, err := tx.GetResourceAssociations(ctx, c.p, c.kind, c.id, c.assocTyp)
			wantR, wantErr := tx.GetResource(ctx, c.p, c.kind, c.id)
			var wantAs []store.Association
			if wantErr == nil {
				var aErr error
				if wantAs, aErr = tx.Associations(ctx, store.AssociationQuery{Partition: c.p, ResourceType: c.assocTyp, ResourceID: c.id}); aErr != nil {
					return aErr
				}
			}
			if !errors.Is(err, wantErr) && !(err == nil && wantErr == nil) {
				t.Errorf("GetResourceAssociations(%v, %q, %q): %v, GetResource: %v", c.p, c.id, c.assocTyp, err, wantErr)
				continue
			}
			if fmt.Sprint(r) != fmt.Sprint(wantR) || fmt.Sprint(as) != fmt.Sprint(wantAs) {
				t.Errorf("GetResourceAssociations(%v, %q, %q) = %v %v, want %v %v", c.p, c.id, c.assocTyp, r, as, wantR, wantAs)
			}
			// The states alone: the same, less what they leave out.
			r, as, err = tx.GetResourceAssociationStates(ctx, c.p, c.kind, c.id, c.assocTyp)
			if !errors.Is(err, wantErr) && !(err == nil && wantErr == nil) {
				t.Errorf("GetResourceAssociationStates(%v, %q, %q): %v, GetResource: %v", c.p, c.id, c.assocTyp, err, wantErr)
				continue
			}
			var wantStates []store.Association
			for _, a := range wantAs {
				a.ReasonCode, a.ReasonMessage, a.FailedStep, a.Updated = "", "", "", time.Time{}
				wantStates = append(wantStates, a)
			}
			if fmt.Sprint(r) != fmt.Sprint(wantR) || fmt.Sprint(as) != fmt.Sprint(wantStates) {
				t.Errorf("GetResourceAssociationStates(%v, %q, %q) = %v %v, want %v %v", c.p, c.id, c.assocTyp, r, as, wantR, wantStates)
			}
		}
		_, as, err := tx.GetResourceAssociations(ctx, p1, "workspace", "ws-1", "WORKSPACE")
		if len(as) != 2 || as[0].ApplicationID != "wsa-a" || as[1].ApplicationID != "wsa-b" {
			t.Errorf("associations of ws-1 = %v, want wsa-a and wsa-b", as)
		}
		return err
	})
}

func testAddTags(t *testing.T, st store.Store) {
	tags := func(kv ...string) []store.Tag {
		var out []store.Tag
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, store.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	has := func(want string) {
		t.Helper()
		read(t, st, func(tx store.Tx) error {
			got, err := tx.Tags(ctx, p1, "wsipg-1")
			if fmt.Sprint(got) != want {
				t.Errorf("tags = %v, want %s", got, want)
			}
			return err
		})
	}
	write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p1, "ip-group", "wsipg-1", "")) })
	for _, c := range []struct {
		p         store.Partition
		kind, id  string
		tags      []store.Tag
		max       int
		want      bool
		afterward string
	}{
		{p1, "ip-group", "wsipg-1", tags("b", "1", "a", "2"), 3, true, "[{a 2} {b 1}]"},
		// The keys it has count once: {a, b, c} fits in 3, {a, b, c, d} not.
		{p1, "ip-group", "wsipg-1", tags("b", "3", "c", "4"), 3, true, "[{a 2} {b 3} {c 4}]"},
		{p1, "ip-group", "wsipg-1", tags("d", "5"), 3, false, "[{a 2} {b 3} {c 4}]"},
		{p1, "ip-group", "wsipg-1", tags("a", "6", "d", "5"), 3, false, "[{a 2} {b 3} {c 4}]"},
		{p1, "ip-group", "wsipg-1", tags("a", "6", "b", "7", "c", "8"), 3, true, "[{a 6} {b 7} {c 8}]"},
		// The same key twice: the last value.
		{p1, "ip-group", "wsipg-1", tags("a", "9", "a", "10"), 3, true, "[{a 10} {b 7} {c 8}]"},
		{p1, "ip-group", "wsipg-1", tags("a", "1", "b", "1", "c", "1", "d", "1"), 3, false, "[{a 10} {b 7} {c 8}]"},
		// No such resource: of that kind, of that partition, or at all.
		{p1, "image", "wsipg-1", tags("a", "0"), 50, false, "[{a 10} {b 7} {c 8}]"},
		{p2, "ip-group", "wsipg-1", tags("a", "0"), 50, false, "[{a 10} {b 7} {c 8}]"},
		{p1, "ip-group", "wsipg-1\x00", tags("a", "0"), 50, false, "[{a 10} {b 7} {c 8}]"},
	} {
		write(t, st, func(tx store.Tx) error {
			added, err := tx.AddTags(ctx, c.p, c.kind, c.id, c.tags, c.max)
			if err == nil && added != c.want {
				t.Errorf("AddTags(%v, %s, %q, %v, %d) = %v, want %v", c.p, c.kind, c.id, c.tags, c.max, added, c.want)
			}
			return err
		})
		has(c.afterward)
	}
	if err := st.Write(ctx, func(tx store.Tx) error {
		_, err := tx.AddTags(ctx, p1, "ip-group", "wsipg-1", tags("e", "\x00"), 50)
		return err
	}); !errors.Is(err, store.ErrNUL) {
		t.Errorf("AddTags of a value with U+0000: %v, want ErrNUL", err)
	}
	has("[{a 10} {b 7} {c 8}]")
}

func testShares(t *testing.T, st store.Store) {
	sh := store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: p2.Account}
	alias := store.Share{Partition: p1, Kind: "connection-alias", ID: "wsi-1", Grantee: p2.Account}
	write(t, st, func(tx store.Tx) error {
		if err := tx.PutShare(ctx, sh); err != nil {
			return err
		}
		if err := tx.PutShare(ctx, alias); err != nil {
			return err
		}
		return tx.PutShare(ctx, sh) // idempotent
	})
	read(t, st, func(tx store.Tx) error {
		with, err := tx.SharedWith(ctx, "image", p2.Account, "us-east-1")
		if len(with) != 1 || with[0] != sh {
			t.Errorf("SharedWith = %v", with)
		}
		elsewhere, _ := tx.SharedWith(ctx, "image", p2.Account, "eu-west-1")
		if len(elsewhere) != 0 {
			t.Errorf("a share leaked into another region: %v", elsewhere)
		}
		of, _ := tx.Shares(ctx, p1, "image", "wsi-1")
		if len(of) != 1 || of[0] != sh {
			t.Errorf("Shares = %v", of)
		}
		return err
	})
	// A page of an image's shares: by grantee, after one, at most limit.
	write(t, st, func(tx store.Tx) error {
		for _, g := range []string{"300000000000", "100000000001", "100000000002"} {
			if err := tx.PutShare(ctx, store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: g}); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx store.Tx) error {
		grantees := func(after string, limit int) string {
			of, err := tx.SharesAfter(ctx, p1, "image", "wsi-1", after, limit)
			if err != nil {
				t.Fatal(err)
			}
			var gs []string
			for _, sh := range of {
				if sh.Partition != p1 || sh.Kind != "image" || sh.ID != "wsi-1" {
					t.Errorf("SharesAfter gave %+v", sh)
				}
				gs = append(gs, sh.Grantee)
			}
			return strings.Join(gs, ",")
		}
		for _, c := range []struct {
			after string
			limit int
			want  string
		}{
			{"", 0, "100000000001,100000000002," + p2.Account + ",300000000000"},
			{"", 2, "100000000001,100000000002"},
			{"100000000001", 2, "100000000002," + p2.Account},
			{p2.Account, 0, "300000000000"},
			{"300000000000", 5, ""},
			{"x\x00", 5, ""},
		} {
			if got := grantees(c.after, c.limit); got != c.want {
				t.Errorf("SharesAfter(%q, %d) = %s, want %s", c.after, c.limit, got, c.want)
			}
		}
		return nil
	})
	write(t, st, func(tx store.Tx) error { return tx.DeleteSharesOf(ctx, p1, "image", "wsi-1") })
	read(t, st, func(tx store.Tx) error {
		with, err := tx.SharedWith(ctx, "image", p2.Account, "us-east-1")
		if len(with) != 0 {
			t.Errorf("after DeleteSharesOf: %v", with)
		}
		// The same ID of another kind is another resource.
		aliases, _ := tx.SharedWith(ctx, "connection-alias", p2.Account, "us-east-1")
		if len(aliases) != 1 || aliases[0] != alias {
			t.Errorf("DeleteSharesOf an image took %v", aliases)
		}
		return err
	})
	write(t, st, func(tx store.Tx) error { return tx.DeleteShare(ctx, alias) })
	read(t, st, func(tx store.Tx) error {
		of, err := tx.Shares(ctx, p1, "connection-alias", "wsi-1")
		if len(of) != 0 {
			t.Errorf("after DeleteShare: %v", of)
		}
		return err
	})
}

// testDueInWrites: AnyDue in a write transaction answers what the
// committed rows say after every kind of write before it: one that
// schedules a step, one that clears it, one that clears it and rolls back,
// in the same transaction and in later ones.
func testDueInWrites(t *testing.T, st store.Store) {
	anyDue := func(tx store.Tx, at time.Duration, want bool) error {
		t.Helper()
		got, err := tx.AnyDue(ctx, &p1, t0.Add(at))
		if err == nil && got != want {
			t.Errorf("AnyDue(p1, +%v) = %v, want %v", at, got, want)
		}
		return err
	}
	due := func(at time.Duration) func(store.Tx) error {
		return func(tx store.Tx) error { return anyDue(tx, at, true) }
	}
	notDue := func(at time.Duration) func(store.Tx) error {
		return func(tx store.Tx) error { return anyDue(tx, at, false) }
	}
	write(t, st, notDue(time.Hour))
	write(t, st, notDue(time.Hour))
	// A step scheduled counts in its own transaction and in the next.
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "image", "wsi-due", "PENDING")
		r.DueAt = t0.Add(time.Minute)
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		return anyDue(tx, time.Minute, true)
	})
	write(t, st, notDue(time.Second))
	write(t, st, due(time.Minute))
	// An association scheduled earlier than the resource counts too.
	write(t, st, func(tx store.Tx) error {
		if err := anyDue(tx, 30*time.Second, false); err != nil {
			return err
		}
		a := assoc(p1, "wsa-1", "WORKSPACE", "ws-1", "PENDING_INSTALL")
		a.DueAt = t0.Add(20 * time.Second)
		return tx.PutAssociation(ctx, a)
	})
	write(t, st, due(30*time.Second))
	// Cleared, then asked, then rolled back: the steps are due again.
	errUndo := errors.New("undo")
	clear := func(tx store.Tx) error {
		r := res(p1, "image", "wsi-due", "AVAILABLE")
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		return tx.DeleteAssociation(ctx, p1, store.AssociationKey{ApplicationID: "wsa-1", ResourceType: "WORKSPACE", ResourceID: "ws-1"})
	}
	if err := st.Write(ctx, func(tx store.Tx) error {
		if err := clear(tx); err != nil {
			return err
		}
		if err := anyDue(tx, time.Hour, false); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatalf("rolled-back write: %v", err)
	}
	write(t, st, due(30*time.Second))
	write(t, st, due(time.Minute))
	// Cleared and committed: nothing is due.
	write(t, st, clear)
	write(t, st, notDue(time.Hour))
	write(t, st, notDue(time.Hour))
	// A reset, then a step scheduled in a write that names another
	// partition first.
	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	write(t, st, notDue(time.Hour))
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "image", "wsi-due", "PENDING")
		r.DueAt = t0.Add(time.Second)
		if err := tx.PutResource(ctx, res(p2, "image", "wsi-other", "AVAILABLE")); err != nil {
			return err
		}
		return tx.PutResource(ctx, r)
	})
	write(t, st, due(time.Second))
}

func testDue(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "image", "wsi-due", "PENDING")
		r.DueAt = t0.Add(2 * time.Second)
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		a := assoc(p2, "wsa-1", "WORKSPACE", "ws-1", "PENDING_INSTALL")
		a.DueAt = t0.Add(time.Second)
		return tx.PutAssociation(ctx, a)
	})
	read(t, st, func(tx store.Tx) error {
		for _, c := range []struct {
			p    *store.Partition
			at   time.Time
			want bool
		}{{nil, t0, false}, {nil, t0.Add(time.Second), true}, {&p1, t0.Add(time.Second), false}, {&p1, t0.Add(2 * time.Second), true}, {&p3, t0.Add(time.Hour), false}} {
			got, err := tx.AnyDue(ctx, c.p, c.at)
			if err != nil {
				return err
			}
			if got != c.want {
				t.Errorf("AnyDue(%v, +%v) = %v", c.p, c.at.Sub(t0), got)
			}
		}
		rs, _ := tx.DueResources(ctx, nil, t0.Add(time.Hour), 0)
		as, err := tx.DueAssociations(ctx, nil, t0.Add(time.Hour), 0)
		if len(rs) != 1 || len(as) != 1 {
			t.Errorf("due = %d resources, %d associations", len(rs), len(as))
		}
		return err
	})
	// A limit reads the earliest first, from the index on due_at.
	write(t, st, func(tx store.Tx) error {
		for i, sec := range []int{5, 3, 4} {
			r := res(p1, "image", fmt.Sprintf("wsi-due%d", i), "PENDING")
			r.DueAt = t0.Add(time.Duration(sec) * time.Second)
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx store.Tx) error {
		rs, err := tx.DueResources(ctx, &p1, t0.Add(time.Hour), 3)
		var got []string
		for _, r := range rs {
			got = append(got, fmt.Sprint(r.ID, "@", r.DueAt.Sub(t0)))
		}
		if want := "[wsi-due@2s wsi-due1@3s wsi-due2@4s]"; fmt.Sprint(got) != want {
			t.Errorf("DueResources(limit 3) = %v, want %s", got, want)
		}
		as, _ := tx.DueAssociations(ctx, &p2, t0.Add(time.Hour), 1)
		if len(as) != 1 {
			t.Errorf("DueAssociations(limit 1) = %d rows", len(as))
		}
		return err
	})
}

// testDuePartitions: a store.DuePartitionLister names each partition with
// a resource or an association due, once, by its earliest due time.
func testDuePartitions(t *testing.T, st store.Store) {
	list := func(at time.Duration) string {
		t.Helper()
		var got []store.Partition
		read(t, st, func(tx store.Tx) error {
			l, ok := tx.(store.DuePartitionLister)
			if !ok {
				t.Skip("the store lists no due partitions")
			}
			var err error
			got, err = l.DuePartitions(ctx, t0.Add(at))
			return err
		})
		return fmt.Sprint(got)
	}
	if got := list(time.Hour); got != "[]" {
		t.Errorf("DuePartitions of an empty store = %s", got)
	}
	write(t, st, func(tx store.Tx) error {
		// p1: two resources due at 3 s and 5 s, an association at 4 s; p2:
		// an association at 2 s; p3: a resource at 10 s, and one that is
		// not due (0).
		for i, sec := range []int{3, 5} {
			r := res(p1, "image", fmt.Sprintf("wsi-due%d", i), "PENDING")
			r.DueAt = t0.Add(time.Duration(sec) * time.Second)
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
		}
		a := assoc(p1, "wsa-1", "WORKSPACE", "ws-1", "PENDING_INSTALL")
		a.DueAt = t0.Add(4 * time.Second)
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
		a = assoc(p2, "wsa-1", "WORKSPACE", "ws-2", "PENDING_INSTALL")
		a.DueAt = t0.Add(2 * time.Second)
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
		r := res(p3, "image", "wsi-later", "PENDING")
		r.DueAt = t0.Add(10 * time.Second)
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		return tx.PutResource(ctx, res(p3, "image", "wsi-idle", "AVAILABLE"))
	})
	for _, c := range []struct {
		at   time.Duration
		want []store.Partition
	}{
		{time.Second, nil},
		{2 * time.Second, []store.Partition{p2}},
		{3 * time.Second, []store.Partition{p2, p1}},
		{time.Hour, []store.Partition{p2, p1, p3}},
	} {
		if got := list(c.at); got != fmt.Sprint(c.want) {
			t.Errorf("DuePartitions(+%v) = %s, want %v", c.at, got, c.want)
		}
	}
	// A partition whose earliest step is later comes later, whatever its
	// other rows.
	write(t, st, func(tx store.Tx) error {
		r := res(p3, "image", "wsi-first", "PENDING")
		r.DueAt = t0.Add(time.Second)
		return tx.PutResource(ctx, r)
	})
	if got, want := list(time.Hour), fmt.Sprint([]store.Partition{p3, p2, p1}); got != want {
		t.Errorf("DuePartitions(+1h) = %s, want %s", got, want)
	}
	// In a write of some partitions, the listing reads every partition.
	err := st.WriteIn(ctx, []store.Partition{p1}, func(tx store.Tx) error {
		l, ok := tx.(store.DuePartitionLister)
		if !ok {
			return nil
		}
		got, err := l.DuePartitions(ctx, t0.Add(time.Hour))
		if err == nil && len(got) != 3 {
			t.Errorf("DuePartitions in a write of p1 = %v", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testResourceView checks that a store.ResourceViewer reads what a read
// transaction does.
func testResourceView(t *testing.T, st store.Store) {
	v, ok := st.(store.ResourceViewer)
	if !ok {
		t.Skip("the store is not a store.ResourceViewer")
	}
	write(t, st, func(tx store.Tx) error {
		for _, r := range []*store.Resource{res(p1, "image", "wsi-1", "AVAILABLE"), res(p1, "image", "wsi-2", "AVAILABLE"),
			res(p2, "image", "wsi-1", "AVAILABLE"), res(p1, "bundle", "wsi-1", "AVAILABLE")} {
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
		}
		a := assoc(p1, "wsa-b", "IMAGE", "wsi-1", "ERROR")
		a.ReasonCode, a.ReasonMessage, a.FailedStep = "InternalServerError", "injected", "INSTALLING"
		for _, x := range []*store.Association{a, assoc(p1, "wsa-a", "IMAGE", "wsi-1", "COMPLETED"),
			assoc(p1, "wsa-c", "BUNDLE", "wsi-1", "COMPLETED"), assoc(p2, "wsa-d", "IMAGE", "wsi-1", "COMPLETED")} {
			if err := tx.PutAssociation(ctx, x); err != nil {
				return err
			}
		}
		due := assoc(p1, "wsa-e", "WORKSPACE", "ws-9", "PENDING_INSTALL")
		due.DueAt = t0.Add(time.Minute)
		return tx.PutAssociation(ctx, due)
	})
	view := func(p store.Partition, kind, id, typ string, now time.Time) store.ResourceView {
		t.Helper()
		got, err := v.ViewResource(ctx, p, kind, id, typ, now)
		if err != nil {
			t.Fatalf("ViewResource(%v, %s, %s, %s): %v", p, kind, id, typ, err)
		}
		return got
	}
	got := view(p1, "image", "wsi-1", "IMAGE", t0)
	var want []store.Association
	read(t, st, func(tx store.Tx) error {
		r, err := tx.GetResource(ctx, p1, "image", "wsi-1")
		if err != nil {
			return err
		}
		if got.Resource == nil || fmt.Sprint(*got.Resource) != fmt.Sprint(*r) {
			t.Errorf("resource = %+v, want %+v", got.Resource, r)
		}
		want, err = tx.Associations(ctx, store.AssociationQuery{Partition: p1, ResourceType: "IMAGE", ResourceID: "wsi-1"})
		return err
	})
	if fmt.Sprint(got.Associations) != fmt.Sprint(want) || len(want) != 2 || got.Due || !got.NextDue.Equal(t0.Add(time.Minute)) {
		t.Errorf("view = %+v\nwant associations %+v, not due, next due at %v", got, want, t0.Add(time.Minute))
	}
	if got := view(p1, "image", "wsi-1", "IMAGE", t0.Add(time.Minute)); !got.Due || len(got.Associations) != 2 {
		t.Errorf("a minute later: due %v, %d associations; want due, 2", got.Due, len(got.Associations))
	}
	if got := view(p2, "image", "wsi-1", "IMAGE", t0.Add(time.Hour)); got.Due || !got.NextDue.IsZero() || len(got.Associations) != 1 || got.Associations[0].ApplicationID != "wsa-d" {
		t.Errorf("the other account = %+v, want wsa-d and nothing due", got)
	}
	if got := view(p1, "image", "wsi-2", "IMAGE", t0); got.Resource == nil || got.Resource.ID != "wsi-2" || len(got.Associations) != 0 {
		t.Errorf("an image without associations = %+v", got)
	}
	if got := view(p1, "image", "wsi-9", "IMAGE", t0.Add(time.Minute)); got.Resource != nil || len(got.Associations) != 0 || !got.Due {
		t.Errorf("no such image = %+v, want nothing (and due)", got)
	}
	if got := view(p1, "bundle", "wsi-1", "BUNDLE", t0); got.Resource == nil || got.Resource.Kind != "bundle" ||
		len(got.Associations) != 1 || got.Associations[0].ApplicationID != "wsa-c" {
		t.Errorf("the bundle of the same id = %+v", got)
	}

	// Every resource of a kind.
	kind := func(p store.Partition, k string, now time.Time) store.ResourcesView {
		t.Helper()
		got, err := v.ViewResources(ctx, p, k, now)
		if err != nil {
			t.Fatalf("ViewResources(%v, %s): %v", p, k, err)
		}
		return got
	}
	all := kind(p1, "image", t0)
	var listed []store.Resource
	read(t, st, func(tx store.Tx) error {
		var err error
		listed, err = tx.ListResources(ctx, p1, "image", "", 0)
		return err
	})
	if fmt.Sprint(all.Resources) != fmt.Sprint(listed) || len(listed) != 2 || all.Due || all.Shared {
		t.Errorf("images = %+v\nwant %+v, nothing due, nothing shared", all, listed)
	}
	if got := kind(p1, "image", t0.Add(time.Minute)); !got.Due || !got.NextDue.Equal(t0.Add(time.Minute)) || len(got.Resources) != 2 {
		t.Errorf("a minute later: %+v, want due", got)
	}
	if got := kind(p1, "directory", t0); len(got.Resources) != 0 || got.Due {
		t.Errorf("no directories = %+v", got)
	}
	write(t, st, func(tx store.Tx) error {
		return tx.PutShare(ctx, store.Share{Partition: p2, Kind: "image", ID: "wsi-1", Grantee: p1.Account})
	})
	if got := kind(p1, "image", t0); !got.Shared || len(got.Resources) != 2 {
		t.Errorf("with an image shared by p2: %+v, want Shared", got)
	}
	if got := kind(p3, "image", t0); got.Shared {
		t.Errorf("the same account in another region: %+v, want not Shared", got)
	}
	if got := kind(p1, "directory", t0); got.Shared {
		t.Errorf("directories with an image shared: %+v, want not Shared", got)
	}
}

// testViewsFollowWrites: a view read again after a write, a rolled-back
// write, a due time passing or a reset shows it, however the store keeps
// its views.
func testViewsFollowWrites(t *testing.T, st store.Store) {
	v, ok := st.(store.ResourceViewer)
	if !ok {
		t.Skip("the store is not a store.ResourceViewer")
	}
	apps := func(now time.Time) (ids []string, due bool) {
		t.Helper()
		got, err := v.ViewResource(ctx, p1, "image", "wsi-1", "IMAGE", now)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got.Associations {
			ids = append(ids, a.ApplicationID+"="+a.State)
		}
		if got.Resource == nil {
			ids = append(ids, "no image")
		}
		return ids, got.Due
	}
	images := func(now time.Time) string {
		t.Helper()
		got, err := v.ViewResources(ctx, p1, "image", now)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got.Resources {
			ids = append(ids, r.ID+"="+r.State)
		}
		return fmt.Sprint(ids, got.Due, got.Shared)
	}
	check := func(now time.Time, wantApps string, wantDue bool, wantImages string) {
		t.Helper()
		for range 2 { // the second read may be answered from what the first kept
			if ids, due := apps(now); fmt.Sprint(ids) != wantApps || due != wantDue {
				t.Errorf("associations at +%v = %v due %v, want %s due %v", now.Sub(t0), ids, due, wantApps, wantDue)
			}
			if got := images(now); got != wantImages {
				t.Errorf("images at +%v = %s, want %s", now.Sub(t0), got, wantImages)
			}
		}
	}
	check(t0, "[no image]", false, "[] false false")
	write(t, st, func(tx store.Tx) error {
		if err := tx.PutResource(ctx, res(p1, "image", "wsi-1", "AVAILABLE")); err != nil {
			return err
		}
		return tx.PutAssociation(ctx, assoc(p1, "wsa-a", "IMAGE", "wsi-1", "COMPLETED"))
	})
	check(t0, "[wsa-a=COMPLETED]", false, "[wsi-1=AVAILABLE] false false")
	write(t, st, func(tx store.Tx) error {
		return tx.PutAssociation(ctx, assoc(p1, "wsa-b", "IMAGE", "wsi-1", "INSTALLING"))
	})
	check(t0, "[wsa-a=COMPLETED wsa-b=INSTALLING]", false, "[wsi-1=AVAILABLE] false false")
	if err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutAssociation(ctx, assoc(p1, "wsa-c", "IMAGE", "wsi-1", "COMPLETED")); err != nil {
			return err
		}
		return errors.New("changed my mind")
	}); err == nil {
		t.Fatal("a write whose function failed reported success")
	}
	check(t0, "[wsa-a=COMPLETED wsa-b=INSTALLING]", false, "[wsi-1=AVAILABLE] false false")

	// A step due in ten seconds, on another image of the partition.
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "image", "wsi-2", "PENDING")
		r.DueAt = t0.Add(10 * time.Second)
		return tx.PutResource(ctx, r)
	})
	check(t0, "[wsa-a=COMPLETED wsa-b=INSTALLING]", false, "[wsi-1=AVAILABLE wsi-2=PENDING] false false")
	check(t0.Add(10*time.Second-time.Millisecond), "[wsa-a=COMPLETED wsa-b=INSTALLING]", false, "[wsi-1=AVAILABLE wsi-2=PENDING] false false")
	check(t0.Add(10*time.Second), "[wsa-a=COMPLETED wsa-b=INSTALLING]", true, "[wsi-1=AVAILABLE wsi-2=PENDING] true false")
	write(t, st, func(tx store.Tx) error {
		r := res(p1, "image", "wsi-2", "AVAILABLE")
		if err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		return tx.PutShare(ctx, store.Share{Partition: p2, Kind: "image", ID: "wsi-9", Grantee: p1.Account})
	})
	check(t0.Add(10*time.Second), "[wsa-a=COMPLETED wsa-b=INSTALLING]", false, "[wsi-1=AVAILABLE wsi-2=AVAILABLE] false true")

	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	check(t0, "[no image]", false, "[] false false")
}

// testViewsNeverStale: readers running beside a writer never see less than
// what the writes that returned before their read began wrote.
func testViewsNeverStale(t *testing.T, st store.Store) {
	v, ok := st.(store.ResourceViewer)
	if !ok {
		t.Skip("the store is not a store.ResourceViewer")
	}
	write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p1, "image", "wsi-0000", "AVAILABLE")) })
	const writes = 150
	var done atomic.Int64 // writes that have returned: one association and one image each
	stop := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := done.Load()
				var n int
				if i%2 == 0 {
					got, err := v.ViewResource(ctx, p1, "image", "wsi-0000", "IMAGE", t0)
					if err != nil {
						errs <- err
						return
					}
					n = len(got.Associations)
				} else {
					got, err := v.ViewResources(ctx, p1, "image", t0)
					if err != nil {
						errs <- err
						return
					}
					n = len(got.Resources) - 1
				}
				if int64(n) < before {
					errs <- fmt.Errorf("reader %d saw %d after %d writes had returned", i, n, before)
					return
				}
			}
		})
	}
	for i := range writes {
		write(t, st, func(tx store.Tx) error {
			if err := tx.PutAssociation(ctx, assoc(p1, fmt.Sprintf("wsa-%04d", i), "IMAGE", "wsi-0000", "COMPLETED")); err != nil {
				return err
			}
			return tx.PutResource(ctx, res(p1, "image", fmt.Sprintf("wsi-%04d", i+1), "AVAILABLE"))
		})
		done.Store(int64(i + 1))
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testRollback(t *testing.T, st store.Store) {
	boom := errors.New("boom")
	err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutResource(ctx, res(p1, "image", "wsi-half", "PENDING")); err != nil {
			return err
		}
		if err := tx.PutTags(ctx, p1, "wsi-half", []store.Tag{{Key: "k", Value: "v"}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the function's error", err)
	}
	read(t, st, func(tx store.Tx) error {
		if _, err := tx.GetResource(ctx, p1, "image", "wsi-half"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed write left its resource: %v", err)
		}
		tags, err := tx.Tags(ctx, p1, "wsi-half")
		if len(tags) != 0 {
			t.Errorf("a failed write left its tags: %v", tags)
		}
		return err
	})
}

// testSerialised increments one counter from many goroutines: a lost
// update would mean two writers read the same state, as two replicas
// applying one lifecycle step would.
func testSerialised(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p1, "counter", "c", "0")) })
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- st.Write(ctx, func(tx store.Tx) error {
					r, err := tx.GetResource(ctx, p1, "counter", "c")
					if err != nil {
						return err
					}
					var n int
					fmt.Sscan(r.State, &n)
					r.State = fmt.Sprint(n + 1)
					return tx.PutResource(ctx, r)
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	read(t, st, func(tx store.Tx) error {
		r, err := tx.GetResource(ctx, p1, "counter", "c")
		if err == nil && r.State != fmt.Sprint(workers*each) {
			t.Errorf("counter = %s, want %d: a write was lost", r.State, workers*each)
		}
		return err
	})
}

func testReset(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error {
		if err := tx.PutResource(ctx, res(p1, "image", "wsi-1", "PENDING")); err != nil {
			return err
		}
		if err := tx.PutShare(ctx, store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: p2.Account}); err != nil {
			return err
		}
		return tx.PutAssociation(ctx, assoc(p1, "wsa-1", "IMAGE", "wsi-1", "COMPLETED"))
	})
	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	read(t, st, func(tx store.Tx) error {
		rs, _ := tx.ListResources(ctx, p1, "image", "", 0)
		as, _ := tx.Associations(ctx, store.AssociationQuery{Partition: p1})
		sh, err := tx.SharedWith(ctx, "image", p2.Account, p1.Region)
		if len(rs)+len(as)+len(sh) != 0 {
			t.Errorf("after Reset: %d resources, %d associations, %d shares", len(rs), len(as), len(sh))
		}
		return err
	})
}
