package clients_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// clockNow reads the manual clock of p.
func clockNow(t *testing.T, p *proctest.Proc) time.Time {
	t.Helper()
	resp, err := http.Get(p.URL + "/_wslocal/clock")
	if err != nil {
		t.Fatalf("GET /_wslocal/clock: %v", err)
	}
	defer resp.Body.Close()
	var got struct{ Now string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("GET /_wslocal/clock: %v", err)
	}
	now, err := time.Parse(time.RFC3339Nano, got.Now)
	if err != nil {
		t.Fatalf("GET /_wslocal/clock: %v", err)
	}
	return now
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCLISnapshotsRestoreMigrate drives the WorkSpace-instance operations
// with `aws workspaces` and compares the output with the shapes of the
// CLI's shipped examples: restore-workspace "produces no output",
// rebuild-workspaces {"FailedRequests": []}, migrate-workspace
// {"SourceWorkspaceId", "TargetWorkspaceId"}; describe-workspace-snapshots
// (no shipped example) has the model's RebuildSnapshots and
// RestoreSnapshots of SnapshotTime.
func TestCLISnapshotsRestoreMigrate(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	cli := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t)}

	cli.ok(nil, "register-workspace-directory", "--directory-id", "d-5500000001")
	advance(t, p, "1s")
	var bundles struct {
		Bundles []struct{ BundleId, Name string }
	}
	cli.ok(&bundles, "describe-workspace-bundles", "--owner", "AMAZON")
	byName := map[string]string{}
	for _, b := range bundles.Bundles {
		byName[b.Name] = b.BundleId
	}
	source, target := byName["Standard with Windows 10 (Server 2019 based)"], byName["Performance with Windows 10 (Server 2022 based) (WSP)"]
	if source == "" || target == "" {
		t.Fatalf("AWS bundles lack the Windows Server bundles: %v", byName)
	}
	var created struct {
		PendingRequests []struct{ WorkspaceId, State string }
	}
	cli.ok(&created, "create-workspaces", "--workspaces", "DirectoryId=d-5500000001,UserName=alice,BundleId="+source)
	if len(created.PendingRequests) != 1 {
		t.Fatalf("create-workspaces: %+v", created)
	}
	ws := created.PendingRequests[0].WorkspaceId
	born := clockNow(t, p)
	advance(t, p, "1s")

	snapshots := func() map[string]any {
		t.Helper()
		var out map[string]any
		cli.ok(&out, "describe-workspace-snapshots", "--workspace-id", ws)
		if got := keysOf(out); !slices.Equal(got, []string{"RebuildSnapshots", "RestoreSnapshots"}) {
			t.Fatalf("describe-workspace-snapshots members %v, want RebuildSnapshots and RestoreSnapshots", got)
		}
		return out
	}
	if s := snapshots(); len(s["RestoreSnapshots"].([]any)) != 0 || len(s["RebuildSnapshots"].([]any)) != 0 {
		t.Errorf("describe-workspace-snapshots before the first snapshot: %v, want empty lists", s)
	}
	cli.fails("OperationNotSupportedException", "The WorkSpace "+ws+" has no snapshot yet", "restore-workspace", "--workspace-id", ws)

	advance(t, p, "30m")
	for name, list := range snapshots() {
		l := list.([]any)
		if len(l) != 1 {
			t.Fatalf("%s = %v, want one snapshot", name, l)
		}
		snap := l[0].(map[string]any)
		if got := keysOf(snap); !slices.Equal(got, []string{"SnapshotTime"}) {
			t.Errorf("%s[0] members %v, want SnapshotTime", name, got)
		}
		at, ok := snap["SnapshotTime"].(float64)
		if want := born.Add(30 * time.Minute); !ok || time.UnixMilli(int64(at*1000+0.5)).UTC() != want {
			t.Errorf("%s[0].SnapshotTime = %v, want %s as epoch seconds", name, snap["SnapshotTime"], want)
		}
	}

	// restore-workspace: "This command produces no output."
	stdout, stderr, code := cli.try("restore-workspace", "--workspace-id", ws)
	if code != 0 || strings.TrimSpace(stdout) != "" {
		t.Fatalf("restore-workspace: exit %d, stdout %q, stderr %s; want no output", code, stdout, stderr)
	}
	state := func() string {
		t.Helper()
		var out struct{ Workspaces []struct{ State string } }
		cli.ok(&out, "describe-workspaces", "--workspace-ids", ws)
		if len(out.Workspaces) != 1 {
			t.Fatalf("describe-workspaces %s: %+v", ws, out)
		}
		return out.Workspaces[0].State
	}
	if s := state(); s != "RESTORING" {
		t.Fatalf("after restore-workspace: %s, want RESTORING", s)
	}
	advance(t, p, "1s")
	if s := state(); s != "AVAILABLE" {
		t.Fatalf("a step after restore-workspace: %s, want AVAILABLE", s)
	}

	// rebuild-workspaces: {"FailedRequests": []}.
	var rebuilt map[string]any
	cli.ok(&rebuilt, "rebuild-workspaces", "--rebuild-workspace-requests", ws) // the example's form
	if got, ok := rebuilt["FailedRequests"].([]any); len(rebuilt) != 1 || !ok || len(got) != 0 {
		t.Errorf("rebuild-workspaces output %v, want {\"FailedRequests\": []}", rebuilt)
	}
	advance(t, p, "1s")

	cli.fails("InvalidParameterValuesException", "The WorkSpace "+ws+" already runs bundle "+source,
		"migrate-workspace", "--source-workspace-id", ws, "--bundle-id", source)
	var migrated map[string]any
	cli.ok(&migrated, "migrate-workspace", "--source-workspace-id", ws, "--bundle-id", target)
	if got := keysOf(migrated); !slices.Equal(got, []string{"SourceWorkspaceId", "TargetWorkspaceId"}) {
		t.Fatalf("migrate-workspace members %v, want SourceWorkspaceId and TargetWorkspaceId", got)
	}
	nw, _ := migrated["TargetWorkspaceId"].(string)
	if migrated["SourceWorkspaceId"] != ws || !regexp.MustCompile(`^ws-[0-9a-z]{9}$`).MatchString(nw) || nw == ws {
		t.Errorf("migrate-workspace = %v, want %s and a new ws- id", migrated, ws)
	}
	if s := state(); s != "SUSPENDED" {
		t.Errorf("the migrating source is %s, want SUSPENDED", s)
	}
	advance(t, p, "2s")
	if s := state(); s != "TERMINATED" {
		t.Errorf("the migrated source is %s, want TERMINATED", s)
	}
}
