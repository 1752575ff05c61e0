// Package workspaces is the behaviour of the WorkSpaces API: one method per
// implemented operation, each run as one store transaction. Operations
// without behaviour come from api.Unimplemented.
package workspaces

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
)

// Config holds the durations and quotas of the simulated service.
type Config struct {
	// ImportStep is how long an image import takes on the clock.
	ImportStep time.Duration
	// MaxImages is the images quota of one account in one region.
	MaxImages int
	// MaxTags is the tags quota of one resource.
	MaxTags int
}

// DefaultConfig is AWS's quotas with lifecycle steps of about a second.
func DefaultConfig() Config {
	return Config{ImportStep: time.Second, MaxImages: 40, MaxTags: 50}
}

// Service implements api.Service.
type Service struct {
	api.Unimplemented
	store store.Store
	clock sim.Clock
	cfg   Config
	log   *slog.Logger
}

var _ api.Service = (*Service)(nil)

// New returns a Service on st, timed by clock. Zero fields of cfg take
// their DefaultConfig values.
func New(st store.Store, clock sim.Clock, cfg Config, log *slog.Logger) *Service {
	def := DefaultConfig()
	if cfg.ImportStep <= 0 {
		cfg.ImportStep = def.ImportStep
	}
	if cfg.MaxImages <= 0 {
		cfg.MaxImages = def.MaxImages
	}
	if cfg.MaxTags <= 0 {
		cfg.MaxTags = def.MaxTags
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, clock: clock, cfg: cfg, log: log}
}

// partition is the caller's account and region.
func partition(ctx context.Context) store.Partition {
	c := auth.CallerFrom(ctx)
	return store.Partition{Account: c.Account, Region: c.Region}
}

// errDue aborts a read transaction that found lifecycle steps to apply.
var errDue = errors.New("lifecycle steps are due")

// view runs fn in a read transaction after the lifecycle of p has caught up
// with the clock. Only when a step is due does it take the write path, so
// plain reads never queue behind writers.
func (s *Service) view(ctx context.Context, p store.Partition, fn func(tx store.Tx, now time.Time) error) error {
	now := s.clock.Now()
	err := s.store.Read(ctx, func(tx store.Tx) error {
		due, err := tx.AnyDue(ctx, &p, now)
		if err != nil {
			return err
		}
		if due {
			return errDue
		}
		return fn(tx, now)
	})
	if errors.Is(err, errDue) {
		return s.update(ctx, p, fn)
	}
	return err
}

// update runs fn in a write transaction after applying the lifecycle steps
// of p that are due: the caller sees the world as of now.
func (s *Service) update(ctx context.Context, p store.Partition, fn func(tx store.Tx, now time.Time) error) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		if err := s.advance(ctx, tx, &p, now); err != nil {
			return err
		}
		return fn(tx, now)
	})
}

// newID mints an identifier: prefix and n random lowercase alphanumerics.
func newID(prefix string, n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}
