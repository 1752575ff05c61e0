package server_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/server"
)

func TestControlToken(t *testing.T) {
	srv, err := server.New(context.Background(), server.Config{Store: "memory", Clock: "manual", ControlToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	do := func(method, path, authz string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(`{"advance":"1s"}`))
		req.Header.Set("Content-Type", "application/json")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := do("GET", "/_wslocal/health", ""); res.StatusCode != 200 {
		t.Errorf("health without a token: %s, want 200 (probes need no secret)", res.Status)
	}
	for _, c := range []struct{ method, path string }{
		{"POST", "/_wslocal/reset"}, {"GET", "/_wslocal/clock"}, {"POST", "/_wslocal/clock"},
		{"GET", "/_wslocal/faults"}, {"DELETE", "/_wslocal/faults"}, {"GET", "/_wslocal/durations"},
		{"POST", "/_wslocal/health"}, {"GET", "/_wslocal/nothing"},
	} {
		for _, authz := range []string{"", "Bearer wrong", "Bearer ", "s3cret", "Basic s3cret", "Bearer S3CRET", "Bearer s3cret2"} {
			res := do(c.method, c.path, authz)
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s with %q: %s, want 401 with WWW-Authenticate", c.method, c.path, authz, res.Status)
			}
		}
	}
	if res := do("POST", "/_wslocal/clock", "Bearer s3cret"); res.StatusCode != 200 {
		t.Errorf("clock with the token: %s", res.Status)
	}
	if res := do("POST", "/_wslocal/reset", "bearer s3cret"); res.StatusCode != 200 {
		t.Errorf("reset with the token: %s", res.Status)
	}
	// A browser (the dashboard) sends it as the password of Basic auth.
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	if res := do("GET", "/_wslocal/clock", basic("anyone", "s3cret")); res.StatusCode != 200 {
		t.Errorf("Basic with the token as password: %s", res.Status)
	}
	for _, a := range []string{basic("s3cret", ""), basic("anyone", "wrong"), basic("", "")} {
		if res := do("GET", "/_wslocal/clock", a); res.StatusCode != 401 {
			t.Errorf("%s: %s, want 401", a, res.Status)
		}
	}
	if res := do("GET", "/_wslocal/clock", ""); len(res.Header.Values("WWW-Authenticate")) != 2 {
		t.Errorf("WWW-Authenticate = %q, want a Bearer and a Basic challenge", res.Header.Values("WWW-Authenticate"))
	}
	// The token guards the control API only; the AWS API has its own auth.
	if res := do("POST", "/", ""); res.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("AWS API without a signature: %s %s", res.Status, res.Header.Get("x-amzn-ErrorType"))
	}
}

func TestStrictNeedsKeys(t *testing.T) {
	_, err := server.New(context.Background(), server.Config{Store: "memory", Auth: auth.Authenticator{Mode: auth.Strict}})
	if err == nil || !strings.Contains(err.Error(), "--credentials") {
		t.Fatalf("server.New = %v", err)
	}
}
