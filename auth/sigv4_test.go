package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestFromRequestSDKSigned guards against drift from what real SDK clients send.
func TestFromRequestSDKSigned(t *testing.T) {
	body := `{}`
	req := httptest.NewRequest(http.MethodPost, "https://workspaces.eu-west-1.amazonaws.com/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "WorkspacesService.DescribeWorkspaces")
	sum := sha256.Sum256([]byte(body))
	payloadHash := hex.EncodeToString(sum[:])

	creds := aws.Credentials{AccessKeyID: "123456789012", SecretAccessKey: "x"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash, "workspaces", "eu-west-1", time.Now()); err != nil {
		t.Fatal(err)
	}

	cred, err := ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("SDK header rejected: %v\n%s", err, req.Header.Get("Authorization"))
	}
	if cred.Service != "workspaces" || len(cred.Signature) != 64 || len(cred.SignedHeaders) == 0 {
		t.Fatalf("unexpected credential %+v", cred)
	}

	want := Caller{AccessKey: "123456789012", Account: "123456789012", Region: "eu-west-1"}
	if got := FromRequest(req); got != want {
		t.Fatalf("FromRequest = %+v, want %+v", got, want)
	}
}
