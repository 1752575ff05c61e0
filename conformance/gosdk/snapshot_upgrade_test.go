package gosdk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// v1Snapshot is a version 1 snapshot: account 111111111111 shares an
// image and a connection alias with 222222222222, the alias's share being
// a row of 222222222222's partition, and the connection string reserved in
// the partition 000000000000/global.
const v1Snapshot = `{"version": 1, "exportedAt": "2026-01-01T00:00:00Z",
 "resources": [
  {"account": "000000000000", "region": "global", "kind": "connection-string", "id": "www.example.com",
   "state": "RESERVED", "created": 1767225600000, "dueAt": 0, "doc": {"Account": "111111111111"}},
  {"account": "111111111111", "region": "us-east-1", "kind": "connection-alias", "id": "wsca-aaaaaaaaa",
   "state": "CREATED", "created": 1767225600000, "dueAt": 0,
   "doc": {"AliasId": "wsca-aaaaaaaaa", "ConnectionString": "www.example.com", "State": "CREATED",
           "OwnerAccountId": "111111111111", "SharedWith": ["222222222222"]}},
  {"account": "111111111111", "region": "us-east-1", "kind": "image", "id": "wsi-aaaaaaaaa",
   "state": "AVAILABLE", "created": 1767225600000, "dueAt": 0,
   "doc": {"name": "golden", "description": "", "osName": "WINDOWS_10", "requiredTenancy": "DEFAULT",
           "ownerAccount": "111111111111", "origin": "CreateWorkspaceImage"}},
  {"account": "222222222222", "region": "us-east-1", "kind": "connection-alias-share", "id": "wsca-aaaaaaaaa",
   "state": "CREATED", "created": 1767225600000, "dueAt": 0, "doc": {"Owner": "111111111111"}}],
 "associations": [], "tags": [],
 "shares": [{"account": "111111111111", "region": "us-east-1", "imageId": "wsi-aaaaaaaaa", "sharedAccount": "222222222222"}]}`

// TestVersion1SnapshotIsUpgraded: a version 1 snapshot imports as the
// current version, its three ways of sharing become shares and the global scope, and
// the service behaves as it did: the grantee sees the image and the alias,
// the owner lists the alias's permission, the connection string stays
// reserved for its account.
func TestVersion1SnapshotIsUpgraded(t *testing.T) {
	t.Parallel()
	srv := start(t)
	var answer map[string]any
	if status := srv.Control(http.MethodPut, "/_wslocal/state", json.RawMessage(v1Snapshot), &answer); status != http.StatusOK {
		t.Fatalf("PUT a version 1 snapshot: %d %v", status, answer)
	}
	ctx := context.Background()
	owner := newClient(srv.AWSConfigFor("111111111111", "us-east-1"))
	grantee := newClient(srv.AWSConfigFor("222222222222", "us-east-1"))
	stranger := newClient(srv.AWSConfigFor("333333333333", "us-east-1"))

	aliases, err := grantee.DescribeConnectionAliases(ctx, &workspaces.DescribeConnectionAliasesInput{})
	if err != nil || len(aliases.ConnectionAliases) != 1 || aws.ToString(aliases.ConnectionAliases[0].AliasId) != "wsca-aaaaaaaaa" {
		t.Errorf("the grantee's aliases: %+v, %v; want the shared wsca-aaaaaaaaa", aliases, err)
	}
	images, err := grantee.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{})
	if err != nil || len(images.Images) != 1 || aws.ToString(images.Images[0].ImageId) != "wsi-aaaaaaaaa" {
		t.Errorf("the grantee's images: %+v, %v; want the shared wsi-aaaaaaaaa", images, err)
	}
	perms, err := owner.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String("wsca-aaaaaaaaa")})
	if err != nil || len(perms.ConnectionAliasPermissions) != 1 || aws.ToString(perms.ConnectionAliasPermissions[0].SharedAccountId) != "222222222222" {
		t.Errorf("the alias's permissions: %+v, %v; want 222222222222", perms, err)
	}
	if aliases, _ := stranger.DescribeConnectionAliases(ctx, &workspaces.DescribeConnectionAliasesInput{}); len(aliases.ConnectionAliases) != 0 {
		t.Errorf("a stranger sees aliases %+v", aliases.ConnectionAliases)
	}
	_, err = stranger.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("WWW.example.com")})
	apiError(t, err, "ResourceAlreadyExistsException")
	_, err = owner.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String("wsca-aaaaaaaaa")})
	apiError(t, err, "ResourceAssociatedException")

	var snap struct {
		Version   int
		Resources []struct {
			Account, Region, Kind, ID string
			Doc                       json.RawMessage
		}
		Shares []map[string]string
	}
	if err := json.Unmarshal(exportState(t, srv), &snap); err != nil {
		t.Fatalf("export: %v", err)
	}
	var rows []string
	for _, r := range snap.Resources {
		rows = append(rows, r.Account+"/"+r.Region+" "+r.Kind+" "+r.ID)
		if r.Kind == "connection-alias" && strings.Contains(string(r.Doc), "SharedWith") {
			t.Errorf("the alias's document still lists its shares: %s", r.Doc)
		}
	}
	wantRows := []string{"111111111111/us-east-1 connection-alias wsca-aaaaaaaaa", "111111111111/us-east-1 image wsi-aaaaaaaaa",
		"global/global connection-string www.example.com"}
	if snap.Version != 3 || !slices.Equal(rows, wantRows) {
		t.Errorf("export: version %d, resources %q; want 3, %q", snap.Version, rows, wantRows)
	}
	wantShares := []map[string]string{
		{"account": "111111111111", "region": "us-east-1", "kind": "connection-alias", "id": "wsca-aaaaaaaaa", "grantee": "222222222222"},
		{"account": "111111111111", "region": "us-east-1", "kind": "image", "id": "wsi-aaaaaaaaa", "grantee": "222222222222"},
	}
	if !reflect.DeepEqual(snap.Shares, wantShares) {
		t.Errorf("export: shares %v, want %v", snap.Shares, wantShares)
	}
}

