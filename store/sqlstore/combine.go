package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/wslocal/wslocal/store"
)

// Combiner runs the writes of a store whose writes are serialised (SQLite
// has one writer) and commits those that queue behind a transaction
// together: group commit. A write that finds the writer idle runs at once,
// alone, as it would without a Combiner. A write that finds it busy
// queues; when the transaction ends, the writes queued (up to maxCombined)
// run in the next one, each fn in a SAVEPOINT of its own, and one COMMIT
// answers them all: the writer pays BEGIN and COMMIT once for all of them.
// With Join, the writes queued run in the transaction running instead,
// before its COMMIT, and no write runs alone.
//
// Each write gets its own effect and its own answer:
//   - an fn that fails (or panics) is rolled back to its savepoint alone
//     and gets its error (its panic is raised again in its caller); the
//     others commit;
//   - a write whose ctx is done before its fn starts is dropped with
//     ctx.Err(); its fn's statements run detached from ctx, since
//     interrupting a statement would make SQLite roll back the whole
//     transaction, the other writes' work with it;
//   - when the transaction is lost (its COMMIT fails, or an error made
//     SQLite roll it back whole, which the next savepoint statement finds),
//     every write whose fn had succeeded runs again alone, in a
//     transaction of its own, and gets that one's answer: a write never
//     fails for another's doing. store.Store lets a store run fn again.
//
// The due-time bounds (Dues) follow each fn: the bounds an fn read are
// kept when its savepoint is released (the later fns of the transaction
// lower them as they schedule steps, as any write does), and every bound
// is dropped when the transaction is lost.
type Combiner struct {
	// Begin begins a write transaction.
	Begin func() (*sql.Tx, error)
	// Alone runs fn in a transaction of its own, as the store would
	// without a Combiner; it may panic with fn's panic.
	Alone func(ctx context.Context, fn func(store.Tx) error) error
	// Tx makes the store.Tx of one fn of a combined transaction.
	Tx func(tx *sql.Tx) *Tx
	// InTx, when set, runs a combined transaction in place of Begin, Tx
	// and the commit (a store that takes locks, or watches the
	// connection, as a transaction begins): it runs body in a write
	// transaction, whose store.Tx for each fn newTx makes; it commits
	// when body returns nil, and rolls back otherwise. Its error, or
	// body's, loses the transaction.
	InTx func(body func(newTx func() *Tx) error) error
	// Optimistic runs the fns of a combined transaction without
	// savepoints, each of which costs PostgreSQL two round trips: the
	// first fn that fails loses the transaction, its write gets its
	// answer, and the others run again alone (as when a COMMIT fails).
	Optimistic bool
	// Join runs every write through a combined transaction (none alone),
	// and lets the writes that queue while a transaction runs join it
	// before its COMMIT, up to maxCombined: a write behind a busy writer
	// waits for the end of the transaction running, not of the next. A
	// write that finds the writer idle still starts at once.
	Join bool
	// Dues, when set, are reset when a combined transaction is lost.
	Dues *Dues
	// Linger, when set, is how long a write that finds the writer idle
	// waits for others to queue behind it, when writes have queued in the
	// last contendedFor: under load one COMMIT then answers several writes
	// (PostgreSQL's commit_delay, with its commit_siblings read as "writes
	// queued lately"). A write alone on the store never waits.
	Linger time.Duration
	// Ended, when set, is called after each transaction has ended (before
	// its writes are answered) with whether it committed: a store drops
	// the views it keeps.
	Ended func(committed bool)

	mu    sync.Mutex
	busy  bool
	queue []*combined
	// queuedAt is when a write last queued; peak, the most writes queued
	// at once since a lingering write last led: the next waits for as
	// many.
	queuedAt time.Time
	peak     int
}

// A write lingers when minSiblings writes queued at once lately (in the
// last contendedFor): with fewer, the wait mostly ends empty-handed.
const (
	contendedFor = 10 * time.Millisecond
	minSiblings  = 2
)

// maxCombined bounds the writes of one transaction: the first of them
// waits for the last.
const maxCombined = 64

