package workspaces

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// changeWorkspaces applies ev to each WorkSpace, collecting refusals as
// FailedRequests the way AWS's batch calls report them.
func (s *Service) changeWorkspaces(ctx context.Context, ids []string, ev event) ([]api.FailedWorkspaceChangeRequest, error) {
	p := partition(ctx)
	failed := []api.FailedWorkspaceChangeRequest{}
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		failed = failed[:0] // a store may run fn again
		for _, id := range ids {
			code, msg, err := s.changeWorkspace(ctx, tx, p, id, ev, now)
			if err != nil {
				return err
			}
			if code != "" {
				failed = append(failed, api.FailedWorkspaceChangeRequest{WorkspaceId: api.String(id),
					ErrorCode: api.String(code), ErrorMessage: api.String(msg)})
			}
		}
		return nil
	})
	return failed, err
}

func (s *Service) changeWorkspace(ctx context.Context, tx store.Tx, p store.Partition, id string, ev event, now time.Time) (string, string, error) {
	r, w, err := getDoc[workspace](ctx, tx, p, kindWorkspace, id)
	if isNotFound(err) {
		return "ResourceNotFound", fmt.Sprintf("The WorkSpace %s could not be found.", id), nil
	}
	if err != nil {
		return "", "", err
	}
	// Only AUTO_STOP and MANUAL WorkSpaces can be stopped and started.
	if (ev == evStop || ev == evStart) && w.WorkspaceProperties.RunningMode == api.RunningModeAlwaysOn {
		return "UnsupportedWorkspaceConfiguration", fmt.Sprintf(
			"The WorkSpace %s runs in ALWAYS_ON mode; only AUTO_STOP and MANUAL WorkSpaces can be stopped and started.", id), nil
	}
	state, err := next(kindWorkspace, id, r.State, ev)
	if err != nil {
		// The FailedRequest carries the refusal's message, not its code too.
		if e, ok := err.(*api.InvalidResourceStateException); ok {
			return "InvalidResourceState", api.ToString(e.Message), nil
		}
		return "", "", err
	}
	if state == sameAsStart {
		return "", "", nil
	}
	if ev == evRebuild {
		// A rebuild reinstalls the bundle's current image: it must still be there.
		bRes, b, err := findBundle(ctx, tx, p, api.ToString(w.BundleId))
		if err != nil {
			return "", "", err
		}
		if code, msg, err := s.bundleLaunchable(ctx, tx, p, bRes, b); code != "" || err != nil {
			return code, msg, err
		}
	}
	w.setState(r, state, now)
	schedule(r, now, s.Durations().Workspace)
	if ev == evRebuild {
		if err := s.rebuildApps(ctx, tx, p, r, w, now); err != nil {
			return "", "", err
		}
	}
	return "", "", putDoc(ctx, tx, r, w)
}

// rebuildApps reinstalls a rebuilt WorkSpace's applications: those of its
// bundle's current image, and those it had installed itself.
func (s *Service) rebuildApps(ctx context.Context, tx store.Tx, p store.Partition, r *store.Resource, w *workspace, now time.Time) error {
	_, b, err := findBundle(ctx, tx, p, api.ToString(w.BundleId))
	if err != nil {
		return err
	}
	w.ImageID = api.ToString(b.ImageId)
	w.WorkspaceProperties.OperatingSystemName = b.OSName
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocWorkspace, ResourceID: r.ID})
	if err != nil {
		return err
	}
	for i := range assocs {
		a := &assocs[i]
		if slices.Contains(w.BundleApps, a.ApplicationID) {
			if err := tx.DeleteAssociation(ctx, p, assocKey(a)); err != nil {
				return err
			}
			continue
		}
		state, err := next(kindAssociation, r.ID, a.State, evRebuild)
		if err != nil {
			return err
		}
		if state != sameAsStart {
			a.State, a.Updated, a.DueAt = state, now, now.Add(s.Durations().Deploy)
			if err := tx.PutAssociation(ctx, a); err != nil {
				return err
			}
		}
	}
	w.BundleApps, err = s.installBundleApps(ctx, tx, p, api.ToString(w.BundleId), r.ID, now)
	return err
}

func assocKey(a *store.Association) store.AssociationKey {
	return store.AssociationKey{ApplicationID: a.ApplicationID, ResourceType: a.ResourceType, ResourceID: a.ResourceID}
}

