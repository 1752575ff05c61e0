package awsjson

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestContentTypes(t *testing.T) {
	h := &Handler{Service: &fakeService{}, Auth: authOff}
	for _, tc := range []struct {
		ct string
		ok bool
	}{
		{"", true},
		{"application/x-amz-json-1.1", true},
		{"application/x-amz-json-1.1; charset=utf-8", true},
		{"Application/X-Amz-Json-1.1", true},
		{"application/json", true},
		{"application/json; charset=UTF-8", true},
		{"application/x-amz-json-1.0", false},
		{"text/plain", false},
		{"application/x-www-form-urlencoded", false},
		{"application/cbor", false},
		{"application/json;;", false},
		{"garbage", false},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(describe(imgOK)))
		r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
		if tc.ct != "" {
			r.Header.Set("Content-Type", tc.ct)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if tc.ok {
			if w.Code != 200 {
				t.Errorf("Content-Type %q: %d %s, want 200", tc.ct, w.Code, w.Body)
			}
			continue
		}
		wantErr(t, w, 400, "UnknownOperationException", fmt.Sprintf("Unsupported Content-Type '%s': send application/x-amz-json-1.1.", tc.ct))
	}
}

// countingReader serves n bytes of '{' (never valid JSON: a test that
// reads it all fails loudly) and counts what was read.
type countingReader struct {
	mu   sync.Mutex
	n    int64 // bytes left; < 0: endless
	read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return 0, io.EOF
	}
	if c.n > 0 && int64(len(p)) > c.n {
		p = p[:c.n]
	}
	for i := range p {
		p[i] = '{'
	}
	c.read += int64(len(p))
	if c.n > 0 {
		c.n -= int64(len(p))
	}
	return len(p), nil
}

func TestBodyLimit(t *testing.T) {
	const limit = 1024
	h := &Handler{Service: &fakeService{}, Auth: authOff, MaxBodyBytes: limit}
	send := func(body io.Reader, length int64) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/", body)
		r.ContentLength = length
		r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	t.Run("announced by Content-Length: refused unread", func(t *testing.T) {
		body := &countingReader{n: 100 << 20}
		w := send(body, 100<<20)
		wantErr(t, w, 400, "SerializationException", "The request body is larger than 1024 bytes.")
		if body.read != 0 {
			t.Errorf("%d bytes read of a body announced too large", body.read)
		}
		if w.Header().Get("Connection") != "close" {
			t.Errorf("Connection = %q, want close (the body stays unread)", w.Header().Get("Connection"))
		}
	})
	t.Run("chunked: refused past the limit", func(t *testing.T) {
		body := &countingReader{n: -1}
		w := send(body, -1)
		wantErr(t, w, 400, "SerializationException", "larger than 1024 bytes")
		if body.read > limit+1 {
			t.Errorf("%d bytes read of an endless body, want at most %d", body.read, limit+1)
		}
	})
	t.Run("exactly the limit is read", func(t *testing.T) {
		b := describe(imgOK)
		b += strings.Repeat(" ", limit-len(b))
		if w := send(strings.NewReader(b), int64(len(b))); w.Code != 200 {
			t.Fatalf("%d bytes: %d %s", len(b), w.Code, w.Body)
		}
	})
}

// TestOversizedUploadOverTheWire: a client that announces 100 MiB and
// sends nothing gets its answer at once, not after a timeout.
func TestOversizedUploadOverTheWire(t *testing.T) {
	srv := httptest.NewServer(&Handler{Service: &fakeService{}, Auth: authOff})
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: %sDescribeImageAssociations\r\nContent-Length: %d\r\n\r\n{", target, 100<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 400 || res.Header.Get("x-amzn-ErrorType") != "SerializationException" || !strings.Contains(string(b), "larger than 1048576 bytes") {
		t.Fatalf("%s %s", res.Status, b)
	}
}

func TestThrottle(t *testing.T) {
	const max = 3
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(200)
	})
	h := Throttle(slow, max, nil)
	var wg sync.WaitGroup
	for range max {
		wg.Go(func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
			if w.Code != 200 {
				t.Errorf("request within the bound: %d", w.Code)
			}
		})
		<-entered
	}
	// The bound is reached: the next requests are refused at once.
	for range 5 {
		done := make(chan *httptest.ResponseRecorder)
		go func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
			done <- w
		}()
		select {
		case w := <-done:
			wantErr(t, w, 400, "ThrottlingException", "Rate exceeded")
		case <-time.After(5 * time.Second):
			t.Fatal("a request beyond the bound waits instead of being refused")
		}
	}
	close(release)
	wg.Wait()
	// Slots are given back.
	go func() { <-entered }()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
	if w.Code != 200 {
		t.Fatalf("after the release: %d %s", w.Code, w.Body)
	}
	if _, wrapped := Throttle(slow, 0, nil).(*throttle); wrapped {
		t.Error("max 0 should not wrap")
	}
}
