package storetest

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// Queue drives the writes of one partition of a store that commits the
// writes queued behind one another together (group commit), for the
// tests of each backend's combining.
type Queue struct {
	St store.Store
	P  store.Partition
	// Queued is how many writes of P wait behind the running one.
	Queued func() int
}

// Hold runs a write of P that holds the writer until the returned release
// is called (release waits for it to end).
func (q Queue) Hold(t *testing.T) (release func()) {
	t.Helper()
	started, unblock, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	go func() {
		// It may run again, when its transaction is lost (a store may
		// run a write's fn again).
		done <- q.St.WriteIn(context.Background(), []store.Partition{q.P}, func(tx store.Tx) error {
			once.Do(func() { close(started) })
			<-unblock
			return nil
		})
	}()
	<-started
	return func() {
		close(unblock)
		if err := <-done; err != nil {
			t.Errorf("the holding write: %v", err)
		}
	}
}

// Start starts one write of P per fn, in order, each once the one before
// it waits, with ctxs[i] (nil: a background context), and returns their
// answers (an error, or the panic the caller got) when all have ended.
func (q Queue) Start(t *testing.T, ctxs []context.Context, fns []func(store.Tx) error) func() []any {
	t.Helper()
	out := make([]any, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		ctx := context.Background()
		if ctxs != nil && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					out[i] = p
				}
			}()
			out[i] = q.St.WriteIn(ctx, []store.Partition{q.P}, fn)
		})
		q.WaitQueued(i + 1)
	}
	return func() []any { wg.Wait(); return out }
}

// WaitQueued waits until n writes wait behind the running one.
func (q Queue) WaitQueued(n int) {
	for q.Queued() != n {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// Image is an image resource of p with the given due time.
func Image(p store.Partition, id string, due time.Time) *store.Resource {
	return &store.Resource{Partition: p, Kind: "image", ID: id, State: "AVAILABLE", Created: time.UnixMilli(1), DueAt: due, Doc: []byte(`{}`)}
}

// ImageExists reports whether the image id of p is stored.
func ImageExists(t *testing.T, st store.Store, p store.Partition, id string) bool {
	t.Helper()
	var found bool
	err := st.Read(context.Background(), func(tx store.Tx) error {
		_, err := tx.GetResource(context.Background(), p, "image", id)
		found = err == nil
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
