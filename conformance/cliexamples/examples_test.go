package cliexamples

import (
	"reflect"
	"testing"
)

// TestParseFile reads an example the way the shipped files write them:
// CRLF line ends, a command continued with backslashes, shell quoting, an
// output block with an elision.
func TestParseFile(t *testing.T) {
	rst := "**Example 1**\r\n\r\n    aws workspaces create-workspaces \\\r\n" +
		"        --workspaces DirectoryId=d-926722edaf,UserName='\"[UNDEFINED]\"',WorkspaceName=W1\r\n\r\n" +
		"Output::\r\n\r\n    [\r\n        [\"a\", \"wsb-1\"],\r\n        ...\r\n    ]\r\n\r\nFor more information.\r\n\r\n" +
		"**Example 2**\r\n\r\n    aws workspaces delete-tags --resource-id ws-1 --tag-keys \"Cost Center\"\r\n\r\nThis command produces no output.\r\n"
	exs, err := parseFile("create-workspaces", rst)
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{Name: "create-workspaces#1", Args: []string{"workspaces", "create-workspaces", "--workspaces",
			`DirectoryId=d-926722edaf,UserName="[UNDEFINED]",WorkspaceName=W1`},
			Output: []any{[]any{"a", "wsb-1"}}, Elided: true},
		{Name: "create-workspaces#2", Args: []string{"workspaces", "delete-tags", "--resource-id", "ws-1", "--tag-keys", "Cost Center"}},
	}
	if !reflect.DeepEqual(exs, want) {
		t.Fatalf("parsed\n%#v\nwant\n%#v", exs, want)
	}
}
