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

	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/control"
	"github.com/wslocal/wslocal/metrics"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/store/sqlite"
	"github.com/wslocal/wslocal/workspaces"
)

// Version is set at build time for a release, with
// -ldflags "-X github.com/wslocal/wslocal/server.Version=v1.2.3"
// (scripts/release.sh does). Empty otherwise: see VersionString.
var Version = ""

// VersionString is the version wslocal reports in its banner, --version and
// /_wslocal/health: the stamped Version; else the module version Go
// recorded (a tag or pseudo-version for `go install ...@v1.2.3` or a build
// in a git clone, e.g. v0.0.0-20261130113125-3f616b8fcd9d+dirty); else the
// VCS revision from the build info ("devel-<12 hex>", "+dirty" when the
// tree had changes); "dev" only when the binary carries none of these.
func VersionString() string {
	bi, _ := debug.ReadBuildInfo()
	return versionOf(Version, bi)
}

func versionOf(stamped string, bi *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	if rev := BuildSetting(bi, "vcs.revision"); rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v := "devel-" + rev
		if BuildSetting(bi, "vcs.modified") == "true" {
			v += "+dirty"
		}
		return v
	}
	return "dev"
}

// BuildSetting is the value of one of the build info's settings (e.g.
// "vcs.revision"), or "".
func BuildSetting(bi *debug.BuildInfo, key string) string {
	if bi == nil {
		return ""
	}
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// Config says how to build a server.
type Config struct {
	// Store is "memory", "sqlite:<path>" or a postgres:// URL.
	Store string
	// Postgres bounds the sessions of a postgres:// store
	// (postgres.DefaultOptions when nil).
	Postgres *postgres.Options
	// Clock is the mode the clock starts in: "real" or "manual".
	Clock string
	// ClockStart is where a manual clock starts (now when zero).
	ClockStart time.Time
	// SweepInterval is how often due lifecycle steps are applied in the
	// background (200ms when zero).
	SweepInterval time.Duration
	Workspaces    workspaces.Config
	Log           *slog.Logger
	// AccessLog, when set, writes the access log's line per request in
	// place of Log (see awsjson.Handler.AccessLog).
	AccessLog *awsjson.AccessLog
	// SeedFile, if set, is a seed (YAML or JSON) applied at start.
	SeedFile string

	// Auth decides who sent an API request; the zero value is accept mode.
	Auth auth.Authenticator
	// ControlToken, when set, must come as "Authorization: Bearer <token>"
	// with every control API request but GET /_wslocal/health.
	ControlToken string
	// Addr is the address wslocal listens on: without a ControlToken, the
	// control API answers only requests whose Host is a loopback name or
	// this address's host.
	Addr string
	// MaxBodyBytes bounds a request body (awsjson.DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// MaxInFlight bounds the API requests served at once; beyond it they
	// are refused with ThrottlingException. DefaultMaxInFlight when zero,
	// no bound when negative. The control API is not counted.
	MaxInFlight int
}

// DefaultMaxInFlight is the default bound of concurrent API requests: far
// above what a test suite sends, low enough that a runaway client cannot
// pile up goroutines and store transactions without limit.
const DefaultMaxInFlight = 256

// Server is a running wslocal without its listener.
type Server struct {
	Handler http.Handler
	Service *workspaces.Service
	Store   store.Store
	Clock   *sim.SwitchableClock
	Faults  *sim.Faults
	// Requests is the log of the latest AWS API requests.
	Requests *control.RequestLog
	// Seed is the seed of Config.SeedFile, nil without one.
	Seed *workspaces.Seed

	stop      context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// OpenStore opens the store a --store value names; pg bounds the sessions
// of a PostgreSQL store (postgres.DefaultOptions when nil).
func OpenStore(ctx context.Context, spec string, pg *postgres.Options) (store.Store, error) {
	switch {
	case spec == "memory":
		return sqlite.Open(ctx, ":memory:")
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, errors.New("--store sqlite: needs a file path, as in sqlite:.wslocal/state.db")
		}
		st, err := sqlite.Open(ctx, path)
		if errors.Is(err, sqlite.ErrInUse) {
			return nil, fmt.Errorf("--store %s: %w: stop the other wslocal, give this one another file, "+
				"or run several on one PostgreSQL (--store postgres://...)", spec, err)
		}
		if err != nil {
			return nil, fmt.Errorf("--store %s: %w (choose a writable path, or --store memory)", spec, err)
		}
		return st, nil
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		opts := postgres.DefaultOptions()
		if pg != nil {
			opts = *pg
		}
		return postgres.OpenWith(ctx, spec, opts)
	default:
		return nil, fmt.Errorf("--store %q: use memory, sqlite:<path> or postgres://<user>@<host>/<database>", spec)
	}
}

// New opens the store and starts the sweeper.
func New(ctx context.Context, cfg Config) (*Server, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Auth.Mode == auth.Strict && cfg.Auth.Keys.Len() == 0 {
		return nil, errors.New("--auth strict needs --credentials FILE: a JSON or YAML list of {accessKey, secretKey, account, allow, deny}")
	}
	// The clock is switchable even when it starts real: the control API
	// may freeze it later.
	clock, err := sim.NewSwitchableClock(cfg.Clock, cfg.ClockStart)
	if err != nil {
		return nil, fmt.Errorf("--clock: %w", err)
	}
	st, err := OpenStore(ctx, cfg.Store, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	faults := sim.NewFaults()
	svc := workspaces.New(st, clock, cfg.Workspaces, faults, log)
	var seed *workspaces.Seed
	if cfg.SeedFile != "" {
		seed, err = workspaces.ReadSeedFile(cfg.SeedFile)
		if err == nil {
			err = svc.ApplySeed(ctx, seed)
		}
		if err != nil {
			return nil, errors.Join(err, st.Close())
		}
	}
	inFlight := cfg.MaxInFlight
	if inFlight == 0 {
		inFlight = DefaultMaxInFlight
	}
	authn := cfg.Auth
	requests, m := control.NewRequestLog(control.RequestLogSize), metrics.New(st)
	apiHandler := &awsjson.Handler{Service: svc, Log: log, AccessLog: cfg.AccessLog, Faults: faults, Auth: &authn, MaxBodyBytes: cfg.MaxBodyBytes,
		Recorder: func(r awsjson.Record) {
			requests.Record(r)
			m.Record(r)
		}}
	var api, ctl http.Handler = awsjson.Throttle(apiHandler, inFlight, log), control.New(control.Handler{
		Version: VersionString(), StoreKind: st.Kind(), Ping: st.Ping, Clock: clock, Faults: faults,
		Reset: st.Reset, Seed: seed, Sweep: svc.Sweep, Service: svc, Requests: requests,
	})
	if ss, ok := st.(interface{ SettlesWrites() bool }); ok && ss.SettlesWrites() {
		// A write is answered a moment after it commits (PostgreSQL's
		// read window): once per request, not once per transaction.
		api, ctl = store.SettleHTTP(api), store.SettleHTTP(ctl)
	}
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("GET /metrics", m.Handler())
	mux.Handle(control.Prefix, guardControl(cfg.Addr, cfg.ControlToken, ctl))
	sweepCtx, stop := context.WithCancel(context.Background())
	// The sweeper's writes are answered to no one: they need not wait.
	sweepCtx, _ = store.WithSettle(sweepCtx)
	s := &Server{Handler: mux, Service: svc, Store: st, Clock: clock, Faults: faults, Requests: requests, Seed: seed, stop: stop}
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

// Close stops the sweeper and closes the store. Closing again does nothing.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.wg.Wait()
		s.closeErr = s.Store.Close()
	})
	return s.closeErr
}
