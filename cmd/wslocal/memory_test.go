package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// initMem is the runtime's memory statistics once every package wslocal
// imports has been initialised, before any test runs: a package's
// variables are initialised after all of its imports.
var initMem = readMem()

func readMem() runtime.MemStats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// Resident memory follows the heap goal, which under GOGC=250 is 3.5 times
// the live heap (at least 10 MB), and what init does every process pays
// for at start-up. So tables and patterns that few requests need are built
// on first use, and these bounds catch one built at init again; each
// leaves room for ordinary growth.
const (
	// The test binary's packages allocate 0.65 MB at init; it was 4.3 MB
	// when the 49 validator patterns were compiled and the public bundles
	// decoded there.
	maxInitAlloc = 1536 << 10
	// The heap live after start on a SQLite store and one request is
	// 0.8 MB, test framework included; it was 1.8 MB with the patterns and
	// bundles built at init.
	maxLiveAfterStart = 1536 << 10
)

func TestInitAllocatesLittle(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates at init (2 MB)")
	}
	t.Logf("allocated at init: %d KB", initMem.TotalAlloc>>10)
	if initMem.TotalAlloc > maxInitAlloc {
		t.Errorf("the packages allocate %d KB at init, more than the %d KB bound: build what requests rarely need on first use (sync.OnceValue)",
			initMem.TotalAlloc>>10, maxInitAlloc>>10)
	}
}

// TestLiveHeapAfterStartIsSmall measures in a process of its own: the
// other tests of the package leave 0.5 MB live.
func TestLiveHeapAfterStartIsSmall(t *testing.T) {
	if os.Getenv("WSLOCAL_TEST_LIVE_HEAP") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLiveHeapAfterStartIsSmall$", "-test.v")
		cmd.Env = append(os.Environ(), "WSLOCAL_TEST_LIVE_HEAP=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("--- PASS")) {
			t.Fatalf("%v\n%s", err, out)
		}
		if _, line, ok := strings.Cut(string(out), "live heap after"); ok {
			line, _, _ = strings.Cut(line, "\n")
			t.Log("live heap after" + line)
		}
		return
	}
	endpoint, _ := start(t, []string{"--addr", "127.0.0.1:0", "--store", "sqlite:" + filepath.Join(t.TempDir(), "state.db")}, noEnv)
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "WorkspacesService.DescribeApplications")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/workspaces/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DescribeApplications: %s", resp.Status)
	}
	runtime.GC()
	m := readMem()
	t.Logf("live heap after start and one request: %d KB", m.HeapAlloc>>10)
	if m.HeapAlloc > maxLiveAfterStart {
		t.Errorf("%d KB live after start, more than the %d KB bound: each KB live is 3.5 KB of heap goal, resident under load",
			m.HeapAlloc>>10, maxLiveAfterStart>>10)
	}
}
