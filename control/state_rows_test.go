package control_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

const catalogueApp = "wsa-ys0iio3zv" // an application of the catalogue (GET /_wslocal/applications)

// snapshotOf is a version 1 snapshot of the given resources and
// associations, of account 000000000000 in us-east-1.
func snapshotOf(resources, associations []map[string]any) []byte {
	for _, rows := range [][]map[string]any{resources, associations} {
		for _, r := range rows {
			r["account"], r["region"] = "000000000000", "us-east-1"
		}
	}
	b, _ := json.Marshal(map[string]any{"version": 1, "exportedAt": "2026-01-01T00:00:00Z",
		"resources": resources, "associations": associations, "tags": []any{}, "shares": []any{}})
	return b
}

func resourceRow(kind, id, state string, dueAt int64, doc string) map[string]any {
	return map[string]any{"kind": kind, "id": id, "state": state, "created": 1767225600000, "dueAt": dueAt, "doc": json.RawMessage(doc)}
}

func assocRow(typ, id, state string, dueAt int64, extra map[string]any) map[string]any {
	r := map[string]any{"applicationId": catalogueApp, "resourceType": typ, "resourceId": id, "state": state,
		"created": 1767225600000, "updated": 1767225600000, "dueAt": dueAt}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

const (
	due       = 1767225601000 // a second after the clock's start
	goodWsDoc = `{"WorkspaceId":"ws-good00001","DirectoryId":"d-1234567890","BundleId":"wsb-bh8rsxt14","UserName":"alice",` +
		`"WorkspaceProperties":{"OperatingSystemName":"WINDOWS_10","RootVolumeSizeGib":80,"ComputeTypeName":"PERFORMANCE"}}`
	goodImageDoc = `{"name":"golden","description":"","osName":"WINDOWS_10","requiredTenancy":"DEDICATED","ownerAccount":"000000000000","origin":"ImportWorkspaceImage"}`
)

// Every row of a snapshot is checked as a row of its kind before anything
// is written: each of these is refused with a 400 naming the row and the
// field, and the state is left as it was.
func TestStateImportRefusesRowsThatAreNotOfTheirKind(t *testing.T) {
	srv := wslocaltest.Start(t)
	buildState(t, srv)
	before := exportState(t, srv)
	for _, c := range []struct {
		name  string
		body  []byte
		wants []string
	}{
		{"account due without modifications",
			snapshotOf([]map[string]any{resourceRow("account", "byol", "PENDING", due, `{}`)}, nil),
			[]string{"resources[0] (account byol): doc.Modifications: an account row holds at least one modification"}},
		{"empty WorkSpace with a due application",
			snapshotOf([]map[string]any{resourceRow("workspace", "ws-empty0001", "AVAILABLE", 0, `{}`)},
				[]map[string]any{assocRow("WORKSPACE", "ws-empty0001", "PENDING_INSTALL", due, nil)}),
			[]string{`resources[0] (workspace ws-empty0001): doc.WorkspaceId: "" is not the row's id ws-empty0001`}},
		{"WorkSpace without properties",
			snapshotOf([]map[string]any{resourceRow("workspace", "ws-good00001", "AVAILABLE", 0,
				strings.Replace(goodWsDoc, `"WorkspaceProperties"`, `"Other"`, 1))}, nil),
			[]string{"resources[0] (workspace ws-good00001): doc.WorkspaceProperties: a WorkSpace needs its properties"}},
		{"image in a state images do not have",
			snapshotOf([]map[string]any{resourceRow("image", "wsi-bogus0001", "BOGUS", due, goodImageDoc)}, nil),
			[]string{`resources[0] (image wsi-bogus0001): state: "BOGUS" is not a state of a image; the states are AVAILABLE, PENDING, ERROR`}},
		{"bundle with a due time",
			snapshotOf([]map[string]any{resourceRow("bundle", "wsb-due000001", "AVAILABLE", due, `{}`)}, nil),
			[]string{"resources[0] (bundle wsb-due000001): dueAt: a bundle in state AVAILABLE has no next step, so no due time"}},
		{"AVAILABLE WorkSpace with a due time",
			snapshotOf([]map[string]any{resourceRow("workspace", "ws-good00001", "AVAILABLE", due, goodWsDoc)}, nil),
			[]string{"resources[0] (workspace ws-good00001): dueAt: a workspace in state AVAILABLE has no next step"}},
		{"unknown kind",
			snapshotOf([]map[string]any{resourceRow("printer", "p-1", "READY", 0, `{}`)}, nil),
			[]string{`resources[0] (printer p-1): kind: "printer" is not a resource kind; the kinds are account, account-link, bundle, client-branding, connection-alias,`}},
		{"document of another shape",
			snapshotOf([]map[string]any{resourceRow("image", "wsi-shape0001", "AVAILABLE", 0, `{"name": 7}`)}, nil),
			[]string{"resources[0] (image wsi-shape0001): doc: is not a image document"}},
		{"COMPLETED application with a due time",
			snapshotOf([]map[string]any{resourceRow("workspace", "ws-good00001", "AVAILABLE", 0, goodWsDoc)},
				[]map[string]any{assocRow("WORKSPACE", "ws-good00001", "COMPLETED", due, nil)}),
			[]string{"associations[0] (" + catalogueApp + " on WORKSPACE ws-good00001): dueAt: an application of a WORKSPACE in state COMPLETED has no next step"}},
		{"ERROR application without its failed step",
			snapshotOf(nil, []map[string]any{assocRow("WORKSPACE", "ws-good00001", "ERROR", 0,
				map[string]any{"reasonCode": "DeploymentError.InternalServerError"})}),
			[]string{`associations[0] (` + catalogueApp + ` on WORKSPACE ws-good00001): failedStep: "": an ERROR association says where it failed`}},
		{"image application in a WorkSpace-only state",
			snapshotOf(nil, []map[string]any{assocRow("IMAGE", "wsi-golden001", "PENDING_INSTALL", due, nil)}),
			[]string{`associations[0] (` + catalogueApp + ` on IMAGE wsi-golden001): state: "PENDING_INSTALL" is not a state of an application of a IMAGE; the states are INSTALLING, COMPLETED, ERROR, REMOVED`}},
		{"made-up error code",
			snapshotOf(nil, []map[string]any{assocRow("WORKSPACE", "ws-good00001", "ERROR", 0,
				map[string]any{"reasonCode": "Installer.Exploded", "failedStep": "INSTALLING"})}),
			[]string{`reasonCode: "Installer.Exploded" is not an association error code`}},
	} {
		status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", c.body)
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		if status != http.StatusBadRequest {
			t.Errorf("%s: PUT state = %d %s, want 400", c.name, status, b)
			continue
		}
		for _, want := range c.wants {
			if !strings.Contains(e.Error, want) {
				t.Errorf("%s: error %q does not say %q", c.name, e.Error, want)
			}
		}
		if after := exportState(t, srv); string(before) != string(after) {
			t.Fatalf("%s: a refused import changed the state", c.name)
		}
	}
}

// A row in a moving state imported without a due time takes its next step
// the usual duration after the import; an image's INSTALLING application
// moves with its image while the image is PENDING.
func TestStateImportSchedulesMovingRowsWithoutDueTime(t *testing.T) {
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	dirDoc := `{"DirectoryId":"d-1234567890","DirectoryName":"corp.example.com","DirectoryType":"SIMPLE_AD"}`
	pendingImage := strings.Replace(goodImageDoc, `"golden"`, `"pending"`, 1)
	body := snapshotOf([]map[string]any{
		resourceRow("directory", "d-1234567890", "REGISTERING", 0, dirDoc),
		resourceRow("image", "wsi-avail0001", "AVAILABLE", 0, goodImageDoc),
		resourceRow("image", "wsi-pendi0001", "PENDING", due+60_000, pendingImage),
	}, []map[string]any{
		assocRow("IMAGE", "wsi-avail0001", "INSTALLING", 0, nil),
		assocRow("IMAGE", "wsi-pendi0001", "INSTALLING", 0, nil),
	})
	if status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", body); status != http.StatusOK {
		t.Fatalf("PUT state = %d %s", status, b)
	}
	imageApp := func(id string) types.AssociationState {
		t.Helper()
		out, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(id),
			AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
		if err != nil || len(out.Associations) != 1 {
			t.Fatalf("DescribeImageAssociations %s = %+v, %v", id, out, err)
		}
		return out.Associations[0].State
	}
	srv.Advance(time.Second) // the directory and deploy steps take a second
	dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil || len(dirs.Directories) != 1 || dirs.Directories[0].State != types.WorkspaceDirectoryStateRegistered {
		t.Fatalf("directory after a second = %+v, %v; want REGISTERED", dirs, err)
	}
	if got := imageApp("wsi-avail0001"); got != types.AssociationStateCompleted {
		t.Errorf("application of the AVAILABLE image after a second = %s, want COMPLETED", got)
	}
	if got := imageApp("wsi-pendi0001"); got != types.AssociationStateInstalling {
		t.Errorf("application of the PENDING image after a second = %s, want INSTALLING (it moves with the image)", got)
	}
	srv.Advance(time.Minute)
	if got := imageApp("wsi-pendi0001"); got != types.AssociationStateCompleted {
		t.Errorf("application of the built image = %s, want COMPLETED", got)
	}
}
