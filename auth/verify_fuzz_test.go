package auth

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

const fuzzTarget = "WorkspacesService.DescribeImageAssociations"

// FuzzVerify feeds strict mode hostile Authorization, X-Amz-Date, target
// and body values. Whatever they are, it must answer one of the four 403
// refusals or accept; and it may accept only the request that was really
// signed (the seed), since a fuzzer cannot forge an HMAC.
func FuzzVerify(f *testing.F) {
	good := signed(f, "AKIAWSLOCALTEST", "s3cret", "us-east-1", serverNow, testBody, func(r *http.Request) {
		r.Header.Set("X-Amz-Target", fuzzTarget)
	})
	goodAuth, goodDate := good.Header.Get("Authorization"), good.Header.Get("X-Amz-Date")
	f.Add(goodAuth, goodDate, fuzzTarget, []byte(testBody))
	f.Add(strings.ReplaceAll(goodAuth, ", ", ","), goodDate, fuzzTarget, []byte(testBody))
	f.Add(goodAuth, goodDate, fuzzTarget, []byte(testBody+" "))
	f.Add(goodAuth, "20240101T002501Z", fuzzTarget, []byte(testBody))
	f.Add(goodAuth, "20231231T235959Z", fuzzTarget, []byte(testBody))
	f.Add(goodAuth, "", fuzzTarget, []byte(testBody))
	f.Add(strings.Replace(goodAuth, "AKIAWSLOCALTEST", "AKIAUNKNOWN", 1), goodDate, fuzzTarget, []byte(testBody))
	f.Add(strings.Replace(goodAuth, "/workspaces/", "/ec2/", 1), goodDate, fuzzTarget, []byte(testBody))
	f.Add(strings.Replace(goodAuth, "SignedHeaders=", "SignedHeaders=x-amz-security-token;", 1), goodDate, fuzzTarget, []byte{})
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAWSLOCALTEST/20240101/us-east-1/workspaces/aws4_request, SignedHeaders=host, Signature=00", goodDate, "", []byte(nil))
	f.Add("", "", "", []byte(nil))
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAWSLOCALTEST/99999999/us-east-1/workspaces/aws4_request,SignedHeaders=content-length;host,Signature=1", "99999999T999999Z", "x", []byte("\xff"))

	a := strict(f)
	codes := regexp.MustCompile(`^(MissingAuthenticationToken|IncompleteSignature|InvalidSignature|UnrecognizedClient)Exception$`)
	f.Fuzz(func(t *testing.T, authz, amzDate, target string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("Amz-Sdk-Invocation-Id", good.Header.Get("Amz-Sdk-Invocation-Id"))
		// Header values cannot hold CR, LF or NUL on the wire; net/http
		// refuses them before a handler runs.
		clean := func(s string) string { return strings.Map(dropCtl, s) }
		for name, v := range map[string]string{"Authorization": authz, "X-Amz-Date": amzDate, "X-Amz-Target": target} {
			if v = clean(v); v != "" {
				r.Header.Set(name, v)
			}
		}
		c, err := a.Authenticate(r, body)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.Status != 403 || !codes.MatchString(ae.Code) || ae.Message == "" {
				t.Fatalf("refusal %#v is not one of the 403 auth errors with a message", err)
			}
			return
		}
		if clean(amzDate) != goodDate || clean(target) != fuzzTarget || !bytes.Equal(body, []byte(testBody)) {
			t.Fatalf("accepted a request that was not the signed one: date %q target %q body %q auth %q", amzDate, target, body, authz)
		}
		if c.Account != "111122223333" || c.Region != "us-east-1" || c.AccessKey != "AKIAWSLOCALTEST" {
			t.Fatalf("accepted as %+v", c)
		}
		if d, _ := time.Parse(amzDateLayout, goodDate); checkSkew(d, serverNow) != nil {
			t.Fatal("accepted outside the time window")
		}
	})
}

func dropCtl(r rune) rune {
	if r == '\r' || r == '\n' || r == 0 {
		return -1
	}
	return r
}
