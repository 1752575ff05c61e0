// Package appstory_test tells the whole application-management story of
// WorkSpaces twice against the built wslocal binary on a manual clock: once
// with boto3 (python/story_appmgmt.py) and once with the AWS CLI driven from
// Go. A directory registers, a WorkSpace launches from a public Windows
// bundle, Office installs, Visual Studio fails for want of disk and installs
// when forced after the root volume grows, an image and a bundle carry both
// to a second WorkSpace, and Office is uninstalled; every state on the way
// is asserted with its LastUpdatedTime. Each test skips when its client is
// not installed.
//
//	go test ./conformance/appstory/ -v
//	python3 conformance/appstory/python/story_appmgmt.py http://127.0.0.1:4599   # by hand,
//	    # against a fresh `wslocal --store memory --clock manual --step 1s`
package appstory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// start runs a fresh server on the manual clock, each lifecycle step 1s.
func start(t *testing.T) *proctest.Proc {
	t.Helper()
	return proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
}

// clientEnv is the environment of a client process: the test's, without any
// AWS_* variable of the machine, with fixed credentials and region, and
// config files that do not exist, so no profile of the machine changes what
// the client does. (As conformance/clients does.)
func clientEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var env []string
	for _, kv := range proctest.Env() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID=000000000000",
		"AWS_SECRET_ACCESS_KEY=wslocal-secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONUNBUFFERED=1",
	)
	return append(env, extra...)
}

// result is what a finished client process left.
type result struct {
	stdout, stderr string
	code           int
	err            error // the process could not start or outlived its deadline
}

// runCmd runs a client command to completion or timeout. It does not touch
// the test, so it may run on any goroutine.
func runCmd(timeout time.Duration, env []string, name string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	switch {
	case ctx.Err() != nil:
		r.err = fmt.Errorf("no answer within %v", timeout)
	case err != nil && cmd.ProcessState == nil:
		r.err = err
	default:
		r.code = cmd.ProcessState.ExitCode()
	}
	return r
}

// requireTool skips the test when a command is missing or does not work.
func requireTool(t *testing.T, what string, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (%s not on PATH): skipping", what, name)
	}
	if r := runCmd(30*time.Second, proctest.Env(), name, args...); r.err != nil || r.code != 0 {
		t.Skipf("%s is not usable (`%s %s`: exit %d, %v): skipping\n%s%s", what, name, strings.Join(args, " "), r.code, r.err, r.stdout, r.stderr)
	}
}

// clockCall GETs /_wslocal/clock, or POSTs body to it, and returns the
// manual clock's time; the server applies what is due before answering.
func clockCall(t *testing.T, p *proctest.Proc, body string) time.Time {
	t.Helper()
	var resp *http.Response
	var err error
	if body == "" {
		resp, err = http.Get(p.URL + "/_wslocal/clock")
	} else {
		resp, err = http.Post(p.URL+"/_wslocal/clock", "application/json", strings.NewReader(body))
	}
	if err != nil {
		t.Fatalf("/_wslocal/clock %s: %v", body, err)
	}
	defer resp.Body.Close()
	var state struct{ Mode, Now string }
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/_wslocal/clock %s: %s, %v", body, resp.Status, err)
	}
	if state.Mode != "manual" {
		t.Fatalf("the clock is %q, want manual", state.Mode)
	}
	now, err := time.Parse(time.RFC3339Nano, state.Now)
	if err != nil {
		t.Fatalf("/_wslocal/clock now %q: %v", state.Now, err)
	}
	return now
}

// now reads the manual clock.
func now(t *testing.T, p *proctest.Proc) time.Time { t.Helper(); return clockCall(t, p, "") }

// advance moves the manual clock one lifecycle step and returns its time.
func advance(t *testing.T, p *proctest.Proc) time.Time {
	t.Helper()
	return clockCall(t, p, `{"advance":"1s"}`)
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
