package postgres

import (
	"context"
	"errors"
	"sync"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// The writes of one partition are serialised by its lock: each pays its
// transaction's BEGIN and lock statement (one round trip) and COMMIT (a
// WAL flush) while holding it. The writes that name one partition go
// through that partition's sqlstore.Combiner: a write that finds another
// write of the partition running on this replica queues, and joins the
// transaction running before its COMMIT (Combiner.Join), under its lock
// statement and its COMMIT (group commit). Writes of several partitions,
// or of every partition, do not combine.
//
// The writes of a batch run without savepoints (Combiner.Optimistic: a
// savepoint is two round trips a write): the first that fails loses the
// transaction and gets its answer, and the others, those that ran before
// it included, run again alone. A
// combined write that needs a partition it did not name fails so, and
// runs again alone, as WriteIn runs any write: it takes the partitions it
// needs, or every partition.

// partitionWriter is the Combiner of one partition's writes, kept while
// writes of the partition use it.
type partitionWriter struct {
	sqlstore.Combiner
	users int
	// The fields below belong to the write the Combiner runs (it runs one
	// transaction at a time, and hands the writer on through its lock).
	//
	// cur are the locks of the transaction running; retry is set when the
	// combined fn running needed a partition it did not name.
	cur   *locks
	retry bool
}

// writers are the partitionWriters in use, by partition.
type writers struct {
	mu sync.Mutex
	m  map[store.Partition]*partitionWriter
}

// writeOne runs a write of the one partition p through its Combiner, and
// settles it (settle) with the locks of the transaction that committed it.
func (s *Store) writeOne(ctx context.Context, p store.Partition, fn func(store.Tx) error) error {
	w := s.writer(p)
	var l *locks
	err := w.Write(ctx, func(tx store.Tx) error {
		w.retry, l = false, w.cur
		err := fn(tx)
		if w.retry {
			return errRetry
		}
		return l.outcome(err)
	})
	s.release(p)
	if errors.Is(err, errRetry) {
		// Its batch was rolled back: run again alone.
		return s.writeIn(ctx, []store.Partition{p}, fn)
	}
	if err == nil {
		s.settle(ctx, l)
	}
	return err
}

// writer returns p's partitionWriter, made on first use.
func (s *Store) writer(p store.Partition) *partitionWriter {
	s.writers.mu.Lock()
	defer s.writers.mu.Unlock()
	w := s.writers.m[p]
	if w == nil {
		if s.writers.m == nil {
			s.writers.m = make(map[store.Partition]*partitionWriter)
		}
		w = &partitionWriter{}
		ps := []store.Partition{p}
		w.Combiner = sqlstore.Combiner{
			Alone: func(ctx context.Context, fn func(store.Tx) error) error {
				return s.run(ctx, ps, fn, func(l *locks) { w.cur = l })
			},
			InTx: func(body func(newTx func() *sqlstore.Tx) error) error {
				l := s.newLocks(ps)
				w.cur = l
				// Detached, as the Combiner runs each statement: the
				// watchdog bounds the transaction.
				return s.inTx(context.Background(), nil, l, func(tx *sqlstore.Tx) error {
					return body(func() *sqlstore.Tx {
						t := &sqlstore.Tx{Tx: tx.Tx, Rebind: tx.Rebind, Watch: tx.Watch,
							Dues: tx.Dues, Versions: tx.Versions, Trusted: tx.Trusted}
						t.Take = func(_ context.Context, q *store.Partition) error {
							if q != nil && *q == p {
								return nil
							}
							w.retry = true
							return errRetry
						}
						return t
					})
				})
			},
			// A bound kept by a fn of a transaction then lost is dropped.
			Dues:       s.dues,
			Optimistic: true,
			Join:       true,
		}
		s.writers.m[p] = w
	}
	w.users++
	return w
}

// release ends a use of p's partitionWriter, dropped when none is left.
func (s *Store) release(p store.Partition) {
	s.writers.mu.Lock()
	defer s.writers.mu.Unlock()
	w := s.writers.m[p]
	if w.users--; w.users == 0 {
		delete(s.writers.m, p)
	}
}
