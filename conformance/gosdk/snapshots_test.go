package gosdk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

const (
	snapDir    = "d-5500000001"
	win2019Std = "Standard with Windows 10 (Server 2019 based)"
)

// snapEnv is a server with a REGISTERED directory at clockStart+1s and an
// AUTO_STOP WorkSpace created then (PENDING).
func snapEnv(t *testing.T) (*wslocaltest.Server, *workspaces.Client, string) {
	t.Helper()
	srv := start(t)
	c := client(srv)
	registerDirectory(t, c, snapDir)
	srv.Advance(time.Second)
	out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(snapDir), BundleId: aws.String(publicBundleID(t, c, win2019Std)),
		UserName: aws.String("alice"), WorkspaceProperties: &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop}})
	if err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: %+v, %v", out, err)
	}
	return srv, c, aws.ToString(out.PendingRequests[0].WorkspaceId)
}

// lastSnapshot returns the one snapshot both lists show ("none" for none),
// as an offset from the WorkSpace's creation at created.
func lastSnapshot(t *testing.T, c *workspaces.Client, ws string, created time.Time) string {
	t.Helper()
	out, err := c.DescribeWorkspaceSnapshots(context.Background(), &workspaces.DescribeWorkspaceSnapshotsInput{WorkspaceId: aws.String(ws)})
	if err != nil {
		t.Fatalf("DescribeWorkspaceSnapshots(%s): %v", ws, err)
	}
	if len(out.RebuildSnapshots) != len(out.RestoreSnapshots) || len(out.RestoreSnapshots) > 1 {
		t.Fatalf("DescribeWorkspaceSnapshots(%s) = %+v / %+v, want the same one snapshot or none in both", ws, out.RebuildSnapshots, out.RestoreSnapshots)
	}
	if len(out.RestoreSnapshots) == 0 {
		return "none"
	}
	rb, rs := aws.ToTime(out.RebuildSnapshots[0].SnapshotTime), aws.ToTime(out.RestoreSnapshots[0].SnapshotTime)
	if !rb.Equal(rs) {
		t.Fatalf("RebuildSnapshots %v != RestoreSnapshots %v", rb, rs)
	}
	return "+" + rs.Sub(created).String()
}

func restore(c *workspaces.Client, ws string) error {
	_, err := c.RestoreWorkspace(context.Background(), &workspaces.RestoreWorkspaceInput{WorkspaceId: aws.String(ws)})
	return err
}

// restoreRefused asserts a RestoreWorkspace refusal: OperationNotSupportedException
// (the operation lists no InvalidResourceStateException) with msg.
func restoreRefused(t *testing.T, c *workspaces.Client, ws, msg string) {
	t.Helper()
	err := restore(c, ws)
	apiError(t, err, "OperationNotSupportedException")
	if e := asType[*types.OperationNotSupportedException](t, err); aws.ToString(e.Message) != msg {
		t.Errorf("RestoreWorkspace(%s) message\n got: %s\nwant: %s", ws, aws.ToString(e.Message), msg)
	}
}

func stateOf(t *testing.T, c *workspaces.Client, ws string) types.WorkspaceState {
	t.Helper()
	return describeWorkspace(t, c, ws).State
}

