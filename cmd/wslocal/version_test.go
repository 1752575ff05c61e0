package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/server"
)

// captureStdout points stdout at a buffer for the test.
func captureStdout(t *testing.T) *syncBuffer {
	t.Helper()
	var b syncBuffer
	old := stdout
	stdout = &b
	t.Cleanup(func() { stdout = old })
	return &b
}

// A release stamps server.Version; --version, the banner and
// /_wslocal/health all report it.
func TestStampedVersionEverywhere(t *testing.T) {
	old := server.Version
	server.Version = "v9.8.7"
	t.Cleanup(func() { server.Version = old })

	out := captureStdout(t)
	if err := run(context.Background(), []string{"--version"}, noEnv, &syncBuffer{}); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); first != "wslocal v9.8.7" {
		t.Errorf("--version first line = %q, want %q", first, "wslocal v9.8.7")
	}

	endpoint, stderr := start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory"}, noEnv)
	if !strings.Contains(stderr.String(), "wslocal v9.8.7 listening on "+endpoint) {
		t.Errorf("banner does not give the version:\n%s", stderr)
	}
	resp, err := http.Get(endpoint + "/_wslocal/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Version string }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if h.Version != "v9.8.7" {
		t.Errorf("health version = %q, want v9.8.7", h.Version)
	}
}

// A binary built from a git checkout reports the commit it was built from.
func TestVersionOfASourceBuildIsTheRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(top))
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		// Go stamps VCS information only where .git is a directory, not
		// in a linked worktree (whose .git is a file).
		t.Skipf("%s/.git is not a directory (a git worktree?): go build records no revision there", root)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := strings.TrimSpace(string(head))
	bin := filepath.Join(t.TempDir(), "wslocal")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("wslocal --version: %v", err)
	}
	lines := strings.Split(string(out), "\n")
	// Go 1.24+ records a pseudo-version ending in the revision's first 12
	// digits (and +dirty for a changed tree); "devel-<rev>" otherwise.
	if !regexp.MustCompile(`^wslocal \S*` + rev[:12] + `(\+dirty)?$`).MatchString(lines[0]) {
		t.Errorf("--version first line = %q, want the revision %s in it", lines[0], rev[:12])
	}
	if !strings.Contains(string(out), "revision "+rev) {
		t.Errorf("--version does not give the full revision %s:\n%s", rev, out)
	}
}

func TestHealthSubcommand(t *testing.T) {
	endpoint, _ := start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory"}, noEnv)
	addr := strings.TrimPrefix(endpoint, "http://")
	_, port, _ := net.SplitHostPort(addr)

	out := captureStdout(t)
	if err := run(context.Background(), []string{"health", "--addr", addr}, noEnv, &syncBuffer{}); err != nil {
		t.Fatalf("health of a running wslocal: %v", err)
	}
	if !strings.HasPrefix(out.String(), "ok: wslocal ") {
		t.Errorf("health printed %q", out)
	}
	// In a container WSLOCAL_ADDR is 0.0.0.0:4599: health asks loopback.
	env := map[string]string{"WSLOCAL_ADDR": "0.0.0.0:" + port}
	if err := run(context.Background(), []string{"health"}, func(k string) string { return env[k] }, &syncBuffer{}); err != nil {
		t.Fatalf("health with WSLOCAL_ADDR=0.0.0.0:%s: %v", port, err)
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	if err := run(context.Background(), []string{"health", "--addr", closedAddr}, noEnv, &syncBuffer{}); err == nil ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Errorf("health with nothing listening: %v, want connection refused", err)
	}

	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	if err := run(context.Background(), []string{"health", "--addr", strings.TrimPrefix(sick.URL, "http://")}, noEnv, &syncBuffer{}); err == nil ||
		!strings.Contains(err.Error(), "503 Service Unavailable") {
		t.Errorf("health of a server answering 503: %v", err)
	}
}

// The health subcommand's exit code, as a HEALTHCHECK sees it.
func TestHealthSubcommandExitCode(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := closed.Addr().String()
	closed.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WSLOCAL_TEST_RUN_MAIN=1", "WSLOCAL_TEST_ARGS=health --addr "+addr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("wslocal health with nothing listening: %v, want exit code 1; stderr:\n%s", err, &stderr)
	}
	if !strings.Contains(stderr.String(), "wslocal: health: ") {
		t.Errorf("stderr = %q", &stderr)
	}
}

func TestGeneratedControlToken(t *testing.T) {
	endpoint, stderr := start(t, []string{"--addr", "0.0.0.0:0", "--store", "memory", "--control-token", "generate"}, noEnv)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(endpoint, "http://"))
	// Listening on all addresses, the banner gives clients loopback.
	if host != "127.0.0.1" {
		t.Errorf("banner's AWS_ENDPOINT_URL = %s, want http://127.0.0.1:<port>", endpoint)
	}
	m := regexp.MustCompile(`control token ([0-9a-f]{32}) \(generated`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("banner gives no generated token:\n%s", stderr)
	}
	url := "http://127.0.0.1:" + port + "/_wslocal/state"
	for _, c := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer generate", http.StatusUnauthorized}, {"Bearer " + m[1], http.StatusOK}} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /_wslocal/state with Authorization %q: %d, want %d", c.auth, resp.StatusCode, c.want)
		}
	}
}
