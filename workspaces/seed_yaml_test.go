package workspaces_test

import (
	"strings"
	"testing"

	ws "github.com/wslocal/wslocal/workspaces"
)

// YAML the library cannot decode, or panics on, is a problem of the file
// at a line and column, never a panic.
func TestSeedYAMLTagsAreReportedNotPanicked(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"accounts: !!binary AAAA\n", "s.yaml:1:11: accounts: the YAML tag !!binary is not supported in a seed file"},
		{"accounts:\n  - images: !!binary AAAA\n", "s.yaml:2:13: accounts[0].images: the YAML tag !!binary is not supported"},
		{"accounts:\n  - account: !!timestamp 2001-12-14\n", "s.yaml:2:14: accounts[0].account: the YAML tag !!timestamp is not supported"},
		{"accounts: !custom {}\n", "s.yaml:1:11: accounts: the YAML tag !custom is not supported"},
		{"accounts: !!set {a: null}\n", "s.yaml:1:11: accounts: the YAML tag !!set is not supported"},
		// The library panics decoding a string into the list: recovered.
		{"accounts: !!str 12\n", "s.yaml:1:11: accounts: the YAML library cannot read this: runtime error"},
	} {
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("%q: ParseSeed panicked: %v", c.doc, v)
				}
			}()
			_, err := ws.ParseSeed("s.yaml", []byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: ParseSeed = %v, want an error containing %q", c.doc, err, c.want)
			}
		}()
	}
}
