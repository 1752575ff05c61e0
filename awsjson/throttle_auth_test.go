package awsjson

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/auth"
)

// TestUnauthenticatedTakeNoSlot: in strict mode, clients without an
// Authorization header that trickle their bodies are refused at once and
// hold none of the --max-inflight slots, so a signed request is served.
func TestUnauthenticatedTakeNoSlot(t *testing.T) {
	keys, err := auth.NewKeys(auth.Key{AccessKey: "AKIAOK", SecretKey: "s", Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Service: &fakeService{}, Auth: &auth.Authenticator{Mode: auth.Strict, Keys: keys}}
	ts := httptest.NewServer(Throttle(h, 2, nil))
	defer ts.Close()
	addr := strings.TrimPrefix(ts.URL, "http://")
	for i := range 4 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// Headers and the start of a 1000-byte body that never comes.
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %sDescribeImageAssociations\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{\"ImageId\":", addr, target)
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("unsigned trickler %d: no answer: %v", i, err)
		}
		res.Body.Close()
		if res.StatusCode != 403 || res.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned trickler %d: %s %s, want 403 MissingAuthenticationTokenException", i, res.Status, res.Header.Get("x-amzn-ErrorType"))
		}
	}
	body := describe(imgOK)
	r, _ := http.NewRequest(http.MethodPost, ts.URL+"/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
	r.Header.Set("Content-Type", ContentType)
	signRequest(t, r, "AKIAOK", "s", "us-east-1", body)
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("a signed request beside the tricklers: %s %s, want 200", res.Status, res.Header.Get("x-amzn-ErrorType"))
	}
}
