package workspaces

import (
	"context"
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
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeWorkspacesConnectionStatus", in.NextToken, 1, defaultPageSize,
		func(tx store.Tx, now time.Time, pg *page[api.WorkspaceConnectionStatus]) error {
			return eachResource(ctx, tx, p, kindWorkspace, in.WorkspaceIds, pg, func(r *store.Resource) error {
				// Checked now; with no client there is no last connection.
				return pg.add(api.WorkspaceConnectionStatus{
					WorkspaceId:                   api.String(r.ID),
					ConnectionState:               connectionState(r.State),
					ConnectionStateCheckTimestamp: api.TimeOf(now),
				}, r.ID)
			})
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspacesConnectionStatusResult{WorkspacesConnectionStatus: items, NextToken: next}, nil
}
