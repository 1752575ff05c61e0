package workspaces

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Standby WorkSpaces (Multi-Region Resilience). The API reference:
// CreateStandbyWorkspaces "Creates a standby WorkSpace in a secondary
// Region"; PrimaryRegion is "The Region of the primary WorkSpace", and
// DirectoryId "The identifier of the directory for the standby
// WorkSpace". The administration guide: "After setting up a user directory
// in your secondary Region, select the WorkSpace in your primary Region
// that you want to create a standby WorkSpace for. The system
// automatically mirrors the primary WorkSpace bundle images to the
// secondary Region"; data replication "replicates data one-way from the
// primary Region to the secondary Region", from snapshots "taken every 12
// hours".
//
// So the call is made in the standby's Region, the caller's partition,
// and the primary lives in the partition (same account, PrimaryRegion).
// Both are written in the one transaction of the call: the store's
// transactions span the partitions of an account, and the service never
// calls itself. Each side keeps a reference to the other (relatedRef);
// what DescribeWorkspaces shows of the other side (its state, the standby's
// replication) is read from the other partition when it is described.

// relatedRef names the other WorkSpace of a standby pair.
type relatedRef struct {
	Region      string `json:"region"`
	WorkspaceID string `json:"workspaceId"`
}

func (r *relatedRef) partition(account string) store.Partition {
	return store.Partition{Account: account, Region: r.Region}
}

