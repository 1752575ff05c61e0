package workspaces

import (
	"context"
	"errors"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// MigrateWorkspace. The API reference: the migration "recreates the
// WorkSpace by using a new root volume from the target bundle image and the
// user volume from the last available snapshot of the original WorkSpace";
// TargetWorkspaceId is "the new identifier of the WorkSpace". The
// administration guide ("Migrate a WorkSpace"): "When you initiate the
// migration process, a new WorkSpace is created"; the original is replaced.
//
// In wslocal the source goes SUSPENDED (nothing may touch it meanwhile),
// and one WorkSpace step later, when the new WorkSpace (PENDING) becomes
// AVAILABLE, TERMINATING and then TERMINATED. The new WorkSpace has the
// source's user, directory, running mode, tags and encryption, the target
// bundle's image, compute, protocol and root volume, and the larger of the
// two user volumes.

// migrateRefusal is why a WorkSpace in state cannot be migrated: one still
// changing is OperationInProgressException ("The properties of this
// WorkSpace are currently being modified. Try again in a moment."), one
// that is not healthy ResourceUnavailableException.
func migrateRefusal(id, state string) error {
	switch state {
	case wsPending, wsStarting, wsStopping, wsRebooting, wsRebuilding, wsRestoring, wsSuspended,
		string(api.WorkspaceStateUpdating), string(api.WorkspaceStateMaintenance):
		return inProgress("The WorkSpace %s is %s; try again once it is AVAILABLE or STOPPED.", id, state)
	}
	return unavailable(id, "The WorkSpace %s is %s; only AVAILABLE or STOPPED WorkSpaces can be migrated.", id, state)
}

// isBYOL: wslocal's BYOL bundles, public ("Windows 10 (BYOL)", "Windows 11
// (BYOL)") or made from imported images, are the only ones that run
// Windows 10 or 11; the others run Windows Server or Linux.
func isBYOL(os api.OperatingSystemName) bool {
	return os == api.OperatingSystemNameWindows10 || os == api.OperatingSystemNameWindows11
}

// migrationProblem is why the administration guide's "Migrate a WorkSpace"
// does not allow moving a WorkSpace to the bundle to, or nil.
func migrationProblem(id string, w *workspace, toID string, to *bundle) error {
	src, dst := w.os(), to.OSName
	switch {
	case api.ToString(w.BundleId) == toID:
		// "If you want to refresh your WorkSpace using the same bundle,
		// rebuild the WorkSpace instead."
		return invalidParameter("The WorkSpace %s already runs bundle %s; rebuild it instead of migrating it to the same bundle.", id, toID)
	case !isWindows(src) || !isWindows(dst):
		// "Migrating Linux WorkSpaces is not currently supported."
		return notSupported("", "Migrating Linux WorkSpaces is not supported: WorkSpace %s runs %s, bundle %s runs %s.", id, src, toID, dst)
	case dst == api.OperatingSystemNameWindows7:
		// "You cannot migrate to a public or custom Windows 7 desktop
		// experience bundle."
		return notSupported("", "WorkSpaces cannot be migrated to a Windows 7 bundle such as %s.", toID)
	case isBYOL(src) && !isBYOL(dst):
		// "You can migrate BYOL WorkSpaces only to other BYOL bundles."
		return notSupported("", "WorkSpace %s runs a BYOL bundle and can be migrated only to another BYOL bundle; %s is not one.", id, toID)
	case !isBYOL(src) && isBYOL(dst):
		// "You cannot migrate a WorkSpace created from public or custom
		// bundles to a BYOL bundle."
		return notSupported("", "WorkSpace %s does not run a BYOL bundle and cannot be migrated to the BYOL bundle %s.", id, toID)
	case src == api.OperatingSystemNameWindows11 && dst == api.OperatingSystemNameWindows10:
		// "migration from Windows 11 to Windows 10 is not supported."
		return notSupported("", "WorkSpace %s runs Windows 11 and cannot be migrated to the Windows 10 bundle %s.", id, toID)
	case src == api.OperatingSystemNameWindows7 && dst == api.OperatingSystemNameWindows11:
		// "Migrating from Windows 7 WorkSpaces directly to Windows 11 is
		// not supported."
		return notSupported("", "WorkSpace %s runs Windows 7; migrate it to Windows 10 before Windows 11.", id)
	case dst == api.OperatingSystemNameWindows11 && (w.WorkspaceProperties.ComputeTypeName == api.ComputeValue ||
		to.ComputeType != nil && to.ComputeType.Name == api.ComputeValue):
		// "Value bundles are not supported on Windows 11."
		return notSupported("", "Value WorkSpaces are not supported on Windows 11: switch WorkSpace %s to a bigger compute type before migrating it to %s.", id, toID)
	}
	return nil
}

// MigrateWorkspace replaces a WorkSpace with a new one on another bundle.
func (s *Service) MigrateWorkspace(ctx context.Context, in *api.MigrateWorkspaceRequest) (*api.MigrateWorkspaceResult, error) {
	p := partition(ctx)
	var target string
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, w, err := getWorkspace(ctx, tx, p, *in.SourceWorkspaceId)
		if err != nil {
			return err
		}
		state, err := next(kindWorkspace, r.ID, r.State, evMigrate)
		if err != nil {
			return err
		}
		if w.WorkspaceProperties == nil { // an imported document may lack them
			w.WorkspaceProperties = &api.WorkspaceProperties{}
		}
		bRes, b, err := findBundle(ctx, tx, p, *in.BundleId)
		if err != nil {
			return err
		}
		if err := migrationProblem(r.ID, w, *in.BundleId, b); err != nil {
			return err
		}
		if code, msg, err := s.bundleLaunchable(ctx, tx, p, bRes, b); code != "" || err != nil {
			if err != nil {
				return err
			}
			return unavailable(*in.BundleId, "%s", msg)
		}
		if _, ok := w.lastSnapshot(r, now); !ok {
			// The user volume comes from the last snapshot.
			return unavailable(r.ID, noSnapshot, r.ID)
		}
		if w.Standby != nil || w.Primary != nil {
			return notSupported("", "The WorkSpace %s is part of a standby pair (Multi-Region Resilience) and cannot be migrated.", r.ID)
		}
		dirID := api.ToString(w.DirectoryId)
		dirRes, dir, err := getDoc[directory](ctx, tx, p, kindDirectory, dirID)
		if isNotFound(err) || err == nil && dirRes.State != dirRegistered {
			return unavailable(dirID, "The directory %s of WorkSpace %s is not REGISTERED.", dirID, r.ID)
		}
		if err != nil {
			return err
		}
		nw, err := s.migrated(ctx, tx, p, r, w, dir, *in.BundleId, b, now)
		if err != nil {
			return err
		}
		target, w.MigratedTo = nw, nw
		w.setState(r, state, now)
		schedule(r, now, s.Durations().Workspace)
		return putDoc(ctx, tx, r, w)
	})
	if err != nil {
		return nil, err
	}
	return &api.MigrateWorkspaceResult{SourceWorkspaceId: in.SourceWorkspaceId, TargetWorkspaceId: api.String(target)}, nil
}

