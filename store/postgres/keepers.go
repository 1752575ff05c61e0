package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"time"
)

// A replica serves a read from a kept view after a version check sent up
// to the read window before the read arrived (fence); a write that
// returned less than the window after its commit could be missed by it.
// Writes on PostgreSQL waited the window out for that reason, whether or
// not any replica kept views. Now a replica that serves kept views holds
// a lease on a row of view_keepers (migration 0007), and a write waits
// only when its lock statement finds the row of another replica live
// (othersKeep): with none, every other replica serves reads as with
// window 0 (a check sent after the read arrived), which sees every
// committed write.
//
// Why a write that finds no keeper cannot be missed by one:
//
//   - The lease. A replica trusts a renewal only until it was sent plus
//     half the TTL (its own monotonic clock), and the row expires the TTL
//     after the renewal's transaction began (PostgreSQL's clock), so the
//     row outlives the trust. A renewal continues the lease only if it
//     was acknowledged while the one before was still trusted; then a
//     write whose lock statement came before that renewal committed saw
//     the previous row, still live. Otherwise the lease starts anew.
//   - Warm-up. A write whose lock statement's snapshot was taken before
//     a new lease's row committed did not see it. Such a write's
//     transaction began (xact_start) before that commit: every snapshot of
//     a transaction is taken after its start, which PostgreSQL reports in
//     pg_stat_activity before any. So after the row commits, the replica
//     reads PostgreSQL's clock (T) and serves kept views only once no
//     transaction of the database that began before T is left, and then
//     only from checks sent after it saw none: such a write committed
//     before them. A transaction that began before T but had not reported
//     it when pg_stat_activity was read takes its snapshots after that
//     read, which came after the commit: it sees the row.
//   - Its own writes. A write that does not wait is also missed by no
//     kept view of its own replica: at its commit the replica drops the
//     checks of its partitions sent before (fence.wrote).
//
// A replica keeps its lease while it serves reads: it stops renewing
// leaseIdle after the last, and writes on the others stop waiting once
// the row expired.
//
// Every replica of a schema must run this code: an older one keeps views
// without a row, and writes here would not wait for it.
type lease struct {
	// id names the replica's row: random, one per Store.
	id string
	// ttl is how long a row lives after its renewal; renewals go every
	// quarter of it, and each is trusted for half of it.
	ttl time.Duration
	// idle is how long after the last read the replica keeps renewing.
	idle time.Duration

	// Under fence.mu:

	// running: the goroutine that renews the lease (hold) runs.
	running bool
	closed  bool
	wake    chan struct{} // closed by stop
	done    chan struct{} // closed when hold returns
	// lastRead is when a read last asked for versions.
	lastRead time.Time
	// trusted is until when the lease, warmed up or not, is trusted; zero
	// when it lapsed.
	trusted time.Time
	// warm: the current lease has been warmed up.
	warm bool
	// until is until when kept views may be served: trusted, once warm.
	until time.Time
	// fail makes renewals fail, for the tests.
	fail bool
}

const (
	leaseTTL  = 2 * time.Second
	leaseIdle = time.Second
)

func newLease() lease {
	return lease{id: rand.Text(), ttl: leaseTTL, idle: leaseIdle, wake: make(chan struct{}), done: make(chan struct{})}
}

// othersKeep is the lock statements' last column: whether a replica
// other than this one ($%d) holds a live lease. now() is the
// transaction's start, before the statement's snapshot.
const othersKeep = `EXISTS (SELECT 1 FROM view_keepers WHERE expires_at > now() AND replica <> $%d)`

const (
	renewLease = `INSERT INTO view_keepers (replica, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
ON CONFLICT (replica) DO UPDATE SET expires_at = excluded.expires_at`
	// dropExpired removes the rows of replicas gone for a while, so that
	// the table stays small across restarts.
	dropExpired = `DELETE FROM view_keepers WHERE expires_at < now() - interval '1 minute'`
	// beganBefore counts the transactions of the database, other than
	// the caller's session, that began before $1; a session whose
	// details this role may not see counts as one.
	beganBefore = `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
AND (xact_start < $1 OR state IS NULL)`
)

