package control_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/wslocaltest"
)

// raw sends a control request and returns the status and the body as sent.
func raw(t *testing.T, srv *wslocaltest.Server, method, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func exportState(t *testing.T, srv *wslocaltest.Server) []byte {
	t.Helper()
	status, b := raw(t, srv, http.MethodGet, "/_wslocal/state", nil)
	if status != http.StatusOK {
		t.Fatalf("GET state = %d %s", status, b)
	}
	return b
}

// buildState makes, through the AWS API, one of every kind of row: a
// directory, an imported image with Office, an image whose import failed
// (ERROR association with a reason), a bundle, a WorkSpace with an
// application waiting for deployment, tags and a share.
func buildState(t *testing.T, srv *wslocaltest.Server) {
	t.Helper()
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{
		DirectoryId: aws.String("d-1234567890"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("desk <&>")}}}))
	img, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("golden"), ImageDescription: aws.String("Windows 10 with Office"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2019}})
	must(img, err)
	srv.Advance(time.Minute)
	srv.InjectFault(sim.FaultRule{Operation: "ImportWorkspaceImage", Count: 1,
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError", Message: "the installer crashed"}})
	must(c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef1"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("broken"), ImageDescription: aws.String("fails"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2016}}))
	b, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("office"), BundleDescription: aws.String("with Office"), ImageId: img.ImageId,
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	must(b, err)
	ws, err := c.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String("d-1234567890"), BundleId: b.WorkspaceBundle.BundleId, UserName: aws.String("alice")}}})
	must(ws, err)
	if len(ws.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces failed: %+v", ws.FailedRequests)
	}
	srv.Advance(time.Minute)
	must(c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: img.ImageId, SharedAccountId: aws.String("111111111111"), AllowCopyImage: aws.Bool(true)}))
	apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	must(apps, err)
	var visio string
	for _, a := range apps.Applications {
		if *a.Name == "Microsoft Visio LTSC Standard 2021" {
			visio = *a.ApplicationId
		}
	}
	must(c.AssociateWorkspaceApplication(ctx, &workspaces.AssociateWorkspaceApplicationInput{
		WorkspaceId: ws.PendingRequests[0].WorkspaceId, ApplicationId: aws.String(visio)}))
}

type snapshotCounts struct {
	Version      int               `json:"version"`
	Resources    []json.RawMessage `json:"resources"`
	Associations []struct {
		State      string `json:"state"`
		ReasonCode string `json:"reasonCode"`
	} `json:"associations"`
	Tags   []json.RawMessage `json:"tags"`
	Shares []json.RawMessage `json:"shares"`
}

func TestStateRoundTripIsExact(t *testing.T) {
	srv := wslocaltest.Start(t)
	buildState(t, srv)
	first := exportState(t, srv)

	var got snapshotCounts
	if err := json.Unmarshal(first, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || len(got.Resources) != 5 || len(got.Tags) != 1 || len(got.Shares) != 1 {
		t.Fatalf("export: version %d, %d resources, %d tags, %d shares; want 3, 5, 1, 1:\n%s",
			got.Version, len(got.Resources), len(got.Tags), len(got.Shares), first)
	}
	states := map[string]int{}
	for _, a := range got.Associations {
		states[a.State+" "+a.ReasonCode]++
	}
	want := map[string]int{"COMPLETED ": 3, "ERROR DeploymentError.InternalServerError": 1, "PENDING_INSTALL_DEPLOYMENT ": 1}
	if len(states) != len(want) || states["COMPLETED "] != 3 || states["PENDING_INSTALL_DEPLOYMENT "] != 1 ||
		states["ERROR DeploymentError.InternalServerError"] != 1 {
		t.Fatalf("association states = %v, want %v", states, want)
	}

	if status := srv.Control(http.MethodPost, "/_wslocal/reset", nil, nil); status != http.StatusOK {
		t.Fatalf("reset = %d", status)
	}
	if empty := exportState(t, srv); bytes.Contains(empty, []byte("d-1234567890")) {
		t.Fatalf("reset left state behind: %s", empty)
	}
	if status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", first); status != http.StatusOK {
		t.Fatalf("PUT state = %d %s", status, b)
	}
	if second := exportState(t, srv); !bytes.Equal(first, second) {
		t.Fatalf("export -> reset -> import -> export changed the document:\nfirst  %s\nsecond %s", first, second)
	}

	// Another backend reads it the same: a SQLite file.
	other := wslocaltest.Start(t, wslocaltest.WithStore("sqlite:"+filepath.Join(t.TempDir(), "state.db")))
	other.Advance(2 * time.Minute) // the same clock reading as srv's
	if status, b := raw(t, other, http.MethodPut, "/_wslocal/state", first); status != http.StatusOK {
		t.Fatalf("PUT state into SQLite = %d %s", status, b)
	}
	if third := exportState(t, other); !bytes.Equal(first, third) {
		t.Fatalf("the SQLite store exported another document:\nfirst %s\nthird %s", first, third)
	}

	// The imported state is live: the AWS API sees it.
	out, err := workspaces.NewFromConfig(other.AWSConfig()).DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{})
	if err != nil || len(out.Workspaces) != 1 || out.Workspaces[0].State != types.WorkspaceStateAvailable {
		t.Fatalf("DescribeWorkspaces after import = %+v, %v", out, err)
	}
}