// migrated creates the WorkSpace that replaces src on bundle b and returns
// its id.
func (s *Service) migrated(ctx context.Context, tx store.Tx, p store.Partition, src *store.Resource, w *workspace,
	dir *directory, bundleID string, b *bundle, now time.Time) (string, error) {
	props := w.WorkspaceProperties
	req := &api.WorkspaceRequest{DirectoryId: w.DirectoryId, UserName: w.UserName, BundleId: api.String(bundleID),
		VolumeEncryptionKey: w.VolumeEncryptionKey, UserVolumeEncryptionEnabled: w.UserVolumeEncryptionEnabled,
		RootVolumeEncryptionEnabled: w.RootVolumeEncryptionEnabled, WorkspaceName: w.WorkspaceName}
	id := newKindID(kindWorkspace)
	nw, msg := newWorkspace(id, dir, b, req)
	if msg != "" {
		return "", invalidParameter("%s", msg)
	}
	np := nw.WorkspaceProperties
	np.RunningMode, np.RunningModeAutoStopTimeoutInMinutes = props.RunningMode, props.RunningModeAutoStopTimeoutInMinutes
	if u := api.ToInt32(props.UserVolumeSizeGib, 0); u > api.ToInt32(np.UserVolumeSizeGib, 0) {
		np.UserVolumeSizeGib = api.Int32(u)
	}
	existing, err := s.listWorkspaces(ctx, tx, p)
	if err != nil {
		return "", err
	}
	if err := s.placeWorkspace(ctx, tx, p, dir, nw, existing); err != nil {
		var full *errNoAddress
		if errors.As(err, &full) {
			return "", unavailable(full.subnet, "The subnet %s has no free IP address for the migrated WorkSpace.", full.subnet)
		}
		return "", err
	}
	state, err := next(kindWorkspace, id, none, evCreate)
	if err != nil {
		return "", err
	}
	r := &store.Resource{Partition: p, Kind: kindWorkspace, ID: id, State: state, Created: now}
	schedule(r, now, s.Durations().Workspace)
	if nw.BundleApps, err = s.installBundleApps(ctx, tx, p, bundleID, id, now); err != nil {
		return "", err
	}
	if err := putDoc(ctx, tx, r, nw); err != nil {
		return "", err
	}
	tags, err := tx.Tags(ctx, p, src.ID)
	if err != nil {
		return "", err
	}
	return id, tx.PutTags(ctx, p, id, tags)
}