// combined is one write waiting in, or run by, a Combiner.
type combined struct {
	ctx  context.Context
	fn   func(store.Tx) error
	wake chan struct{} // answered, or told to lead
	// lead, when set, is the batch the write's caller runs next.
	lead []*combined
	// The answer: an error, or a panic (*PanicError) to raise again in
	// the caller.
	err      error
	panicked *PanicError
	// done: answered; ran: fn succeeded in the current transaction.
	done, ran bool
}

// Write runs fn as one write of the store: alone when the writer is idle,
// otherwise in the next transaction with the writes queued beside it.
func (c *Combiner) Write(ctx context.Context, fn func(store.Tx) error) error {
	c.mu.Lock()
	if !c.busy {
		c.busy = true
		linger := c.Linger > 0 && c.peak >= minSiblings && time.Since(c.queuedAt) < contendedFor
		c.mu.Unlock()
		if linger || c.Join {
			return c.lead(ctx, fn, linger)
		}
		defer c.handOff()
		return c.Alone(ctx, fn)
	}
	w := &combined{ctx: ctx, fn: fn, wake: make(chan struct{}, 1)}
	c.queue = append(c.queue, w)
	c.queuedAt = time.Now()
	c.peak = max(c.peak, len(c.queue))
	c.mu.Unlock()
	select {
	case <-w.wake:
	case <-ctx.Done():
		c.mu.Lock()
		if i := slices.Index(c.queue, w); i >= 0 {
			c.queue = slices.Delete(c.queue, i, i+1)
			c.mu.Unlock()
			return ctx.Err()
		}
		c.mu.Unlock()
		<-w.wake // taken into a batch: it answers
	}
	if w.lead != nil {
		c.runBatch(w.lead)
	}
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// lead runs fn, which found the writer idle, in a combined transaction
// with the writes queued behind it: when linger (writes queue often)
// after waiting up to Linger for them; with Join at once, the writes
// that queue meanwhile joining it (run).
func (c *Combiner) lead(ctx context.Context, fn func(store.Tx) error, linger bool) error {
	// Yielding, not sleeping: a sleep this short ends at the next
	// scheduler tick, a millisecond away when the process is idle.
	deadline := time.Now().Add(c.Linger)
	for linger {
		c.mu.Lock()
		enough := len(c.queue) >= c.peak
		c.mu.Unlock()
		if enough || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	w := &combined{ctx: ctx, fn: fn}
	c.mu.Lock()
	behind := c.dequeue(maxCombined - 1)
	c.peak = len(behind)
	c.mu.Unlock()
	batch := append([]*combined{w}, behind...)
	c.runBatch(batch)
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// Queued is how many writes wait for the writer.
func (c *Combiner) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// handOff ends the turn of the writer: the writes queued (up to
// maxCombined) become the next batch, which the first of them runs; with
// none queued, the writer is idle.
func (c *Combiner) handOff() {
	c.mu.Lock()
	if len(c.queue) == 0 {
		c.busy = false
		c.mu.Unlock()
		return
	}
	batch := c.dequeue(maxCombined)
	c.mu.Unlock()
	batch[0].lead = batch
	batch[0].wake <- struct{}{}
}

// dequeue takes the first writes queued, at most n; c.mu is held.
func (c *Combiner) dequeue(n int) []*combined {
	n = min(len(c.queue), n)
	out := slices.Clone(c.queue[:n])
	c.queue = slices.Delete(c.queue, 0, n)
	return out
}

// runBatch runs batch (led by its first write, whose caller runs this),
// hands the writer on, and answers the others.
func (c *Combiner) runBatch(batch []*combined) {
	defer func() {
		p := recover()
		c.handOff()
		for _, w := range batch {
			if !w.done {
				w.err = fmt.Errorf("combined write: %v", p)
			}
			if w != batch[0] {
				w.wake <- struct{}{}
			}
		}
		if p != nil {
			panic(p)
		}
	}()
	if len(batch) == 1 && !c.Join {
		w := batch[0]
		w.done = true
		if w.err = w.ctx.Err(); w.err == nil {
			w.panicked, w.err = call(func() error { return c.Alone(w.ctx, w.fn) })
		}
		return
	}
	lost := c.combine(&batch)
	if lost {
		for _, w := range batch {
			if !w.done {
				w.done = true
				if w.err = w.ctx.Err(); w.err == nil {
					w.panicked, w.err = call(func() error { return c.Alone(w.ctx, w.fn) })
				}
			}
		}
	}
}

// combine runs the batch's fns in one transaction, each in a savepoint.
// It answers every write whose fn failed or did not start, and, when the
// transaction commits, every other; it reports whether the transaction
// was lost, the writes whose fn had succeeded then unanswered.
func (c *Combiner) combine(batch *[]*combined) (lost bool) {
	kept := false
	if c.InTx != nil {
		defer c.ended(&lost, &kept)
		err := c.InTx(func(newTx func() *Tx) error {
			if c.run(batch, newTx, &kept) {
				return errLost
			}
			return nil
		})
		if err != nil {
			return true
		}
		for _, w := range *batch {
			w.done = true
		}
		return false
	}
	tx, err := c.Begin()
	if err != nil {
		for _, w := range *batch {
			w.done, w.err = true, err
		}
		return false
	}
	defer c.ended(&lost, &kept)
	defer func() {
		if lost {
			_ = tx.Rollback()
		}
	}()
	if c.run(batch, func() *Tx { return c.Tx(tx) }, &kept) || tx.Commit() != nil {
		return true
	}
	for _, w := range *batch {
		w.done = true
	}
	return false
}

// errLost ends a combined transaction that InTx is to roll back.
var errLost = errors.New("combined transaction lost")

// ended follows a combined transaction: the bounds are dropped when it was
// lost after some were kept.
func (c *Combiner) ended(lost, kept *bool) {
	if *lost && *kept && c.Dues != nil {
		c.Dues.Reset()
	}
	if c.Ended != nil {
		c.Ended(!*lost)
	}
}

// run runs the batch's fns, each in a savepoint of the transaction the
// store.Tx of newTx run in. It answers every write whose fn failed or did
// not start, sets *kept when a fn kept bounds, and reports whether the
// transaction was lost.
func (c *Combiner) run(batch *[]*combined, newTx func() *Tx, kept *bool) (lost bool) {
	ctx := context.Background()
	var prev *Tx
	for i := 0; ; i++ {
		if i == len(*batch) {
			if !c.Join {
				break
			}
			// The writes that queued while the batch ran join it before
			// its COMMIT.
			c.mu.Lock()
			more := c.dequeue(maxCombined - len(*batch))
			c.mu.Unlock()
			if len(more) == 0 {
				break
			}
			*batch = append(*batch, more...)
		}
		w := (*batch)[i]
		if err := w.ctx.Err(); err != nil {
			w.done, w.err = true, err
			continue
		}
		t := newTx()
		t.Detach = true
		if prev != nil {
			t.bound = prev.bound // the statements bound to tx, reused
		}
		prev = t
		if !c.Optimistic && t.exec(ctx, `SAVEPOINT w`) != nil {
			return true
		}
		panicked, err := call(func() error { return w.fn(t) })
		if err == nil && panicked == nil {
			if !c.Optimistic && t.exec(ctx, `RELEASE w`) != nil {
				return true
			}
			*kept = t.KeepDues() || *kept
			t.KeepMemo()
			w.ran = true
			continue
		}
		w.done, w.err, w.panicked = true, err, panicked
		if c.Optimistic {
			return true
		}
		if t.exec(ctx, `ROLLBACK TO w`) != nil || t.exec(ctx, `RELEASE w`) != nil {
			return true
		}
	}
	return false
}

// call runs fn, and returns its panic rather than raising it, with the
// stack where it was raised (the caller that raises it again is another
// goroutine).
func call(fn func() error) (panicked *PanicError, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return nil, fn()
}

// PanicError is the panic a combined write's caller raises for its fn's
// panic, which another goroutine recovered: the value, and its stack.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("%v\n\n%s", p.Value, p.Stack) }

// Unwrap returns the value when it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
