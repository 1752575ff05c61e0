package auth

import (
	"errors"
	"regexp"
	"testing"
)

// regionRE restates the region rule independently of validRegion, so the fuzz
// check does not merely agree with the code under test.
var regionRE = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/workspaces/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Signature=abc,Credential=123456789012/20240101/eu-west-1/workspaces/aws4_request,SignedHeaders=host")
	f.Add("AWS4-HMAC-SHA256 Credential=/20240101/us-east-1/workspaces/aws4_request, SignedHeaders=host, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=;, Signature=")
	f.Add("AWS4-HMAC-SHA256 ,,, = ,Credential==/=/=/=/aws4_request")
	f.Add("")
	f.Fuzz(func(t *testing.T, header string) {
		c, err := ParseAuthorization(header)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("error %v (%T) is not a *ParseError with a message", err, err)
			}
			return
		}
		if c.AccessKey == "" {
			t.Fatalf("successful parse with empty AccessKey: %q", header)
		}
		if !regionRE.MatchString(c.Region) {
			t.Fatalf("successful parse with invalid region %q: %q", c.Region, header)
		}
		if c.Signature == "" || len(c.SignedHeaders) == 0 {
			t.Fatalf("successful parse with missing components: %+v", c)
		}
	})
}
