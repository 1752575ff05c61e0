package auth

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseKeysJSONAndYAML(t *testing.T) {
	want := map[string]Key{
		"AKIAADMIN": {AccessKey: "AKIAADMIN", SecretKey: "admin-secret", Account: "111122223333"},
		"AKIAREAD": {AccessKey: "AKIAREAD", SecretKey: "read-secret", Account: "111122223333",
			Allow: []string{"workspaces:Describe*"}, Deny: []string{"workspaces:DescribeImageAssociations"}},
		"444455556666": {AccessKey: "444455556666", SecretKey: "x", Account: "444455556666"},
	}
	files := map[string]string{
		"json": `[
			{"accessKey": "AKIAADMIN", "secretKey": "admin-secret", "account": "111122223333"},
			{"accessKey": "AKIAREAD", "secretKey": "read-secret", "account": "111122223333",
			 "allow": ["workspaces:Describe*"], "deny": ["workspaces:DescribeImageAssociations"]},
			{"accessKey": "444455556666", "secretKey": "x"}
		]`,
		"yaml": `
# who may call wslocal
- accessKey: AKIAADMIN
  secretKey: admin-secret
  account: "111122223333"
- accessKey: AKIAREAD
  secretKey: read-secret
  account: "111122223333"
  allow: [workspaces:Describe*]
  deny:
    - workspaces:DescribeImageAssociations
- {accessKey: "444455556666", secretKey: x}
`,
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials."+name)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			ks, err := LoadKeys(path)
			if err != nil {
				t.Fatal(err)
			}
			if ks.Len() != len(want) {
				t.Fatalf("%d keys, want %d", ks.Len(), len(want))
			}
			for id, w := range want {
				got, ok := ks.Lookup(id)
				if !ok || !reflect.DeepEqual(got, w) {
					t.Errorf("Lookup(%s) = %+v, %v; want %+v", id, got, ok, w)
				}
			}
		})
	}
}

func TestParseKeysErrors(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"empty", ``, "no credentials"},
		{"empty list", `[]`, "no credentials"},
		{"not a list", `{"accessKey": "a", "secretKey": "b"}`, "YAML"},
		{"bad JSON", `[{"accessKey": "a",}]`, "JSON"},
		{"JSON unknown field", `[{"accessKey": "a", "secretKey": "b", "denny": ["*"]}]`, `unknown field "denny"`},
		{"YAML unknown field", "- accessKey: a\n  secretKey: b\n  alow: ['*']\n", "alow"},
		{"no access key", `[{"secretKey": "b"}]`, "entry 1: accessKey is empty"},
		{"no secret", `[{"accessKey": "a"}]`, `entry 1 (accessKey "a"): secretKey is empty`},
		{"slash in key", `[{"accessKey": "a/b", "secretKey": "b"}]`, "cannot contain"},
		{"duplicate", `[{"accessKey": "a", "secretKey": "b"}, {"accessKey": "a", "secretKey": "c"}]`, "entry 2 (accessKey \"a\"): the access key is listed twice"},
		{"bad account", `[{"accessKey": "a", "secretKey": "b", "account": "12345"}]`, `account "12345" is not 12 digits`},
		{"bad action", `[{"accessKey": "a", "secretKey": "b", "allow": ["ec2:RunInstances"]}]`, `allow: "ec2:RunInstances" is not a WorkSpaces action`},
		{"bad deny", `[{"accessKey": "a", "secretKey": "b", "deny": ["DescribeImageAssociations"]}]`, "deny: "},
		{"JSON trailing data", `[{"accessKey": "a", "secretKey": "b"}] []`, "data after the list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeys([]byte(tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseKeys = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := LoadKeys(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "--credentials") {
		t.Fatalf("LoadKeys(missing) = %v", err)
	}
}

func TestEmptyAllowListIsPresent(t *testing.T) {
	ks, err := ParseKeys([]byte("- accessKey: a\n  secretKey: b\n  allow: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ks.Lookup("a")
	if k.Allow == nil {
		t.Fatal("allow: [] decoded as absent; it must deny everything")
	}
}
