package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRedactArgs(t *testing.T) {
	in := []string{"wslocal", "--control-token", "s3cret", "-control-token=s3cret", "--control-token=s3cret",
		"--store", "postgres://u:pw@db/x", "--store=postgres://u:pw@db/x", "--addr", "127.0.0.1:0", "--", "--control-token", "kept"}
	want := []string{"wslocal", "--control-token", "REDACTED", "-control-token=REDACTED", "--control-token=REDACTED",
		"--store", "postgres://u:xxxxx@db/x", "--store=postgres://u:xxxxx@db/x", "--addr", "127.0.0.1:0", "--", "--control-token", "kept"}
	if got := redactArgs(in); !reflect.DeepEqual(got, want) {
		t.Errorf("redactArgs:\n got %q\nwant %q", got, want)
	}
	if in[2] != "s3cret" {
		t.Error("redactArgs changed its input")
	}
}

func TestPprofExposure(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "[::]:6060"} {
		err := checkPprofExposure(addr, "")
		if err == nil || !strings.Contains(err.Error(), "--pprof "+addr+" is reachable from other machines") {
			t.Errorf("--pprof %s without a token: %v, want a refusal", addr, err)
		}
		if err := checkPprofExposure(addr, "s3cret"); err != nil {
			t.Errorf("--pprof %s with a token: %v", addr, err)
		}
	}
	if err := checkPprofExposure("127.0.0.1:6060", ""); err != nil {
		t.Errorf("--pprof on loopback: %v", err)
	}
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", "memory", "--pprof", "0.0.0.0:0"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "reachable from other machines") {
		t.Errorf("run with --pprof 0.0.0.0:0 and no token: %v, want a refusal", err)
	}
}

// TestPprofTokenFromFile: the token comes from a file, the profiler asks
// for it, and the token is not on the command line.
func TestPprofTokenFromFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("t0ken-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	endpoint, stderr := start(t, []string{"--addr", "127.0.0.1:0", "--store", "memory", "--pprof", "127.0.0.1:0",
		"--control-token-file", file}, noEnv)
	var pprofURL string
	for deadline := time.Now().Add(5 * time.Second); pprofURL == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := regexp.MustCompile(`url=(http://\S+/debug/pprof/)`).FindStringSubmatch(stderr.String()); m != nil {
			pprofURL = m[1]
		}
	}
	if pprofURL == "" {
		t.Fatalf("no profiler in the log:\n%s", stderr)
	}
	get := func(url, token string) int {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := get(pprofURL+"cmdline", ""); st != http.StatusUnauthorized {
		t.Errorf("cmdline without the token: %d, want 401", st)
	}
	if st := get(pprofURL+"cmdline", "t0ken-from-file"); st != http.StatusOK {
		t.Errorf("cmdline with the token: %d, want 200", st)
	}
	if st := get(endpoint+"/_wslocal/clock", "t0ken-from-file"); st != http.StatusOK {
		t.Errorf("control API with the token from the file: %d, want 200", st)
	}
	if st := get(endpoint+"/_wslocal/clock", ""); st != http.StatusUnauthorized {
		t.Errorf("control API without the token: %d, want 401", st)
	}
	if strings.Contains(stderr.String(), "t0ken-from-file") {
		t.Errorf("the log shows the token:\n%s", stderr)
	}
}

func TestControlTokenFileConflicts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseFlags([]string{"--control-token-file", file}, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("an empty token file: %v", err)
	}
	if _, err := parseFlags([]string{"--control-token-file", file, "--control-token", "x"}, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), "give one") {
		t.Errorf("a file and a flag: %v", err)
	}
}
