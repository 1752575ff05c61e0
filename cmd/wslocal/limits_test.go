package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/auth"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestTrustFlagsDefaultsAndEnvironment(t *testing.T) {
	o, err := parseFlags(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.auth != "accept" || o.credentials != "" || o.controlToken != "" || o.maxBody != "1MiB" || o.maxInFlight != 256 ||
		o.readHeader != 10*time.Second || o.readTimeout != 60*time.Second || o.idleTimeout != 120*time.Second {
		t.Fatalf("defaults: %+v", o)
	}
	o, err = parseFlags([]string{"--max-inflight", "9"}, env(map[string]string{
		"WSLOCAL_AUTH": "strict", "WSLOCAL_CREDENTIALS": "/c.yaml", "WSLOCAL_CONTROL_TOKEN": "tok",
		"WSLOCAL_MAX_BODY": "2KiB", "WSLOCAL_MAX_INFLIGHT": "7", "WSLOCAL_READ_HEADER_TIMEOUT": "1s",
		"WSLOCAL_READ_TIMEOUT": "2s", "WSLOCAL_IDLE_TIMEOUT": "3s",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.auth != "strict" || o.credentials != "/c.yaml" || o.controlToken != "tok" || o.maxBody != "2KiB" ||
		o.maxInFlight != 9 || o.readHeader != time.Second || o.readTimeout != 2*time.Second || o.idleTimeout != 3*time.Second {
		t.Fatalf("environment (and the flag winning over it): %+v", o)
	}
	for _, bad := range []map[string]string{{"WSLOCAL_MAX_INFLIGHT": "many"}, {"WSLOCAL_IDLE_TIMEOUT": "soon"}} {
		if _, err := parseFlags(nil, env(bad), io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "1048576": 1 << 20, "1MiB": 1 << 20, "64KiB": 64 << 10, "0": 0} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1MB", "MiB", "1.5MiB", "-", "99999999999999MiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestLimitsOf(t *testing.T) {
	good := func() *options {
		return &options{maxBody: "1MiB", maxInFlight: 1, readHeader: 1, readTimeout: 1, idleTimeout: 1}
	}
	if l, err := limitsOf(good()); err != nil || l.maxBody != 1<<20 {
		t.Fatalf("limitsOf = %+v, %v", l, err)
	}
	for name, edit := range map[string]func(*options){
		"--max-body":            func(o *options) { o.maxBody = "0" },
		"--max-inflight":        func(o *options) { o.maxInFlight = 0 },
		"--read-header-timeout": func(o *options) { o.readHeader = 0 },
		"--read-timeout":        func(o *options) { o.readTimeout = -1 },
		"--idle-timeout":        func(o *options) { o.idleTimeout = 0 },
	} {
		o := good()
		edit(o)
		if _, err := limitsOf(o); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAuthenticatorFlags(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials.yaml")
	if err := os.WriteFile(creds, []byte("- {accessKey: AKIAX, secretKey: s, account: '111122223333'}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := authenticator(&options{auth: "strict", credentials: creds})
	if err != nil || a.Mode != auth.Strict || a.Keys.Len() != 1 {
		t.Fatalf("strict: %+v, %v", a, err)
	}
	for _, tc := range []struct {
		o    options
		want string
	}{
		{options{auth: "strict"}, "--auth strict needs --credentials FILE"},
		{options{auth: "accept", credentials: creds}, "--credentials is read only with --auth strict"},
		{options{auth: "on"}, `--auth "on": use off, accept or strict`},
		{options{auth: "strict", credentials: creds + ".missing"}, "--credentials"},
	} {
		if _, err := authenticator(&tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestCheckExposure(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:4599", "127.0.0.2:0", "[::1]:4599", "localhost:4599"} {
		if err := checkExposure(addr, ""); err != nil {
			t.Errorf("%s without a token: %v", addr, err)
		}
	}
	for _, addr := range []string{"0.0.0.0:4599", ":4599", "[::]:4599", "192.0.2.1:4599"} {
		err := checkExposure(addr, "")
		if err == nil || !strings.Contains(err.Error(), "--control-token") {
			t.Errorf("%s without a token: %v, want a refusal naming --control-token", addr, err)
		}
		if err := checkExposure(addr, "secret"); err != nil {
			t.Errorf("%s with a token: %v", addr, err)
		}
	}
}

// run refuses before listening, so nothing is exposed even for a moment.
func TestRunRefusesExposedControlAPI(t *testing.T) {
	var stderr strings.Builder
	err := run(context.Background(), []string{"--addr", "0.0.0.0:0", "--store", "memory"}, env(nil), &stderr)
	if err == nil || !strings.Contains(err.Error(), "--control-token") {
		t.Fatalf("run = %v", err)
	}
	if strings.Contains(stderr.String(), "listening") {
		t.Fatalf("it listened first:\n%s", stderr.String())
	}
}
