package clients_test

import (
	"regexp"
	"testing"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestCLIStandbyWorkspaces makes a standby WorkSpace with `aws workspaces
// create-standby-workspaces` in us-west-2 for a primary in us-east-1, and
// reads both sides with describe-workspaces in their own Regions: each names
// the other in RelatedWorkspaces, the primary shows the standby's
// replication, the standby its own DataReplicationSettings.
func TestCLIStandbyWorkspaces(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	east := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t, "AWS_DEFAULT_REGION=us-east-1")}
	west := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t, "AWS_DEFAULT_REGION=us-west-2")}

	east.ok(nil, "register-workspace-directory", "--directory-id", "d-5500000001")
	west.ok(nil, "register-workspace-directory", "--directory-id", "d-5500000002")
	advance(t, p, "1s")
	var bundles struct {
		Bundles []struct{ BundleId, Name string }
	}
	east.ok(&bundles, "describe-workspace-bundles", "--owner", "AMAZON")
	bundle := ""
	for _, b := range bundles.Bundles {
		if b.Name == "Standard with Windows 10 (Server 2019 based)" {
			bundle = b.BundleId
		}
	}
	if bundle == "" {
		t.Fatalf("AWS bundles lack Standard with Windows 10 (Server 2019 based): %+v", bundles.Bundles)
	}
	var created struct {
		PendingRequests []struct{ WorkspaceId string }
	}
	east.ok(&created, "create-workspaces", "--workspaces", "DirectoryId=d-5500000001,UserName=alice,BundleId="+bundle)
	if len(created.PendingRequests) != 1 {
		t.Fatalf("create-workspaces: %+v", created)
	}
	primary := created.PendingRequests[0].WorkspaceId
	advance(t, p, "1m")

	var out struct {
		FailedStandbyRequests  []map[string]any
		PendingStandbyRequests []struct{ UserName, DirectoryId, State, WorkspaceId string }
	}
	west.ok(&out, "create-standby-workspaces", "--primary-region", "us-east-1",
		"--standby-workspaces", "PrimaryWorkspaceId="+primary+",DirectoryId=d-5500000002,DataReplication=PRIMARY_AS_SOURCE")
	if len(out.FailedStandbyRequests) != 0 || len(out.PendingStandbyRequests) != 1 {
		t.Fatalf("create-standby-workspaces: %+v", out)
	}
	pend := out.PendingStandbyRequests[0]
	if pend.UserName != "alice" || pend.DirectoryId != "d-5500000002" || pend.State != "PENDING" || !regexp.MustCompile(`^ws-[0-9a-z]{9}$`).MatchString(pend.WorkspaceId) {
		t.Errorf("PendingStandbyRequests[0] = %+v, want alice's PENDING WorkSpace in d-5500000002", pend)
	}
	standby := pend.WorkspaceId
	advance(t, p, "1m")

	type related struct{ WorkspaceId, Region, State, Type string }
	var primaryOut struct {
		Workspaces []struct {
			RelatedWorkspaces           []related
			StandbyWorkspacesProperties []struct{ StandbyWorkspaceId, DataReplication string }
		}
	}
	east.ok(&primaryOut, "describe-workspaces", "--workspace-ids", primary)
	if len(primaryOut.Workspaces) != 1 {
		t.Fatalf("describe-workspaces %s in us-east-1: %+v", primary, primaryOut)
	}
	pw := primaryOut.Workspaces[0]
	if want := (related{standby, "us-west-2", "AVAILABLE", "STANDBY"}); len(pw.RelatedWorkspaces) != 1 || pw.RelatedWorkspaces[0] != want {
		t.Errorf("primary RelatedWorkspaces = %+v, want [%+v]", pw.RelatedWorkspaces, want)
	}
	if len(pw.StandbyWorkspacesProperties) != 1 || pw.StandbyWorkspacesProperties[0].StandbyWorkspaceId != standby ||
		pw.StandbyWorkspacesProperties[0].DataReplication != "PRIMARY_AS_SOURCE" {
		t.Errorf("primary StandbyWorkspacesProperties = %+v, want %s PRIMARY_AS_SOURCE", pw.StandbyWorkspacesProperties, standby)
	}

	var standbyOut struct {
		Workspaces []struct {
			RelatedWorkspaces       []related
			DataReplicationSettings struct{ DataReplication string }
		}
	}
	west.ok(&standbyOut, "describe-workspaces", "--workspace-ids", standby)
	if len(standbyOut.Workspaces) != 1 {
		t.Fatalf("describe-workspaces %s in us-west-2: %+v", standby, standbyOut)
	}
	sw := standbyOut.Workspaces[0]
	if want := (related{primary, "us-east-1", "AVAILABLE", "PRIMARY"}); len(sw.RelatedWorkspaces) != 1 || sw.RelatedWorkspaces[0] != want {
		t.Errorf("standby RelatedWorkspaces = %+v, want [%+v]", sw.RelatedWorkspaces, want)
	}
	if sw.DataReplicationSettings.DataReplication != "PRIMARY_AS_SOURCE" {
		t.Errorf("standby DataReplicationSettings = %+v, want PRIMARY_AS_SOURCE", sw.DataReplicationSettings)
	}

	// The standby's Region is where it is made: asking in the primary's own
	// Region is refused for the whole call.
	east.fails("InvalidParameterValuesException", "", "create-standby-workspaces", "--primary-region", "us-east-1",
		"--standby-workspaces", "PrimaryWorkspaceId="+primary+",DirectoryId=d-5500000001")
}
