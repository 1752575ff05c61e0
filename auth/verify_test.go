package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// serverNow is the server's wall clock in these tests.
var serverNow = time.Date(2024, 1, 1, 0, 25, 0, 0, time.UTC)

const testBody = `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`

func testKeys(t testing.TB) *Keys {
	t.Helper()
	ks, err := NewKeys(
		Key{AccessKey: "AKIAWSLOCALTEST", SecretKey: "s3cret", Account: "111122223333"},
		Key{AccessKey: "444455556666", SecretKey: "other"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func strict(t testing.TB) *Authenticator {
	return &Authenticator{Mode: Strict, Keys: testKeys(t), Now: func() time.Time { return serverNow }}
}

// signed is a request as the Go SDK sends it, signed at `at` with the
// given secret; edit runs before signing.
func signed(t testing.TB, accessKey, secret, region string, at time.Time, body string, edit func(*http.Request)) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "WorkspacesService.DescribeImageAssociations")
	r.Header.Set("Amz-Sdk-Invocation-Id", "8d3f6c8e-0000-4000-8000-000000000000")
	if edit != nil {
		edit(r)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), SigningService, region, at); err != nil {
		t.Fatal(err)
	}
	return r
}

func wantAuthError(t *testing.T, err error, status int, code, msg string) {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want *auth.Error %s", err, err, code)
	}
	if ae.Status != status || ae.Code != code {
		t.Fatalf("got %d %s (%q), want %d %s", ae.Status, ae.Code, ae.Message, status, code)
	}
	if !strings.Contains(ae.Message, msg) {
		t.Fatalf("%s message %q does not contain %q", code, ae.Message, msg)
	}
}

func TestStrictAcceptsSDKSignatures(t *testing.T) {
	a := strict(t)
	for _, tc := range []struct {
		name string
		at   time.Time
		edit func(*http.Request)
	}{
		{"now", serverNow, nil},
		{"14m59s ago", serverNow.Add(-14*time.Minute - 59*time.Second), nil},
		{"15m ago exactly", serverNow.Add(-MaxSkew), nil},
		{"15m ahead exactly", serverNow.Add(MaxSkew), nil},
		{"content sha256 header", serverNow, func(r *http.Request) {
			sum := sha256.Sum256([]byte(testBody))
			r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		}},
		{"header with spaces and several values", serverNow, func(r *http.Request) {
			r.Header.Add("X-Custom", "  a   b ")
			r.Header.Add("X-Custom", "c")
		}},
		{"query string", serverNow, func(r *http.Request) { r.URL.RawQuery = "b=2&a=1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := signed(t, "AKIAWSLOCALTEST", "s3cret", "eu-west-1", tc.at, testBody, tc.edit)
			c, err := a.Authenticate(r, []byte(testBody))
			if err != nil {
				t.Fatalf("refused: %v\n%s", err, r.Header.Get("Authorization"))
			}
			want := Caller{AccessKey: "AKIAWSLOCALTEST", Account: "111122223333", Region: "eu-west-1"}
			if c != want {
				t.Fatalf("caller %+v, want %+v", c, want)
			}
		})
	}
	// A key without an account in the file is AccountFor(key).
	r := signed(t, "444455556666", "other", "us-west-2", serverNow, testBody, nil)
	if c, err := a.Authenticate(r, []byte(testBody)); err != nil || c.Account != "444455556666" || c.Region != "us-west-2" {
		t.Fatalf("Authenticate = %+v, %v", c, err)
	}
}

func TestStrictSessionToken(t *testing.T) {
	a := strict(t)
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(testBody))
	sum := sha256.Sum256([]byte(testBody))
	creds := aws.Credentials{AccessKeyID: "AKIAWSLOCALTEST", SecretAccessKey: "s3cret", SessionToken: "tok"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), SigningService, "us-east-1", serverNow); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(r, []byte(testBody)); err != nil {
		t.Fatalf("signed with a session token: %v", err)
	}
	r.Header.Set("X-Amz-Security-Token", "other")
	wantAuthError(t, errOf(a.Authenticate(r, []byte(testBody))), 403, "InvalidSignatureException", signatureMismatch)
}

func errOf(_ Caller, err error) error { return err }

