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
// file each time, and beside it the same for the least Go HTTP server
// (buildFloor), run by run, so that a slow host shows as such. It runs only
// with WSLOCAL_MEASURE=1.
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
	floor := buildFloor(t)
	var times, floors []time.Duration
	for i := range runs {
		// The floor first, each run: what any Go HTTP server takes here.
		addr := proctest.FreeAddr(t)
		cmd := exec.Command(floor, addr)
		elapsed, err := timeToAnswer(client, cmd, addr, "DescribeApplications", "{}")
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if err != nil {
			t.Fatalf("floor, run %d: %v", i+1, err)
		}
		floors = append(floors, elapsed)

		addr = proctest.FreeAddr(t)
		store := os.Getenv("WSLOCAL_COLDSTART_STORE")
		if store == "" {
			store = "sqlite:" + filepath.Join(t.TempDir(), "state.db")
		} else {
			what = op + " on " + store
		}
		var stderr strings.Builder
		cmd = exec.Command(bin, "--addr", addr, "--store", store, "--clock", "real")
		cmd.Env = proctest.Env()
		cmd.Stderr = &stderr
		elapsed, err = timeToAnswer(client, cmd, addr, op, body)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waitErr := cmd.Wait()
		if err != nil {
			t.Fatalf("run %d: %v\n--- wslocal stderr ---\n%s", i+1, err, stderr.String())
		}
		if waitErr != nil {
			t.Fatalf("run %d: wslocal did not exit cleanly on SIGTERM: %v\n%s", i+1, waitErr, stderr.String())
		}
		times = append(times, elapsed)
		t.Logf("run %d: %v (the floor %v)", i+1, elapsed.Round(10*time.Microsecond), floors[i].Round(10*time.Microsecond))
	}
	sorted := slices.Sorted(slices.Values(times))
	floorMedian := slices.Sorted(slices.Values(floors))[runs/2]
	if what == "DescribeApplications" {
		what += " (fresh SQLite)"
	}
	t.Logf("cold start, exec to first 200 of %s, %d runs: median %v (min %v, max %v); a bare net/http server's median %v (%.1fx)",
		what, runs, sorted[runs/2].Round(10*time.Microsecond), sorted[0].Round(10*time.Microsecond), sorted[runs-1].Round(10*time.Microsecond),
		floorMedian.Round(10*time.Microsecond), float64(sorted[runs/2])/float64(floorMedian))
}

// buildFloor builds, in a module of its own, the least Go HTTP server: one
// that answers every request {"Applications":[]}. Its exec to first answer
// is this host's floor for any Go server's cold start (exec and page
// faults cost five times more on some hosts here than on others).
func buildFloor(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := `package main

import (
	"net/http"
	"os"
)

func main() {
	answer := []byte(` + "`" + `{"Applications":[]}` + "`" + `)
	_ = http.ListenAndServe(os.Args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(answer) }))
}
`
	for name, content := range map[string]string{"go.mod": "module floor\n\ngo 1.26\n", "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "floor")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the floor server: %v\n%s", err, out)
	}
	return bin
}

// timeToAnswer starts cmd, a server on addr, and returns the time from its
// exec to its first 200 answer to op.
func timeToAnswer(client *http.Client, cmd *exec.Cmd, addr, op, body string) (time.Duration, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	return firstAnswer(client, "http://"+addr, op, body, start)
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
