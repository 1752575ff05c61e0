package sqlstore

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/wslocal/wslocal/store"
)

// Dues keeps, for a store that sees every write made to its database (one
// process owns it, as for ViewCache), a time before which no step is due
// in each partition: a write transaction asks AnyDue of its partition
// first, and most find nothing due, so most need not ask the database.
//
// A bound only ever errs early. A write that schedules a step lowers its
// partition's bound at once, whether or not it commits; a bound read from
// the database (the partition's earliest due time) is kept only when the
// transaction that read it commits, and is dropped with every other when
// a commit fails. The store's writes are serialised (SQLite has one
// writer): no other transaction writes between the read and the commit.
//
// A store whose database other processes write too (PostgreSQL's
// replicas) sets Versioned: each bound is then kept with the version its
// partition had when the transaction that kept it committed (every write
// raises it; Tx.Versions), and trusted only by a transaction that finds
// the version just after it, so that no write of another process came
// between.
type Dues struct {
	Versioned bool

	mu   sync.Mutex
	from map[store.Partition]dueBound
}

// dueBound is a partition's bound: from holds unix milliseconds (noneDue:
// nothing scheduled); ver is the version it holds at (Versioned). steady:
// the write that kept it found the version just after the one before,
// and so did Predict's guess, if it made one (no other process wrote the
// partition between this process's last two writes).
type dueBound struct {
	from, ver int64
	steady    bool
}

// noneDue is the bound of a partition with no step scheduled.
const noneDue = math.MaxInt64

// maxDues bounds the partitions kept; when full the map starts again empty.
const maxDues = 4096

// notDue reports whether the bound of p says that nothing is due at now,
// to a transaction that gives p the version ver (Versioned).
func (d *Dues) notDue(p store.Partition, now, ver int64) bool {
	d.mu.Lock()
	b, ok := d.from[p]
	d.mu.Unlock()
	if !ok || now >= b.from {
		return false
	}
	return !d.Versioned || ver != 0 && b.ver == ver-1
}

// lower lowers the bound of p to at (unix milliseconds, > 0).
func (d *Dues) lower(p store.Partition, at int64) {
	d.mu.Lock()
	if b, ok := d.from[p]; ok && at < b.from {
		b.from = at
		d.from[p] = b
	}
	d.mu.Unlock()
}

// keep records bounds read by a transaction about to commit, which gives
// its partitions the versions vers (Versioned). A bound it trusted holds
// at its version too: its own writes lowered it already.
func (d *Dues) keep(bounds []partitionDue, vers map[store.Partition]int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.from == nil || len(d.from)+len(bounds) > maxDues {
		d.from = make(map[store.Partition]dueBound)
	}
	for p, v := range vers {
		if b, ok := d.from[p]; ok && b.ver == v-1 {
			b.ver, b.steady = v, true
			d.from[p] = b
		}
	}
	for _, b := range bounds {
		v := vers[b.p]
		if d.Versioned && v == 0 {
			continue // a partition whose version the transaction does not know
		}
		old, ok := d.from[b.p]
		d.from[b.p] = dueBound{b.from, v, ok && old.ver == v}
	}
}

// Predict guesses the version the next write of p gives it, for a
// Versioned store whose writes send their first statement before they
// learn it: the version after the bound's, when the bound is steady. A
// write that then finds another calls Unsteady, and asks again what it
// answered from the bound.
func (d *Dues) Predict(p store.Partition) (int64, bool) {
	d.mu.Lock()
	b, ok := d.from[p]
	d.mu.Unlock()
	if !ok || !b.steady || !d.Versioned {
		return 0, false
	}
	return b.ver + 1, true
}

// Unsteady stops Predict guessing p's version until a write of this
// process again finds the one after its bound's.
func (d *Dues) Unsteady(p store.Partition) {
	d.mu.Lock()
	if b, ok := d.from[p]; ok {
		b.steady = false
		d.from[p] = b
	}
	d.mu.Unlock()
}

// Reset drops every bound: after a failed commit, or when rows change
// other than through Tx.
func (d *Dues) Reset() {
	d.mu.Lock()
	d.from = nil
	d.mu.Unlock()
}

// partitionDue is a bound a transaction read, lowered by its own writes
// since.
type partitionDue struct {
	p    store.Partition
	from int64
}

// scheduled tells the bounds that the transaction schedules a step in p
// at at (zero: none).
func (t *Tx) scheduled(p store.Partition, at time.Time) {
	if t.Dues == nil || at.IsZero() {
		return
	}
	ms := store.UnixMilli(at)
	t.Dues.lower(p, ms)
	for i := range t.learned {
		if t.learned[i].p == p {
			t.learned[i].from = min(t.learned[i].from, ms)
		}
	}
}

// KeepDues records the bounds the transaction read, and reports whether
// there were any; the store calls it when fn has succeeded, just before
// the commit, and Dues.Reset if the commit then fails.
func (t *Tx) KeepDues() bool {
	if t.Dues == nil || len(t.learned) == 0 && len(t.Versions) == 0 {
		return false
	}
	t.Dues.keep(t.learned, t.Versions)
	return true
}

// DueTrust is an answer of AnyDue from a bound: nothing due in Partition
// at At (unix milliseconds).
type DueTrust struct {
	Partition store.Partition
	At        int64
}

// NextDue reads a partition's earliest due times (? placeholders: account,
// region, account, region): its resources', its associations' (0: none).
const NextDue = `SELECT
		(SELECT COALESCE(MIN(due_at), 0) FROM resources WHERE due_at > 0 AND account = ? AND region = ?),
		(SELECT COALESCE(MIN(due_at), 0) FROM associations WHERE due_at > 0 AND account = ? AND region = ?)`

// EarliestDue is the earliest of NextDue's two answers (noneDue: none).
func EarliestDue(resources, associations int64) int64 {
	from := int64(noneDue)
	for _, v := range []int64{resources, associations} {
		if v > 0 {
			from = min(from, v)
		}
	}
	return from
}

// anyDueBounded is AnyDue of one partition through the bounds: it answers
// from them when it can, and otherwise reads the partition's earliest due
// time, which bounds it for the rest of the transaction.
func (t *Tx) anyDueBounded(ctx context.Context, p store.Partition, now time.Time) (bool, error) {
	ms := store.UnixMilli(now)
	if t.Dues.notDue(p, ms, t.Versions[p]) {
		if t.Trusted != nil {
			*t.Trusted = append(*t.Trusted, DueTrust{p, ms})
		}
		return false, nil
	}
	var rNext, aNext int64
	err := t.queryRow(ctx, NextDue, p.Account, p.Region, p.Account, p.Region).Scan(&rNext, &aNext)
	if err != nil {
		return false, fmt.Errorf("due: %w", err)
	}
	from := EarliestDue(rNext, aNext)
	t.learned = append(t.learned, partitionDue{p, from})
	return from <= ms, nil
}
