package clients_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/smithy-go"

	"github.com/wslocal/wslocal/internal/proctest"
)

// The limits tests drive the binary with hostile or careless clients: the
// control API exposed beyond loopback, slow senders, idle connections,
// oversized bodies and floods.

// TestExposedControlAPINeedsToken: listening on every interface without a
// control token is refused at start-up; with one (here from the
// environment) the control API asks for it.
func TestExposedControlAPINeedsToken(t *testing.T) {
	t.Parallel()
	bin := proctest.Build(t)
	port := strings.TrimPrefix(proctest.FreeAddr(t), "127.0.0.1:")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--addr", "0.0.0.0:"+port, "--store", "memory").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "--control-token") ||
		strings.Contains(string(out), "listening") {
		t.Fatalf("without a token: %v\n%s\nwant exit code 1 before listening, naming --control-token", err, out)
	}
	t.Logf("refusal: %s", strings.TrimSpace(string(out)))

	cmd := exec.Command(bin, "--addr", "0.0.0.0:"+port, "--store", "memory", "--clock", "manual")
	cmd.Env = append(proctest.Env(), "WSLOCAL_CONTROL_TOKEN=t0ken")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := "http://127.0.0.1:" + port
	control := func(method, path, token string) int {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(`{"advance":"1s"}`))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	deadline := time.Now().Add(proctest.HealthTimeout)
	for control("GET", "/_wslocal/health", "") != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("no health on %s:\n%s", url, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := control("POST", "/_wslocal/reset", ""); got != 401 {
		t.Errorf("reset without the token: %d, want 401", got)
	}
	if got := control("POST", "/_wslocal/clock", "wrong"); got != 401 {
		t.Errorf("clock with a wrong token: %d, want 401", got)
	}
	if got := control("POST", "/_wslocal/clock", "t0ken"); got != 200 {
		t.Errorf("clock with the token: %d, want 200", got)
	}
}

// rawConn opens a connection to p for hand-written HTTP.
func rawConn(t *testing.T, p *proctest.Proc) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// closedWithin waits for the server to end conn (reading what it sends,
// a 408 for instance) and returns how long that took.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", limit)
	}
	return time.Since(start)
}

func TestSlowAndIdleClientsAreCut(t *testing.T) {
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory",
		"--read-header-timeout", "300ms", "--read-timeout", "600ms", "--idle-timeout", "400ms")

	t.Run("headers never finished", func(t *testing.T) {
		conn := rawConn(t, p)
		fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: WorkspacesService.DescribeApplications\r\n")
		if d := closedWithin(t, conn, 3*time.Second); d < 200*time.Millisecond {
			t.Errorf("cut after %v, before the 300ms header timeout", d)
		}
	})
	t.Run("body never finished", func(t *testing.T) {
		conn := rawConn(t, p)
		fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: WorkspacesService.DescribeApplications\r\n"+acceptAuth+"Content-Length: 100\r\n\r\n{\"a\":")
		_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 400 || !strings.Contains(string(body), "could not be read") {
				t.Errorf("answer to a stalled body: %s %s", res.Status, body)
			}
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("a stalled body held the connection past the read timeout")
		}
	})
	t.Run("idle keep-alive connection", func(t *testing.T) {
		conn := rawConn(t, p)
		fmt.Fprint(conn, "GET /_wslocal/health HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("health: %v %v", res, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		start := time.Now()
		_ = conn.SetReadDeadline(start.Add(3 * time.Second))
		if _, err := br.ReadByte(); err == nil {
			t.Fatal("the server sent something on an idle connection")
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("an idle connection stayed open past the 400ms idle timeout")
		}
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Errorf("idle connection cut after %v, before the 400ms idle timeout", d)
		}
	})
}

func TestMaxBody(t *testing.T) {
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--max-body", "1KiB")
	conn := rawConn(t, p)
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	// 50 MiB announced, one byte sent: the answer cannot wait for the rest.
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: WorkspacesService.DescribeApplications\r\n"+acceptAuth+"Content-Length: %d\r\n\r\n{", 50<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to an oversized body: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || res.Header.Get("x-amzn-ErrorType") != "SerializationException" ||
		!strings.Contains(string(body), "The request body is larger than 1024 bytes.") {
		t.Fatalf("%s %s", res.Status, body)
	}

	// A signed request of 1 KiB or less passes.
	if _, err := sdk(p, "000000000000", "us-east-1").DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestMaxInFlight: with one request in flight and --max-inflight 1, the
// next API request is refused at once; the control API is not counted.
func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--max-inflight", "1")
	ctx := context.Background()
	c := sdk(p, "000000000000", "us-east-1")

	// A request whose body is still coming holds the one slot. The holder
	// can lose the race for it to a probe sent just after (it is then
	// refused itself); in that case it is sent again on a new connection.
	hold := func() net.Conn {
		conn := rawConn(t, p)
		fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: WorkspacesService.DescribeApplications\r\n"+acceptAuth+"Content-Length: 2\r\n\r\n{")
		return conn
	}
	refused := func(conn net.Conn) bool { // has the server already answered it?
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		var b [1]byte
		n, _ := conn.Read(b[:])
		_ = conn.SetReadDeadline(time.Time{})
		return n > 0
	}
	holder := hold()
	held := false
	for range 100 { // until the holder's request has reached the handler
		if _, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{}); err != nil {
			held = true
			break
		}
		if refused(holder) {
			holder = hold()
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !held {
		t.Fatal("the holder's request never took the one slot")
	}
	start := time.Now()
	_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || ae.ErrorMessage() != "Rate exceeded" {
		t.Fatalf("beyond --max-inflight: %v, want ThrottlingException: Rate exceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v: it must not wait", d)
	}
	res, err := http.Get(p.URL + "/_wslocal/health")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("health while the API is saturated: %v %v", res, err)
	}
	res.Body.Close()

	fmt.Fprint(holder, "}")
	_ = holder.SetReadDeadline(time.Now().Add(3 * time.Second))
	if res, err := http.ReadResponse(bufio.NewReader(holder), nil); err != nil {
		t.Fatalf("the holder got no answer: %v", err)
	} else {
		res.Body.Close() // 403: it was not signed; what matters is that it was served
	}
	// The holder can read its whole answer before its handler has given
	// the slot back (an answer larger than net/http's buffer goes out while
	// the handler writes it): the slot comes back a moment later.
	for i := 0; ; i++ {
		_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
		if err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("after the slot was given back: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// acceptAuth is an Authorization header that --auth accept takes (it is
// parsed, not verified): a raw request without one is refused before its
// body is read, which the tests of body limits must get past.
const acceptAuth = "Authorization: AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/workspaces/aws4_request, " +
	"SignedHeaders=host;x-amz-date, Signature=00\r\n"