func TestStrictRefusals(t *testing.T) {
	a := strict(t)
	good := func(edit func(*http.Request)) *http.Request {
		return signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow, testBody, edit)
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		body   string
		after  func(*http.Request) // after signing: what an attacker or a proxy changes
		status int
		code   string
		msg    string
	}{
		{name: "no header", req: httptest.NewRequest(http.MethodPost, "/", nil),
			status: 403, code: "MissingAuthenticationTokenException", msg: "Missing Authentication Token"},
		{name: "malformed", req: good(nil), after: func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x") },
			status: 403, code: "IncompleteSignatureException", msg: "requires 'Signature' parameter"},
		{name: "wrong secret", req: signed(t, "AKIAWSLOCALTEST", "wrong", "us-east-1", serverNow, testBody, nil),
			status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "unknown key", req: signed(t, "AKIAUNKNOWN", "s3cret", "us-east-1", serverNow, testBody, nil),
			status: 403, code: "UnrecognizedClientException", msg: "The security token included in the request is invalid."},
		{name: "expired", req: signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), testBody, nil),
			status: 403, code: "InvalidSignatureException",
			msg: "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (20240101T002500Z - 15 min.)"},
		{name: "one second past the window", req: signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow.Add(-MaxSkew-time.Second), testBody, nil),
			status: 403, code: "InvalidSignatureException", msg: "Signature expired: 20240101T000959Z is now earlier than 20240101T001000Z"},
		{name: "future", req: signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow.Add(20*time.Minute), testBody, nil),
			status: 403, code: "InvalidSignatureException",
			msg: "Signature not yet current: 20240101T004500Z is still later than 20240101T004000Z (20240101T002500Z + 15 min.)"},
		{name: "body changed", req: good(nil), body: strings.Replace(testBody, "0123456789", "0123456788", 1),
			status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "signed header changed", req: good(nil), after: func(r *http.Request) { r.Header.Set("X-Amz-Target", "WorkspacesService.DeleteWorkspaceImage") },
			status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "host changed", req: good(nil), after: func(r *http.Request) { r.Host = "evil.example:4599" },
			status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "signed header removed", req: good(nil), after: func(r *http.Request) { r.Header.Del("Amz-Sdk-Invocation-Id") },
			status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "signed headers list shortened", req: good(nil), after: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(h, "amz-sdk-invocation-id;", "", 1))
		}, status: 403, code: "InvalidSignatureException", msg: signatureMismatch},
		{name: "claimed payload hash differs", req: good(func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
		}), status: 403, code: "InvalidSignatureException", msg: "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{name: "no X-Amz-Date", req: good(nil), after: func(r *http.Request) { r.Header.Del("X-Amz-Date") },
			status: 403, code: "IncompleteSignatureException", msg: "requires existence of either a 'X-Amz-Date' or a 'Date' header"},
		{name: "Date only", req: good(nil), after: func(r *http.Request) {
			r.Header.Del("X-Amz-Date")
			r.Header.Set("Date", "Mon, 01 Jan 2024 00:25:00 GMT")
		}, status: 403, code: "IncompleteSignatureException", msg: "has only 'Date'"},
		{name: "bad X-Amz-Date", req: good(nil), after: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2024-01-01T00:25:00Z") },
			status: 403, code: "IncompleteSignatureException", msg: "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:25:00Z'."},
		{name: "scope date differs", req: good(nil), after: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20240102T002500Z") },
			status: 403, code: "InvalidSignatureException",
			msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240101' != '20240102', from '20240102T002500Z'."},
		{name: "another service", req: good(nil), after: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/workspaces/", "/ec2/", 1))
		}, status: 403, code: "InvalidSignatureException", msg: "Credential should be scoped to correct service: 'workspaces'."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.after != nil {
				tc.after(tc.req)
			}
			body := tc.body
			if body == "" {
				body = testBody
			}
			_, err := a.Authenticate(tc.req, []byte(body))
			wantAuthError(t, err, tc.status, tc.code, tc.msg)
		})
	}
}

func TestAcceptAndOffModes(t *testing.T) {
	bare := httptest.NewRequest(http.MethodPost, "/", nil)
	for _, a := range []*Authenticator{nil, {}, {Mode: Accept}} {
		_, err := a.Authenticate(bare, nil)
		wantAuthError(t, err, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")

		// The signature is not checked: a wrong secret and an old date pass.
		r := signed(t, "123456789012", "anything", "ap-south-1", time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), testBody, nil)
		c, err := a.Authenticate(r, []byte("not the signed body"))
		if want := (Caller{AccessKey: "123456789012", Account: "123456789012", Region: "ap-south-1"}); err != nil || c != want {
			t.Fatalf("accept: %+v, %v; want %+v", c, err, want)
		}
		r.Header.Set("Authorization", "Bearer abc")
		_, err = a.Authenticate(r, nil)
		wantAuthError(t, err, 403, "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'Bearer'.")
	}

	off := &Authenticator{Mode: Off}
	if c, err := off.Authenticate(bare, nil); err != nil || c != (Caller{Account: DefaultAccount, Region: DefaultRegion}) {
		t.Fatalf("off, unsigned: %+v, %v", c, err)
	}
	r := signed(t, "123456789012", "x", "eu-west-1", serverNow, testBody, nil)
	if c, err := off.Authenticate(r, nil); err != nil || c.Account != "123456789012" || c.Region != "eu-west-1" {
		t.Fatalf("off, signed: %+v, %v", c, err)
	}
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"off", "accept", "strict"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "Strict", "on", "none"} {
		if _, err := ParseMode(s); err == nil {
			t.Errorf("ParseMode(%q) accepted", s)
		}
	}
}
