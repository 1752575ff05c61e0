// Package clients_test runs the tests of wslocal's helpers for other
// languages against a freshly built binary: the pytest plugin
// (python/pytest_wslocal, with boto3) and the Node helper (node/index.mjs,
// with the AWS SDK for JavaScript v3). Each skips when its tools are
// missing and says why.
//
//	go test ./clients/ -v
package clients_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// Tests each suite holds: a run that passes fewer has lost some.
const (
	pytestTests = 9
	nodeTests   = 9
)

// debianPytest is where Debian's python3-pytest puts pytest; a Python of
// the same minor version without pytest can run it from there.
const debianPytest = "/usr/lib/python3/dist-packages"

// pytestRunner is `python3 -c <runner>`: pytest from the Python's own
// packages or, failing that, from Debian's, appended to the path so that
// the Python's own boto3 and its dependencies come first.
const pytestRunner = `import sys
try:
    import pytest
except ImportError:
    sys.path.append(sys.argv.pop(1))
    import pytest
else:
    sys.argv.pop(1)
sys.exit(pytest.console_main())`

func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return string(out), err
}

func TestPytestPlugin(t *testing.T) {
	proctest.RequireTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	proctest.RequireTool(t, "pytest (python3's own, or Debian's python3-pytest for the same Python version)",
		"python3", "-c", pytestRunner, debianPytest, "--version")
	bin := proctest.Build(t)
	pydir, err := filepath.Abs("python")
	if err != nil {
		t.Fatal(err)
	}
	env := proctest.ClientEnv(t, "WSLOCAL_BIN="+bin, "PYTHONPATH="+pydir)
	out, err := run(t, 2*time.Minute, pydir, env, "python3", "-c", pytestRunner, debianPytest,
		"-p", "pytest_wslocal", "-p", "no:cacheprovider", "-v", "tests")
	summary := proctest.LastLine(out)
	t.Logf("pytest: %s", summary)
	if err != nil {
		t.Fatalf("pytest: %v\n%s", err, out)
	}
	if got := pytestCount(summary, "passed"); got != pytestTests || strings.Contains(summary, "failed") || strings.Contains(summary, "error") {
		t.Errorf("pytest summary %q: want %d passed and nothing else\n%s", summary, pytestTests, out)
	}
}

// pytestCount reads "8 passed" and the like from pytest's closing line.
func pytestCount(summary, what string) int {
	m := regexp.MustCompile(`(\d+) ` + what).FindStringSubmatch(summary)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestNodeHelper(t *testing.T) {
	proctest.RequireTool(t, "node >= 20", "node", "--version")
	if _, err := os.Stat(filepath.Join("node", "node_modules", "@aws-sdk", "client-workspaces")); err != nil {
		t.Skip("clients/node/node_modules is missing: run `npm ci --prefix clients/node` first")
	}
	bin := proctest.Build(t)
	env := proctest.ClientEnv(t, "WSLOCAL_BIN="+bin)
	out, err := run(t, 2*time.Minute, "node", env, "node", "--test", "--test-reporter=tap", "test/wslocal.test.mjs")
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	if got := tapCount(out, "pass"); got != nodeTests {
		t.Errorf("node reports %d tests passed, want %d\n%s", got, nodeTests, out)
	}
	if got := tapCount(out, "fail"); got != 0 {
		t.Errorf("node reports %d tests failed\n%s", got, out)
	}
	t.Logf("node --test: %d passed", tapCount(out, "pass"))
}

// tapCount reads "# pass 9" and the like from node's TAP summary; -1 when
// the line is missing.
func tapCount(out, name string) int {
	m := regexp.MustCompile(`(?m)^# ` + name + ` (\d+)$`).FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
