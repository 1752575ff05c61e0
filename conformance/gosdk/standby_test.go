package gosdk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

const (
	primaryDir = "d-5500000001"
	standbyDir = "d-5500000002"
)

func standbyRequest(primary, dir string, repl types.DataReplication) types.StandbyWorkspace {
	return types.StandbyWorkspace{PrimaryWorkspaceId: aws.String(primary), DirectoryId: aws.String(dir), DataReplication: repl}
}

func createStandby(t *testing.T, c *workspaces.Client, primaryRegion string, reqs ...types.StandbyWorkspace) *workspaces.CreateStandbyWorkspacesOutput {
	t.Helper()
	out, err := c.CreateStandbyWorkspaces(context.Background(), &workspaces.CreateStandbyWorkspacesInput{
		PrimaryRegion: aws.String(primaryRegion), StandbyWorkspaces: reqs})
	if err != nil {
		t.Fatalf("CreateStandbyWorkspaces: %v", err)
	}
	return out
}

// standbyFailed asserts the one FailedStandbyRequest of a call.
func standbyFailed(t *testing.T, out *workspaces.CreateStandbyWorkspacesOutput, primary, code, msg string) {
	t.Helper()
	if len(out.PendingStandbyRequests) != 0 || len(out.FailedStandbyRequests) != 1 {
		t.Fatalf("CreateStandbyWorkspaces: pending %+v, failed %+v; want one failure", out.PendingStandbyRequests, out.FailedStandbyRequests)
	}
	f := out.FailedStandbyRequests[0]
	if aws.ToString(f.StandbyWorkspaceRequest.PrimaryWorkspaceId) != primary || aws.ToString(f.ErrorCode) != code || aws.ToString(f.ErrorMessage) != msg {
		t.Errorf("FailedStandbyRequest %s %s %q\nwant %s %s %q", aws.ToString(f.StandbyWorkspaceRequest.PrimaryWorkspaceId),
			aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage), primary, code, msg)
	}
}

func related(w types.Workspace) string {
	if len(w.RelatedWorkspaces) != 1 {
		return fmt.Sprintf("%d related", len(w.RelatedWorkspaces))
	}
	r := w.RelatedWorkspaces[0]
	return fmt.Sprintf("%s %s %s %s", r.Type, aws.ToString(r.WorkspaceId), aws.ToString(r.Region), r.State)
}

func replication(mode types.DataReplication, at *time.Time) string {
	if at == nil {
		return string(mode) + " no snapshot"
	}
	return string(mode) + " " + at.UTC().Format(time.RFC3339)
}

