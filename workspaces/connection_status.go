package workspaces

import (
	"context"
	"slices"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// connectionState is what a WorkSpace's connection looks like in wslocal,
// where no client ever connects: a running WorkSpace is DISCONNECTED, and
// one that is not running (stopped, busy, failed, gone) is UNKNOWN, as AWS
// shows for a stopped WorkSpace.
func connectionState(state string) api.ConnectionState {
	if state == wsAvailable {
		return api.ConnectionStateDisconnected
	}
	return api.ConnectionStateUnknown
}

// DescribeWorkspacesConnectionStatus lists the caller's WorkSpaces' connection
// states by id order, 25 a page; ids in WorkspaceIds that name no WorkSpace
// are left out, as DescribeWorkspaces leaves them out.
func (s *Service) DescribeWorkspacesConnectionStatus(ctx context.Context, in *api.DescribeWorkspacesConnectionStatusRequest) (*api.DescribeWorkspacesConnectionStatusResult, error) {
	if err := distinct("WorkspaceIds", in.WorkspaceIds); err != nil {
		return nil, err
	}
	after, err := decodeToken("DescribeWorkspacesConnectionStatus", in.NextToken, 1)
	if err != nil {
		return nil, err
	}
	p := partition(ctx)
	out := &api.DescribeWorkspacesConnectionStatusResult{WorkspacesConnectionStatus: []api.WorkspaceConnectionStatus{}}
	err = s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		rs, err := tx.ListResources(ctx, p, kindWorkspace, "", 0)
		if err != nil {
			return err
		}
		for i := range rs {
			r := &rs[i]
			if (after != nil && r.ID <= after[0]) || (in.WorkspaceIds != nil && !slices.Contains(in.WorkspaceIds, r.ID)) {
				continue
			}
			if len(out.WorkspacesConnectionStatus) == defaultPageSize {
				out.NextToken = encodeToken("DescribeWorkspacesConnectionStatus", *out.WorkspacesConnectionStatus[defaultPageSize-1].WorkspaceId)
				break
			}
			// Checked now; with no client there is no last connection.
			out.WorkspacesConnectionStatus = append(out.WorkspacesConnectionStatus, api.WorkspaceConnectionStatus{
				WorkspaceId:                   api.String(r.ID),
				ConnectionState:               connectionState(r.State),
				ConnectionStateCheckTimestamp: api.TimeOf(now),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
