package clients_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestColdStart measures, for a report, how long the built binary takes from
// exec to the first 200 answer to DescribeApplications, on a fresh SQLite
// file each time. It runs only with WSLOCAL_MEASURE=1.
//
// WSLOCAL_COLDSTART_STORE=<--store value> starts every run on that store
// instead (one with a million associations, say), and
// WSLOCAL_COLDSTART_OP / WSLOCAL_COLDSTART_BODY send another request (one
// that reads the store) instead of DescribeApplications {}.
func TestColdStart(t *testing.T) {
	if os.Getenv("WSLOCAL_MEASURE") != "1" {
		t.Skip("a measurement, not a test: set WSLOCAL_MEASURE=1 to run it")
	}
	const runs = 5
	bin := proctest.Build(t)
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	op, body := "DescribeApplications", "{}"
	if v := os.Getenv("WSLOCAL_COLDSTART_OP"); v != "" {
		op, body = v, os.Getenv("WSLOCAL_COLDSTART_BODY")
	}
	what := op
	var times []time.Duration
	for i := range runs {
		addr := proctest.FreeAddr(t)
		store := os.Getenv("WSLOCAL_COLDSTART_STORE")
		if store == "" {
			store = "sqlite:" + filepath.Join(t.TempDir(), "state.db")
		} else {
			what = op + " on " + store
		}
		var stderr strings.Builder
		cmd := exec.Command(bin, "--addr", addr, "--store", store, "--clock", "real")
		cmd.Env = proctest.Env()
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		elapsed, err := firstAnswer(client, "http://"+addr, op, body, start)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waitErr := cmd.Wait()
		if err != nil {
			t.Fatalf("run %d: %v\n--- wslocal stderr ---\n%s", i+1, err, stderr.String())
		}
		if waitErr != nil {
			t.Fatalf("run %d: wslocal did not exit cleanly on SIGTERM: %v\n%s", i+1, waitErr, stderr.String())
		}
		times = append(times, elapsed)
		t.Logf("run %d: %v", i+1, elapsed.Round(10*time.Microsecond))
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	if what == "DescribeApplications" {
		what += " (fresh SQLite)"
	}
	t.Logf("cold start, exec to first 200 of %s, %d runs: median %v (min %v, max %v)",
		what, runs, sorted[runs/2].Round(10*time.Microsecond), sorted[0].Round(10*time.Microsecond), sorted[runs-1].Round(10*time.Microsecond))
}

// firstAnswer polls in a tight loop (a connection refused returns at once)
// until op answers 200, and returns the time since start.
func firstAnswer(client *http.Client, url, op, body string, start time.Time) (time.Duration, error) {
	deadline := start.Add(10 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "WorkspacesService."+op)
		if err := signRaw(req, []byte(body), "000000000000", "wslocal-secret", "us-east-1", time.Now()); err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			continue
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && (op != "DescribeApplications" || strings.Contains(string(out), `"Applications"`)) {
			return time.Since(start), nil
		}
		last = resp.Status + " " + string(out)
	}
	return 0, fmt.Errorf("no 200 from %s within 10s; last: %s", op, last)
}

// TestInitsAllocateLittle keeps wslocal's own packages cheap to start:
// every start runs every package's init, and a regexp or table built there
// costs each start its allocations and the page faults of touching them
// (control's three branding regexps once allocated 123 KB and took 1.3 ms).
// Build such things when first used (sync.OnceValue). Allocations, which
// GODEBUG=inittrace reports, are the same on every run; time is not.
func TestInitsAllocateLittle(t *testing.T) {
	const limit = 32 << 10
	bin := proctest.Build(t)
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(proctest.Env(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wslocal --version: %v\n%s", err, out)
	}
	// init github.com/wslocal/wslocal/api @26 ms, 0.092 ms clock, 19424 bytes, 239 allocs
	seen := 0
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 11 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/wslocal/wslocal/") {
			continue
		}
		seen++
		var bytes int
		if _, err := fmt.Sscan(f[7], &bytes); err != nil || f[8] != "bytes," {
			t.Fatalf("unexpected inittrace line %q", line)
		}
		if bytes > limit {
			t.Errorf("%s allocates %d bytes at init, more than %d: build what it holds when first used", f[1], bytes, limit)
		}
	}
	if seen == 0 {
		t.Fatalf("no init line of wslocal's packages in:\n%s", out)
	}
}
