package gosdk_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

var workspaceIDPattern = regexp.MustCompile(`^ws-[0-9a-z]{9}$`)

func migrate(c *workspaces.Client, ws, bundle string) (*workspaces.MigrateWorkspaceOutput, error) {
	return c.MigrateWorkspace(context.Background(), &workspaces.MigrateWorkspaceInput{SourceWorkspaceId: aws.String(ws), BundleId: aws.String(bundle)})
}

// migrateRefused asserts a MigrateWorkspace refusal with code and msg.
func migrateRefused(t *testing.T, c *workspaces.Client, ws, bundle, code, msg string) {
	t.Helper()
	out, err := migrate(c, ws, bundle)
	if err == nil {
		t.Fatalf("MigrateWorkspace(%s, %s) = %+v, want %s", ws, bundle, out, code)
	}
	if ae := apiError(t, err, code); ae.ErrorMessage() != msg {
		t.Errorf("MigrateWorkspace(%s, %s) %s message\n got: %s\nwant: %s", ws, bundle, code, ae.ErrorMessage(), msg)
	}
}

// The API reference of MigrateWorkspace and the administration guide's
// "Migrate a WorkSpace": a new WorkSpace (TargetWorkspaceId) with the root
// volume of the target bundle and the user volume of the source's last
// snapshot; the source is replaced. Every state on the manual clock.
func TestMigrateWorkspace(t *testing.T) {
	t.Parallel()
	srv, c, ws := snapEnv(t)
	ctx := context.Background()
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(ws), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("desk")}}}); err != nil {
		t.Fatal(err)
	}
	target := publicBundleID(t, c, "Performance with Windows 10 (Server 2022 based) (WSP)")
	srv.Advance(time.Second)

	// Before the first snapshot there is no user volume to migrate.
	migrateRefused(t, c, ws, target, "ResourceUnavailableException", fmt.Sprintf("The WorkSpace %s has no snapshot yet: the first is taken "+
		"30 minutes after it is created, then one every 12 hours while it is AVAILABLE or STOPPED.", ws))
	srv.Advance(30 * time.Minute)

	if _, err := c.StopWorkspaces(ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	migrateRefused(t, c, ws, target, "OperationInProgressException", fmt.Sprintf("The WorkSpace %s is STOPPING; try again once it is AVAILABLE or STOPPED.", ws))
	srv.Advance(time.Second)

	out, err := migrate(c, ws, target)
	if err != nil {
		t.Fatalf("MigrateWorkspace of a STOPPED WorkSpace: %v", err)
	}
	nw := aws.ToString(out.TargetWorkspaceId)
	if aws.ToString(out.SourceWorkspaceId) != ws || !workspaceIDPattern.MatchString(nw) || nw == ws {
		t.Fatalf("MigrateWorkspace = {%s %s}, want {%s, a new ws- id}", aws.ToString(out.SourceWorkspaceId), nw, ws)
	}
	src, dst := describeWorkspace(t, c, ws), describeWorkspace(t, c, nw)
	if src.State != types.WorkspaceStateSuspended || dst.State != types.WorkspaceStatePending {
		t.Fatalf("during the migration: source %s, target %s; want SUSPENDED, PENDING", src.State, dst.State)
	}
	p := dst.WorkspaceProperties
	if aws.ToString(dst.UserName) != "alice" || aws.ToString(dst.DirectoryId) != snapDir || aws.ToString(dst.BundleId) != target ||
		p.RunningMode != types.RunningModeAutoStop || aws.ToInt32(p.RunningModeAutoStopTimeoutInMinutes) != 60 ||
		p.ComputeTypeName != types.ComputePerformance || aws.ToInt32(p.RootVolumeSizeGib) != 80 || aws.ToInt32(p.UserVolumeSizeGib) != 100 ||
		p.OperatingSystemName != types.OperatingSystemNameWindowsServer2022 {
		t.Errorf("target = %+v / %+v; want alice in %s on %s, AUTO_STOP 60, PERFORMANCE 80/100, Windows Server 2022", dst, *p, snapDir, target)
	}
	if tags := tagsOf(t, c, nw); len(tags) != 1 || tags["team"] != "desk" {
		t.Errorf("target tags = %v, want the source's team=desk", tags)
	}
	// Nothing touches the source meanwhile.
	migrateRefused(t, c, ws, target, "OperationInProgressException", fmt.Sprintf("The WorkSpace %s is SUSPENDED; try again once it is AVAILABLE or STOPPED.", ws))
	term, err := c.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(ws)}}})
	if err != nil || len(term.FailedRequests) != 1 || aws.ToString(term.FailedRequests[0].ErrorCode) != "InvalidResourceState" {
		t.Fatalf("TerminateWorkspaces of the migrating source: %+v, %v; want InvalidResourceState", term, err)
	}

	srv.Advance(time.Second)
	if s, d := stateOf(t, c, ws), stateOf(t, c, nw); s != types.WorkspaceStateTerminating || d != types.WorkspaceStateAvailable {
		t.Fatalf("a step later: source %s, target %s; want TERMINATING, AVAILABLE", s, d)
	}
	srv.Advance(time.Second)
	if s := stateOf(t, c, ws); s != types.WorkspaceStateTerminated {
		t.Fatalf("two steps later: source %s, want TERMINATED", s)
	}
	migrateRefused(t, c, ws, target, "ResourceUnavailableException", fmt.Sprintf("The WorkSpace %s is TERMINATED; only AVAILABLE or STOPPED WorkSpaces can be migrated.", ws))
	// The new WorkSpace has its own snapshots, from its own creation.
	if got := lastSnapshot(t, c, nw, srv.Clock.Now()); got != "none" {
		t.Errorf("target snapshot %s, want none yet", got)
	}
}