// The administration guide ("Restore a WorkSpace"): the first snapshots
// are taken soon after a WorkSpace is created (often within 30 minutes),
// then every 12 hours; RestoreWorkspace "You cannot restore a WorkSpace
// unless its state is AVAILABLE, ERROR, UNHEALTHY, or STOPPED". Every
// state on the manual clock.
func TestSnapshotsAndRestoreFollowTheClock(t *testing.T) {
	t.Parallel()
	srv, c, ws := snapEnv(t)
	ctx := context.Background()
	created := clockStart.Add(time.Second)
	at := func(d time.Duration) { t.Helper(); srv.Advance(created.Add(d).Sub(srv.Clock.Now())) }
	snap := func(want string) {
		t.Helper()
		if got := lastSnapshot(t, c, ws, created); got != want {
			t.Errorf("at +%v (%s): snapshot %s, want %s", srv.Clock.Now().Sub(created), stateOf(t, c, ws), got, want)
		}
	}
	notRestorable := func(state string) string {
		return fmt.Sprintf("The WorkSpace %s is %s; only AVAILABLE, ERROR, UNHEALTHY or STOPPED WorkSpaces can be restored.", ws, state)
	}
	noSnapshot := fmt.Sprintf("The WorkSpace %s has no snapshot yet: the first is taken 30 minutes after it is created, "+
		"then one every 12 hours while it is AVAILABLE or STOPPED.", ws)

	snap("none")
	restoreRefused(t, c, ws, notRestorable("PENDING"))
	at(time.Second)
	if s := stateOf(t, c, ws); s != types.WorkspaceStateAvailable {
		t.Fatalf("after a step: %s, want AVAILABLE", s)
	}
	restoreRefused(t, c, ws, noSnapshot)
	at(30*time.Minute - time.Second)
	snap("none")
	at(30 * time.Minute)
	snap("+30m0s")
	at(12*time.Hour + 29*time.Minute)
	snap("+30m0s")
	at(12*time.Hour + 30*time.Minute)
	snap("+12h30m0s")

	// STOPPED WorkSpaces are snapshotted too.
	at(13 * time.Hour)
	if _, err := c.StopWorkspaces(ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	restoreRefused(t, c, ws, notRestorable("STOPPING"))
	at(24*time.Hour + 30*time.Minute)
	if s := stateOf(t, c, ws); s != types.WorkspaceStateStopped {
		t.Fatalf("%s, want STOPPED", s)
	}
	snap("+24h30m0s")

	// A restore from STOPPED: RESTORING, then AVAILABLE; the snapshot it
	// used stays the latest until the next point.
	if err := restore(c, ws); err != nil {
		t.Fatalf("RestoreWorkspace of a STOPPED WorkSpace: %v", err)
	}
	if s := stateOf(t, c, ws); s != types.WorkspaceStateRestoring {
		t.Fatalf("after RestoreWorkspace: %s, want RESTORING", s)
	}
	snap("+24h30m0s")
	restoreRefused(t, c, ws, notRestorable("RESTORING"))
	at(24*time.Hour + 30*time.Minute + time.Second)
	if s := stateOf(t, c, ws); s != types.WorkspaceStateAvailable {
		t.Fatalf("a step after RestoreWorkspace: %s, want AVAILABLE", s)
	}

	// ADMIN_MAINTENANCE: no snapshot, no restore.
	if _, err := c.ModifyWorkspaceState(ctx, &workspaces.ModifyWorkspaceStateInput{WorkspaceId: aws.String(ws),
		WorkspaceState: types.TargetWorkspaceStateAdminMaintenance}); err != nil {
		t.Fatal(err)
	}
	restoreRefused(t, c, ws, notRestorable("ADMIN_MAINTENANCE"))
	at(37 * time.Hour)
	snap("+24h30m0s")
	if _, err := c.ModifyWorkspaceState(ctx, &workspaces.ModifyWorkspaceStateInput{WorkspaceId: aws.String(ws),
		WorkspaceState: types.TargetWorkspaceStateAvailable}); err != nil {
		t.Fatal(err)
	}
	at(48*time.Hour + 30*time.Minute)
	snap("+48h30m0s")

	// A restore from AVAILABLE; REBUILDING and REBOOTING refuse it.
	if err := restore(c, ws); err != nil {
		t.Fatalf("RestoreWorkspace of an AVAILABLE WorkSpace: %v", err)
	}
	at(48*time.Hour + 31*time.Minute)
	if _, err := c.RebuildWorkspaces(ctx, &workspaces.RebuildWorkspacesInput{RebuildWorkspaceRequests: []types.RebuildRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	restoreRefused(t, c, ws, notRestorable("REBUILDING"))
	at(48*time.Hour + 32*time.Minute)
	if _, err := c.RebootWorkspaces(ctx, &workspaces.RebootWorkspacesInput{RebootWorkspaceRequests: []types.RebootRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	restoreRefused(t, c, ws, notRestorable("REBOOTING"))
	at(48*time.Hour + 33*time.Minute)

	// ERROR and UNHEALTHY WorkSpaces (no call reaches them) can be restored
	// from the snapshot of their last healthy period.
	for _, st := range []string{"ERROR", "UNHEALTHY"} {
		setWorkspaceState(t, srv, ws, st)
		snap("+48h30m0s")
		if err := restore(c, ws); err != nil {
			t.Fatalf("RestoreWorkspace of an %s WorkSpace: %v", st, err)
		}
		srv.Advance(time.Second)
		if s := stateOf(t, c, ws); s != types.WorkspaceStateAvailable {
			t.Fatalf("restored from %s: %s, want AVAILABLE", st, s)
		}
	}
	for _, st := range []string{"IMPAIRED", "SUSPENDED"} {
		setWorkspaceState(t, srv, ws, st)
		restoreRefused(t, c, ws, notRestorable(st))
	}
	setWorkspaceState(t, srv, ws, "AVAILABLE")

	// A terminated WorkSpace's volumes and snapshots go with it.
	if _, err := c.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	snap("none")
	restoreRefused(t, c, ws, notRestorable("TERMINATING"))
	srv.Advance(time.Second)
	restoreRefused(t, c, ws, notRestorable("TERMINATED"))
}

// Unknown WorkSpaces, and the model's own rules.
func TestSnapshotsAndRestoreRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const missing = "ws-0000000000"
	_, err := c.DescribeWorkspaceSnapshots(ctx, &workspaces.DescribeWorkspaceSnapshotsInput{WorkspaceId: aws.String(missing)})
	notFound(t, err, missing)
	if e := asType[*types.ResourceNotFoundException](t, err); aws.ToString(e.Message) != "The WorkSpace ws-0000000000 could not be found." {
		t.Errorf("message %q", aws.ToString(e.Message))
	}
	notFound(t, restore(c, missing), missing)
	validation(t, restore(c, "wsx-1"), "1 validation error detected: Value 'wsx-1' at 'workspaceId' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: ^ws-[0-9a-z]{8,63}$")
}

// A seeded WorkSpace has been in its state since the seed: an AVAILABLE
// one is snapshotted 30 minutes later, an ERROR one never.
func TestSnapshotsOfSeededWorkspaces(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	bundle := publicBundleID(t, c, win2019Std)
	srv.Seed(fmt.Sprintf(`
accounts:
  - account: "000000000000"
    region: us-east-1
    directories:
      - {id: %s, state: REGISTERED}
    workspaces:
      - {id: ws-seedok0001, directory: %s, bundle: %s, userName: ok, state: AVAILABLE}
      - {id: ws-seederr001, directory: %s, bundle: %s, userName: err, state: ERROR}
      - {id: ws-seedsus001, directory: %s, bundle: %s, userName: sus, state: SUSPENDED}
      - {id: ws-seedres001, directory: %s, bundle: %s, userName: res, state: RESTORING}
`, snapDir, snapDir, bundle, snapDir, bundle, snapDir, bundle, snapDir, bundle))
	seeded := srv.Clock.Now()
	srv.Advance(30 * time.Minute)
	if got := lastSnapshot(t, c, "ws-seedok0001", seeded); got != "+30m0s" {
		t.Errorf("seeded AVAILABLE: %s, want +30m0s", got)
	}
	if got := lastSnapshot(t, c, "ws-seederr001", seeded); got != "none" {
		t.Errorf("seeded ERROR: %s, want none", got)
	}
	// A seeded SUSPENDED WorkSpace is not a migration's source: it stays;
	// a seeded RESTORING one finishes its restore.
	if s := stateOf(t, c, "ws-seedsus001"); s != types.WorkspaceStateSuspended {
		t.Errorf("seeded SUSPENDED is %s after 30 minutes, want SUSPENDED", s)
	}
	if s := stateOf(t, c, "ws-seedres001"); s != types.WorkspaceStateAvailable {
		t.Errorf("seeded RESTORING is %s after 30 minutes, want AVAILABLE", s)
	}
	restoreRefused(t, c, "ws-seederr001", "The WorkSpace ws-seederr001 has no snapshot yet: the first is taken 30 minutes after it is created, "+
		"then one every 12 hours while it is AVAILABLE or STOPPED.")
}
