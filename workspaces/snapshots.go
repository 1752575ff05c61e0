package workspaces

import (
	"context"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Snapshots. The administration guide ("Restore a WorkSpace"): the first
// snapshots of the root and user volumes are taken soon after a WorkSpace
// is created ("often within 30 minutes"), then every 12 hours while it is
// healthy; RestoreWorkspace recreates both volumes from the last ones,
// RebuildWorkspaces the user volume only (the root volume comes from the
// bundle's image), MigrateWorkspace the user volume.
//
// wslocal keeps no snapshot rows: a WorkSpace's snapshot points lie on the
// grid Created + 30 minutes + k × 12 hours (k ≥ 0), and a point is a
// snapshot when the WorkSpace was AVAILABLE or STOPPED at that instant. The
// document keeps only what that needs (snapHistory), updated by setState
// at every state change, so the snapshots follow from the clock.
const (
	snapshotFirst = 30 * time.Minute
	snapshotEvery = 12 * time.Hour
)

// snapHistory is what a WorkSpace's snapshots are computed from.
type snapHistory struct {
	// HealthySince is when the WorkSpace last became AVAILABLE or STOPPED;
	// nil while it is in any other state.
	HealthySince *time.Time `json:"healthySince,omitempty"`
	// Last is the latest snapshot of the healthy periods before that.
	Last *time.Time `json:"last,omitempty"`
}

// snapshotHealthy: snapshots are taken in these states.
func snapshotHealthy(state string) bool { return state == wsAvailable || state == wsStopped }

// gridPoint is the latest snapshot point of a WorkSpace created at created
// in [from, to], if any.
func gridPoint(created, from, to time.Time) (time.Time, bool) {
	first := created.Add(snapshotFirst)
	if to.Before(first) || to.Before(from) {
		return time.Time{}, false
	}
	p := first.Add(to.Sub(first) / snapshotEvery * snapshotEvery)
	if p.Before(from) {
		return time.Time{}, false
	}
	return p, true
}

// history is w's snapshot history; a WorkSpace stored without one (a seed,
// an older snapshot of the store) has been in its state since it was
// created.
func (w *workspace) history(r *store.Resource) snapHistory {
	if w.Snap != nil {
		return *w.Snap
	}
	if snapshotHealthy(r.State) {
		c := r.Created
		return snapHistory{HealthySince: &c}
	}
	return snapHistory{}
}

// lastSnapshot is the WorkSpace's latest snapshot as of now.
func (w *workspace) lastSnapshot(r *store.Resource, now time.Time) (time.Time, bool) {
	if r.State == wsTerminating || r.State == wsTerminated {
		return time.Time{}, false // its volumes go with it
	}
	h := w.history(r)
	// HealthySince is set only while the WorkSpace is AVAILABLE or STOPPED,
	// unless its state was changed outside setState (an imported snapshot
	// of the store): it then counts as healthy until now.
	if h.HealthySince != nil {
		if p, ok := gridPoint(r.Created, *h.HealthySince, now); ok {
			return p, true
		}
	}
	if h.Last != nil {
		return *h.Last, true
	}
	return time.Time{}, false
}

// setState moves a WorkSpace to state at the instant at, keeping its
// snapshot history. Every state change of a WorkSpace goes through it.
func (w *workspace) setState(r *store.Resource, state string, at time.Time) {
	h := w.history(r)
	was, is := snapshotHealthy(r.State), snapshotHealthy(state)
	if h.HealthySince != nil && !(was && is) {
		if p, ok := gridPoint(r.Created, *h.HealthySince, at); ok {
			h.Last = &p
		}
		h.HealthySince = nil
	}
	if is && h.HealthySince == nil {
		h.HealthySince = &at
	}
	w.Snap = &h
	r.State = state
}

// snapshotsOf is the one snapshot a WorkSpace's rebuild and restore would
// use, as DescribeWorkspaceSnapshots lists it, or none.
func snapshotsOf(t time.Time, ok bool) []api.Snapshot {
	if !ok {
		return []api.Snapshot{}
	}
	return []api.Snapshot{{SnapshotTime: api.TimeOf(t)}}
}

// DescribeWorkspaceSnapshots lists the snapshot a rebuild (user volume)
// and a restore (root and user volumes) of the WorkSpace would use: the
// latest, the one the console shows. Both volumes are snapshotted at the
// same points, so the two lists agree.
func (s *Service) DescribeWorkspaceSnapshots(ctx context.Context, in *api.DescribeWorkspaceSnapshotsRequest) (*api.DescribeWorkspaceSnapshotsResult, error) {
	p := partition(ctx)
	var out *api.DescribeWorkspaceSnapshotsResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		r, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		t, ok := w.lastSnapshot(r, now)
		out = &api.DescribeWorkspaceSnapshotsResult{RebuildSnapshots: snapshotsOf(t, ok), RestoreSnapshots: snapshotsOf(t, ok)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// noSnapshot is the refusal of a restore or migration before the
// WorkSpace's first snapshot.
const noSnapshot = "The WorkSpace %s has no snapshot yet: the first is taken 30 minutes after it is created, then one every 12 hours while it is AVAILABLE or STOPPED."

// RestoreWorkspace recreates a WorkSpace's root and user volumes from its
// latest snapshot: RESTORING, then AVAILABLE. The API reference: "You
// cannot restore a WorkSpace unless its state is AVAILABLE, ERROR,
// UNHEALTHY, or STOPPED." The operation's errors list no
// InvalidResourceStateException: a refusal is OperationNotSupportedException.
func (s *Service) RestoreWorkspace(ctx context.Context, in *api.RestoreWorkspaceRequest) (*api.RestoreWorkspaceResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		state, err := next(kindWorkspace, r.ID, r.State, evRestore)
		if err != nil {
			return err
		}
		if _, ok := w.lastSnapshot(r, now); !ok {
			return notSupported("", noSnapshot, r.ID)
		}
		w.setState(r, state, now)
		schedule(r, now, s.Durations().Workspace)
		return putDoc(ctx, tx, r, w)
	})
	if err != nil {
		return nil, err
	}
	return &api.RestoreWorkspaceResult{}, nil
}
