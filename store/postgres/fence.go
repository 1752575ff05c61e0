package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// fence reads the versions of the partitions whose kept views are asked
// for (sqlstore.ViewCache.Versions), in statements that check several
// partitions, and several reads, at once.
//
// A read may be served the versions of a check (or a view's statement)
// sent at most window before the read arrived, while the replica holds a
// warm lease (keepers.go); with window 0, or without it, only those of a
// check sent after it arrived. Writes return window after they commit
// when another replica holds a lease (Store.settle), so that either way a
// read sees every write that returned, on any replica, before the read
// began.
//
// A read that finds no versions of its partition recent enough joins the
// next check and waits for it; one that finds them older than a quarter
// of the window asks the next check to read them again, without waiting:
// under a steady load the reads do not wait. Up to maxChecks run at once;
// reads that arrive while that many run join the next, which starts when
// one ends and asks for all their partitions at once.
type fence struct {
	s      *Store
	window time.Duration

	// checks counts the statements run, for the tests.
	checks atomic.Int64

	mu      sync.Mutex
	running int
	next    *check // the check reads join while maxChecks run
	known   map[store.Partition]*known
	// floor: versions read by a statement sent before it are not served
	// from (a write of every partition that did not wait committed
	// before, or the lease warmed up then).
	floor time.Time
	lease lease
}

// known is the latest versions read of a partition.
type known struct {
	ver sqlstore.Version
	at  time.Time // when the statement that read them was sent
	// since is when the first statement that read ver answered: the
	// writes that made ver committed before.
	since time.Time
	// asked: a check running or to run asks for the partition again.
	asked bool
	// running is the latest check sent that asks for the partition, until
	// it ends.
	running *check
	// floor: a write of the partition that did not wait committed before.
	floor time.Time
}

// usable reports whether versions read by a statement sent at at may be
// served, under f.mu.
func (f *fence) usable(k *known, at time.Time) bool {
	return at.After(f.floor) && at.After(k.floor)
}

// maxChecks bounds the checks running at once. One alone would make
// every read that waits wait for the check before its own to end (two
// round trips); as many as the reads would share none.
const maxChecks = 2

// maxKnown bounds the partitions known; when full, it starts again empty.
const maxKnown = 4096

// check is one statement's worth of partitions and, once done is closed,
// their versions (or err).
type check struct {
	parts []store.Partition
	index map[store.Partition]int
	done  chan struct{}

	at   time.Time
	all  int64
	vers []int64
	err  error
}

// checkQuery reads the global version and those of the partitions whose
// accounts and regions are $1 and $2, in that order, in one snapshot.
const checkQuery = `SELECT (SELECT version FROM global_version), COALESCE(v.version, 0)
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(account, region, i)
LEFT JOIN partition_versions v ON v.account = p.account AND v.region = p.region
ORDER BY p.i`

// versions is sqlstore.ViewCache.Versions: p's versions, read by a
// statement sent after versions was called, less the window.
func (f *fence) versions(ctx context.Context, p store.Partition) (sqlstore.Version, error) {
	now := time.Now()
	f.mu.Lock()
	w := f.keeping(now)
	if k := f.known[p]; k != nil && w > 0 && now.Sub(k.at) <= w && f.usable(k, k.at) {
		ver := k.ver
		var lead *check
		if !k.asked && now.Sub(k.at) > w/refreshAfter {
			k.asked = true
			if c, _, ok := f.join(p); ok {
				lead = c
			}
		}
		f.mu.Unlock()
		if lead != nil {
			go f.loop(lead)
		}
		return ver, nil
	}
	if k := f.known[p]; k != nil && w > 0 && k.running != nil && now.Sub(k.running.at) <= w && f.usable(k, k.running.at) {
		// A check sent recently enough is on its way: wait for it rather
		// than for one after it.
		c := k.running
		f.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return sqlstore.Version{}, ctx.Err()
		}
		return c.result(p)
	}
	c, _, lead := f.join(p)
	f.mu.Unlock()
	if lead {
		// The read that starts a check runs it (bounded by query, whatever
		// its own context), and hands the next one to a goroutine.
		if n := f.run(c); n != nil {
			go f.loop(n)
		}
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			return sqlstore.Version{}, ctx.Err()
		}
	}
	return c.result(p)
}

// result is p's versions as c read them, once done is closed.
func (c *check) result(p store.Partition) (sqlstore.Version, error) {
	if c.err != nil {
		return sqlstore.Version{}, c.err
	}
	return sqlstore.Version{All: c.all, Partition: c.vers[c.index[p]]}, nil
}

// join adds p to the next check, under f.mu, and returns it, p's index in
// it and whether the caller is to run it (otherwise it starts when a
// running one ends).
func (f *fence) join(p store.Partition) (*check, int, bool) {
	c := f.next
	lead := false
	if c == nil {
		c = &check{index: map[store.Partition]int{}, done: make(chan struct{})}
		if f.running < maxChecks {
			f.running++
			lead = true
		} else {
			f.next = c
		}
	}
	i, ok := c.index[p]
	if !ok {
		i = len(c.parts)
		c.index[p] = i
		c.parts = append(c.parts, p)
	}
	return c, i, lead
}

