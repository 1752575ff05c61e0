package auth

import (
	"net/http"
	"strings"
	"testing"
)

// TestStrictHeadersThatDecideMustBeSigned: a request signed without
// X-Amz-Target (or Content-Type, or another X-Amz-* header) and given one
// afterwards would let a captured DescribeTags be re-aimed at DeleteTags
// without the secret; strict mode refuses it from its headers alone.
func TestStrictHeadersThatDecideMustBeSigned(t *testing.T) {
	a := strict(t)
	for _, c := range []struct {
		name    string
		unsign  string // removed before signing, added back after
		value   string
		missing string
	}{
		{"re-aimed target", "X-Amz-Target", "WorkspacesService.DeleteTags", "x-amz-target"},
		{"content type", "Content-Type", "application/x-amz-json-1.1", "content-type"},
		{"session token", "X-Amz-Security-Token", "tok", "x-amz-security-token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow, testBody, func(r *http.Request) { r.Header.Del(c.unsign) })
			r.Header.Set(c.unsign, c.value)
			_, err := a.CheckHeaders(r)
			wantAuthError(t, err, 403, "InvalidSignatureException", "There were headers present in the request which were not signed: "+c.missing)
			_, err = a.Authenticate(r, []byte(testBody))
			wantAuthError(t, err, 403, "InvalidSignatureException", c.missing)
		})
	}
	// What the SDKs send passes: every header but User-Agent and the like is signed.
	r := signed(t, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow, testBody, func(r *http.Request) {
		r.Header.Set("X-Amz-User-Agent", "aws-sdk-js/3")
	})
	r.Header.Set("User-Agent", "aws-cli/2")
	r.Header.Set("X-Amzn-Trace-Id", "Root=1-0")
	if _, err := a.Authenticate(r, []byte(testBody)); err != nil {
		t.Errorf("an SDK's request: %v", err)
	}
	if !strings.Contains(r.Header.Get("Authorization"), "x-amz-target") {
		t.Fatal("the signer did not sign x-amz-target")
	}
}

// TestCheckHeadersBeforeTheBody: the refusals that need no body are made
// by CheckHeaders, which the protocol layer calls before reading it.
func TestCheckHeadersBeforeTheBody(t *testing.T) {
	a := strict(t)
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", nil)
	_, err := a.CheckHeaders(r)
	wantAuthError(t, err, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
	r = signed(t, "AKIAUNKNOWN", "x", "us-east-1", serverNow, testBody, nil)
	_, err = a.CheckHeaders(r)
	wantAuthError(t, err, 403, "UnrecognizedClientException", "")
	r = signed(t, "AKIAWSLOCALTEST", "wrong", "us-east-1", serverNow, testBody, nil)
	p, err := a.CheckHeaders(r)
	if err != nil {
		t.Fatalf("a wrong secret is known only with the body: %v", err)
	}
	_, err = p.Finish(r, []byte(testBody))
	wantAuthError(t, err, 403, "InvalidSignatureException", "does not match")
}
