package appstory_test

import (
	"testing"
	"time"
)

// TestBoto3AppManagementStory runs python/story_appmgmt.py against a fresh
// manual-clock server: the whole story through boto3, every state with its
// LastUpdatedTime, IncompatibleApplicationsException and
// ResourceInUseException as botocore parses them, timestamps as tz-aware
// datetimes. It fails with the script's output unless the script exits 0
// with a last line OK.
func TestBoto3AppManagementStory(t *testing.T) {
	requireTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	t.Parallel()
	p := start(t)
	begin := time.Now()
	const script = "python/story_appmgmt.py"
	r := runCmd(60*time.Second, clientEnv(t, "AWS_ENDPOINT_URL="+p.URL), "python3", script, p.URL)
	if r.err != nil || r.code != 0 || lastLine(r.stdout) != "OK" {
		t.Fatalf("python3 %s: exit code %d (%v), want 0 and a last line OK\n--- stdout ---\n%s--- stderr ---\n%s", script, r.code, r.err, r.stdout, r.stderr)
	}
	t.Logf("python3 %s: OK in %v", script, time.Since(begin).Round(time.Millisecond))
}