// v2Snapshot is a version 2 snapshot holding image documents of the form
// before version 3: a PENDING imported image with Office, and a custom
// import half way, both due a second after the clock's start.
const v2Snapshot = `{"version": 2, "exportedAt": "2026-01-01T00:00:00Z",
 "resources": [
  {"account": "000000000000", "region": "us-east-1", "kind": "image", "id": "wsi-custom001",
   "state": "PENDING", "created": 1767225600000, "dueAt": 1767225601000,
   "doc": {"name": "custom", "description": "through Image Builder", "osName": "WINDOWS_11", "requiredTenancy": "DEDICATED",
           "ownerAccount": "000000000000", "origin": "ImportCustomWorkspaceImage",
           "customImport": {"state": "GENERALIZING", "source": {"Ec2ImageId": "ami-0123456789abcdef1"},
             "infrastructureConfigurationArn": "arn:aws:imagebuilder:us-east-1:000000000000:infrastructure-configuration/ic",
             "computeType": "BASE", "protocol": "DCV", "platform": "WINDOWS", "osVersion": "Windows_11",
             "imageBuilderInstanceId": "i-0123456789abcdef0", "updated": "2026-01-01T00:00:00Z"}}},
  {"account": "000000000000", "region": "us-east-1", "kind": "image", "id": "wsi-import001",
   "state": "PENDING", "created": 1767225600000, "dueAt": 1767225601000,
   "doc": {"name": "imported", "description": "BYOL", "osName": "WINDOWS_10", "requiredTenancy": "DEDICATED",
           "ownerAccount": "000000000000", "ec2ImageId": "ami-0123456789abcdef0", "ingestionProcess": "BYOL_REGULAR",
           "applications": ["Microsoft_Office_2019"], "origin": "ImportWorkspaceImage"}}],
 "associations": [], "tags": [], "shares": []}`