// The API reference: CreateStandbyWorkspaces "Creates a standby WorkSpace
// in a secondary Region", PrimaryRegion "The Region of the primary
// WorkSpace"; the administration guide's "Multi-Region Resilience". Both
// sides show each other (RelatedWorkspaces), the primary its standby's
// replication (StandbyWorkspacesProperties), the standby its own
// (DataReplicationSettings), through the store, every state on the clock.
func TestStandbyWorkspaces(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	const account, east, west = "000000000000", "us-east-1", "us-west-2"
	cp, cs := newClient(srv.AWSConfigFor(account, east)), newClient(srv.AWSConfigFor(account, west))
	registerDirectory(t, cp, primaryDir)
	registerDirectory(t, cs, standbyDir)
	srv.Advance(time.Second)
	bundle := publicBundleID(t, cp, win2019Std)
	primary := createWorkspace(t, cp, primaryDir, bundle, "alice")
	created := srv.Clock.Now()

	// A PENDING primary cannot have a standby yet.
	standbyFailed(t, createStandby(t, cs, east, standbyRequest(primary, standbyDir, "")), primary, "InvalidResourceState.Workspace",
		fmt.Sprintf("The WorkSpace %s is PENDING; a standby can be created for an AVAILABLE or STOPPED WorkSpace.", primary))
	srv.Advance(time.Second)

	// The call is made in the standby's Region.
	_, err := cs.CreateStandbyWorkspaces(ctx, &workspaces.CreateStandbyWorkspacesInput{PrimaryRegion: aws.String(west),
		StandbyWorkspaces: []types.StandbyWorkspace{standbyRequest(primary, standbyDir, "")}})
	if ae := apiError(t, err, "InvalidParameterValuesException"); ae.ErrorMessage() !=
		"PrimaryRegion us-west-2 is the Region of this call: a standby WorkSpace is created in another Region than its primary." {
		t.Errorf("same Region: %q", ae.ErrorMessage())
	}
	standbyFailed(t, createStandby(t, cs, east, standbyRequest("ws-000000000", standbyDir, "")), "ws-000000000",
		"ResourceNotFound.Workspace", "The WorkSpace ws-000000000 could not be found in us-east-1.")
	standbyFailed(t, createStandby(t, cs, east, standbyRequest(primary, "d-5500000009", "")), primary,
		"ResourceNotFound.Directory", "The directory d-5500000009 is not registered in us-west-2.")
	// The primary's directory is in the primary's Region, not here.
	standbyFailed(t, createStandby(t, cs, east, standbyRequest(primary, primaryDir, "")), primary,
		"ResourceNotFound.Directory", "The directory d-5500000001 is not registered in us-west-2.")
	// Another account does not see the primary.
	other := newClient(srv.AWSConfigFor("111111111111", west))
	standbyFailed(t, createStandby(t, other, east, standbyRequest(primary, standbyDir, "")), primary,
		"ResourceNotFound.Workspace", fmt.Sprintf("The WorkSpace %s could not be found in us-east-1.", primary))

	req := standbyRequest(primary, standbyDir, types.DataReplicationPrimaryAsSource)
	req.Tags = []types.Tag{{Key: aws.String("role"), Value: aws.String("standby")}}
	req.VolumeEncryptionKey = aws.String("alias/standby")
	out := createStandby(t, cs, east, req)
	if len(out.FailedStandbyRequests) != 0 || len(out.PendingStandbyRequests) != 1 {
		t.Fatalf("CreateStandbyWorkspaces: failed %+v", out.FailedStandbyRequests)
	}
	pend := out.PendingStandbyRequests[0]
	standby := aws.ToString(pend.WorkspaceId)
	if !workspaceIDPattern.MatchString(standby) || aws.ToString(pend.UserName) != "alice" || aws.ToString(pend.DirectoryId) != standbyDir ||
		pend.State != types.WorkspaceStatePending {
		t.Fatalf("PendingStandbyRequest = %s %s %s %s; want a new ws- id, alice, %s, PENDING", standby, aws.ToString(pend.UserName),
			aws.ToString(pend.DirectoryId), pend.State, standbyDir)
	}

	check := func(when, wantPrimary, wantStandby, wantRepl string) {
		t.Helper()
		p, s := describeWorkspace(t, cp, primary), describeWorkspace(t, cs, standby)
		if got := related(p); got != wantPrimary {
			t.Errorf("%s: primary RelatedWorkspaces = %s, want %s", when, got, wantPrimary)
		}
		if got := related(s); got != wantStandby {
			t.Errorf("%s: standby RelatedWorkspaces = %s, want %s", when, got, wantStandby)
		}
		if len(p.StandbyWorkspacesProperties) != 1 || aws.ToString(p.StandbyWorkspacesProperties[0].StandbyWorkspaceId) != standby {
			t.Fatalf("%s: primary StandbyWorkspacesProperties = %+v, want %s", when, p.StandbyWorkspacesProperties, standby)
		}
		sp := p.StandbyWorkspacesProperties[0]
		if got := replication(sp.DataReplication, sp.RecoverySnapshotTime); got != wantRepl {
			t.Errorf("%s: primary StandbyWorkspacesProperties replication %s, want %s", when, got, wantRepl)
		}
		if s.DataReplicationSettings == nil {
			t.Fatalf("%s: standby has no DataReplicationSettings", when)
		}
		if got := replication(s.DataReplicationSettings.DataReplication, s.DataReplicationSettings.RecoverySnapshotTime); got != wantRepl {
			t.Errorf("%s: standby DataReplicationSettings %s, want %s", when, got, wantRepl)
		}
		if p.DataReplicationSettings != nil || s.StandbyWorkspacesProperties != nil {
			t.Errorf("%s: primary DataReplicationSettings %+v, standby StandbyWorkspacesProperties %+v; want neither", when,
				p.DataReplicationSettings, s.StandbyWorkspacesProperties)
		}
	}
	check("created", "STANDBY "+standby+" us-west-2 PENDING", "PRIMARY "+primary+" us-east-1 AVAILABLE", "PRIMARY_AS_SOURCE no snapshot")
	s := describeWorkspace(t, cs, standby)
	if aws.ToString(s.BundleId) != bundle || aws.ToString(s.UserName) != "alice" || aws.ToString(s.VolumeEncryptionKey) != "alias/standby" ||
		s.WorkspaceProperties.RunningMode != types.RunningModeAlwaysOn {
		t.Errorf("standby = %+v; want alice on %s, key alias/standby, ALWAYS_ON like its primary", s, bundle)
	}
	if tags := tagsOf(t, cs, standby); len(tags) != 1 || tags["role"] != "standby" {
		t.Errorf("standby tags %v", tags)
	}

	// The clock moves without a sweep: describing the primary applies the
	// step due in the standby's partition first.
	if _, err := srv.Clock.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if got := related(describeWorkspace(t, cp, primary)); got != "STANDBY "+standby+" us-west-2 AVAILABLE" {
		t.Errorf("a step later, without a sweep: primary RelatedWorkspaces = %s, want the standby AVAILABLE", got)
	}
	srv.Advance(created.Add(30 * time.Minute).Sub(srv.Clock.Now()))
	snapAt := created.Add(30 * time.Minute).Format(time.RFC3339)
	check("30 minutes on", "STANDBY "+standby+" us-west-2 AVAILABLE", "PRIMARY "+primary+" us-east-1 AVAILABLE", "PRIMARY_AS_SOURCE "+snapAt)

	// One standby per primary; a standby has none.
	standbyFailed(t, createStandby(t, cs, east, standbyRequest(primary, standbyDir, "")), primary, "ResourceExists.Standby",
		fmt.Sprintf("The WorkSpace %s already has the standby WorkSpace %s in us-west-2.", primary, standby))
	standbyFailed(t, createStandby(t, cp, west, standbyRequest(standby, primaryDir, "")), standby, "OperationNotSupported",
		fmt.Sprintf("The WorkSpace %s is itself the standby of %s; a standby cannot have a standby.", standby, primary))
	// A WorkSpace of a standby pair is not migrated.
	migrateRefused(t, cp, primary, publicBundleID(t, cp, "Performance with Windows 10 (Server 2022 based) (WSP)"), "OperationNotSupportedException",
		fmt.Sprintf("The WorkSpace %s is part of a standby pair (Multi-Region Resilience) and cannot be migrated.", primary))
	// The pair survives an export and import of the state.
	var state map[string]any
	if code := srv.Control("GET", "/_wslocal/state", nil, &state); code != 200 {
		t.Fatalf("GET state: %d", code)
	}
	if code := srv.Control("PUT", "/_wslocal/state", state, nil); code != 200 {
		t.Fatalf("PUT state: %d", code)
	}
	check("after export and import", "STANDBY "+standby+" us-west-2 AVAILABLE", "PRIMARY "+primary+" us-east-1 AVAILABLE", "PRIMARY_AS_SOURCE "+snapAt)
	// Another account in the standby's Region sees nothing of the pair.
	if got, err := other.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{}); err != nil || len(got.Workspaces) != 0 {
		t.Errorf("DescribeWorkspaces of another account: %+v, %v; want none", got, err)
	}

	// Replication is the standby's setting.
	if _, err := cs.ModifyWorkspaceProperties(ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(standby),
		DataReplication: types.DataReplicationNoReplication}); err != nil {
		t.Fatal(err)
	}
	check("NO_REPLICATION", "STANDBY "+standby+" us-west-2 AVAILABLE", "PRIMARY "+primary+" us-east-1 AVAILABLE", "NO_REPLICATION no snapshot")

	// The primary goes: the standby shows it TERMINATING, TERMINATED, then
	// nothing once it is gone.
	if _, err := cp.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(primary)}}}); err != nil {
		t.Fatal(err)
	}
	if got := related(describeWorkspace(t, cs, standby)); got != "PRIMARY "+primary+" us-east-1 TERMINATING" {
		t.Errorf("primary terminating: standby RelatedWorkspaces = %s", got)
	}
	srv.Advance(time.Second)
	if got := related(describeWorkspace(t, cs, standby)); got != "PRIMARY "+primary+" us-east-1 TERMINATED" {
		t.Errorf("primary terminated: standby RelatedWorkspaces = %s", got)
	}
	srv.Advance(time.Minute)
	if got := related(describeWorkspace(t, cs, standby)); got != "0 related" {
		t.Errorf("primary gone: standby RelatedWorkspaces = %s, want none", got)
	}
}

