package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

const (
	goodCred = "Credential=AKIDEXAMPLE/20240101/us-east-1/workspaces/aws4_request"
	goodSH   = "SignedHeaders=content-type;host;x-amz-date"
	goodSig  = "Signature=abc123"
)

func hdr(parts ...string) string { return "AWS4-HMAC-SHA256 " + strings.Join(parts, ", ") }

func TestParseAuthorizationOK(t *testing.T) {
	want := Credential{
		AccessKey:     "AKIDEXAMPLE",
		Date:          "20240101",
		Region:        "us-east-1",
		Service:       "workspaces",
		SignedHeaders: []string{"content-type", "host", "x-amz-date"},
		Signature:     "abc123",
	}
	tests := []struct {
		name, header string
	}{
		{"canonical", hdr(goodCred, goodSH, goodSig)},
		{"no space after commas", "AWS4-HMAC-SHA256 " + goodCred + "," + goodSH + "," + goodSig},
		{"extra spaces", "AWS4-HMAC-SHA256   " + goodCred + ",    " + goodSH + " ,\t" + goodSig + "  "},
		{"reordered", hdr(goodSig, goodCred, goodSH)},
		{"reordered 2", hdr(goodSH, goodSig, goodCred)},
		{"unknown parameter ignored", hdr(goodCred, "Foo=bar", goodSH, goodSig)},
		{"trailing comma", hdr(goodCred, goodSH, goodSig) + ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorization(tt.header)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseAuthorizationFields(t *testing.T) {
	got, err := ParseAuthorization(hdr("Credential=123456789012/20991231/ap-southeast-2/ec2/aws4_request", "SignedHeaders=host", goodSig))
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKey != "123456789012" || got.Date != "20991231" || got.Region != "ap-southeast-2" || got.Service != "ec2" {
		t.Fatalf("scope parsed wrongly: %+v", got)
	}
	if !reflect.DeepEqual(got.SignedHeaders, []string{"host"}) {
		t.Fatalf("SignedHeaders = %q", got.SignedHeaders)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	tests := []struct {
		name, header, wantMsg string
	}{
		{"empty", "", "Unsupported AWS 'algorithm'"},
		{"algorithm only", "AWS4-HMAC-SHA256", "requires 'Credential' parameter"},
		{"wrong algorithm", "AWS4-HMAC-SHA1 " + goodCred, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'"},
		{"sigv4a", "AWS4-ECDSA-P256-SHA256 " + goodCred, "Unsupported AWS 'algorithm'"},
		{"sigv2", "AWS AKID:sig", "Unsupported AWS 'algorithm'"},
		{"lowercase algorithm", strings.ToLower("AWS4-HMAC-SHA256 ") + goodCred, "Unsupported"},
		{"missing credential", hdr(goodSH, goodSig), "requires 'Credential' parameter"},
		{"missing signed headers", hdr(goodCred, goodSig), "requires 'SignedHeaders' parameter"},
		{"missing signature", hdr(goodCred, goodSH), "requires 'Signature' parameter"},
		{"empty signature", hdr(goodCred, goodSH, "Signature="), "requires 'Signature' parameter"},
		{"all missing", "AWS4-HMAC-SHA256 Foo=bar", "requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
		{"no equal sign", hdr(goodCred, "garbage", goodSH, goodSig), "'garbage' not a valid key=value pair (missing equal-sign)"},
		{"duplicate credential", hdr(goodCred, goodCred, goodSH, goodSig), "duplicate 'Credential'"},
		{"duplicate signature", hdr(goodCred, goodSH, goodSig, goodSig), "duplicate 'Signature'"},
		{"empty access key", hdr("Credential=/20240101/us-east-1/workspaces/aws4_request", goodSH, goodSig), "non-empty access key"},
		{"scope 4 parts", hdr("Credential=AKID/20240101/us-east-1/aws4_request", goodSH, goodSig), "not of the form"},
		{"scope 6 parts", hdr("Credential=AKID/x/20240101/us-east-1/workspaces/aws4_request", goodSH, goodSig), "not of the form"},
		{"scope 1 part", hdr("Credential=AKID", goodSH, goodSig), "not of the form"},
		{"bad terminator", hdr("Credential=AKID/20240101/us-east-1/workspaces/aws4_requesx", goodSH, goodSig), "valid terminator: 'aws4_request', not 'aws4_requesx'"},
		{"empty region", hdr("Credential=AKID/20240101//workspaces/aws4_request", goodSH, goodSig), "valid region, not ''"},
		{"uppercase region", hdr("Credential=AKID/20240101/US-EAST-1/workspaces/aws4_request", goodSH, goodSig), "valid region"},
		{"region with space", hdr("Credential=AKID/20240101/us east/workspaces/aws4_request", goodSH, goodSig), "valid region"},
		{"region with dot", hdr("Credential=AKID/20240101/us.east/workspaces/aws4_request", goodSH, goodSig), "valid region"},
		{"region too long", hdr("Credential=AKID/20240101/"+strings.Repeat("a", 33)+"/workspaces/aws4_request", goodSH, goodSig), "valid region"},
		{"empty signed header name", hdr(goodCred, "SignedHeaders=host;;x-amz-date", goodSig), "semicolon separated"},
		{"trailing semicolon", hdr(goodCred, "SignedHeaders=host;", goodSig), "semicolon separated"},
		{"too long", hdr(goodCred, goodSH, "Signature="+strings.Repeat("a", maxHeaderLen)), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorization(tt.header)
			if err == nil {
				t.Fatalf("expected error, got %+v", got)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError", err)
			}
			if !strings.Contains(pe.Message, tt.wantMsg) {
				t.Fatalf("message %q does not contain %q", pe.Message, tt.wantMsg)
			}
			if !reflect.DeepEqual(got, Credential{}) {
				t.Fatalf("failed parse returned non-zero credential %+v", got)
			}
		})
	}
}

func TestParseAuthorizationRegionBounds(t *testing.T) {
	for _, region := range []string{"a", strings.Repeat("z", 32), "us-gov-west-1", "cn-north-1", "local"} {
		h := hdr("Credential=AKID/20240101/"+region+"/workspaces/aws4_request", goodSH, goodSig)
		if c, err := ParseAuthorization(h); err != nil || c.Region != region {
			t.Errorf("region %q: got %q, %v", region, c.Region, err)
		}
	}
}

func TestParseAuthorizationMaxLength(t *testing.T) {
	base := hdr(goodCred, goodSH, "Signature=")
	exact := base + strings.Repeat("a", maxHeaderLen-len(base))
	if _, err := ParseAuthorization(exact); err != nil {
		t.Fatalf("header of exactly %d bytes rejected: %v", len(exact), err)
	}
	if _, err := ParseAuthorization(exact + "a"); err == nil {
		t.Fatalf("header of %d bytes accepted", len(exact)+1)
	}
}

func TestAccountFor(t *testing.T) {
	tests := []struct{ key, want string }{
		{"123456789012", "123456789012"},
		{"000000000000", "000000000000"},
		{"999999999999", "999999999999"},
		{"", DefaultAccount},
		{"AKIDEXAMPLE", DefaultAccount},
		{"12345678901", DefaultAccount},
		{"1234567890123", DefaultAccount},
		{"12345678901a", DefaultAccount},
		{" 23456789012", DefaultAccount},
		{"１23456789012", DefaultAccount}, // fullwidth digit is not ASCII
		{"test", DefaultAccount},
	}
	for _, tt := range tests {
		if got := AccountFor(tt.key); got != tt.want {
			t.Errorf("AccountFor(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestFromRequest(t *testing.T) {
	def := Caller{Account: DefaultAccount, Region: DefaultRegion}
	tests := []struct {
		name, header string
		want         Caller
	}{
		{"no header", "", def},
		{"unparsable", "Bearer token", def},
		{"bad region", hdr("Credential=123456789012/20240101/EU/workspaces/aws4_request", goodSH, goodSig), def},
		{"numeric key", hdr("Credential=123456789012/20240101/eu-west-1/workspaces/aws4_request", goodSH, goodSig),
			Caller{AccessKey: "123456789012", Account: "123456789012", Region: "eu-west-1"}},
		{"other key", hdr("Credential=AKIDEXAMPLE/20240101/ap-south-1/workspaces/aws4_request", goodSH, goodSig),
			Caller{AccessKey: "AKIDEXAMPLE", Account: DefaultAccount, Region: "ap-south-1"}},
		{"test key", hdr("Credential=test/20240101/us-east-1/workspaces/aws4_request", goodSH, goodSig),
			Caller{AccessKey: "test", Account: DefaultAccount, Region: "us-east-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if got := FromRequest(r); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCallerContext(t *testing.T) {
	if got, want := CallerFrom(context.Background()), (Caller{Account: DefaultAccount, Region: DefaultRegion}); got != want {
		t.Fatalf("CallerFrom(empty) = %+v, want %+v", got, want)
	}
	c := Caller{AccessKey: "k", Account: "111122223333", Region: "eu-central-1"}
	ctx := WithCaller(context.Background(), c)
	if got := CallerFrom(ctx); got != c {
		t.Fatalf("CallerFrom = %+v, want %+v", got, c)
	}
	// An unrelated value under a string key must not be mistaken for a Caller.
	//lint:ignore SA1029 the key collides on purpose
	ctx = context.WithValue(context.Background(), "caller", c)
	if got := CallerFrom(ctx); got.Account != DefaultAccount {
		t.Fatalf("CallerFrom picked up a foreign key: %+v", got)
	}
}
