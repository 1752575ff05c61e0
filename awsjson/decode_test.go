package awsjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/api"
)

// TestDecodeHardened covers what encoding/json alone lets through or
// turns into something else; each must be a SerializationException.
func TestDecodeHardened(t *testing.T) {
	nested := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	list := func(n int, item string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
	}
	for _, tc := range []struct {
		name, body, msg string
	}{
		{"nesting in an unknown member", `{"X":` + nested(100) + `}`, "The request body nests deeper than 64 levels."},
		{"nesting far beyond encoding/json's limit", `{"X":` + nested(20000) + `}`, "depth"},
		{"objects nested", `{"X":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat(`}`, 70) + `}`, "nests deeper than 64 levels"},
		{"huge list of a member", `{"ImageIds":` + list(10001, `"wsi-0123456789"`) + `}`, "The list 'ImageIds' has more than 10000 items."},
		{"huge list of nulls", `{"ImageIds":` + list(200000, `null`) + `}`, "has more than 10000 items"},
		{"huge unknown list", `{"Padding":` + list(10001, `0`) + `}`, "The list 'Padding' has more than 10000 items."},
		{"invalid UTF-8", "{\"NextToken\":\"a\xffb\"}", "The request body is not valid UTF-8."},
		{"UTF-8 encoded surrogate", "{\"NextToken\":\"\xed\xa0\x80\"}", "not valid UTF-8"},
		{"overlong UTF-8", "{\"NextToken\":\"\xc0\xaf\"}", "not valid UTF-8"},
		{"invalid UTF-8 in a key", "{\"\xff\":1}", "not valid UTF-8"},
		{"lone high surrogate", `{"NextToken":"\ud800"}`, "A string in 'NextToken' escapes a lone UTF-16 surrogate"},
		{"lone low surrogate", `{"NextToken":"\udc00x"}`, "lone UTF-16 surrogate"},
		{"high surrogate then a letter", `{"NextToken":"\ud800\u0041"}`, "lone UTF-16 surrogate"},
		{"two high surrogates", `{"NextToken":"\ud800\ud800"}`, "lone UTF-16 surrogate"},
		{"surrogate in a key", `{"\ud800":1}`, "A string in the request escapes a lone UTF-16 surrogate"},
		{"surrogate in a list", `{"ImageIds":["\uDBFF"]}`, "A string in 'ImageIds' escapes"},
		{"duplicate member", `{"NextToken":"a","NextToken":"b"}`, "Member 'NextToken' appears twice in the request."},
		{"duplicate unknown member", `{"X":1,"X":2}`, "Member 'X' appears twice"},
		{"duplicate by escape", `{"NextToken":"a","\u004eextToken":"b"}`, "Member 'NextToken' appears twice"},
		{"duplicate nested", `{"X":{"a":[{"b":1,"b":1}]}}`, "Member 'X.a.b' appears twice"},
		{"member in another case", `{"nexttoken":"a"}`, "Member 'nexttoken' is not 'NextToken': member names are case-sensitive."},
		{"member in another case beside the right one", `{"NextToken":"a","NEXTTOKEN":"b"}`, "is not 'NextToken'"},
		{"integer out of range", `{"MaxResults":99999999999}`, "Unexpected JSON number 99999999999 for MaxResults: expected an integer."},
		{"integer overflowing float64", `{"MaxResults":1e400}`, "Unexpected JSON number 1e400 for MaxResults"},
		{"negative overflow", `{"MaxResults":-1e400}`, "Unexpected JSON number -1e400"},
		{"fraction for an integer", `{"MaxResults":5.5}`, "Unexpected JSON number 5.5 for MaxResults: expected an integer."},
		{"long number is clipped", `{"MaxResults":1` + strings.Repeat("0", 5000) + `}`, "..."},
		{"string for a list", `{"ImageIds":"wsi-0123456789"}`, "Unexpected JSON string for ImageIds: expected a list."},
		{"object for a string", `{"NextToken":{}}`, "Unexpected JSON object for NextToken: expected a string."},
		{"trailing garbage", `{"NextToken":"a"} x`, "The request body is not valid JSON"},
		{"unterminated", `{"NextToken":"a`, "The request body is not valid JSON"},
		{"two objects", `{}{}`, "not valid JSON"},
		{"array body", `[{}]`, "The request body must be a JSON object."},
		{"null body", `null`, "The request body must be a JSON object."},
		{"byte order mark", "\xef\xbb\xbf{}", "The request body must be a JSON object."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := decode([]byte(tc.body), &api.DescribeWorkspaceImagesRequest{})
			var fe *frameworkError
			if !errors.As(err, &fe) || fe.code != "SerializationException" || fe.status != 400 {
				t.Fatalf("decode = %v, want a 400 SerializationException", err)
			}
			if !strings.Contains(fe.message, tc.msg) {
				t.Fatalf("message %q does not contain %q", fe.message, tc.msg)
			}
			if len(fe.message) > 400 {
				t.Fatalf("message of %d bytes echoes the input", len(fe.message))
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	t.Run("nulls are absent", func(t *testing.T) {
		var in api.DescribeWorkspaceImagesRequest
		if err := decode([]byte(`{"ImageIds":null,"NextToken":null,"MaxResults":null,"ImageType":null}`), &in); err != nil {
			t.Fatal(err)
		}
		if in.ImageIds != nil || in.NextToken != nil || in.MaxResults != nil || in.ImageType != "" {
			t.Fatalf("nulls set members: %+v", in)
		}
	})
	t.Run("surrogate pair and escapes", func(t *testing.T) {
		var in api.DescribeWorkspaceImagesRequest
		if err := decode([]byte(`{"NextToken":"\ud83d\ude00 \"\\\/\n\u00e9"}`), &in); err != nil {
			t.Fatal(err)
		}
		if got := *in.NextToken; got != "😀 \"\\/\né" {
			t.Fatalf("NextToken = %q", got)
		}
	})
	t.Run("map keys differing in case", func(t *testing.T) {
		var in api.ImportClientBrandingRequest
		body := `{"ResourceId":"d-1234567890","DeviceTypeWindows":{"LoginMessage":{"en_US":"a","EN_us":"b"}}}`
		if err := decode([]byte(body), &in); err != nil {
			t.Fatal(err)
		}
		if m := in.DeviceTypeWindows.LoginMessage; m["en_US"] != "a" || m["EN_us"] != "b" {
			t.Fatalf("LoginMessage = %v", m)
		}
	})
	t.Run("the same key in sibling objects", func(t *testing.T) {
		var in api.CreateTagsRequest
		if err := decode([]byte(`{"ResourceId":"wsi-0123456789","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}`), &in); err != nil {
			t.Fatal(err)
		}
		if len(in.Tags) != 2 {
			t.Fatalf("Tags = %+v", in.Tags)
		}
	})
	t.Run("limits are inclusive", func(t *testing.T) {
		body := `{"ImageIds":[` + strings.TrimSuffix(strings.Repeat(`"x",`, maxArrayLen), ",") + `],"X":` +
			strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`
		var in api.DescribeWorkspaceImagesRequest
		if err := decode([]byte(body), &in); err != nil {
			t.Fatal(err)
		}
		if len(in.ImageIds) != maxArrayLen {
			t.Fatalf("%d ImageIds", len(in.ImageIds))
		}
	})
}
