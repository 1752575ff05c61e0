// Package js runs wslocal's conformance scenario through the AWS SDK for
// JavaScript v3 (workspaces.test.mjs) against the real wslocal binary.
package js

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// scenarioTests is how many tests workspaces.test.mjs holds: a run that
// passes fewer has lost some on the way.
const scenarioTests = 6

func TestJavaScriptSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the JavaScript SDK scenario needs node >= 20")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@aws-sdk", "client-workspaces")); err != nil {
		t.Skip("conformance/js/node_modules is missing: run `npm ci --prefix conformance/js` first")
	}
	endpoint := startWslocal(t, "--store", "memory", "--clock", "manual")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=tap", "workspaces.test.mjs")
	cmd.Env = append(withoutAWS(os.Environ()),
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_ACCESS_KEY_ID=000000000000",
		"AWS_SECRET_ACCESS_KEY=wslocal-secret",
		"AWS_REGION=us-east-1",
	)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("node --test workspaces.test.mjs (%v):\n%s", time.Since(start).Round(time.Millisecond), out)
	if err != nil {
		t.Fatalf("node --test: %v", err)
	}
	if got := tapCount(out, "pass"); got != scenarioTests {
		t.Errorf("node reports %d tests passed, want %d", got, scenarioTests)
	}
	if got := tapCount(out, "fail"); got != 0 {
		t.Errorf("node reports %d tests failed", got)
	}
}

// tapCount reads "# pass 6" and the like from node's TAP summary; -1 when
// the line is missing.
func tapCount(out []byte, name string) int {
	m := regexp.MustCompile(`(?m)^# ` + name + ` (\d+)$`).FindSubmatch(out)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// withoutAWS drops the caller's AWS settings (a profile, another endpoint)
// so that the scenario sees only wslocal.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// startWslocal builds cmd/wslocal, runs it on a free loopback port and
// returns its endpoint once it answers; it stops with the test.
func startWslocal(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wslocal")
	build := exec.Command("go", "build", "-o", bin, "github.com/wslocal/wslocal/cmd/wslocal")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/wslocal: %v\n%s", err, out)
	}
	// Port 0: the kernel picks a free port and wslocal prints the address
	// it got, so there is no race between choosing a port and binding it.
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start wslocal: %v", err)
	}
	var logMu sync.Mutex
	var log bytes.Buffer
	found := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		listening := regexp.MustCompile(`listening on (http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		// SIGTERM: wslocal shuts down gracefully; kill it if it hangs.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { <-drained; done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("wslocal exited with %v", err)
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("wslocal did not stop within 20s of SIGTERM")
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("wslocal log:\n%s", log.String())
			logMu.Unlock()
		}
	})
	var endpoint string
	select {
	case endpoint = <-found:
	case <-drained:
		t.Fatalf("wslocal exited before listening:\n%s", log.String())
	case <-time.After(30 * time.Second):
		t.Fatal("wslocal did not print its address within 30s")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(endpoint + "/_wslocal/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return endpoint
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("wslocal at %s is not healthy: %v", endpoint, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