// run runs c, keeps what it read, and returns the check to run next in
// its place, if reads wait for one.
func (f *fence) run(c *check) *check {
	f.mu.Lock()
	c.at = time.Now()
	if f.window > 0 {
		for _, p := range c.parts {
			f.entry(p).running = c
		}
	}
	f.mu.Unlock()
	c.err = f.query(c)
	f.checks.Add(1)
	got := time.Now()
	f.mu.Lock()
	for i, p := range c.parts {
		if c.err == nil {
			f.keep(p, sqlstore.Version{All: c.all, Partition: c.vers[i]}, c.at, got)
		} else if k := f.known[p]; k != nil {
			k.asked = false
		}
		if k := f.known[p]; k != nil && k.running == c {
			k.running = nil
		}
	}
	n := f.next
	f.next = nil
	if n == nil {
		f.running--
	}
	f.mu.Unlock()
	close(c.done)
	return n
}

// loop runs c and the checks after it until no read waits.
func (f *fence) loop(c *check) {
	for c != nil {
		c = f.run(c)
	}
}

// saw is sqlstore.ViewCache.Saw: a view's statement, sent at at, read
// p's versions ver. The view is kept: the replica takes a lease if it
// holds none.
func (f *fence) saw(p store.Partition, ver sqlstore.Version, at time.Time) {
	got := time.Now()
	f.mu.Lock()
	f.keeping(got)
	f.keep(p, ver, at, got)
	f.mu.Unlock()
}

// served is sqlstore.ViewCache.Served: a view of p at versions ver is
// answered no sooner than the window after a statement first answered
// ver, so that a read on another replica that begins after this one ends
// cannot be served older versions (it uses a check sent at most the
// window before it began, thus after the writes that made ver
// committed).
func (f *fence) served(ctx context.Context, p store.Partition, ver sqlstore.Version) error {
	if f.window <= 0 {
		return nil
	}
	now := time.Now()
	until := now.Add(f.window) // ver not known: first answered about now
	f.mu.Lock()
	if k := f.known[p]; k != nil && (k.ver == ver || ver.Before(k.ver)) {
		until = k.since.Add(f.window)
	}
	f.mu.Unlock()
	if !until.After(now) {
		return nil
	}
	t := time.NewTimer(until.Sub(now))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// keep records p's versions read by a statement sent at at that answered
// at got, under f.mu, unless a later one's are known.
func (f *fence) keep(p store.Partition, ver sqlstore.Version, at, got time.Time) {
	k := f.entry(p)
	k.asked = false
	if at.After(k.at) {
		if ver != k.ver {
			k.since = got
		}
		k.ver, k.at = ver, at
	}
}

// wrote is called when a write that did not wait out the window (no other
// replica holds a lease) committed: the checks of the partitions whose
// versions it raised (all: every partition) sent until now are not
// served from.
//
// A replica that neither keeps views nor takes a lease (no renewing
// goroutine runs) records nothing: before it keeps views again it warms a
// new lease up, which sets the floor past now.
func (f *fence) wrote(all bool, ps map[store.Partition]bool) {
	now := time.Now()
	f.mu.Lock()
	if !f.lease.running && !now.Before(f.lease.until) {
		f.mu.Unlock()
		return
	}
	if all {
		f.floor = later(f.floor, now)
	}
	for p := range ps {
		f.entry(p).floor = now
	}
	f.mu.Unlock()
}

// entry is p's known versions, made if missing, under f.mu.
func (f *fence) entry(p store.Partition) *known {
	k := f.known[p]
	if k == nil {
		if f.known == nil {
			f.known = make(map[store.Partition]*known)
		} else if len(f.known) >= maxKnown {
			// The partitions' floors go with them.
			f.known = make(map[store.Partition]*known)
			f.floor = later(f.floor, time.Now())
		}
		k = &known{}
		f.known[p] = k
	}
	return k
}

// query runs c's statement, bounded as a view is and whatever becomes of
// the request that started it: the others wait for it too.
func (f *fence) query(c *check) error {
	ctx, cancel := f.s.viewCtx(context.Background())
	defer cancel()
	accounts := make([]string, len(c.parts))
	regions := make([]string, len(c.parts))
	for i, p := range c.parts {
		accounts[i], regions[i] = p.Account, p.Region
	}
	rows, err := f.s.db.QueryContext(ctx, checkQuery, accounts, regions)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.vers = make([]int64, 0, len(c.parts))
	for rows.Next() {
		var v int64
		if err := rows.Scan(&c.all, &v); err != nil {
			return err
		}
		c.vers = append(c.vers, v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(c.vers) != len(c.parts) {
		return errShortCheck
	}
	return nil
}

// errShortCheck: the check read fewer rows than it asked for, which
// unnest ... LEFT JOIN never does.
var errShortCheck = errors.New("the version check read fewer partitions than it asked for")

// refreshAfter: a read that finds its partition's versions older than the
// window over refreshAfter asks for them again.
const refreshAfter = 8
