package awsjson

import (
	"errors"
	"fmt"
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

// TestDecodeBindsByExactName: encoding/json binds a member name to a field
// case-insensitively, with Unicode folding (U+017F ſ is s, U+212A K is k);
// AWS binds by exact name, so such a member is unknown, and ignored like
// any unknown member, even beside the real one.
func TestDecodeBindsByExactName(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []api.ImageAssociatedResourceType
	}{
		{"long s alone", `{"ImageId":"wsi-0123456789","Aſſociatedreſourcetypes":["APPLICATION"]}`, nil},
		{"long s beside the real one", `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"],"AſſociatedResourceTypes":[]}`,
			[]api.ImageAssociatedResourceType{"APPLICATION"}},
		{"long s before the real one", `{"AſſociatedResourceTypes":["X"],"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`,
			[]api.ImageAssociatedResourceType{"APPLICATION"}},
		{"escaped long s", `{"ImageId":"wsi-0123456789","A\u017f\u017fociatedResourceTypes":["APPLICATION"]}`, nil},
		{"lower case", `{"ImageId":"wsi-0123456789","associatedresourcetypes":["APPLICATION"]}`, nil},
		{"upper case beside", `{"ImageId":"wsi-0123456789","ASSOCIATEDRESOURCETYPES":["X"],"AssociatedResourceTypes":["APPLICATION"]}`,
			[]api.ImageAssociatedResourceType{"APPLICATION"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in api.DescribeImageAssociationsRequest
			if err := decode([]byte(tc.body), &in); err != nil {
				t.Fatal(err)
			}
			if in.ImageId == nil || *in.ImageId != "wsi-0123456789" {
				t.Errorf("ImageId = %v", in.ImageId)
			}
			if fmt.Sprint(in.AssociatedResourceTypes) != fmt.Sprint(tc.want) {
				t.Errorf("AssociatedResourceTypes = %q, want %q", in.AssociatedResourceTypes, tc.want)
			}
		})
	}
	var tags api.CreateTagsRequest
	if err := decode([]byte(`{"ResourceId":"wsi-0123456789","Tags":[{"\u212Aey":"kelvin","Key":"k","Value":"v"}]}`), &tags); err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "k" {
		t.Errorf("Tags = %+v, want the Key member only", tags.Tags)
	}
}

// TestNullListMembers: a list with a null member is reported once, at the
// list's path, as AWS's validation framework does ("Value '[null]' at
// 'assets' ... Member must satisfy constraint: [Member must not be null]"
// is Cognito's answer to "Assets":[null]), not as the zero value Go's
// decoder makes of the null.
func TestNullListMembers(t *testing.T) {
	const notNull = "' failed to satisfy constraint: Member must satisfy constraint: [Member must not be null]"
	for _, tc := range []struct {
		name string
		in   api.Input
		body string
		want string
	}{
		{"enum list", &api.DescribeImageAssociationsRequest{}, `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":[null]}`,
			"1 validation error detected: Value '[null]' at 'associatedResourceTypes" + notNull},
		{"null after a value", &api.DescribeImageAssociationsRequest{}, `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION",null]}`,
			"1 validation error detected: Value '[APPLICATION, null]' at 'associatedResourceTypes" + notNull},
		{"beside another violation", &api.DescribeImageAssociationsRequest{}, `{"AssociatedResourceTypes":[ null ]}`,
			"2 validation errors detected: Value null at 'imageId' failed to satisfy constraint: Member must not be null; " +
				"Value '[null]' at 'associatedResourceTypes" + notNull},
		{"list of structures", &api.CreateTagsRequest{}, `{"ResourceId":"wsi-0123456789","Tags":[null]}`,
			"1 validation error detected: Value '[null]' at 'tags" + notNull},
		{"string list without constraints", &api.DescribeWorkspaceImagesRequest{}, `{"ImageIds":["wsi-0123456789",null]}`,
			"1 validation error detected: Value '[wsi-0123456789, null]' at 'imageIds" + notNull},
		{"nested list", &api.CreateWorkspacesRequest{},
			`{"Workspaces":[{"DirectoryId":"d-1234567890","UserName":"u","BundleId":"wsb-123456789","Tags":[null]}]}`,
			"1 validation error detected: Value '[null]' at 'workspaces.1.member.tags" + notNull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nulls, err := decodeInput([]byte(tc.body), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			err = api.ValidateWithNulls(tc.in, nulls)
			var ve *api.ValidationException
			if !errors.As(err, &ve) || ve.Message == nil || *ve.Message != tc.want {
				t.Fatalf("validation = %v\nwant %s", err, tc.want)
			}
		})
	}
	// A null inside a list of an unknown member or of a map value is nothing.
	var in api.DescribeImageAssociationsRequest
	nulls, err := decodeInput([]byte(`{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"],"X":[null]}`), &in)
	if err != nil || len(nulls) != 0 || api.ValidateWithNulls(&in, nulls) != nil {
		t.Errorf("unknown member's null: nulls %v, err %v", nulls, err)
	}
}