// CreateStandbyWorkspaces creates, in the caller's Region, a standby for
// each primary WorkSpace of PrimaryRegion; each request succeeds or fails
// on its own.
func (s *Service) CreateStandbyWorkspaces(ctx context.Context, in *api.CreateStandbyWorkspacesRequest) (*api.CreateStandbyWorkspacesResult, error) {
	p := partition(ctx)
	pp := store.Partition{Account: p.Account, Region: *in.PrimaryRegion}
	if pp.Region == p.Region {
		return nil, invalidParameter("PrimaryRegion %s is the Region of this call: a standby WorkSpace is created in another Region than its primary.", pp.Region)
	}
	if len(in.StandbyWorkspaces) > s.quotas.PerCreate {
		return nil, limitExceeded("At most %d standby WorkSpaces can be created in one call.", s.quotas.PerCreate)
	}
	// The primaries' partition is brought up to date first, in its own
	// transaction, like a view of another partition does.
	if err := s.catchUp(ctx, pp); err != nil {
		return nil, err
	}
	out := &api.CreateStandbyWorkspacesResult{FailedStandbyRequests: []api.FailedCreateStandbyWorkspacesRequest{},
		PendingStandbyRequests: []api.PendingCreateStandbyWorkspacesRequest{}}
	err := s.updateWith(ctx, p, []store.Partition{pp}, func(tx store.Tx, now time.Time) error {
		out.FailedStandbyRequests, out.PendingStandbyRequests = out.FailedStandbyRequests[:0], out.PendingStandbyRequests[:0]
		existing, err := s.listWorkspaces(ctx, tx, p)
		if err != nil {
			return err
		}
		for i := range in.StandbyWorkspaces {
			req := in.StandbyWorkspaces[i]
			ws, code, msg, err := s.createStandby(ctx, tx, p, pp, &req, existing, now)
			if err != nil {
				return err
			}
			if code != "" {
				out.FailedStandbyRequests = append(out.FailedStandbyRequests, api.FailedCreateStandbyWorkspacesRequest{
					StandbyWorkspaceRequest: &req, ErrorCode: api.String(code), ErrorMessage: api.String(msg)})
				continue
			}
			existing = append(existing, *ws)
			out.PendingStandbyRequests = append(out.PendingStandbyRequests, api.PendingCreateStandbyWorkspacesRequest{
				UserName: ws.doc.UserName, DirectoryId: ws.doc.DirectoryId, State: api.WorkspaceState(ws.res.State), WorkspaceId: ws.doc.WorkspaceId})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createStandby creates one standby WorkSpace in p for a primary of pp, or
// returns why it cannot (an error code and message of FailedStandbyRequests).
func (s *Service) createStandby(ctx context.Context, tx store.Tx, p, pp store.Partition, req *api.StandbyWorkspace,
	existing []storedWorkspace, now time.Time) (*storedWorkspace, string, string, error) {
	primaryID := *req.PrimaryWorkspaceId
	pr, pw, err := getDoc[workspace](ctx, tx, pp, kindWorkspace, primaryID)
	if isNotFound(err) {
		return nil, "ResourceNotFound.Workspace", fmt.Sprintf("The WorkSpace %s could not be found in %s.", primaryID, pp.Region), nil
	}
	if err != nil {
		return nil, "", "", err
	}
	if pw.Primary != nil {
		return nil, "OperationNotSupported", fmt.Sprintf("The WorkSpace %s is itself the standby of %s; a standby cannot have a standby.",
			primaryID, pw.Primary.WorkspaceID), nil
	}
	if pw.Standby != nil {
		sr, err := tx.GetResource(ctx, pw.Standby.partition(p.Account), kindWorkspace, pw.Standby.WorkspaceID)
		if err != nil && !isNotFound(err) {
			return nil, "", "", err
		}
		if err == nil && sr.State != wsTerminated {
			return nil, "ResourceExists.Standby", fmt.Sprintf("The WorkSpace %s already has the standby WorkSpace %s in %s.",
				primaryID, pw.Standby.WorkspaceID, pw.Standby.Region), nil
		}
	}
	if pr.State != wsAvailable && pr.State != wsStopped {
		return nil, "InvalidResourceState.Workspace", fmt.Sprintf("The WorkSpace %s is %s; a standby can be created for an AVAILABLE or STOPPED WorkSpace.",
			primaryID, pr.State), nil
	}
	dirID := *req.DirectoryId
	dirRes, dir, err := getDoc[directory](ctx, tx, p, kindDirectory, dirID)
	if isNotFound(err) {
		return nil, "ResourceNotFound.Directory", fmt.Sprintf("The directory %s is not registered in %s.", dirID, p.Region), nil
	}
	if err != nil {
		return nil, "", "", err
	}
	if dirRes.State != dirRegistered {
		return nil, "InvalidResourceState.Directory", fmt.Sprintf("The directory %s is %s, not REGISTERED.", dirID, dirRes.State), nil
	}
	if err := checkNewTags(req.Tags, s.quotas.Tags); err != nil {
		return nil, "InvalidParameterValuesException", err.Error(), nil
	}
	user := api.ToString(pw.UserName)
	live := 0
	for _, w := range existing {
		if w.res.State == wsTerminated {
			continue
		}
		live++
		if user != undefinedUser && api.ToString(w.doc.DirectoryId) == dirID && strings.EqualFold(api.ToString(w.doc.UserName), user) {
			return nil, "ResourceExists.User", fmt.Sprintf("The user %s already has WorkSpace %s in directory %s.", user, w.res.ID, dirID), nil
		}
	}
	if live >= s.quotas.Workspaces {
		return nil, "ResourceLimitExceeded", fmt.Sprintf("You have reached the quota of %d WorkSpaces in %s.", s.quotas.Workspaces, p.Region), nil
	}
	state, err := next(kindWorkspace, "", none, evCreate)
	if err != nil {
		return nil, "", "", err
	}
	id := newKindID(kindWorkspace)
	var props api.WorkspaceProperties // an imported document may lack them
	if pw.WorkspaceProperties != nil {
		props = *pw.WorkspaceProperties
	}
	replication := req.DataReplication
	if replication == "" {
		replication = api.DataReplicationNoReplication
	}
	sw := &workspace{ImageID: pw.ImageID, Primary: &relatedRef{Region: pp.Region, WorkspaceID: primaryID}, Workspace: api.Workspace{
		WorkspaceId: api.String(id), DirectoryId: req.DirectoryId, UserName: pw.UserName, BundleId: pw.BundleId,
		SubnetId: api.String(dir.subnets()[0]), ComputerName: api.String(newComputerName()),
		VolumeEncryptionKey: req.VolumeEncryptionKey, UserVolumeEncryptionEnabled: pw.UserVolumeEncryptionEnabled,
		RootVolumeEncryptionEnabled: pw.RootVolumeEncryptionEnabled, WorkspaceName: pw.WorkspaceName,
		WorkspaceProperties:     &props,
		DataReplicationSettings: &api.DataReplicationSettings{DataReplication: replication},
	}}
	if err := s.placeWorkspace(ctx, tx, p, dir, sw, existing); err != nil {
		var full *errNoAddress
		if errors.As(err, &full) {
			return nil, "InsufficientIpAddresses", fmt.Sprintf("The subnet %s has no free IP address.", full.subnet), nil
		}
		return nil, "", "", err
	}
	r := &store.Resource{Partition: p, Kind: kindWorkspace, ID: id, State: state, Created: now}
	schedule(r, now, s.Durations().Workspace)
	if err := putDoc(ctx, tx, r, sw); err != nil {
		return nil, "", "", err
	}
	if err := tx.PutTags(ctx, p, id, storeTags(req.Tags)); err != nil {
		return nil, "", "", err
	}
	// The primary, in its own partition of the account, in this transaction.
	pw.Standby = &relatedRef{Region: p.Region, WorkspaceID: id}
	if err := putDoc(ctx, tx, pr, pw); err != nil {
		return nil, "", "", err
	}
	return &storedWorkspace{r, sw}, "", "", nil
}

// relatedWire adds to out what a WorkSpace of a standby pair shows of the
// other side: RelatedWorkspaces on both, StandbyWorkspacesProperties on the
// primary, DataReplicationSettings on the standby. With PRIMARY_AS_SOURCE
// the RecoverySnapshotTime is the primary's latest snapshot (snapshots.go),
// the one last copied; with NO_REPLICATION there is none. A side that no
// longer exists is left out.
func (s *Service) relatedWire(ctx context.Context, tx store.Tx, p store.Partition, r *store.Resource, w *workspace, now time.Time, out *api.Workspace) error {
	ref, kind := w.Standby, api.StandbyWorkspaceRelationshipTypeStandby
	if w.Primary != nil {
		ref, kind = w.Primary, api.StandbyWorkspaceRelationshipTypePrimary
	}
	if ref == nil {
		return nil
	}
	other := ref.partition(p.Account)
	if err := s.current(ctx, tx, p, other, now); err != nil {
		return err
	}
	or, ow, err := getDoc[workspace](ctx, tx, other, kindWorkspace, ref.WorkspaceID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	out.RelatedWorkspaces = []api.RelatedWorkspaceProperties{{WorkspaceId: api.String(ref.WorkspaceID), Region: api.String(ref.Region),
		State: api.WorkspaceState(or.State), Type: kind}}
	if kind == api.StandbyWorkspaceRelationshipTypeStandby {
		settings := replicationOf(ow, r, w, now)
		out.StandbyWorkspacesProperties = []api.StandbyWorkspacesProperties{{StandbyWorkspaceId: api.String(ref.WorkspaceID),
			DataReplication: settings.DataReplication, RecoverySnapshotTime: settings.RecoverySnapshotTime}}
		return nil
	}
	out.DataReplicationSettings = replicationOf(w, or, ow, now)
	return nil
}

// replicationOf is the replication of a standby from its primary.
func replicationOf(standby *workspace, pr *store.Resource, primary *workspace, now time.Time) *api.DataReplicationSettings {
	mode := api.DataReplicationNoReplication
	if standby.DataReplicationSettings != nil && standby.DataReplicationSettings.DataReplication != "" {
		mode = standby.DataReplicationSettings.DataReplication
	}
	out := &api.DataReplicationSettings{DataReplication: mode}
	if mode == api.DataReplicationPrimaryAsSource {
		if t, ok := primary.lastSnapshot(pr, now); ok {
			out.RecoverySnapshotTime = api.TimeOf(t)
		}
	}
	return out
}