// stepWorkspace finishes a WorkSpace's state change.
func (s *Service) stepWorkspace(ctx context.Context, tx store.Tx, r *store.Resource) error {
	at := r.DueAt
	ev := evStepDone
	if r.State == wsTerminated {
		ev = evExpire
	}
	w, err := loadDoc[workspace](r)
	if err != nil {
		return err
	}
	if r.State == wsSuspended && w.MigratedTo != "" {
		ev = evMigrated // its successor is built (migrate.go)
	}
	state, err := next(kindWorkspace, r.ID, r.State, ev)
	if err != nil {
		return err
	}
	if state == none {
		return deleteResource(ctx, tx, r)
	}
	w.setState(r, state, at)
	r.DueAt = time.Time{}
	if state == wsTerminating {
		// A migrated source goes on to be terminated.
		schedule(r, at, s.Durations().Workspace)
	}
	if state == wsTerminated {
		// A terminated WorkSpace stays listed a while; its applications go.
		r.DueAt = at.Add(s.Durations().Terminated)
		if err := tx.DeleteAssociationsOf(ctx, r.Partition, assocWorkspace, r.ID); err != nil {
			return err
		}
	}
	return putDoc(ctx, tx, r, w)
}

func workspaceIDs[T any](reqs []T, id func(T) *string) []string {
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, api.ToString(id(r)))
	}
	return out
}

// TerminateWorkspaces terminates WorkSpaces.
func (s *Service) TerminateWorkspaces(ctx context.Context, in *api.TerminateWorkspacesRequest) (*api.TerminateWorkspacesResult, error) {
	failed, err := s.changeWorkspaces(ctx, workspaceIDs(in.TerminateWorkspaceRequests, func(r api.TerminateRequest) *string { return r.WorkspaceId }), evTerminate)
	if err != nil {
		return nil, err
	}
	return &api.TerminateWorkspacesResult{FailedRequests: failed}, nil
}

// StartWorkspaces starts STOPPED WorkSpaces.
func (s *Service) StartWorkspaces(ctx context.Context, in *api.StartWorkspacesRequest) (*api.StartWorkspacesResult, error) {
	for _, r := range in.StartWorkspaceRequests {
		if r.WorkspaceId == nil {
			return nil, invalidParameter("Each StartRequest needs a WorkspaceId.")
		}
	}
	failed, err := s.changeWorkspaces(ctx, workspaceIDs(in.StartWorkspaceRequests, func(r api.StartRequest) *string { return r.WorkspaceId }), evStart)
	if err != nil {
		return nil, err
	}
	return &api.StartWorkspacesResult{FailedRequests: failed}, nil
}

// StopWorkspaces stops AVAILABLE WorkSpaces.
func (s *Service) StopWorkspaces(ctx context.Context, in *api.StopWorkspacesRequest) (*api.StopWorkspacesResult, error) {
	for _, r := range in.StopWorkspaceRequests {
		if r.WorkspaceId == nil {
			return nil, invalidParameter("Each StopRequest needs a WorkspaceId.")
		}
	}
	failed, err := s.changeWorkspaces(ctx, workspaceIDs(in.StopWorkspaceRequests, func(r api.StopRequest) *string { return r.WorkspaceId }), evStop)
	if err != nil {
		return nil, err
	}
	return &api.StopWorkspacesResult{FailedRequests: failed}, nil
}

// RebootWorkspaces reboots WorkSpaces.
func (s *Service) RebootWorkspaces(ctx context.Context, in *api.RebootWorkspacesRequest) (*api.RebootWorkspacesResult, error) {
	failed, err := s.changeWorkspaces(ctx, workspaceIDs(in.RebootWorkspaceRequests, func(r api.RebootRequest) *string { return r.WorkspaceId }), evReboot)
	if err != nil {
		return nil, err
	}
	return &api.RebootWorkspacesResult{FailedRequests: failed}, nil
}

// RebuildWorkspaces rebuilds WorkSpaces from their bundle's current image.
func (s *Service) RebuildWorkspaces(ctx context.Context, in *api.RebuildWorkspacesRequest) (*api.RebuildWorkspacesResult, error) {
	failed, err := s.changeWorkspaces(ctx, workspaceIDs(in.RebuildWorkspaceRequests, func(r api.RebuildRequest) *string { return r.WorkspaceId }), evRebuild)
	if err != nil {
		return nil, err
	}
	return &api.RebuildWorkspacesResult{FailedRequests: failed}, nil
}

