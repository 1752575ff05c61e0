package proctest

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ClientEnv is the environment of a client process (boto3, the AWS CLI,
// node): the test's, without any AWS_* variable of the machine, with fixed
// credentials and region, and config files that do not exist, so no
// profile of the machine changes what the client does.
func ClientEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var env []string
	for _, kv := range Env() {
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

// RequireTool skips the test when a command is missing or does not work
// (e.g. `python3 -c "import boto3"`), saying which.
func RequireTool(t testing.TB, what string, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (%s not on PATH): skipping", what, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("%s is not usable (`%s %s`: %v): skipping\n%s", what, name, strings.Join(args, " "), err, out)
	}
}

// LastLine is the last non-empty line of s: where a client script prints OK.
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
