// Package clients_test drives the built wslocal binary with the clients
// users have: boto3 (python/*.py), the AWS CLI v1 and aws-sdk-go-v2. Each
// test starts its own process through internal/proctest; the boto3 and CLI
// tests skip when their tool is not installed, nothing else does.
//
//	go test ./conformance/clients/                          # everything
//	WSLOCAL_MEASURE=1 go test -run ColdStart -v ./conformance/clients/
//	python3 conformance/clients/python/story.py http://127.0.0.1:4599   # by hand,
//	    # against `wslocal --store memory --clock manual`
package clients_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"

	"github.com/wslocal/wslocal/internal/proctest"
	"github.com/wslocal/wslocal/wslocaltest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// run runs a client command and returns its stdout, stderr and exit code;
// it fails the test when the command cannot start or outlives timeout.
func run(t *testing.T, timeout time.Duration, env []string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: no answer within %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), timeout, out.String(), errb.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// sdk is an aws-sdk-go-v2 client of p for an account and region, without
// retries (a retry would hide a failure), with a deadline per request and
// bodies buffered (see wslocaltest.BufferBodies).
func sdk(p *proctest.Proc, account, region string) *workspaces.Client {
	return workspaces.New(workspaces.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(account, "wslocal-secret", ""),
		BaseEndpoint:     aws.String(p.URL),
		RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 10 * time.Second,
			Transport: wslocaltest.BufferBodies(&http.Transport{MaxIdleConnsPerHost: 8})},
	})
}

// signRaw signs a hand-made request as aws-sdk-go-v2 does: wslocal's
// default auth mode (accept) refuses a request without a SigV4 header.
func signRaw(req *http.Request, body []byte, key, secret, region string, at time.Time) error {
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	return v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "workspaces", region, at)
}

// advance moves the manual clock of p.
func advance(t *testing.T, p *proctest.Proc, d string) {
	t.Helper()
	resp, err := http.Post(p.URL+"/_wslocal/clock", "application/json", strings.NewReader(fmt.Sprintf(`{"advance":%q}`, d)))
	if err != nil {
		t.Fatalf("POST /_wslocal/clock: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_wslocal/clock advance %s: %s", d, resp.Status)
	}
}