// ModifyWorkspaceState moves a WorkSpace between AVAILABLE and ADMIN_MAINTENANCE.
func (s *Service) ModifyWorkspaceState(ctx context.Context, in *api.ModifyWorkspaceStateRequest) (*api.ModifyWorkspaceStateResult, error) {
	ev := evResume
	if in.WorkspaceState == api.TargetWorkspaceStateAdminMaintenance {
		ev = evMaintain
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		state, err := next(kindWorkspace, r.ID, r.State, ev)
		if err != nil {
			return err
		}
		if state == sameAsStart {
			return nil
		}
		w.setState(r, state, now)
		return putDoc(ctx, tx, r, w)
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyWorkspaceStateResult{}, nil
}

// ModifyWorkspaceProperties changes a WorkSpace's running mode, volumes,
// compute type, protocols or operating system name. Volumes only grow.
func (s *Service) ModifyWorkspaceProperties(ctx context.Context, in *api.ModifyWorkspacePropertiesRequest) (*api.ModifyWorkspacePropertiesResult, error) {
	if in.WorkspaceProperties == nil && in.DataReplication == "" {
		return nil, invalidParameter("WorkspaceProperties or DataReplication is required.")
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		if r.State != wsAvailable && r.State != wsStopped {
			return invalidState("The WorkSpace %s is %s; its properties can be changed when it is AVAILABLE or STOPPED.", r.ID, r.State)
		}
		if err := modifyProperties(w.WorkspaceProperties, in.WorkspaceProperties); err != nil {
			return err
		}
		if in.DataReplication != "" {
			w.DataReplicationSettings = &api.DataReplicationSettings{DataReplication: in.DataReplication, RecoverySnapshotTime: api.TimeOf(now)}
		}
		return putDoc(ctx, tx, r, w)
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyWorkspacePropertiesResult{}, nil
}

// modifyProperties applies want to have, as the administration guide's
// "Modify a WorkSpace" and the API reference's running mode rules allow.
func modifyProperties(have, want *api.WorkspaceProperties) error {
	if want == nil {
		return nil
	}
	root, user := api.ToInt32(have.RootVolumeSizeGib, 0), api.ToInt32(have.UserVolumeSizeGib, 0)
	newRoot, newUser := api.ToInt32(want.RootVolumeSizeGib, root), api.ToInt32(want.UserVolumeSizeGib, user)
	if newRoot != root || newUser != user {
		if newRoot < root {
			return invalidParameter("RootVolumeSizeGib can only grow: it is %d.", root)
		}
		if newUser < user {
			return invalidParameter("UserVolumeSizeGib can only grow: it is %d.", user)
		}
		if newRoot != root && newUser != user {
			return invalidParameter("The root and user volumes cannot be increased at the same time.")
		}
		if want.ComputeTypeName != "" && want.ComputeTypeName != have.ComputeTypeName {
			return invalidParameter("The volume size and the compute type cannot be changed at the same time.")
		}
		// A WorkSpace launched from a bundle with other sizes (Graphics)
		// may grow each volume up to the maximum.
		if msg := volumeProblem(newRoot, newUser); msg != "" && (volumeProblem(root, user) == "" || newRoot > maxVolumeGiB || newUser > maxVolumeGiB) {
			return invalidParameter("%s", msg)
		}
		have.RootVolumeSizeGib, have.UserVolumeSizeGib = api.Int32(newRoot), api.Int32(newUser)
	}
	mode := have.RunningMode
	if want.RunningMode != "" {
		if want.RunningMode == api.RunningModeManual && have.RunningMode != api.RunningModeManual {
			return unsupportedConfig("%s", manualOnlyCore)
		}
		mode = want.RunningMode
	}
	if mode != api.RunningModeManual {
		if msg := runningModeProblem(mode, want.RunningModeAutoStopTimeoutInMinutes); msg != "" {
			return invalidParameter("%s", msg)
		}
	}
	if mode != have.RunningMode {
		have.RunningModeAutoStopTimeoutInMinutes = nil
		if mode == api.RunningModeAutoStop {
			have.RunningModeAutoStopTimeoutInMinutes = api.Int32(autoStopInterval)
		}
		have.RunningMode = mode
	}
	if want.RunningModeAutoStopTimeoutInMinutes != nil {
		if mode != api.RunningModeAutoStop {
			return invalidParameter("RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with running mode set to %s.", mode)
		}
		have.RunningModeAutoStopTimeoutInMinutes = want.RunningModeAutoStopTimeoutInMinutes
	}
	if want.ComputeTypeName != "" {
		have.ComputeTypeName = want.ComputeTypeName
	}
	if want.Protocols != nil {
		have.Protocols = want.Protocols
	}
	if want.OperatingSystemName != "" {
		have.OperatingSystemName = want.OperatingSystemName
	}
	return nil
}
