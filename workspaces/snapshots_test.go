package workspaces

import (
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
)

// The snapshot grid: Created + 30 minutes + k × 12 hours, counted only
// while the WorkSpace is AVAILABLE or STOPPED.
func TestSnapshotGridFollowsTheStateHistory(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	r := &store.Resource{State: wsPending, Created: t0}
	w := &workspace{}
	last := func(now time.Duration) string {
		p, ok := w.lastSnapshot(r, at(now))
		if !ok {
			return "none"
		}
		return p.Sub(t0).String()
	}
	check := func(now time.Duration, want string) {
		t.Helper()
		if got := last(now); got != want {
			t.Errorf("at +%v (%s): last snapshot +%s, want +%s", now, r.State, got, want)
		}
	}
	check(time.Hour, "none") // PENDING: nothing
	w.setState(r, wsAvailable, at(time.Second))
	check(29*time.Minute, "none")
	check(30*time.Minute, "30m0s")
	check(12*time.Hour+29*time.Minute, "30m0s")
	check(12*time.Hour+30*time.Minute, "12h30m0s")
	w.setState(r, wsStopping, at(13*time.Hour))
	check(24*time.Hour+30*time.Minute, "12h30m0s") // STOPPING at the point: none
	w.setState(r, wsStopped, at(24*time.Hour+31*time.Minute))
	check(36*time.Hour, "12h30m0s")
	check(36*time.Hour+30*time.Minute, "36h30m0s") // STOPPED counts
	w.setState(r, wsMaintenance, at(37*time.Hour))
	check(60*time.Hour+30*time.Minute, "36h30m0s")
	w.setState(r, wsTerminating, at(61*time.Hour))
	check(61*time.Hour, "none") // the volumes go with the WorkSpace
}

// A WorkSpace stored without a history (a seed) has been in its state
// since it was created; one whose state was changed behind setState keeps
// the points of its healthy period.
func TestSnapshotsWithoutHistory(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &store.Resource{State: wsStopped, Created: t0}
	w := &workspace{}
	if p, ok := w.lastSnapshot(r, t0.Add(13*time.Hour)); !ok || !p.Equal(t0.Add(12*time.Hour+30*time.Minute)) {
		t.Errorf("seeded STOPPED: %v %v, want +12h30m", p, ok)
	}
	r.State = wsError
	if _, ok := w.lastSnapshot(r, t0.Add(13*time.Hour)); ok {
		t.Errorf("seeded ERROR has a snapshot")
	}
	r.State = wsAvailable
	w.setState(r, wsAvailable, t0) // history starts
	r.State = wsError              // behind setState
	if p, ok := w.lastSnapshot(r, t0.Add(time.Hour)); !ok || !p.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("ERROR behind setState: %v %v, want +30m", p, ok)
	}
	w.setState(r, wsRestoring, t0.Add(time.Hour))
	if p, ok := w.lastSnapshot(r, t0.Add(13*time.Hour)); !ok || !p.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("RESTORING: %v %v, want +30m", p, ok)
	}
}