// keeping is called by every read that asks for versions, under f.mu: it
// notes the read, starts the lease if it is not held, and returns the
// window the read may use: f.window while the lease is warm and
// trusted, 0 otherwise.
func (f *fence) keeping(now time.Time) time.Duration {
	if f.window <= 0 {
		return 0
	}
	l := &f.lease
	l.lastRead = now
	if !l.running && !l.closed {
		l.running = true
		l.done = make(chan struct{})
		go f.hold()
	}
	if now.Before(l.until) {
		return f.window
	}
	return 0
}

// hold takes the lease, warms it up and renews it while reads come.
func (f *fence) hold() {
	l := &f.lease
	defer close(l.done)
	var began time.Time // T of the current lease (zero: not read yet)
	for {
		f.mu.Lock()
		if l.closed || time.Since(l.lastRead) > l.idle {
			l.running = false
			f.mu.Unlock()
			return
		}
		ttl, fail := l.ttl, l.fail
		f.mu.Unlock()

		sent := time.Now()
		err := f.renew(ttl, fail)
		acked := time.Now()
		f.mu.Lock()
		if err == nil {
			if !acked.Before(l.trusted) {
				// The lease lapsed (or was never held): it starts anew.
				l.warm, l.until, began = false, time.Time{}, time.Time{}
			}
			l.trusted = sent.Add(ttl / 2)
			if l.warm {
				l.until = l.trusted
			}
		}
		warm := l.warm
		f.mu.Unlock()

		if err == nil && !warm {
			if began.IsZero() {
				began, err = f.clock()
			}
			if err == nil {
				// Bounded by the next renewal: past it the replica tries
				// again then, serving reads as with window 0 meanwhile.
				if at, ok := f.warmUp(began, time.Until(sent.Add(ttl/4))); ok {
					f.mu.Lock()
					// Only the lease warm-up ran in: a renewal
					// acknowledged after it lapsed starts another.
					if time.Now().Before(l.trusted) {
						l.warm = true
						l.until = l.trusted
						f.floor = later(f.floor, at)
					}
					f.mu.Unlock()
				}
			}
		}

		next := ttl / 4
		if err != nil {
			next = ttl / 16
		}
		t := time.NewTimer(time.Until(sent.Add(next)))
		select {
		case <-t.C:
		case <-l.wake:
		}
		t.Stop()
	}
}

// renew upserts the replica's row: the lease until now() + ttl.
func (f *fence) renew(ttl time.Duration, fail bool) error {
	if fail {
		return errLeaseFailed
	}
	ctx, cancel := f.s.viewCtx(context.Background())
	defer cancel()
	if _, err := f.s.db.ExecContext(ctx, renewLease, f.lease.id, ttl.Milliseconds()); err != nil {
		return err
	}
	_, err := f.s.db.ExecContext(ctx, dropExpired)
	return err
}

// clock reads PostgreSQL's clock, after the lease's row committed.
func (f *fence) clock() (time.Time, error) {
	ctx, cancel := f.s.viewCtx(context.Background())
	defer cancel()
	var t time.Time
	err := f.s.db.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t)
	return t, err
}

// warmUp waits, up to limit, until no transaction that began before
// began is left, and returns when it saw none (the checks sent after
// then may be served).
func (f *fence) warmUp(began time.Time, limit time.Duration) (time.Time, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	pause := 500 * time.Microsecond
	for {
		var n int
		if err := f.s.db.QueryRowContext(ctx, beganBefore, began).Scan(&n); err != nil {
			return time.Time{}, false
		}
		if n == 0 {
			return time.Now(), true
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return time.Time{}, false
		}
		pause = min(2*pause, 20*time.Millisecond)
	}
}

// stop ends the lease: kept views are no longer served, the goroutine
// returns, and the row is dropped so that the other replicas' writes stop
// waiting at once.
func (f *fence) stop() {
	l := &f.lease
	f.mu.Lock()
	if l.closed {
		f.mu.Unlock()
		return
	}
	l.closed = true
	l.until = time.Time{}
	running, done, held := l.running, l.done, !l.trusted.IsZero()
	close(l.wake)
	f.mu.Unlock()
	if running {
		<-done
	}
	if !held {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	f.s.db.ExecContext(ctx, `DELETE FROM view_keepers WHERE replica = $1`, l.id) //nolint:errcheck
}

var errLeaseFailed = errors.New("the lease was not renewed")

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
