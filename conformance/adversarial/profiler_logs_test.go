package adversarial

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestProfilerIsNotOpen: --pprof beyond loopback without a token does not
// start; with a token (from a file) the profiler asks for it and
// /debug/pprof/cmdline does not show it.
func TestProfilerIsNotOpen(t *testing.T) {
	code, out := runToExit(t, "--store", "memory", "--addr", "127.0.0.1:0", "--pprof", "0.0.0.0:0")
	if code != 1 || !strings.Contains(out, "--pprof 0.0.0.0:0 is reachable from other machines") {
		t.Errorf("--pprof 0.0.0.0:0 without a token: exit %d\n%s\nwant exit 1 saying why", code, out)
	}

	token := "adversarial-t0ken"
	file := t.TempDir() + "/token"
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pprofAddr := proctest.FreeAddr(t)
	// The token on the command line too (as the probe started it): the
	// profiler must not echo it back.
	p := start(t, "--control-token", token, "--pprof", pprofAddr)
	get := func(path, tok string) answer {
		h := map[string]string{}
		if tok != "" {
			h["Authorization"] = "Bearer " + tok
		}
		return do(t, "GET", "http://"+pprofAddr+path, nil, h)
	}
	if a := get("/debug/pprof/cmdline", ""); a.status != http.StatusUnauthorized {
		t.Errorf("cmdline without the token: %d, want 401", a.status)
	}
	a := get("/debug/pprof/cmdline", token)
	if a.status != 200 || strings.Contains(string(a.body), token) || !strings.Contains(string(a.body), "REDACTED") {
		t.Errorf("cmdline with the token: %d %q, want 200 with the token redacted", a.status, a.body)
	}
	if !strings.Contains(p.Stderr(), "visible to every user of this machine") {
		t.Errorf("no warning about the token on the command line:\n%s", p.Stderr())
	}

	// From a file: the token is nowhere in the command line.
	pprofAddr = proctest.FreeAddr(t)
	p = start(t, "--control-token-file", file, "--pprof", pprofAddr)
	if a := get("/debug/pprof/cmdline", token); a.status != 200 || strings.Contains(string(a.body), token) {
		t.Errorf("cmdline, token from a file: %d %q", a.status, a.body)
	}
	if a := do(t, "GET", p.URL+"/_wslocal/state", nil, map[string]string{"Authorization": "Bearer " + token}); a.status != 200 {
		t.Errorf("control API with the token from the file: %d", a.status)
	}
}

// TestLogsStayBounded: requests with a 60 KB X-Amz-Target (an unknown
// operation) do not make the request log or the access log grow with it.
func TestLogsStayBounded(t *testing.T) {
	p := start(t)
	target := strings.Repeat("A", 60<<10)
	const n = 50
	for i := range n {
		a := call(t, p.URL, target+fmt.Sprint(i), `{}`)
		if a.status != 400 || a.errType() != "UnknownOperationException" {
			t.Fatalf("request %d: %d %.200s", i, a.status, a.body)
		}
	}
	a := control(t, p, "GET", "/_wslocal/requests?limit=1000", nil)
	if a.status != 200 {
		t.Fatalf("requests: %d", a.status)
	}
	// 50 entries of a few hundred bytes each, not 50 × 60 KB.
	if len(a.body) > 50<<10 {
		t.Errorf("GET /_wslocal/requests is %d bytes for %d requests, want under 50 KiB", len(a.body), n)
	}
	if !strings.Contains(string(a.body), strings.Repeat("A", 128)+"...") {
		t.Errorf("the request log does not keep the operation cut: %.300s", a.body)
	}
	if l := len(p.Stderr()); l > 100<<10 {
		t.Errorf("the access log holds %d bytes after %d requests, want under 100 KiB", l, n)
	}
}

// TestStrictModeTricklersHoldNoSlot: with --auth strict and two slots,
// clients without an Authorization header that trickle their bodies are
// refused at once, and a signed request is served beside them.
func TestStrictModeTricklersHoldNoSlot(t *testing.T) {
	p := start(t, "--auth", "strict", "--credentials", credentialsFile(t), "--max-inflight", "2")
	for i := range 4 {
		conn, err := net.Dial("tcp", p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: WorkspacesService.DescribeIpGroups\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100000\r\n\r\n{", p.Addr)
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("unsigned trickler %d got no answer: %v", i, err)
		}
		res.Body.Close()
		if res.StatusCode != 403 || res.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned trickler %d: %s %s", i, res.Status, res.Header.Get("x-amzn-ErrorType"))
		}
	}
	for i := range 3 {
		if a := call(t, p.URL, "DescribeIpGroups", `{}`); a.status != 200 {
			t.Errorf("signed request %d beside the tricklers: %d %s", i, a.status, a.body)
		}
	}
}
