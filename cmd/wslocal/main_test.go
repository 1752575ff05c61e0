package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store/sqlite"
)

// TestMain lets a test run the real main in a child process, to see its
// exit code: WSLOCAL_TEST_RUN_MAIN=1 and flags through WSLOCAL_* variables.
func TestMain(m *testing.M) {
	if os.Getenv("WSLOCAL_TEST_RUN_MAIN") == "1" {
		os.Args = append(os.Args[:1], strings.Fields(os.Getenv("WSLOCAL_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is stderr shared between run's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

const badSeed = `accounts:
  - images:
      - name: golden
        state: DONE
`

func TestBadSeedExitsNonZeroNamingLineAndField(t *testing.T) {
	runBadSeed(t, badSeed, ":4:16: accounts[0].images[0].state: \"DONE\" is not one of PENDING, AVAILABLE, ERROR")
}

// A YAML tag the library panics on is a problem of the file, reported
// where it is; the process exits 1, not 2 with a panic.
func TestSeedWithBinaryTagExitsNamingLineAndColumn(t *testing.T) {
	runBadSeed(t, "accounts: !!binary AAAA\n", ":1:11: accounts: the YAML tag !!binary is not supported in a seed file")
}

func runBadSeed(t *testing.T, content, wantAfterFile string) {
	t.Helper()
	seed := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seed, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WSLOCAL_TEST_RUN_MAIN=1", "WSLOCAL_SEED="+seed,
		"WSLOCAL_STORE=memory", "WSLOCAL_ADDR=127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("wslocal with a bad seed: %v, want exit code 1; stderr:\n%s", err, &stderr)
	}
	want := seed + wantAfterFile
	if !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr = %q, want it to contain %q", &stderr, want)
	}
}

func TestStartupErrorsSayWhatToDo(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	inUse := filepath.Join(t.TempDir(), "state.db")
	held, err := sqlite.Open(context.Background(), inUse)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"port taken", []string{"--addr", taken.Addr().String(), "--store", "memory"},
			[]string{"listen on " + taken.Addr().String(), "choose another with --addr"}},
		{"bad store", []string{"--addr", "127.0.0.1:0", "--store", "mongo://x"},
			[]string{`--store "mongo://x": use memory, sqlite:<path> or postgres://<user>@<host>/<database>`}},
		{"unwritable store", []string{"--addr", "127.0.0.1:0", "--store", "sqlite:/proc/wslocal/state.db"},
			[]string{"--store sqlite:/proc/wslocal/state.db", "choose a writable path"}},
		{"store in use", []string{"--addr", "127.0.0.1:0", "--store", "sqlite:" + inUse},
			[]string{"--store sqlite:" + inUse, "in use by another process (pid " + strconv.Itoa(os.Getpid()) + ")",
				"stop the other wslocal", "--store postgres://"}},
		{"unreadable seed", []string{"--addr", "127.0.0.1:0", "--store", "memory", "--seed", "/nonexistent/seed.yaml"},
			[]string{"read the seed file", "/nonexistent/seed.yaml", "check --seed / WSLOCAL_SEED"}},
		{"bad log format", []string{"--log-format", "xml"}, []string{`--log-format "xml": use text or json`}},
		{"bad clock", []string{"--addr", "127.0.0.1:0", "--store", "memory", "--clock", "sundial"},
			[]string{"--clock", "use real or manual"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr syncBuffer
			err := run(context.Background(), c.args, noEnv, &stderr)
			if err == nil {
				t.Fatal("start-up succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// start runs wslocal until the test ends and returns its endpoint.
func start(t *testing.T, args []string, getenv func(string) string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, &stderr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out := stderr.String()
		if i := strings.Index(out, "export AWS_ENDPOINT_URL="); i >= 0 {
			line, _, _ := strings.Cut(out[i+len("export AWS_ENDPOINT_URL="):], "\n")
			return line, &stderr
		}
		select {
		case err := <-done:
			done <- nil // the cleanup waits for run, which has ended
			t.Fatalf("run ended before serving: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no banner after 10s:\n%s", stderr.String())
	return "", nil
}

func TestBannerAndSeedFromTheEnvironment(t *testing.T) {
	seed, err := filepath.Abs("../../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WSLOCAL_SEED": seed, "WSLOCAL_CLOCK": "manual"}
	endpoint, stderr := start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory"}, func(k string) string { return env[k] })
	banner := stderr.String()
	for _, want := range []string{"listening on " + endpoint + " (store memory, clock manual)", "seeded from " + seed,
		"control " + endpoint + "/_wslocal/", "metrics " + endpoint + "/metrics", "export AWS_ENDPOINT_URL=" + endpoint + "\n"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	resp, err := http.Get(endpoint + "/_wslocal/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		Resources []struct{ ID string } `json:"resources"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	// 7, the pools directory, the pool and its two sessions, an account
	// link, and an image being imported through EC2 Image Builder.
	if len(state.Resources) != 13 {
		t.Errorf("the seeded state has %d resources, want 13: %+v", len(state.Resources), state.Resources)
	}
}

func TestJSONAccessLog(t *testing.T) {
	// --auth off: the request below is hand-made and unsigned.
	endpoint, stderr := start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory", "--log-format", "json", "--auth", "off"}, noEnv)
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "WorkspacesService.DescribeApplications")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(stderr.String()))
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "request" {
				if rec["operation"] != "DescribeApplications" || rec["status"] != float64(200) {
					t.Fatalf("access log record = %v", rec)
				}
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no JSON access log line in:\n%s", stderr.String())
}

// TestTextAccessLogAndLevel: at the default level the text access log has
// the request's line; at --log-level warn it has none.
func TestTextAccessLogAndLevel(t *testing.T) {
	for _, c := range []struct {
		level string
		want  bool
	}{{"info", true}, {"warn", false}} {
		var stderr *syncBuffer
		t.Run(c.level, func(t *testing.T) {
			var endpoint string
			endpoint, stderr = start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory", "--log-level", c.level, "--auth", "off"}, noEnv)
			req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "WorkspacesService.DescribeApplications")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		// The subtest's cleanup stopped the server, which flushed its log.
		out := stderr.String()
		got := strings.Contains(out, " level=INFO msg=request operation=DescribeApplications status=200 error=\"\" account=")
		if got != c.want {
			t.Errorf("--log-level %s: request line logged = %v, want %v; log:\n%s", c.level, got, c.want, out)
		}
	}
}