// Several standbys in one call succeed or fail one by one.
func TestStandbyWorkspacesBatch(t *testing.T) {
	t.Parallel()
	srv := start(t)
	cp, cs := newClient(srv.AWSConfigFor("000000000000", "eu-west-1")), newClient(srv.AWSConfigFor("000000000000", "eu-central-1"))
	registerDirectory(t, cp, primaryDir)
	registerDirectory(t, cs, standbyDir)
	srv.Advance(time.Second)
	bundle := publicBundleID(t, cp, win2019Std)
	a, b := createWorkspace(t, cp, primaryDir, bundle, "ann"), createWorkspace(t, cp, primaryDir, bundle, "ben")
	srv.Advance(time.Second)
	out := createStandby(t, cs, "eu-west-1", standbyRequest(a, standbyDir, ""), standbyRequest("ws-000000000", standbyDir, ""),
		standbyRequest(b, standbyDir, types.DataReplicationPrimaryAsSource))
	if len(out.PendingStandbyRequests) != 2 || len(out.FailedStandbyRequests) != 1 ||
		aws.ToString(out.FailedStandbyRequests[0].ErrorCode) != "ResourceNotFound.Workspace" {
		t.Fatalf("CreateStandbyWorkspaces: pending %+v, failed %+v", out.PendingStandbyRequests, out.FailedStandbyRequests)
	}
	for i, user := range []string{"ann", "ben"} {
		if got := aws.ToString(out.PendingStandbyRequests[i].UserName); got != user {
			t.Errorf("pending[%d] user %s, want %s", i, got, user)
		}
	}
	s := describeWorkspace(t, cs, aws.ToString(out.PendingStandbyRequests[0].WorkspaceId))
	if s.DataReplicationSettings == nil || s.DataReplicationSettings.DataReplication != types.DataReplicationNoReplication {
		t.Errorf("DataReplication left out: %+v, want NO_REPLICATION", s.DataReplicationSettings)
	}
	// The user already has a WorkSpace in the standby directory.
	c := createStandby(t, cs, "eu-west-1", standbyRequest(a, standbyDir, ""))
	if len(c.FailedStandbyRequests) != 1 || aws.ToString(c.FailedStandbyRequests[0].ErrorCode) != "ResourceExists.Standby" {
		t.Errorf("again: %+v", c.FailedStandbyRequests)
	}
}
