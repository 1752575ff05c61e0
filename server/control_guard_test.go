package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/server"
)

// TestControlNotCrossSite: without a token, the control API refuses what a
// web page could make the browser send: another Host (DNS rebinding),
// a cross-site or cross-origin request that changes state, and one that
// changes state without Content-Type: application/json (a text/plain form
// post). Same-origin requests, the dashboard's, pass.
func TestControlNotCrossSite(t *testing.T) {
	srv, err := server.New(context.Background(), server.Config{Store: "memory", Clock: "manual", Addr: "127.0.0.1:4599"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "http://")
	do := func(method, path, body string, h map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		for k, v := range h {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	jsonCT := map[string]string{"Content-Type": "application/json"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{"Content-Type": "application/json"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	refused := []struct {
		name, method, path, body string
		h                        map[string]string
		status                   int
		says                     string
	}{
		{"rebound GET state", "GET", "/_wslocal/state", "", map[string]string{"Host": "evil.example"}, 403, "Host 'evil.example'"},
		{"rebound GET state with port", "GET", "/_wslocal/state", "", map[string]string{"Host": "evil.example:4599"}, 403, "Host"},
		{"rebound dashboard", "GET", "/_wslocal/ui", "", map[string]string{"Host": "127.0.0.1.evil.example"}, 403, "Host"},
		{"rebound reset", "POST", "/_wslocal/reset", "{}", with(map[string]string{"Host": "evil.example"}), 403, "Host"},
		{"text/plain reset", "POST", "/_wslocal/reset", "x=1", map[string]string{"Content-Type": "text/plain"}, 415, "Content-Type: application/json"},
		{"form reset", "POST", "/_wslocal/reset", "x=1", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"},
		{"reset without a type", "POST", "/_wslocal/reset", "", nil, 415, "application/json"},
		{"text/plain fault", "POST", "/_wslocal/faults", `{"operation":"DescribeTags","apiError":{"code":"ThrottlingException"}}`,
			map[string]string{"Content-Type": "text/plain"}, 415, "application/json"},
		{"cross-site reset", "POST", "/_wslocal/reset", "{}", with(map[string]string{"Sec-Fetch-Site": "cross-site"}), 403, "cross-site"},
		{"same-site reset", "POST", "/_wslocal/reset", "{}", with(map[string]string{"Sec-Fetch-Site": "same-site"}), 403, "cross-site"},
		{"cross-origin reset", "POST", "/_wslocal/reset", "{}", with(map[string]string{"Origin": "https://evil.example"}), 403, "cross-origin"},
		{"null origin reset", "POST", "/_wslocal/reset", "{}", with(map[string]string{"Origin": "null"}), 403, "cross-origin"},
		{"other port origin", "DELETE", "/_wslocal/faults", "", with(map[string]string{"Origin": "http://127.0.0.1:1"}), 403, "cross-origin"},
		{"cross-site fetch of the state", "GET", "/_wslocal/state", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403, "other than following a link"},
		{"same-site script include", "GET", "/_wslocal/requests", "", map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors"}, 403, "cross-site"},
	}
	// A WorkSpaces state to lose.
	if st, _ := do("POST", "/_wslocal/clock", `{"advance":"1s"}`, jsonCT); st != 200 {
		t.Fatalf("clock: %d", st)
	}
	for _, c := range refused {
		st, body := do(c.method, c.path, c.body, c.h)
		var e struct{ Error string }
		_ = json.Unmarshal([]byte(body), &e)
		if st != c.status || !strings.Contains(e.Error, c.says) {
			t.Errorf("%s: %d %s, want %d with an error saying %q", c.name, st, body, c.status, c.says)
		}
	}
	if st, body := do("GET", "/_wslocal/faults", "", nil); st != 200 || strings.TrimSpace(body) != `{"faults":[]}` {
		t.Errorf("faults after the refused requests: %d %s, want none", st, body)
	}
	allowed := []struct {
		name, method, path, body string
		h                        map[string]string
	}{
		{"health under any name (probes)", "GET", "/_wslocal/health", "", map[string]string{"Host": "evil.example"}},
		{"localhost", "GET", "/_wslocal/state", "", map[string]string{"Host": "localhost:4599"}},
		{"a .localhost name", "GET", "/_wslocal/state", "", map[string]string{"Host": "wslocal.localhost"}},
		{"::1", "GET", "/_wslocal/state", "", map[string]string{"Host": "[::1]:4599"}},
		{"127.0.0.2", "GET", "/_wslocal/clock", "", map[string]string{"Host": "127.0.0.2"}},
		{"dashboard same-origin read", "GET", "/_wslocal/requests", "", map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{"navigation from another site", "GET", "/_wslocal/ui", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}},
		{"same-origin write", "POST", "/_wslocal/clock", `{"advance":"1s"}`,
			with(map[string]string{"Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"})},
		{"typed in the address bar", "POST", "/_wslocal/clock", `{"advance":"1s"}`, with(map[string]string{"Sec-Fetch-Site": "none"})},
		{"json with a charset", "POST", "/_wslocal/clock", `{"advance":"1s"}`, map[string]string{"Content-Type": "application/json; charset=utf-8"}},
		{"curl", "POST", "/_wslocal/reset", "", jsonCT},
	}
	for _, c := range allowed {
		if st, body := do(c.method, c.path, c.body, c.h); st != 200 {
			t.Errorf("%s: %d %s, want 200", c.name, st, body)
		}
	}
	// Client branding logos are public: an <img> on any site, under any
	// name, reaches the handler (which answers 404: there is no logo).
	logo := "/_wslocal/branding/000000000000/us-east-1/d-0123456789/DeviceTypeWindows/logo"
	for name, h := range map[string]map[string]string{
		"cross-site image":   {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
		"same-site image":    {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
		"under another Host": {"Host": "wslocal.internal:4599"},
		"cross-origin fetch": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "https://login.example"},
	} {
		if st, body := do("GET", logo, "", h); st != 404 || !strings.Contains(body, "no such branding logo") {
			t.Errorf("branding logo, %s: %d %s, want the handler's 404", name, st, body)
		}
	}
	// Only reads of a logo: the rest of the branding path stays guarded.
	if st, body := do("POST", logo, "{}", with(map[string]string{"Sec-Fetch-Site": "cross-site"})); st != 403 {
		t.Errorf("cross-site POST to a branding path: %d %s, want 403", st, body)
	}
	if st, body := do("GET", "/_wslocal/branding/000000000000/us-east-1/d-0123456789/DeviceTypeWindows", "",
		map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}); st != 403 {
		t.Errorf("cross-site GET of a path that is not a logo: %d %s, want 403", st, body)
	}
}

// TestControlTokenAnyHost: with a token, the token is the defence and
// the control API answers under any name (a deployment on a LAN address).
func TestControlTokenAnyHost(t *testing.T) {
	srv, err := server.New(context.Background(), server.Config{Store: "memory", Clock: "manual", Addr: "0.0.0.0:4599", ControlToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/_wslocal/state", nil)
	req.Host = "wslocal.internal:4599"
	req.Header.Set("Authorization", "Bearer s3cret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET state with the token under another name: %s, want 200", res.Status)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/_wslocal/reset", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "text/plain")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain reset with the token: %s, want 415", res.Status)
	}
}
