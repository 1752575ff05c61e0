package workspaces

import (
	"fmt"
	"testing"

	"github.com/wslocal/wslocal/store"
)

// TestWorkspaceFacts: the facts kept for a document are those of that
// document, a changed document is decoded afresh, a document that does not
// decode is an error and is not kept, and the kept facts stay bounded.
func TestWorkspaceFacts(t *testing.T) {
	doc := func(os, compute string) *store.Resource {
		return &store.Resource{Kind: kindWorkspace, ID: "ws-1", Doc: fmt.Appendf(nil,
			`{"WorkspaceId":"ws-1","WorkspaceProperties":{"OperatingSystemName":%q,"ComputeTypeName":%q}}`, os, compute)}
	}
	for range 2 { // decoded, then kept
		for _, c := range []struct{ os, compute string }{{"WINDOWS_10", "STANDARD"}, {"UBUNTU_22_04", "POWER"}, {"WINDOWS_10", "POWER"}} {
			f, err := workspaceFacts(doc(c.os, c.compute))
			if err != nil || string(f.os) != c.os || string(f.compute) != c.compute {
				t.Errorf("workspaceFacts(%s, %s) = %+v, %v", c.os, c.compute, f, err)
			}
		}
	}
	if f, err := workspaceFacts(&store.Resource{Kind: kindWorkspace, ID: "ws-1", Doc: []byte(`{}`)}); err != nil || f != (appFacts{}) {
		t.Errorf("workspaceFacts({}) = %+v, %v, want no facts", f, err)
	}
	bad := &store.Resource{Kind: kindWorkspace, ID: "ws-1", Doc: []byte(`{"WorkspaceProperties":1}`)}
	for range 2 {
		if _, err := workspaceFacts(bad); err == nil {
			t.Error("workspaceFacts of a document that does not decode: no error")
		}
	}
	for i := range docCacheSize + 10 {
		if _, err := workspaceFacts(doc("WINDOWS_10", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	docFacts.mu.RLock()
	n := len(docFacts.m)
	docFacts.mu.RUnlock()
	if n > docCacheSize {
		t.Errorf("%d documents' facts kept, want at most %d", n, docCacheSize)
	}
}
