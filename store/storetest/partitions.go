package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// increment adds one to the counter (kind "counter", id "c") of p.
func increment(ctx context.Context, tx store.Tx, p store.Partition) error {
	r, err := tx.GetResource(ctx, p, "counter", "c")
	if err != nil {
		return err
	}
	var n int
	fmt.Sscan(r.State, &n)
	r.State = fmt.Sprint(n + 1)
	return tx.PutResource(ctx, r)
}

func counter(t *testing.T, st store.Store, p store.Partition) string {
	t.Helper()
	var state string
	read(t, st, func(tx store.Tx) error {
		r, err := tx.GetResource(ctx, p, "counter", "c")
		if err == nil {
			state = r.State
		}
		return err
	})
	return state
}

// testSerialisedAcrossScopes increments one counter of p1 from writes of
// p1, of every partition, and of p2 that reach into p1 without naming it:
// whatever partitions a write names, two writers never read the same state
// of a partition.
func testSerialisedAcrossScopes(t *testing.T, st store.Store) {
	write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p1, "counter", "c", "0")) })
	write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p2, "counter", "c", "0")) })
	scopes := [][]store.Partition{{p1}, nil, {p2}, {p3, p1}}
	const each = 8
	var wg sync.WaitGroup
	errs := make(chan error, len(scopes)*2*each)
	for _, ps := range scopes {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					errs <- st.WriteIn(ctx, ps, func(tx store.Tx) error {
						if err := increment(ctx, tx, p2); err != nil {
							return err
						}
						return increment(ctx, tx, p1)
					})
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := fmt.Sprint(len(scopes) * 2 * each)
	for _, p := range []store.Partition{p1, p2} {
		if got := counter(t, st, p); got != want {
			t.Errorf("counter of %v = %s, want %s: a write was lost", p, got, want)
		}
	}
}

// held runs a write of ps in the background that increments the counter
// of each of ps and then stays open until release is called, which
// returns the write's error.
func held(t *testing.T, st store.Store, ps []store.Partition) (release func() error) {
	t.Helper()
	open, done := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- st.WriteIn(ctx, ps, func(tx store.Tx) error {
			for _, p := range ps {
				if err := increment(ctx, tx, p); err != nil {
					return err
				}
			}
			close(open)
			<-done
			return nil
		})
	}()
	select {
	case <-open:
	case err := <-errc:
		t.Fatalf("the held write of %v failed: %v", ps, err)
	}
	return func() error { close(done); return <-errc }
}

// background runs a write of ps that increments the counter of each of
// ps, and returns its error channel.
func background(st store.Store, ps []store.Partition, touch ...store.Partition) <-chan error {
	errc := make(chan error, 1)
	go func() {
		errc <- st.WriteIn(ctx, ps, func(tx store.Tx) error {
			for _, p := range append(append([]store.Partition(nil), ps...), touch...) {
				if err := increment(ctx, tx, p); err != nil {
					return err
				}
			}
			return nil
		})
	}()
	return errc
}

