package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// remember keeps v for id of part in a write of its own.
func remember(t *testing.T, st store.Store, id string, v any) {
	t.Helper()
	if err := st.Write(context.Background(), func(tx store.Tx) error {
		tx.(store.Memoizer).Remember(part, id, v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// recall is what a write recalls of id in p.
func recall(t *testing.T, st store.Store, p store.Partition, id string) any {
	t.Helper()
	var got any
	if err := st.Write(context.Background(), func(tx store.Tx) error {
		got, _ = tx.(store.Memoizer).Recall(p, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func assoc(resourceID string) *store.Association {
	return &store.Association{Partition: part, ApplicationID: "wsa-1", ResourceType: "workspace", ResourceID: resourceID, State: "COMPLETED"}
}

// TestMemoForgetsWhatAWriteTouches: a value remembered is recalled by the
// writes after, until one writes the resource's row or the rows of its
// associations, by any of the write methods; other resources, and the same
// id in another partition, keep theirs.
func TestMemoForgetsWhatAWriteTouches(t *testing.T) {
	ctx := context.Background()
	other := store.Partition{Account: "222222222222", Region: part.Region}
	writes := map[string]func(tx store.Tx) error{
		"PutResource":    func(tx store.Tx) error { return tx.PutResource(ctx, resource("ws-1", time.Time{})) },
		"DeleteResource": func(tx store.Tx) error { return tx.DeleteResource(ctx, part, "image", "ws-1") },
		"PutAssociation": func(tx store.Tx) error { return tx.PutAssociation(ctx, assoc("ws-1")) },
		"DeleteAssociation": func(tx store.Tx) error {
			return tx.DeleteAssociation(ctx, part, store.AssociationKey{ApplicationID: "wsa-1", ResourceType: "workspace", ResourceID: "ws-1"})
		},
		"DeleteAssociationsOf": func(tx store.Tx) error { return tx.DeleteAssociationsOf(ctx, part, "workspace", "ws-1") },
		"WriteRows resource": func(tx store.Tx) error {
			return tx.(store.RowWriter).WriteRows(ctx, &store.RowWrites{Resources: []*store.Resource{resource("ws-1", time.Time{})}})
		},
		"WriteRows association": func(tx store.Tx) error {
			return tx.(store.RowWriter).WriteRows(ctx, &store.RowWrites{Associations: []*store.Association{assoc("ws-1")}})
		},
		"WriteRows delete resource": func(tx store.Tx) error {
			return tx.(store.RowWriter).WriteRows(ctx, &store.RowWrites{DeleteResources: []store.ResourceRef{{Partition: part, Kind: "image", ID: "ws-1"}}})
		},
		"WriteRows delete association": func(tx store.Tx) error {
			return tx.(store.RowWriter).WriteRows(ctx, &store.RowWrites{DeleteAssociations: []store.AssociationRef{{Partition: part,
				AssociationKey: store.AssociationKey{ApplicationID: "wsa-1", ResourceType: "workspace", ResourceID: "ws-1"}}}})
		},
		"DeleteAll": func(tx store.Tx) error { return tx.DeleteAll(ctx) },
	}
	for name, write := range writes {
		for _, kind := range []string{"file", "memory"} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				st := openKind(t, kind)
				remember(t, st, "ws-1", "one")
				remember(t, st, "ws-2", "two")
				if err := st.Write(ctx, func(tx store.Tx) error {
					tx.(store.Memoizer).Remember(other, "ws-1", "elsewhere")
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if got := recall(t, st, part, "ws-1"); got != "one" {
					t.Fatalf("recalled %v before the write, want one", got)
				}
				// The writing transaction itself no longer recalls it.
				if err := st.Write(ctx, func(tx store.Tx) error {
					if err := write(tx); err != nil {
						return err
					}
					if v, ok := tx.(store.Memoizer).Recall(part, "ws-1"); ok {
						t.Errorf("recalled %v in the transaction that wrote it", v)
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if got := recall(t, st, part, "ws-1"); got != nil {
					t.Errorf("recalled %v after %s, want nothing", got, name)
				}
				want2, wantOther := any("two"), any("elsewhere")
				if name == "DeleteAll" {
					want2, wantOther = nil, nil
				}
				if got := recall(t, st, part, "ws-2"); got != want2 {
					t.Errorf("another resource recalls %v after %s, want %v", got, name, want2)
				}
				if got := recall(t, st, other, "ws-1"); got != wantOther {
					t.Errorf("the same id in another partition recalls %v after %s, want %v", got, name, wantOther)
				}
			})
		}
	}
}

// TestMemoKeepsOnlyWhatCommits: a value remembered by a write that fails
// is not kept, and one kept is forgotten when a write that touched its
// resource fails (its rows may be anything then).
func TestMemoKeepsOnlyWhatCommits(t *testing.T) {
	ctx := context.Background()
	st := openFile(t)
	err := st.Write(ctx, func(tx store.Tx) error {
		tx.(store.Memoizer).Remember(part, "ws-1", "lost")
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("write = %v", err)
	}
	if got := recall(t, st, part, "ws-1"); got != nil {
		t.Errorf("recalled %v from a write that failed", got)
	}
	remember(t, st, "ws-1", "kept")
	err = st.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutAssociation(ctx, assoc("ws-1")); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("write = %v", err)
	}
	if got := recall(t, st, part, "ws-1"); got != nil {
		t.Errorf("recalled %v after a failed write touched it", got)
	}
}

// TestCombinedWritesShareTheMemo: in one combined transaction, a write
// recalls what an earlier one remembered; what a write whose savepoint is
// rolled back remembered is not kept, and what it touched is forgotten.
func TestCombinedWritesShareTheMemo(t *testing.T) {
	ctx := context.Background()
	st := openFile(t)
	remember(t, st, "ws-3", "before")
	release := hold(t, st)
	var seen any
	answers := queue(t, st, nil, []func(store.Tx) error{
		func(tx store.Tx) error {
			tx.(store.Memoizer).Remember(part, "ws-1", "first")
			return nil
		},
		func(tx store.Tx) error {
			seen, _ = tx.(store.Memoizer).Recall(part, "ws-1")
			return nil
		},
		func(tx store.Tx) error {
			tx.(store.Memoizer).Remember(part, "ws-2", "rolled back")
			return errBoom
		},
		func(tx store.Tx) error {
			if err := tx.PutAssociation(ctx, assoc("ws-3")); err != nil {
				return err
			}
			return errBoom
		},
	})
	release()
	if got := answers(); got[0] != nil || got[1] != nil || got[2] != errBoom || got[3] != errBoom {
		t.Fatalf("answers %v", got)
	}
	if seen != "first" {
		t.Errorf("the second write of the transaction recalled %v, want first", seen)
	}
	for id, want := range map[string]any{"ws-1": "first", "ws-2": nil, "ws-3": nil} {
		if got := recall(t, st, part, id); got != want {
			t.Errorf("%s recalls %v after the transaction, want %v", id, got, want)
		}
	}
}

func openKind(t *testing.T, kind string) store.Store {
	if kind == "file" {
		return openFile(t)
	}
	st, err := sqlite.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
