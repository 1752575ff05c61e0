package workspaces_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// TestSeedPools: the example's pool, its sessions and its directory are
// live through the SDK, and applying the seed again changes nothing.
func TestSeedPools(t *testing.T) {
	seed, err := ws.ReadSeedFile("../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	for range 2 {
		if err := srv.Service.ApplySeed(context.Background(), seed); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfigFor("000000000000", "eu-central-1"))
	dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil || len(dirs.Directories) != 1 || dirs.Directories[0].WorkspaceType != types.WorkspaceTypePools {
		t.Fatalf("directories = %+v, %v, want the POOLS one", dirs, err)
	}
	out, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{})
	if err != nil || len(out.WorkspacesPools) != 1 {
		t.Fatalf("DescribeWorkspacesPools = %+v, %v", out, err)
	}
	p := out.WorkspacesPools[0]
	cs := p.CapacityStatus
	if aws.ToString(p.PoolId) != "wspool-desk00001" || p.State != types.WorkspacesPoolStateRunning || aws.ToString(p.PoolName) != "call-centre" ||
		aws.ToInt32(cs.DesiredUserSessions) != 3 || aws.ToInt32(cs.ActiveUserSessions) != 2 || aws.ToInt32(cs.AvailableUserSessions) != 1 ||
		p.ApplicationSettings.Status != types.ApplicationSettingsStatusEnumEnabled || aws.ToString(p.ApplicationSettings.SettingsGroup) != "call-centre" ||
		!strings.HasPrefix(aws.ToString(p.ApplicationSettings.S3BucketName), "wspool-app-settings-eu-central-1-000000000000-") {
		t.Errorf("seeded pool = %+v (capacity %+v, settings %+v)", p, cs, p.ApplicationSettings)
	}
	s, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: p.PoolId, UserId: aws.String("alice")})
	if err != nil || len(s.Sessions) != 1 || aws.ToString(s.Sessions[0].SessionId) != "5f0c6b1e-3c2a-4d8e-9b7a-2e4f6a8c0d12" {
		t.Errorf("alice's session = %+v, %v", s, err)
	}
	tags, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: p.PoolId})
	if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Value) != "support" {
		t.Errorf("tags = %+v, %v", tags, err)
	}
	// Live: the pool stops on the clock.
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: p.PoolId}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	out, _ = c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{})
	if out.WorkspacesPools[0].State != types.WorkspacesPoolStateStopped {
		t.Errorf("after a stop and a minute: %s", out.WorkspacesPools[0].State)
	}
}

func TestSeedPoolErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc, field, msg string
	}{
		{"personal directory", `
accounts:
  - directories: [{id: d-1234567890}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 1}
`, "accounts[0].pools[0].directory", "a pool needs a REGISTERED one with workspaceType POOLS"},
		{"sessions of a stopped pool", `
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 1, state: STOPPED, sessions: [{userId: al}]}
`, "accounts[0].pools[0].sessions", "a STOPPED pool has no sessions"},
		{"more sessions than desired", `
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 1, sessions: [{userId: al}, {userId: bo}]}
`, "accounts[0].pools[0].sessions", "2 sessions, and the pool has 1 desired user sessions"},
		{"bad state", `
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 1, state: ERROR}
`, "accounts[0].pools[0].state", `"ERROR" is not one of`},
		{"bad id", `
accounts:
  - pools:
      - {id: wspool-x, name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 1}
`, "accounts[0].pools[0].id", "breaks the model's constraint"},
		{"unknown bundle", `
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-000000000, desiredUserSessions: 1}
`, "accounts[0].pools[0].bundle", "not a public bundle"},
		{"WorkSpace in a POOLS directory", `
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    workspaces:
      - {directory: d-1234567890, bundle: wsb-93xk71ss4, userName: jo}
`, "accounts[0].workspaces[0].directory", "WorkSpaces need a PERSONAL one"},
	} {
		t.Run(c.name, func(t *testing.T) {
			se, err := seedErr(t, c.doc)
			if se.Field != c.field || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("error = field %q msg %q, want field %q msg containing %q (full: %v)", se.Field, se.Msg, c.field, c.msg, err)
			}
		})
	}
}

// TestSeedPoolOverQuota: a seeded pool's desired sessions obey the quota.
func TestSeedPoolOverQuota(t *testing.T) {
	seed, err := ws.ParseSeed("seed.yaml", []byte(`
accounts:
  - directories: [{id: d-1234567890, workspaceType: POOLS}]
    pools:
      - {name: p, directory: d-1234567890, bundle: wsb-93xk71ss4, desiredUserSessions: 5000000000}
`))
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	err = srv.Service.ApplySeed(context.Background(), seed)
	if err == nil || !strings.Contains(err.Error(), "accounts[0].pools[0].desiredUserSessions") || !strings.Contains(err.Error(), "at most 100 user sessions") {
		t.Fatalf("ApplySeed = %v, want the quota of 100 sessions named at the field", err)
	}
}