// TestVersion2SnapshotIsUpgraded: a version 2 snapshot's image documents
// are rewritten in the current form (the wire shape and wslocal-prefixed
// extras) on import, and the images answer and step as they did.
func TestVersion2SnapshotIsUpgraded(t *testing.T) {
	t.Parallel()
	srv := start(t)
	var answer map[string]any
	if status := srv.Control(http.MethodPut, "/_wslocal/state", json.RawMessage(v2Snapshot), &answer); status != http.StatusOK {
		t.Fatalf("PUT a version 2 snapshot: %d %v", status, answer)
	}
	ctx := context.Background()
	c := newClient(srv.AWSConfig())
	img := describeImage(t, c, "wsi-import001")
	if img.State != types.WorkspaceImageStatePending || aws.ToString(img.Name) != "imported" || aws.ToString(img.Description) != "BYOL" ||
		img.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated || img.OperatingSystem.Type != types.OperatingSystemTypeWindows ||
		aws.ToString(img.OwnerAccountId) != defaultAccount {
		t.Errorf("the upgraded image = %+v", img)
	}
	ci, err := c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String("wsi-custom001")})
	if err != nil || ci.State != types.CustomWorkspaceImageImportStateGeneralizing {
		t.Fatalf("the upgraded import = %+v, %v; want GENERALIZING", ci, err)
	}

	var snap struct {
		Version   int
		Resources []struct {
			ID  string
			Doc map[string]any
		}
	}
	if err := json.Unmarshal(exportState(t, srv), &snap); err != nil {
		t.Fatalf("export: %v", err)
	}
	if snap.Version != 3 || len(snap.Resources) != 2 {
		t.Fatalf("export: version %d with %d resources, want version 3 with 2", snap.Version, len(snap.Resources))
	}
	for _, r := range snap.Resources {
		d := r.Doc
		if d["osName"] != nil || d["ImageId"] != r.ID || d["OwnerAccountId"] != defaultAccount || d["RequiredTenancy"] != "DEDICATED" ||
			d["wslocalOperatingSystemName"] == nil || d["wslocalOrigin"] == nil {
			t.Errorf("export: image %s document %v, want the current form", r.ID, d)
		}
	}
	if snap.Resources[0].Doc["wslocalCustomImport"] == nil || snap.Resources[1].Doc["wslocalEc2ImageId"] != "ami-0123456789abcdef0" {
		t.Errorf("export: the upgrade lost extras: %+v", snap.Resources)
	}

	srv.Advance(time.Second)
	if img := describeImage(t, c, "wsi-import001"); img.State != types.WorkspaceImageStateAvailable {
		t.Errorf("the upgraded image after its step = %s, want AVAILABLE", img.State)
	}
	ci, err = c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String("wsi-custom001")})
	if err != nil || ci.State != types.CustomWorkspaceImageImportStateValidating {
		t.Errorf("the upgraded import after its step = %+v, %v; want VALIDATING", ci, err)
	}
}

// TestSnapshotRefusesMisplacedGlobalRows: a connection string's
// reservation belongs to the global scope, and only images and aliases
// are shared.
func TestSnapshotRefusesMisplacedGlobalRows(t *testing.T) {
	t.Parallel()
	srv := start(t)
	for _, c := range []struct{ name, body, want string }{
		{"reservation in an account", `{"version": 2, "exportedAt": "", "resources": [{"account": "111111111111", "region": "us-east-1",
			"kind": "connection-string", "id": "x.example.com", "state": "RESERVED", "created": 0, "dueAt": 0, "doc": {"Account": "111111111111"}}],
			"associations": [], "tags": [], "shares": []}`, "belongs to the global scope"},
		{"alias in the global scope", `{"version": 2, "exportedAt": "", "resources": [{"account": "global", "region": "global",
			"kind": "connection-alias", "id": "wsca-aaaaaaaaa", "state": "CREATED", "created": 0, "dueAt": 0, "doc": {}}],
			"associations": [], "tags": [], "shares": []}`, "must be 12 digits"},
		{"share of a directory", `{"version": 2, "exportedAt": "", "resources": [], "associations": [], "tags": [],
			"shares": [{"account": "111111111111", "region": "us-east-1", "kind": "directory", "id": "d-1", "grantee": "222222222222"}]}`,
			`kind "directory" cannot be shared`},
		{"version 1 with a version 2 share", `{"version": 1, "exportedAt": "", "resources": [], "associations": [], "tags": [],
			"shares": [{"account": "111111111111", "region": "us-east-1", "kind": "image", "id": "wsi-1", "grantee": "222222222222"}]}`,
			`unknown field "kind"`},
	} {
		var answer map[string]any
		status := srv.Control(http.MethodPut, "/_wslocal/state", json.RawMessage(c.body), &answer)
		if msg, _ := answer["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, c.want) {
			t.Errorf("%s: PUT state = %d %v, want 400 saying %q", c.name, status, answer, c.want)
		}
	}
}
