// Package wslocaltest starts wslocal inside a Go test, the way
// net/http/httptest starts a server: one call, cleanup registered on t.
//
//	srv := wslocaltest.Start(t)
//	client := workspaces.NewFromConfig(srv.AWSConfig())
//	srv.Seed(`accounts: [{directories: [{id: d-1234567890}]}]`)
//	srv.InjectFault(sim.FaultRule{Operation: "DeployWorkspaceApplications", ...})
//	srv.Advance(time.Minute) // lifecycles move only when the test says so
//
// Outside a test (an example, TestMain sharing one server, a program) New
// starts one that the caller closes.
package wslocaltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/server"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/workspaces"
)

// Server is a wslocal serving on a free loopback port.
type Server struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL string
	*server.Server
	t     reporter
	hs    *httptest.Server
	token string // the control token Control sends
}

// reporter is how a helper fails: the test's t, or a panic without one.
type reporter interface {
	Helper()
	Fatalf(format string, args ...any)
}

// panicReporter fails a helper of a server made by New.
type panicReporter struct{}

func (panicReporter) Helper() {}

func (panicReporter) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// Option changes how Start builds the server.
type Option func(*server.Config)

// WithStore uses another store than memory, e.g. "sqlite:/tmp/x.db".
func WithStore(spec string) Option { return func(c *server.Config) { c.Store = spec } }

// WithRealClock uses the wall clock instead of the manual one.
func WithRealClock() Option { return func(c *server.Config) { c.Clock = "real" } }

// WithClockStart sets where the clock starts (2026-01-01T00:00:00Z by default).
func WithClockStart(t time.Time) Option { return func(c *server.Config) { c.ClockStart = t } }

// WithSeedFile applies a seed file (YAML or JSON, see docs/seed.example.yaml) at start.
func WithSeedFile(path string) Option { return func(c *server.Config) { c.SeedFile = path } }

// WithConfig sets the service's durations and quotas.
func WithConfig(cfg workspaces.Config) Option { return func(c *server.Config) { c.Workspaces = cfg } }

// WithAuth sets how API requests are authenticated. The default is accept
// mode, which AWSConfig's signing clients satisfy; strict mode needs keys,
// and AWSConfigFor's secret is "wslocal-secret".
func WithAuth(a auth.Authenticator) Option { return func(c *server.Config) { c.Auth = a } }

// WithControlToken requires the token on the control API; Control sends it.
func WithControlToken(token string) Option { return func(c *server.Config) { c.ControlToken = token } }

// WithServerConfig changes any part of the server's configuration, for
// what the other options do not cover (limits, for example).
func WithServerConfig(f func(*server.Config)) Option { return Option(f) }

// Start runs wslocal with an in-memory store and a manual clock; it stops
// when the test ends. A helper that fails fails the test.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("wslocaltest: %v", err)
	}
	s.t = t
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("wslocaltest: close: %v", err)
		}
	})
	return s
}

// RunTwiceEnv, when set in the environment, makes every server of Start
// and New run the function of each write and view twice
// (workspaces.Config.RunTwice): a suite that passes so does not count on
// one running once.
const RunTwiceEnv = "WSLOCAL_TEST_RUN_TWICE"

// New runs wslocal as Start does, for code without a *testing.T; the
// caller must Close it. A helper that fails (Advance, Seed, ...) panics.
func New(opts ...Option) (*Server, error) {
	cfg := server.Config{Store: "memory", Clock: "manual", ClockStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Workspaces: workspaces.DefaultConfig()}
	for _, o := range opts {
		o(&cfg)
	}
	if os.Getenv(RunTwiceEnv) != "" {
		cfg.Workspaces.RunTwice = true
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv.Handler)
	return &Server{URL: hs.URL, Server: srv, t: panicReporter{}, hs: hs, token: cfg.ControlToken}, nil
}

// Close stops serving, then stops the server and closes its store.
func (s *Server) Close() error {
	s.hs.Close()
	return s.Server.Close()
}

// AWSConfig is an aws-sdk-go-v2 configuration for account 000000000000 in
// us-east-1 that sends every request to this server.
func (s *Server) AWSConfig() aws.Config {
	return s.AWSConfigFor("000000000000", "us-east-1")
}

// AWSConfigFor is AWSConfig for another account (a 12-digit access key is
// that account) and region.
func (s *Server) AWSConfigFor(account, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(account, "wslocal-secret", ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{Transport: BufferBodies(s.hs.Client().Transport)},
	}
}

// Advance moves the clock forward by d (with the real clock, its offset
// from the wall clock) and applies every lifecycle step that has become due.
func (s *Server) Advance(d time.Duration) {
	s.t.Helper()
	if _, err := s.Clock.Advance(d); err != nil {
		s.t.Fatalf("wslocaltest: %v", err)
	}
	if err := s.Service.Sweep(context.Background()); err != nil {
		s.t.Fatalf("wslocaltest: sweep: %v", err)
	}
}

// InjectFault adds a fault rule (an API error, or a lifecycle step ending
// in ERROR) and returns it with its id. It fires Count times (0: until the
// server stops); remove it earlier with Faults.Clear(rule.ID).
func (s *Server) InjectFault(rule sim.FaultRule) sim.FaultRule {
	s.t.Helper()
	added, err := s.Faults.Add(rule)
	if err != nil {
		s.t.Fatalf("wslocaltest: InjectFault: %v", err)
	}
	return added
}

// Seed applies a seed document (YAML or JSON, the format of --seed and
// docs/seed.example.yaml) in one transaction.
func (s *Server) Seed(doc string) {
	s.t.Helper()
	seed, err := workspaces.ParseSeed("seed", []byte(doc))
	if err == nil {
		err = s.Service.ApplySeed(context.Background(), seed)
	}
	if err != nil {
		s.t.Fatalf("wslocaltest: Seed: %v", err)
	}
}

// Reset empties the server's state.
func (s *Server) Reset() {
	s.t.Helper()
	if err := s.Store.Reset(context.Background()); err != nil {
		s.t.Fatalf("wslocaltest: reset: %v", err)
	}
	s.Service.ClearQuarantine()
}

// ResetAndSeed empties the server's state and applies the seed of
// WithSeedFile again, in one transaction: POST /_wslocal/reset
// {"seed": true}. It fails without WithSeedFile.
func (s *Server) ResetAndSeed() {
	s.t.Helper()
	if s.Server.Seed == nil {
		s.t.Fatalf("wslocaltest: ResetAndSeed: the server started without WithSeedFile")
		return
	}
	if err := s.Service.ResetAndSeed(context.Background(), s.Server.Seed); err != nil {
		s.t.Fatalf("wslocaltest: ResetAndSeed: %v", err)
	}
}

// Control sends a request to the control API and decodes its JSON answer
// into out (when not nil); it returns the HTTP status.
func (s *Server) Control(method, path string, body, out any) int {
	s.t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			s.t.Fatalf("wslocaltest: %v", err)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, &buf)
	if err != nil {
		s.t.Fatalf("wslocaltest: %v", err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.hs.Client().Do(req)
	if err != nil {
		s.t.Fatalf("wslocaltest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			s.t.Fatalf("wslocaltest: %s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// String describes the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("wslocal at %s", s.URL) }
