package gosdk_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// connectionStates maps WorkSpace id to its connection state, over every page.
func connectionStates(t *testing.T, c *workspaces.Client, ids ...string) map[string]types.ConnectionState {
	t.Helper()
	in := &workspaces.DescribeWorkspacesConnectionStatusInput{WorkspaceIds: ids}
	out := map[string]types.ConnectionState{}
	for {
		page, err := c.DescribeWorkspacesConnectionStatus(context.Background(), in)
		if err != nil {
			t.Fatalf("DescribeWorkspacesConnectionStatus: %v", err)
		}
		if len(page.WorkspacesConnectionStatus) > 25 {
			t.Fatalf("page of %d, want at most 25", len(page.WorkspacesConnectionStatus))
		}
		for _, s := range page.WorkspacesConnectionStatus {
			id := aws.ToString(s.WorkspaceId)
			if _, dup := out[id]; dup {
				t.Fatalf("%s listed twice", id)
			}
			if s.ConnectionStateCheckTimestamp == nil || s.LastKnownUserConnectionTimestamp != nil {
				t.Errorf("%s: check time %v, last connection %v; want a check time and no connection", id,
					s.ConnectionStateCheckTimestamp, s.LastKnownUserConnectionTimestamp)
			}
			out[id] = s.ConnectionState
		}
		if page.NextToken == nil {
			return out
		}
		in.NextToken = page.NextToken
	}
}

// TestWorkspacesConnectionStatus: no client ever connects, so an AVAILABLE
// WorkSpace is DISCONNECTED and any other UNKNOWN; the caller sees only its
// own WorkSpaces, 25 a page.
func TestWorkspacesConnectionStatus(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	registerDirectory(t, c, "d-0123456789")
	srv.Advance(time.Minute)
	bundle := publicBundleID(t, c, perfWin10)
	ws := createWorkspace(t, c, "d-0123456789", bundle, "alice")
	if got := connectionStates(t, c, ws); got[ws] != types.ConnectionStateUnknown || len(got) != 1 {
		t.Errorf("PENDING WorkSpace: %v, want UNKNOWN", got)
	}
	srv.Advance(time.Minute)
	if got := connectionStates(t, c, ws, "ws-unknown00"); got[ws] != types.ConnectionStateDisconnected || len(got) != 1 {
		t.Errorf("AVAILABLE WorkSpace (and an unknown id): %v, want only %s DISCONNECTED", got, ws)
	}
	if _, err := c.RebootWorkspaces(ctx, &workspaces.RebootWorkspacesInput{
		RebootWorkspaceRequests: []types.RebootRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	if got := connectionStates(t, c, ws); got[ws] != types.ConnectionStateUnknown {
		t.Errorf("REBOOTING WorkSpace: %v, want UNKNOWN", got)
	}
	srv.Advance(time.Minute)

	// 30 more: the listing pages and holds every one.
	for i := 0; i < 30; i++ {
		createWorkspace(t, c, "d-0123456789", bundle, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	srv.Advance(time.Minute)
	all := connectionStates(t, c)
	if len(all) != 31 {
		t.Errorf("listed %d WorkSpaces, want 31", len(all))
	}
	for id, st := range all {
		if st != types.ConnectionStateDisconnected {
			t.Errorf("%s: %s, want DISCONNECTED", id, st)
		}
	}

	other := newClient(srv.AWSConfigFor("222222222222", "us-east-1"))
	if got := connectionStates(t, other); len(got) != 0 {
		t.Errorf("another account sees %v", got)
	}
	if got := connectionStates(t, other, ws); len(got) != 0 {
		t.Errorf("another account sees %v by id", got)
	}
	_, err := c.DescribeWorkspacesConnectionStatus(ctx, &workspaces.DescribeWorkspacesConnectionStatusInput{NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValuesException")
}
