// Package server wires wslocal together: store, clock, service, protocol
// handler, control API and the lifecycle sweeper. cmd/wslocal and
// wslocaltest both start wslocal through it.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/control"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/store/sqlite"
	"github.com/wslocal/wslocal/workspaces"
)

// Version is set at build time with -ldflags "-X .../server.Version=v1.2.3";
// otherwise it is the module version or "dev".
var Version = ""

// VersionString is the version wslocal reports: Version, the module
// version, or "dev".
func VersionString() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Config says how to build a server.
type Config struct {
	// Store is "memory", "sqlite:<path>" or a postgres:// URL.
	Store string
	// Clock is "real" or "manual".
	Clock string
	// ClockStart is where a manual clock starts (now when zero).
	ClockStart time.Time
	// SweepInterval is how often due lifecycle steps are applied in the
	// background (200ms when zero).
	SweepInterval time.Duration
	Workspaces    workspaces.Config
	Log           *slog.Logger
}

// Server is a running wslocal without its listener.
type Server struct {
	Handler http.Handler
	Service *workspaces.Service
	Store   store.Store
	Clock   sim.Clock
	Faults  *sim.Faults

	stop context.CancelFunc
	wg   sync.WaitGroup
}

// OpenStore opens the store a --store value names.
func OpenStore(ctx context.Context, spec string) (store.Store, error) {
	switch {
	case spec == "memory":
		return sqlite.Open(ctx, ":memory:")
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, errors.New("--store sqlite: needs a file path, as in sqlite:.wslocal/state.db")
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return postgres.Open(ctx, spec)
	default:
		return nil, fmt.Errorf("--store %q: use memory, sqlite:<path> or postgres://...", spec)
	}
}

// New opens the store and starts the sweeper.
func New(ctx context.Context, cfg Config) (*Server, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var clock sim.Clock
	switch cfg.Clock {
	case "", "real":
		clock = sim.RealClock{}
	case "manual":
		start := cfg.ClockStart
		if start.IsZero() {
			start = time.Now()
		}
		clock = sim.NewManualClock(start)
	default:
		return nil, fmt.Errorf("--clock %q: use real or manual", cfg.Clock)
	}
	st, err := OpenStore(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	faults := sim.NewFaults()
	svc := workspaces.New(st, clock, cfg.Workspaces, faults, log)
	mux := http.NewServeMux()
	mux.Handle("/", &awsjson.Handler{Service: svc, Log: log, Faults: faults})
	mux.Handle(control.Prefix, control.New(control.Handler{
		Version: VersionString(), StoreKind: st.Kind(), Clock: clock, Faults: faults,
		Reset: st.Reset, Sweep: svc.Sweep, Service: svc,
	}))
	sweepCtx, stop := context.WithCancel(context.Background())
	s := &Server{Handler: mux, Service: svc, Store: st, Clock: clock, Faults: faults, stop: stop}
	interval := cfg.SweepInterval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		svc.RunSweeper(sweepCtx, interval)
	}()
	return s, nil
}

// Close stops the sweeper and closes the store.
func (s *Server) Close() error {
	s.stop()
	s.wg.Wait()
	return s.Store.Close()
}
