package postgres

import (
	"context"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// Checks is how many version checks s has run.
func Checks(s *Store) int64 { return s.fence.checks.Load() }

// ChecksIdle waits until no version check of s runs, a refresh that a
// read started in the background included (its count is then in Checks).
func ChecksIdle(s *Store) {
	for {
		s.fence.mu.Lock()
		n := s.fence.running
		s.fence.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// ViewStatement reads a view with its statement, never from the views s
// keeps.
func ViewStatement(s *Store, ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	d := sqlstore.DB{DB: s.db}
	return d.ViewResource(ctx, p, kind, id, resourceType, now)
}

// Settled and Skipped count the writes on s that waited out the read
// window, and those that found no other replica keeping views.
func Settled(s *Store) int64 { return s.settled.Load() }
func Skipped(s *Store) int64 { return s.skipped.Load() }

// Piggybacked and Misguessed count the writes on s that sent their lock
// statement with their first statement, and those that guessed a version
// wrong.
func Piggybacked(s *Store) int64 { return s.piggybacked.Load() }
func Misguessed(s *Store) int64  { return s.misguessed.Load() }

// Reruns counts the wrong guesses after which a step was due: the write
// ran again.
func Reruns(s *Store) int64 { return s.rerun.Load() }

// Leased reports whether s holds a lease, warm or not; Keeping whether it
// serves kept views.
func Leased(s *Store) bool {
	s.fence.mu.Lock()
	defer s.fence.mu.Unlock()
	return time.Now().Before(s.fence.lease.trusted)
}

func Keeping(s *Store) bool {
	s.fence.mu.Lock()
	defer s.fence.mu.Unlock()
	return time.Now().Before(s.fence.lease.until)
}

// SetLease sets the TTL of s's lease, and how long it is kept without
// reads.
func SetLease(s *Store, ttl, idle time.Duration) {
	s.fence.mu.Lock()
	defer s.fence.mu.Unlock()
	s.fence.lease.ttl, s.fence.lease.idle = ttl, idle
}

// FailRenewals makes s's renewals of its lease fail, as with PostgreSQL
// out of reach.
func FailRenewals(s *Store, fail bool) {
	s.fence.mu.Lock()
	defer s.fence.mu.Unlock()
	s.fence.lease.fail = fail
}

// Queued is how many writes of p wait for a write of p on s to end.
func Queued(s *Store, p store.Partition) int {
	s.writers.mu.Lock()
	w := s.writers.m[p]
	s.writers.mu.Unlock()
	if w == nil {
		return 0
	}
	return w.Queued()
}

// QueuedAll is how many writes wait on s behind a write of their
// partition, whatever it is.
func QueuedAll(s *Store) int {
	s.writers.mu.Lock()
	defer s.writers.mu.Unlock()
	n := 0
	for _, w := range s.writers.m {
		n += w.Queued()
	}
	return n
}

// Setting is a PostgreSQL setting's value on a connection of s's pool.
func Setting(s *Store, name string) (string, error) {
	var v string
	err := s.db.QueryRow(`SELECT current_setting($1)`, name).Scan(&v)
	return v, err
}
