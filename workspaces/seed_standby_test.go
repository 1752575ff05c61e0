package workspaces_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

const standbySeed = `
accounts:
  - account: "000000000000"
    region: us-east-1
    directories: [{id: d-1111111111}]
    workspaces:
      - {id: ws-primary001, directory: d-1111111111, bundle: wsb-93xk71ss4, userName: alice}
  - account: "000000000000"
    region: us-west-2
    directories: [{id: d-2222222222}]
    workspaces:
      - id: ws-standby001
        directory: d-2222222222
        bundle: wsb-93xk71ss4
        userName: alice
        standbyOf: {region: us-east-1, workspace: ws-primary001, dataReplication: PRIMARY_AS_SOURCE}
`

// A seed declares a standby pair across two Regions of an account; both
// sides show each other through the SDK.
func TestSeedStandbyPair(t *testing.T) {
	seed, err := ws.ParseSeed("seed.yaml", []byte(standbySeed))
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	if err := srv.Service.ApplySeed(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	describe := func(region, id string) types.Workspace {
		t.Helper()
		c := workspaces.NewFromConfig(srv.AWSConfigFor("000000000000", region))
		out, err := c.DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{id}})
		if err != nil || len(out.Workspaces) != 1 {
			t.Fatalf("DescribeWorkspaces(%s in %s): %+v, %v", id, region, out, err)
		}
		return out.Workspaces[0]
	}
	p, s := describe("us-east-1", "ws-primary001"), describe("us-west-2", "ws-standby001")
	if len(p.RelatedWorkspaces) != 1 || aws.ToString(p.RelatedWorkspaces[0].WorkspaceId) != "ws-standby001" ||
		p.RelatedWorkspaces[0].Type != types.StandbyWorkspaceRelationshipTypeStandby || aws.ToString(p.RelatedWorkspaces[0].Region) != "us-west-2" {
		t.Errorf("primary RelatedWorkspaces = %+v", p.RelatedWorkspaces)
	}
	if len(s.RelatedWorkspaces) != 1 || aws.ToString(s.RelatedWorkspaces[0].WorkspaceId) != "ws-primary001" ||
		s.RelatedWorkspaces[0].Type != types.StandbyWorkspaceRelationshipTypePrimary || s.RelatedWorkspaces[0].State != types.WorkspaceStateAvailable {
		t.Errorf("standby RelatedWorkspaces = %+v", s.RelatedWorkspaces)
	}
	if len(p.StandbyWorkspacesProperties) != 1 || p.StandbyWorkspacesProperties[0].DataReplication != types.DataReplicationPrimaryAsSource {
		t.Errorf("primary StandbyWorkspacesProperties = %+v", p.StandbyWorkspacesProperties)
	}
}

func TestSeedStandbyErrors(t *testing.T) {
	for _, c := range []struct{ name, from, to, field, msg string }{
		{"same Region", "region: us-east-1, workspace: ws-primary001", "region: us-west-2, workspace: ws-primary001",
			"accounts[1].workspaces[0].standbyOf.region", "a standby is in another Region than its primary"},
		{"unknown primary", "workspace: ws-primary001, dataReplication", "workspace: ws-nothere001, dataReplication",
			"accounts[1].workspaces[0].standbyOf.workspace", "no WorkSpace ws-nothere001 is declared for account 000000000000 in us-east-1"},
		{"bad replication", "PRIMARY_AS_SOURCE", "BOTH_WAYS",
			"accounts[1].workspaces[0].standbyOf.dataReplication", `"BOTH_WAYS" is not one of NO_REPLICATION, PRIMARY_AS_SOURCE`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(standbySeed, c.from, c.to, 1)
			if c.name == "same Region" {
				doc = strings.Replace(standbySeed, "standbyOf: {region: us-east-1", "standbyOf: {region: us-west-2", 1)
			}
			se, err := seedErr(t, doc)
			if se.Field != c.field || !strings.Contains(se.Msg, c.msg) {
				t.Fatalf("error field %q msg %q, want %q containing %q (full: %v)", se.Field, se.Msg, c.field, c.msg, err)
			}
		})
	}
	// A second standby for the same primary, and a standby of a standby.
	two := standbySeed + `      - id: ws-standby002
        directory: d-2222222222
        bundle: wsb-93xk71ss4
        userName: bob
        standbyOf: {region: us-east-1, workspace: ws-primary001}
`
	if se, err := seedErr(t, two); se.Field != "accounts[1].workspaces[1].standbyOf.workspace" ||
		!strings.Contains(se.Msg, "already has the standby of accounts[1].workspaces[0].standbyOf") {
		t.Errorf("second standby: %v", err)
	}
	chain := standbySeed + `  - account: "000000000000"
    region: eu-west-1
    directories: [{id: d-3333333333}]
    workspaces:
      - id: ws-standby003
        directory: d-3333333333
        bundle: wsb-93xk71ss4
        userName: alice
        standbyOf: {region: us-west-2, workspace: ws-standby001}
`
	if se, err := seedErr(t, chain); se.Field != "accounts[2].workspaces[0].standbyOf.workspace" ||
		!strings.Contains(se.Msg, "is itself a standby") {
		t.Errorf("standby of a standby: %v", err)
	}
}