// The refusals of the administration guide's "Migration limits", and of
// the model (ResourceNotFoundException, ResourceUnavailableException).
func TestMigrateWorkspaceRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	registerDirectory(t, c, snapDir)
	srv.Advance(time.Second)
	b := func(name string) string { return publicBundleID(t, c, name) }
	mk := func(user, bundle string) string {
		out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(snapDir), BundleId: aws.String(bundle), UserName: aws.String(user)})
		if err != nil || len(out.PendingRequests) != 1 {
			t.Fatalf("CreateWorkspaces(%s): %+v, %v", user, out, err)
		}
		return aws.ToString(out.PendingRequests[0].WorkspaceId)
	}
	std2019, std2022 := b(win2019Std), b("Standard with Windows 10 (Server 2022 based) (WSP)")
	win10, win11 := b("Standard with Windows 10 (BYOL)"), b("Standard with Windows 11 (BYOL)")
	value10, value11 := b("Value with Windows 10 (BYOL)"), b("Value with Windows 11 (BYOL)")
	linux := b("Standard with Amazon Linux 2")
	server := mk("server", std2019)
	byol10, byol11, byolValue := mk("byol10", win10), mk("byol11", win11), mk("byolvalue", value10)
	al2 := mk("linux", linux)
	errored := mk("errored", std2019)
	srv.Advance(30 * time.Minute)
	setWorkspaceState(t, srv, errored, "ERROR")

	const (
		invalid     = "InvalidParameterValuesException"
		unsupported = "OperationNotSupportedException"
	)
	for _, tc := range []struct{ name, ws, bundle, code, msg string }{
		{"same bundle", server, std2019, invalid,
			fmt.Sprintf("The WorkSpace %s already runs bundle %s; rebuild it instead of migrating it to the same bundle.", server, std2019)},
		{"to Linux", server, linux, unsupported,
			fmt.Sprintf("Migrating Linux WorkSpaces is not supported: WorkSpace %s runs WINDOWS_SERVER_2019, bundle %s runs AMAZON_LINUX_2.", server, linux)},
		{"from Linux", al2, std2022, unsupported,
			fmt.Sprintf("Migrating Linux WorkSpaces is not supported: WorkSpace %s runs AMAZON_LINUX_2, bundle %s runs WINDOWS_SERVER_2022.", al2, std2022)},
		{"BYOL to non-BYOL", byol10, std2022, unsupported,
			fmt.Sprintf("WorkSpace %s runs a BYOL bundle and can be migrated only to another BYOL bundle; %s is not one.", byol10, std2022)},
		{"non-BYOL to BYOL", server, win10, unsupported,
			fmt.Sprintf("WorkSpace %s does not run a BYOL bundle and cannot be migrated to the BYOL bundle %s.", server, win10)},
		{"Windows 11 to 10", byol11, win10, unsupported,
			fmt.Sprintf("WorkSpace %s runs Windows 11 and cannot be migrated to the Windows 10 bundle %s.", byol11, win10)},
		{"Value to Windows 11", byolValue, value11, unsupported,
			fmt.Sprintf("Value WorkSpaces are not supported on Windows 11: switch WorkSpace %s to a bigger compute type before migrating it to %s.", byolValue, value11)},
		{"ERROR source", errored, std2022, "ResourceUnavailableException",
			fmt.Sprintf("The WorkSpace %s is ERROR; only AVAILABLE or STOPPED WorkSpaces can be migrated.", errored)},
		{"unknown bundle", server, "wsb-000000000", "ResourceNotFoundException", "The bundle wsb-000000000 could not be found."},
		{"unknown WorkSpace", "ws-000000000", std2022, "ResourceNotFoundException", "The WorkSpace ws-000000000 could not be found."},
	} {
		t.Run(tc.name, func(t *testing.T) { migrateRefused(t, c, tc.ws, tc.bundle, tc.code, tc.msg) })
	}
	// A refusal changes nothing; the allowed pairs go through.
	if s := stateOf(t, c, server); s != types.WorkspaceStateAvailable {
		t.Errorf("refused source is %s, want AVAILABLE", s)
	}
	for _, ok := range []struct{ ws, bundle string }{{byol10, win11}, {server, std2022}} {
		if _, err := migrate(c, ok.ws, ok.bundle); err != nil {
			t.Errorf("MigrateWorkspace(%s, %s): %v", ok.ws, ok.bundle, err)
		}
	}
	// The SDK sends no malformed ids; the model refuses them.
	_, err := migrate(c, server, "bundle-1")
	apiError(t, err, "ValidationException")
}
