// Package adversarial replays, against the built wslocal binary over real
// HTTP on loopback, the attacks that an outside probe of wslocal found
// (stored data that crashed the process, a control API open to web pages,
// a leaking profiler, unbounded logs, slot-hogging clients, a bypassable
// SQLite lock, re-aimed signatures, folded member names), so that each
// stays closed. Every test starts its own process with the flags it needs;
// loops are bounded and the whole package runs in seconds.
package adversarial

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/wslocal/wslocal/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// start runs wslocal with args (a memory store and a manual clock unless
// args say otherwise) on a free loopback port.
func start(t *testing.T, args ...string) *proctest.Proc {
	t.Helper()
	has := func(flag string) bool {
		for _, a := range args {
			if a == flag || strings.HasPrefix(a, flag+"=") {
				return true
			}
		}
		return false
	}
	if !has("--store") {
		args = append(args, "--store", "memory")
	}
	if !has("--clock") {
		args = append(args, "--clock", "manual")
	}
	return proctest.Start(t, proctest.Build(t), args...)
}

// runToExit runs wslocal with args, expecting it to exit on its own
// within 20 seconds, and returns its exit code and output.
func runToExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, proctest.Build(t), args...)
	cmd.Env = proctest.Env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("wslocal %s did not exit within 20s:\n%s", strings.Join(args, " "), &out)
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("wslocal %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// errType is the AWS error's __type, or the control API's "error" text.
func (a answer) errType() string {
	var e struct {
		Type  string `json:"__type"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(a.body, &e)
	if e.Type != "" {
		return e.Type
	}
	return e.Error
}

func (a answer) message() string {
	var e struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	_ = json.Unmarshal(a.body, &e)
	if e.Message != "" {
		return e.Message
	}
	return e.Error
}

var client = &http.Client{Timeout: 10 * time.Second}

// do sends one request; headers may set "Host".
func do(t *testing.T, method, url string, body []byte, headers map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, url, err)
	}
	return answer{res.StatusCode, res.Header, b}
}

// control calls the control API as a script would: JSON in and out.
func control(t *testing.T, p *proctest.Proc, method, path string, body []byte) answer {
	t.Helper()
	h := map[string]string{}
	if method != http.MethodGet {
		h["Content-Type"] = "application/json"
	}
	return do(t, method, p.URL+path, body, h)
}

const (
	accessKey = "111122223333"
	secretKey = "adversarial-secret"
	region    = "us-east-1"
)

// signedRequest is a WorkSpaces call signed as the AWS SDK for Go signs it;
// before and after edit the request around the signature.
func signedRequest(t *testing.T, url, op, body string, before, after func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "WorkspacesService."+op)
	if before != nil {
		before(req)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "workspaces", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	if after != nil {
		after(req)
	}
	return req
}

// call sends a signed WorkSpaces call and reads the answer.
func call(t *testing.T, url, op, body string) answer {
	t.Helper()
	return send(t, signedRequest(t, url, op, body, nil, nil))
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", req.Header.Get("X-Amz-Target"), err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

// credentialsFile writes a strict-mode credentials file with the test key.
func credentialsFile(t *testing.T) string {
	t.Helper()
	path := t.TempDir() + "/credentials.yaml"
	if err := os.WriteFile(path, []byte("- accessKey: \""+accessKey+"\"\n  secretKey: "+secretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonInto decodes b into v and says whether it could.
func jsonInto(b []byte, v any) bool { return json.Unmarshal(b, v) == nil }
