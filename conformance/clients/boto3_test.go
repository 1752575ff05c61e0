package clients_test

import (
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// runPython runs one of python/*.py against a fresh manual-clock server and
// fails with the script's output unless it exits 0 with a last line OK.
func runPython(t *testing.T, script string) {
	t.Helper()
	proctest.RequireTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	start := time.Now()
	stdout, stderr, code := run(t, 60*time.Second, proctest.ClientEnv(t, "AWS_ENDPOINT_URL="+p.URL), "python3", script, p.URL)
	if code != 0 || proctest.LastLine(stdout) != "OK" {
		t.Fatalf("python3 %s: exit code %d, want 0 and a last line OK\n--- stdout ---\n%s--- stderr ---\n%s", script, code, stdout, stderr)
	}
	t.Logf("python3 %s: OK in %v", script, time.Since(start).Round(time.Millisecond))
}

// TestBoto3Story: import with Office 2019, INSTALLING, clock, COMPLETED,
// every field and Python type, and the errors botocore parses.
func TestBoto3Story(t *testing.T) { runPython(t, "python/story.py") }

// TestBoto3Isolation: two accounts by access key and two regions see only
// their own images, tags and associations.
func TestBoto3Isolation(t *testing.T) { runPython(t, "python/isolation.py") }

// TestBoto3ClientBranding: logos imported from PNG files (one over 1 MiB)
// come back byte for byte from their LogoUrls over plain HTTP.
func TestBoto3ClientBranding(t *testing.T) { runPython(t, "python/branding.py") }
