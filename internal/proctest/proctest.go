// Package proctest runs the built wslocal binary as a child process of a
// test, the way a user runs it: build once, start on a free port, wait for
// health, stop with a signal.
//
//	func TestMain(m *testing.M) { proctest.Main(m) }
//
//	func TestX(t *testing.T) {
//		p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual")
//		// talk to p.URL ...
//		p.Signal(syscall.SIGTERM)
//		if code := p.Wait(); code != 0 { t.Fatalf("exit %d\n%s", code, p.Stderr()) }
//	}
//
// The child gets the test's environment without any WSLOCAL_* variable, so
// only the arguments a test passes configure it. When a test fails, the
// child's stderr (its banner and request log) is logged.
package proctest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Timeouts of the helper.
const (
	// HealthTimeout bounds how long Start waits for GET /_wslocal/health.
	HealthTimeout = 10 * time.Second
	// ExitTimeout bounds how long Wait waits for the process to exit; it is
	// above wslocal's own 15s graceful-shutdown bound.
	ExitTimeout = 20 * time.Second
)

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// Build builds ./cmd/wslocal of the enclosing module into a temporary
// directory, once per test binary, and returns the executable's path.
// Call Main from TestMain to remove the directory afterwards.
func Build(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			build.err = err
			return
		}
		dir, err := os.MkdirTemp("", "wslocal-proctest-")
		if err != nil {
			build.err = err
			return
		}
		build.dir = dir
		bin := filepath.Join(dir, "wslocal")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/wslocal")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./cmd/wslocal in %s: %v\n%s", root, err, out)
			return
		}
		build.bin = bin
	})
	if build.err != nil {
		t.Fatalf("proctest: %v", build.err)
	}
	return build.bin
}

// Main runs the tests and then removes what Build built.
func Main(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		_ = os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// ModuleRoot is the directory of the go.mod that encloses the working
// directory: `go env GOMOD`, or failing that a walk up the tree.
func ModuleRoot() (string, error) {
	if out, err := exec.Command("go", "env", "GOMOD").Output(); err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			return filepath.Dir(gomod), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// FreeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago (it listens on port 0 and closes). Another process may take it before
// it is used; Start retries when that happens.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proctest: find a free port: %v", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// Proc is a running wslocal.
type Proc struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL string
	// Addr is the host:port it listens on.
	Addr string

	t    testing.TB
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	code int
}

// Start runs bin with args plus --addr on a free port, waits until
// GET /_wslocal/health answers 200, and registers a cleanup that stops the
// process with SIGTERM (SIGKILL if it has not exited after ExitTimeout).
func Start(t testing.TB, bin string, args ...string) *Proc {
	t.Helper()
	var p *Proc
	for attempt := 1; ; attempt++ {
		var err error
		p, err = launch(t, bin, args)
		if err == nil {
			break
		}
		// The free port was taken between FreeAddr and the child's listen.
		if attempt < 3 && strings.Contains(p.Stderr(), "address already in use") {
			t.Logf("proctest: %s was taken, retrying on another port", p.Addr)
			continue
		}
		t.Fatalf("proctest: %v\n--- wslocal %s stderr ---\n%s", err, strings.Join(args, " "), p.Stderr())
	}
	t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(ExitTimeout):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() {
			t.Logf("--- wslocal %s (%s) stderr ---\n%s", strings.Join(args, " "), p.URL, p.Stderr())
		}
	})
	return p
}

// launch starts one process and waits for its health; on error the process
// has exited.
func launch(t testing.TB, bin string, args []string) (*Proc, error) {
	addr := FreeAddr(t)
	p := &Proc{URL: "http://" + addr, Addr: addr, t: t, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append(append([]string{}, args...), "--addr", addr)...)
	p.cmd.Env = Env()
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		close(p.done)
		return p, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	if err := p.waitHealthy(); err != nil {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
		}
		<-p.done
		return p, err
	}
	return p, nil
}

// Env is the environment children get: the test's, minus WSLOCAL_*.
func Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WSLOCAL_") {
			env = append(env, kv)
		}
	}
	return env
}

func (p *Proc) waitHealthy() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(HealthTimeout)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("wslocal exited with code %d before answering health on %s", p.code, p.URL)
		default:
		}
		resp, err := client.Get(p.URL + "/_wslocal/health")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("GET %s/_wslocal/health did not answer 200 within %v (last: %v)", p.URL, HealthTimeout, describe(resp, err))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func describe(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

func (p *Proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stderr is everything the process wrote so far (stdout and stderr).
func (p *Proc) Stderr() string { return p.out.String() }

// Signal sends sig to the process; a process that has exited is not an error.
func (p *Proc) Signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) && !p.exited() {
		p.t.Fatalf("proctest: signal %v: %v", sig, err)
	}
}

// Wait waits for the process to exit and returns its exit code, -1 when a
// signal killed it. It fails the test, with stderr, after ExitTimeout.
func (p *Proc) Wait() (exitCode int) {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(ExitTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Fatalf("proctest: wslocal did not exit within %v; killed\n%s", ExitTimeout, p.Stderr())
		return -1
	}
}

// Kill sends SIGKILL (no graceful shutdown) and waits for the process to be
// gone, so the next process can open the same store.
func (p *Proc) Kill() {
	p.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) && !p.exited() {
		p.t.Fatalf("proctest: kill: %v", err)
	}
	<-p.done
}

// syncBuffer is a bytes.Buffer safe for the copying goroutine and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
