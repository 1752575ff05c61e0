// Package workspaces is the behaviour of the WorkSpaces API: one method per
// implemented operation, each run as one store transaction. Operations
// without behaviour come from api.Unimplemented.
package workspaces

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
)

// Service implements api.Service.
type Service struct {
	api.Unimplemented
	store  store.Store
	clock  sim.Clock
	quotas Quotas
	// durations can change while serving (control API), hence atomic.
	durations atomic.Pointer[Durations]
	faults    *sim.Faults
	log       *slog.Logger

	stepsMu    sync.Mutex
	steps      StepCounts
	quarantine quarantine
	images     imageCache
	runTwice   bool // Config.RunTwice
}

var _ api.Service = (*Service)(nil)

// New returns a Service on st, timed by clock, failing where faults say.
// Zero fields of cfg take their DefaultConfig values.
func New(st store.Store, clock sim.Clock, cfg Config, faults *sim.Faults, log *slog.Logger) *Service {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if faults == nil {
		faults = sim.NewFaults()
	}
	s := &Service{store: st, clock: clock, quotas: cfg.Quotas, faults: faults, log: log, runTwice: cfg.RunTwice}
	s.durations.Store(&cfg.Durations)
	return s
}

// Durations returns the lifecycle step durations in force.
func (s *Service) Durations() Durations { return *s.durations.Load() }

// SetDurations changes the step durations; zero fields keep their value.
// Steps already scheduled keep their due time.
func (s *Service) SetDurations(d Durations) Durations {
	d = d.over(s.Durations())
	s.durations.Store(&d)
	return d
}

// partition is the caller's account and region.
func partition(ctx context.Context) store.Partition {
	c := auth.CallerFrom(ctx)
	return store.Partition{Account: c.Account, Region: c.Region}
}

// errDue aborts a read transaction that found lifecycle steps to apply.
var errDue = errors.New("lifecycle steps are due")

// dueIn aborts a view that reads another partition (the owner of a shared
// image) where lifecycle steps are due: view applies them and runs again.
type dueIn struct{ p store.Partition }

func (e *dueIn) Error() string { return "lifecycle steps are due in " + e.p.Account + "/" + e.p.Region }

// current returns dueIn when steps are due at now in owner, another
// partition than p that a view reads.
func (s *Service) current(ctx context.Context, tx store.Tx, p, owner store.Partition, now time.Time) error {
	if owner == p {
		return nil
	}
	due, err := s.anyDue(ctx, tx, &owner, now)
	if err == nil && due {
		err = &dueIn{owner}
	}
	return err
}

// view runs fn in a read transaction after the lifecycle of p has caught up
// with the clock. Only when a step is due does it take the write path, so
// plain reads never queue behind writers. When fn reads another partition
// and finds steps due there (current), they are applied and fn runs again.
func (s *Service) view(ctx context.Context, p store.Partition, fn func(tx store.Tx, now time.Time) error) error {
	for attempt := 0; ; attempt++ {
		now := s.clock.Now()
		err := s.store.Read(ctx, func(tx store.Tx) error {
			due, err := s.anyDue(ctx, tx, &p, now)
			if err != nil {
				return err
			}
			if due {
				return errDue
			}
			if s.runTwice {
				// A view runs fn again after a catch-up (below).
				if err := fn(tx, now); err != nil {
					return err
				}
			}
			return fn(tx, now)
		})
		if errors.Is(err, errDue) {
			err = s.update(ctx, p, fn)
		}
		var elsewhere *dueIn
		if errors.As(err, &elsewhere) && attempt < 3 {
			if err := s.catchUp(ctx, elsewhere.p); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// viewResource reads the resource (kind, id) of p with its associations of
// assocType in one statement, when the store can (store.ResourceViewer)
// and no lifecycle step is due in p. It returns ok false, for the caller to
// take the general path (view), when the store cannot, a step is due, or p
// has no such resource (it may be shared with p, or missing). The view is
// a value: returning a pointer to it cost an allocation per request.
func (s *Service) viewResource(ctx context.Context, p store.Partition, kind, id, assocType string) (v store.ResourceView, ok bool, err error) {
	viewer, ok := s.store.(store.ResourceViewer)
	if !ok {
		return v, false, nil
	}
	v, err = viewer.ViewResource(ctx, p, kind, id, assocType, s.clock.Now())
	if err != nil || v.Due || v.Resource == nil {
		return v, false, err
	}
	return v, true, nil
}

// update runs fn in a write transaction of p after applying the lifecycle
// steps of p that are due: the caller sees the world as of now. What fn
// reads or writes of other partitions the store takes on the way.
func (s *Service) update(ctx context.Context, p store.Partition, fn func(tx store.Tx, now time.Time) error) error {
	return s.updateWith(ctx, p, nil, fn)
}

// updateWith is update for a write that also writes the partitions also,
// named from the start so that the store need not find them on the way.
func (s *Service) updateWith(ctx context.Context, p store.Partition, also []store.Partition, fn func(tx store.Tx, now time.Time) error) error {
	parts := append([]store.Partition{p}, also...)
	// A long catch-up commits on the way (advance, bounded), and fn runs in
	// the transaction that finds nothing more due.
	var st settling
	for {
		var done bool
		before := st
		err := s.write(ctx, parts, func(ctx context.Context, tx store.Tx, n *StepCounts) error {
			st = before // a store may run fn again
			now := s.clock.Now()
			var err error
			if done, err = s.advance(ctx, tx, &p, now, n, &st); err != nil || !done {
				return err
			}
			return fn(tx, now)
		})
		st.ended(err)
		if err != nil || done {
			return err
		}
	}
}

// newID mints an identifier: prefix and n random lowercase alphanumerics.
func newID(prefix string, n int) string {
	return mintID(prefix, "0123456789abcdefghijklmnopqrstuvwxyz", n)
}

// newHexID mints an id of prefix and n lowercase hex digits (sg-, subnet-).
func newHexID(prefix string, n int) string {
	return mintID(prefix, "0123456789abcdef", n)
}

// mintID is prefix and n random characters of alphabet.
func mintID(prefix, alphabet string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

// newUUID mints a random (version 4) UUID in the lowercase form of the
// model's AmazonUuid: pool sessions and Connect client add-ins.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