func TestStateImportRefusesBadSnapshotsAndChangesNothing(t *testing.T) {
	srv := wslocaltest.Start(t)
	buildState(t, srv)
	before := exportState(t, srv)

	var snap map[string]any
	if err := json.Unmarshal(before, &snap); err != nil {
		t.Fatal(err)
	}
	with := func(mutate func(map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(before, &m)
		mutate(m)
		b, _ := json.Marshal(m)
		return b
	}
	// A bad last row: the import has already deleted everything and
	// written every other row when it finds it.
	lateBadRow := with(func(m map[string]any) {
		shares := m["shares"].([]any)
		shares[len(shares)-1].(map[string]any)["grantee"] = "nobody"
	})
	badState := with(func(m map[string]any) {
		as := m["associations"].([]any)
		as[len(as)-1].(map[string]any)["state"] = "HALF_DONE"
	})
	badDoc := with(func(m map[string]any) {
		rs := m["resources"].([]any)
		rs[len(rs)-1].(map[string]any)["doc"] = "not an object"
	})
	dup := with(func(m map[string]any) {
		rs := m["resources"].([]any)
		m["resources"] = append(rs, rs[0])
	})
	for _, c := range []struct {
		name string
		body []byte
		want string
	}{
		{"malformed JSON", before[:len(before)/2], "not a JSON object"},
		{"not an object", []byte(`[1, 2]`), "not a JSON object"},
		{"newer version", with(func(m map[string]any) { m["version"] = 4; m["futureField"] = true }), "version 4, newer than this wslocal supports (3)"},
		{"no version", with(func(m map[string]any) { delete(m, "version") }), `no "version"`},
		{"unknown field", with(func(m map[string]any) { m["colour"] = "blue" }), `unknown field "colour"`},
		{"trailing data", append(append([]byte{}, before...), []byte(`{}`)...), "data after"},
		{"bad last row", lateBadRow, "grantee must be 12 digits"},
		{"bad association state", badState, `state: "HALF_DONE" is not a state of an application of a WORKSPACE`},
		{"doc not an object", badDoc, "doc: must be a JSON object"},
		{"duplicate resource", dup, "appears twice"},
	} {
		status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", c.body)
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		if status != http.StatusBadRequest || !strings.Contains(e.Error, c.want) || !strings.Contains(e.Error, "not changed") {
			t.Errorf("%s: PUT state = %d %s, want 400 saying %q", c.name, status, b, c.want)
		}
		if after := exportState(t, srv); !bytes.Equal(before, after) {
			t.Fatalf("%s: a refused import changed the state:\nbefore %s\nafter  %s", c.name, before, after)
		}
	}
}

func TestApplicationsCatalogue(t *testing.T) {
	srv := wslocaltest.Start(t)
	var got struct {
		Applications []struct {
			ApplicationId                 string
			Name                          string
			State                         string
			SupportedOperatingSystemNames []string
		} `json:"applications"`
	}
	if status := srv.Control(http.MethodGet, "/_wslocal/applications", nil, &got); status != http.StatusOK {
		t.Fatalf("GET applications = %d", status)
	}
	out, err := workspaces.NewFromConfig(srv.AWSConfig()).DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Applications) != 10 || len(got.Applications) != len(out.Applications) {
		t.Fatalf("catalogue has %d applications, DescribeApplications %d; want 10", len(got.Applications), len(out.Applications))
	}
	for i, a := range got.Applications {
		w := out.Applications[i]
		if a.ApplicationId != *w.ApplicationId || a.Name != *w.Name || a.State != string(w.State) || len(a.SupportedOperatingSystemNames) == 0 {
			t.Errorf("entry %d = %+v, DescribeApplications says %s %s %s", i, a, *w.ApplicationId, *w.Name, w.State)
		}
	}
}
