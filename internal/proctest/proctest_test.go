package proctest_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/wslocal/wslocal/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

func TestStartHealthAndGracefulStop(t *testing.T) {
	for name, sig := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT} {
		t.Run(name, func(t *testing.T) {
			p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual")
			resp, err := http.Get(p.URL + "/_wslocal/health")
			if err != nil {
				t.Fatal(err)
			}
			var health struct{ Status, Clock, Store string }
			err = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if err != nil || health.Status != "ok" || health.Clock != "manual" {
				t.Fatalf("health = %+v, %v", health, err)
			}
			if want := "export AWS_ENDPOINT_URL=" + p.URL + "\n"; !strings.Contains(p.Stderr(), want) {
				t.Errorf("banner lacks %q:\n%s", want, p.Stderr())
			}
			p.Signal(sig)
			if code := p.Wait(); code != 0 {
				t.Fatalf("exit code after %v = %d, want 0\n%s", sig, code, p.Stderr())
			}
			if !strings.Contains(p.Stderr(), "shutting down") {
				t.Errorf("no shutdown log line after %v:\n%s", sig, p.Stderr())
			}
		})
	}
}

func TestKill(t *testing.T) {
	p := proctest.Start(t, proctest.Build(t), "--store", "memory")
	p.Kill()
	if code := p.Wait(); code != -1 {
		t.Fatalf("exit code after SIGKILL = %d, want -1 (killed by a signal)", code)
	}
	if _, err := http.Get(p.URL + "/_wslocal/health"); err == nil {
		t.Fatal("health still answers after Kill")
	}
	p.Signal(syscall.SIGTERM) // a gone process is not an error
}

func TestModuleRoot(t *testing.T) {
	root, err := proctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.Contains(string(mod), "module github.com/wslocal/wslocal\n") {
		t.Fatalf("ModuleRoot() = %q: go.mod is not wslocal's (%v)", root, err)
	}
}