// releaseThenWait ends the held write and then waits for each of the
// writes behind errcs; an error of any fails the test.
func releaseThenWait(t *testing.T, release func() error, errcs ...<-chan error) {
	t.Helper()
	if err := release(); err != nil {
		t.Fatal(err)
	}
	for _, errc := range errcs {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}

// wantCounters checks the counter of each partition of want.
func wantCounters(t *testing.T, st store.Store, want map[store.Partition]string) {
	t.Helper()
	for p, w := range want {
		if got := counter(t, st, p); got != w {
			t.Errorf("counter of %v = %s, want %s", p, got, w)
		}
	}
}

// RunPartitionLocks checks a store whose writes of different partitions
// run at the same time (PostgreSQL): open opens an empty store, waiters
// counts the writes of it waiting for a lock now.
func RunPartitionLocks(t *testing.T, open func(t *testing.T) store.Store, waiters func(t *testing.T) int) {
	setup := func(t *testing.T) store.Store {
		st := open(t)
		for _, p := range []store.Partition{p1, p2, p3} {
			write(t, st, func(tx store.Tx) error { return tx.PutResource(ctx, res(p, "counter", "c", "0")) })
		}
		return st
	}
	// awaitWaiters waits until n writes wait for a lock: polled, not timed.
	awaitWaiters := func(t *testing.T, n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for waiters(t) < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d writes wait for a lock, want %d", waiters(t), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	noneDone := func(t *testing.T, errcs ...<-chan error) {
		t.Helper()
		for _, errc := range errcs {
			select {
			case err := <-errc:
				t.Fatalf("a write that should wait ended: %v", err)
			default:
			}
		}
	}
	t.Run("PartitionsDoNotWaitForEachOther", func(t *testing.T) {
		st := setup(t)
		release := held(t, st, []store.Partition{p1})
		// Another partition's write, and one of another region of the same
		// account, complete while p1's is open.
		for _, p := range []store.Partition{p2, p3} {
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := st.WriteIn(c, []store.Partition{p}, func(tx store.Tx) error { return increment(c, tx, p) })
			cancel()
			if err != nil {
				t.Fatalf("a write of %v waited for the open write of %v: %v", p, p1, err)
			}
		}
		// A write of p1 waits for it, and then reads what it wrote.
		same := background(st, []store.Partition{p1})
		awaitWaiters(t, 1)
		noneDone(t, same)
		releaseThenWait(t, release, same)
		wantCounters(t, st, map[store.Partition]string{p1: "2", p2: "1", p3: "1"})
	})
	t.Run("WriteOfEveryPartitionExcludesThem", func(t *testing.T) {
		st := setup(t)
		// It waits for a partition's write...
		release := held(t, st, []store.Partition{p1})
		all := background(st, nil, p1, p2)
		awaitWaiters(t, 1)
		noneDone(t, all)
		releaseThenWait(t, release, all)
		// ...and partitions' writes wait for it.
		release = held(t, st, nil)
		a, b := background(st, []store.Partition{p2}), background(st, []store.Partition{p3})
		awaitWaiters(t, 2)
		noneDone(t, a, b)
		releaseThenWait(t, release, a, b)
		wantCounters(t, st, map[store.Partition]string{p1: "2", p2: "2", p3: "1"})
	})
	t.Run("PartitionNotNamedIsTakenToo", func(t *testing.T) {
		st := setup(t)
		// A write of p1 that reaches into p2 waits for p2's open write,
		// whichever order their locks come in, and reads what it wrote.
		release := held(t, st, []store.Partition{p2})
		reach := background(st, []store.Partition{p1}, p2)
		awaitWaiters(t, 1)
		noneDone(t, reach)
		// p3 is free all along.
		if err := st.WriteIn(ctx, []store.Partition{p3}, func(tx store.Tx) error { return increment(ctx, tx, p3) }); err != nil {
			t.Fatal(err)
		}
		releaseThenWait(t, release, reach)
		wantCounters(t, st, map[store.Partition]string{p1: "1", p2: "2", p3: "1"})
	})
	t.Run("ShareTakesTheGranteesPartition", func(t *testing.T) {
		st := setup(t)
		// p1 shares with p2's account in their region: the grantee reads
		// the share (SharedWith), so sharing waits for p2's open write.
		release := held(t, st, []store.Partition{p2})
		share := store.Share{Partition: p1, Kind: "image", ID: "wsi-1", Grantee: p2.Account}
		errc := make(chan error, 1)
		go func() {
			errc <- st.WriteIn(ctx, []store.Partition{p1}, func(tx store.Tx) error { return tx.PutShare(ctx, share) })
		}()
		awaitWaiters(t, 1)
		noneDone(t, errc)
		releaseThenWait(t, release, errc)
		read(t, st, func(tx store.Tx) error {
			got, err := tx.SharedWith(ctx, "image", p2.Account, p2.Region)
			if err == nil && (len(got) != 1 || got[0] != share) {
				t.Errorf("SharedWith = %+v, want %+v", got, share)
			}
			return err
		})
	})
	t.Run("WriteThatNeedsEveryPartitionTakesThem", func(t *testing.T) {
		st := setup(t)
		// A write of p1 that reads every partition runs as a write of
		// every partition: it waits for p2's open write and sees it.
		release := held(t, st, []store.Partition{p2})
		var total int
		errc := make(chan error, 1)
		go func() {
			errc <- st.WriteIn(ctx, []store.Partition{p1}, func(tx store.Tx) error {
				total = 0
				rs, err := tx.AllResources(ctx)
				for _, r := range rs {
					var n int
					fmt.Sscan(r.State, &n)
					total += n
				}
				if err != nil {
					return err
				}
				return increment(ctx, tx, p1)
			})
		}()
		awaitWaiters(t, 1)
		noneDone(t, errc)
		releaseThenWait(t, release, errc)
		if total != 1 {
			t.Errorf("the write of every partition read counters adding up to %d, want 1 (p2's write)", total)
		}
		if got := counter(t, st, p1); got != "1" {
			t.Errorf("counter of %v = %s, want 1", p1, got)
		}
	})
}
