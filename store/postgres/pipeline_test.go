package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
)

// TestWritesGuessTheirVersions: a replica whose writes of a partition
// follow each other sends its lock statement with the first statement of
// the next one, trusting its due-time bound at the version it guesses.
// Once another replica has written the partition the guess is wrong: when
// that write scheduled a step that is due, what the write did is rolled
// back, and it runs again, finds the step due, and writes once; when
// nothing is due, the write stands, run once.
func TestWritesGuessTheirVersions(t *testing.T) {
	sts := replicas(t, 2)
	a, b := sts[0], sts[1]
	ctx := context.Background()
	later := t0.Add(2 * time.Second)
	// write asks whether a step is due in pA at now, and then puts the
	// image id; it returns what the last run of fn found, and how many
	// times fn ran.
	write := func(st store.Store, id string, now time.Time) (due bool, runs int) {
		t.Helper()
		err := st.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
			runs++
			var err error
			if due, err = tx.AnyDue(ctx, &pA, now); err != nil {
				return err
			}
			return tx.PutResource(ctx, &store.Resource{Partition: pA, Kind: "image", ID: id, State: "AVAILABLE", Created: t0, Doc: []byte(`{}`)})
		})
		if err != nil {
			t.Fatal(err)
		}
		return due, runs
	}

	// The first write learns the bound, the second trusts it and makes it
	// steady, the third and fourth guess.
	for i := range 4 {
		if due, runs := write(a, fmt.Sprintf("wsi-a%d", i), later); due || runs != 1 {
			t.Fatalf("write %d: due %v, %d runs; want nothing due, one run", i, due, runs)
		}
	}
	if n := postgres.Piggybacked(a); n != 2 {
		t.Errorf("%d writes sent their lock statement with their first statement; want 2 (the third and fourth)", n)
	}
	if n := postgres.Misguessed(a); n != 0 {
		t.Errorf("%d wrong guesses with no other writer", n)
	}

	err := b.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: pA, Kind: "image", ID: "wsi-b", State: "PENDING", Created: t0, DueAt: t0.Add(time.Second), Doc: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	due, runs := write(a, "wsi-a4", later)
	if !due {
		t.Error("replica a missed the step replica b scheduled: it trusted a guessed version")
	}
	if runs != 2 {
		t.Errorf("the write after replica b's ran %d times; want 2 (a wrong guess, then without one)", runs)
	}
	if n, r := postgres.Misguessed(a), postgres.Reruns(a); n != 1 || r != 1 {
		t.Errorf("%d wrong guesses and %d reruns; want 1 and 1", n, r)
	}
	imagesThere(t, a, "wsi-a%d", 5)

	// A write that misguessed does not guess again at once: the next one
	// learns the version, and the one after guesses again (asking before
	// the step is due: a write that must read what is due sends its lock
	// statement alone, as that read is a query).
	before := postgres.Piggybacked(a)
	write(a, "wsi-a5", t0)
	if n := postgres.Piggybacked(a) - before; n != 0 {
		t.Errorf("the write after a wrong guess piggybacked %d times; want 0", n)
	}
	write(a, "wsi-a6", t0)
	if n := postgres.Piggybacked(a) - before; n != 1 {
		t.Errorf("the second write after a wrong guess piggybacked %d times; want 1", n)
	}

	// A wrong guess after which nothing the write trusted is due (replica
	// b's step comes at +1s) costs a second look at the partition's due
	// times, not a second run.
	err = b.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: pA, Kind: "image", ID: "wsi-b2", State: "AVAILABLE", Created: t0, Doc: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	misguessed, reruns := postgres.Misguessed(a), postgres.Reruns(a)
	if due, runs := write(a, "wsi-a9", t0); due || runs != 1 {
		t.Errorf("a wrong guess with nothing due: due %v, %d runs; want nothing due, one run", due, runs)
	}
	if postgres.Misguessed(a) != misguessed+1 || postgres.Reruns(a) != reruns {
		t.Errorf("wrong guesses %d -> %d, reruns %d -> %d; want one more wrong guess, no rerun",
			misguessed, postgres.Misguessed(a), reruns, postgres.Reruns(a))
	}
}

// TestGuessedWriteThatFailsRollsBack: a write whose first statement, sent
// with its lock statement, fails, leaves nothing behind, and the next
// write of the partition works.
func TestGuessedWriteThatFailsRollsBack(t *testing.T) {
	a := replicas(t, 1)[0]
	ctx := context.Background()
	put := func(id string, fail bool) error {
		return a.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
			if _, err := tx.AnyDue(ctx, &pA, t0); err != nil {
				return err
			}
			if fail {
				id += "\xff" // not UTF-8: PostgreSQL refuses the text
			}
			return tx.PutResource(ctx, &store.Resource{Partition: pA, Kind: "image", ID: id, State: "AVAILABLE", Created: t0, Doc: []byte(`{}`)})
		})
	}
	for i := range 3 {
		if err := put(fmt.Sprintf("wsi-%d", i), false); err != nil {
			t.Fatal(err)
		}
	}
	before := postgres.Piggybacked(a)
	if err := put("wsi-bad", true); err == nil {
		t.Fatal("a write of an id that is not UTF-8 succeeded")
	}
	if postgres.Piggybacked(a) == before {
		t.Fatal("the failing write did not send its lock statement with its first statement: the test tests nothing")
	}
	if err := put("wsi-3", false); err != nil {
		t.Fatalf("the write after a failed one: %v", err)
	}
	imagesThere(t, a, "wsi-%d", 4)
}

// imagesThere fails t unless st holds, in pA, the images named by format
// with 0 to n-1.
func imagesThere(t *testing.T, st store.Store, format string, n int) {
	t.Helper()
	ctx := context.Background()
	err := st.Read(ctx, func(tx store.Tx) error {
		for i := range n {
			if _, err := tx.GetResource(ctx, pA, "image", fmt.Sprintf(format, i)); err != nil {
				return fmt.Errorf("%s: %w", fmt.Sprintf(format, i), err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
