// Package wslocaltest starts wslocal inside a Go test, the way
// net/http/httptest starts a server: one call, cleanup registered on t.
//
//	srv := wslocaltest.Start(t)
//	client := workspaces.NewFromConfig(srv.AWSConfig())
package wslocaltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	t     testing.TB
	hs    *httptest.Server
	token string
}

// Option changes how Start builds the server.
type Option func(*server.Config)

// WithStore uses another store than memory, e.g. "sqlite:/tmp/x.db".
func WithStore(spec string) Option { return func(c *server.Config) { c.Store = spec } }

// WithRealClock uses the wall clock instead of the manual one.
func WithRealClock() Option { return func(c *server.Config) { c.Clock = "real" } }

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
// when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := server.Config{Store: "memory", Clock: "manual", ClockStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Workspaces: workspaces.DefaultConfig()}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("wslocaltest: %v", err)
	}
	hs := httptest.NewServer(srv.Handler)
	s := &Server{URL: hs.URL, Server: srv, t: t, hs: hs, token: cfg.ControlToken}
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("wslocaltest: close: %v", err)
		}
	})
	return s
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

// Advance moves the manual clock forward by d and applies every lifecycle
// step that has become due.
func (s *Server) Advance(d time.Duration) {
	s.t.Helper()
	c, ok := s.Clock.(*sim.ManualClock)
	if !ok {
		s.t.Fatal("wslocaltest: Advance needs the manual clock")
	}
	if _, err := c.Advance(d); err != nil {
		s.t.Fatal(err)
	}
	if err := s.Service.Sweep(context.Background()); err != nil {
		s.t.Fatalf("wslocaltest: sweep: %v", err)
	}
}

// Reset empties the server's state.
func (s *Server) Reset() {
	s.t.Helper()
	if err := s.Store.Reset(context.Background()); err != nil {
		s.t.Fatalf("wslocaltest: reset: %v", err)
	}
}

// Control sends a request to the control API and decodes its JSON answer
// into out (when not nil); it returns the HTTP status.
func (s *Server) Control(method, path string, body, out any) int {
	s.t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			s.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, &buf)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
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
