package workspaces_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// appIDs maps catalogue names to ids.
func appIDs(t *testing.T, c *workspaces.Client) map[string]string {
	t.Helper()
	out, err := c.DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, a := range out.Applications {
		ids[*a.Name] = *a.ApplicationId
	}
	return ids
}

// startWithExampleSeed starts a server on the manual clock with
// docs/seed.example.yaml applied, and returns the seed for applying again.
func startWithExampleSeed(t *testing.T) (*wslocaltest.Server, *ws.Seed) {
	t.Helper()
	seed, err := ws.ReadSeedFile("../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	if err := srv.Service.ApplySeed(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	return srv, seed
}

func TestSeedExampleIsVisibleThroughTheSDK(t *testing.T) {
	srv, _ := startWithExampleSeed(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	apps := appIDs(t, c)

	imgs, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs.Images) != 3 || *imgs.Images[0].ImageId != "wsi-broken001" || imgs.Images[0].State != types.WorkspaceImageStateError ||
		aws.ToString(imgs.Images[0].ErrorCode) != "DeploymentError.InternalServerError" || imgs.Images[1].State != types.WorkspaceImageStateAvailable ||
		*imgs.Images[2].ImageId != "wsi-imported01" || imgs.Images[2].State != types.WorkspaceImageStatePending {
		t.Fatalf("images = %+v", imgs.Images)
	}
	ia, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("wsi-broken001"),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ia.Associations) != 1 || ia.Associations[0].State != types.AssociationStateError || ia.Associations[0].StateReason == nil ||
		ia.Associations[0].StateReason.ErrorCode != types.AssociationErrorCodeInternalServerError ||
		*ia.Associations[0].AssociatedResourceId != apps["Microsoft Office 2019"] {
		t.Fatalf("associations of the broken image = %+v", ia.Associations)
	}

	ba, err := c.DescribeBundleAssociations(ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String("wsb-office001"),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	if err != nil || len(ba.Associations) != 1 || ba.Associations[0].State != types.AssociationStateCompleted {
		t.Fatalf("bundle associations = %+v, %v", ba, err)
	}

	wss, err := c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{DirectoryId: aws.String("d-1234567890")})
	if err != nil {
		t.Fatal(err)
	}
	if len(wss.Workspaces) != 2 || *wss.Workspaces[0].WorkspaceId != "ws-alice0001" || wss.Workspaces[0].State != types.WorkspaceStateAvailable ||
		wss.Workspaces[0].WorkspaceProperties.RunningMode != types.RunningModeAutoStop || wss.Workspaces[1].State != types.WorkspaceStateStopped {
		t.Fatalf("workspaces = %+v", wss.Workspaces)
	}
	wa, err := c.DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String("ws-alice0001"),
		AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]types.WorkspaceResourceAssociation{}
	for _, a := range wa.Associations {
		got[*a.AssociatedResourceId] = a
	}
	if a := got[apps["Microsoft Office 2019"]]; a.State != types.AssociationStateCompleted {
		t.Errorf("the bundle's Office 2019 on alice = %s, want COMPLETED", a.State)
	}
	if a := got[apps["Microsoft Visio LTSC Standard 2021"]]; a.State != types.AssociationStatePendingInstallDeployment {
		t.Errorf("Visio on alice = %s, want PENDING_INSTALL_DEPLOYMENT", a.State)
	}
	if a := got[apps["Microsoft Project Standard 2021"]]; a.State != types.AssociationStateError || a.StateReason == nil ||
		a.StateReason.ErrorCode != types.AssociationErrorCodeInsufficientDiskspace {
		t.Errorf("Project on alice = %+v, want ERROR InsufficientDiskSpace", a)
	}
	tags, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String("ws-alice0001")})
	if err != nil || len(tags.TagList) != 1 || *tags.TagList[0].Key != "owner" || *tags.TagList[0].Value != "alice" {
		t.Errorf("tags of alice = %+v, %v", tags, err)
	}

	// The seeded state is live: a forced deployment runs the installer's
	// checks, and Office 2019 from the bundle blocks the 2021 products.
	if _, err := c.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{
		WorkspaceId: aws.String("ws-alice0001"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	wa, _ = c.DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String("ws-alice0001"),
		AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	for _, a := range wa.Associations {
		if *a.AssociatedResourceId == apps["Microsoft Visio LTSC Standard 2021"] &&
			(a.StateReason == nil || a.StateReason.ErrorCode != types.AssociationErrorCodeApplicationOldversionexistFailure) {
			t.Errorf("Visio after a deployment = %+v, want ERROR ApplicationOldVersionExists", a)
		}
	}

	// The other account's directory was seeded REGISTERING and moves on.
	other := workspaces.NewFromConfig(srv.AWSConfigFor("111111111111", "eu-west-1"))
	dirs, err := other.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil || len(dirs.Directories) != 1 || dirs.Directories[0].State != types.WorkspaceDirectoryStateRegistered {
		t.Errorf("eu-west-1 directories after a minute = %+v, %v", dirs, err)
	}
}

func TestSeedIsAppliedAgainIdempotently(t *testing.T) {
	seed, err := ws.ReadSeedFile("../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	for i := 0; i < 2; i++ { // a durable store restarted with the same seed
		if err := srv.Service.ApplySeed(context.Background(), seed); err != nil {
			t.Fatalf("apply #%d: %v", i+1, err)
		}
	}
	wss, err := workspaces.NewFromConfig(srv.AWSConfig()).DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{})
	if err != nil || len(wss.Workspaces) != 2 {
		t.Fatalf("after applying twice: %+v, %v", wss, err)
	}
}

func TestSeedJSON(t *testing.T) {
	srv := wslocaltest.Start(t)
	srv.Seed(`{"accounts": [{"directories": [{"id": "d-0123456789"}],
	  "workspaces": [{"id": "ws-json00001", "directory": "d-0123456789", "bundle": "wsb-gk1wpk43z", "userName": "jo"}]}]}`)
	out, err := workspaces.NewFromConfig(srv.AWSConfig()).DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{})
	if err != nil || len(out.Workspaces) != 1 || *out.Workspaces[0].UserName != "jo" {
		t.Fatalf("DescribeWorkspaces = %+v, %v", out, err)
	}
}

// seedErr parses doc and returns its first error as a *SeedError.
func seedErr(t *testing.T, doc string) (*ws.SeedError, error) {
	t.Helper()
	_, err := ws.ParseSeed("seed.yaml", []byte(doc))
	if err == nil {
		t.Fatalf("a bad seed was accepted:\n%s", doc)
	}
	var se *ws.SeedError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SeedError", err, err)
	}
	return se, err
}

func TestSeedErrorsNameLineAndField(t *testing.T) {
	for _, c := range []struct {
		name  string
		doc   string
		line  int
		field string
		msg   string
	}{
		{"unknown field", `
accounts:
  - images:
      - name: golden
        colour: red
`, 5, "accounts[0].images[0].colour", `unknown field "colour"`},
		{"bad enum value", `
accounts:
  - images:
      - name: golden
        state: DONE
`, 5, "accounts[0].images[0].state", `"DONE" is not one of PENDING, AVAILABLE, ERROR`},
		{"bad association state", `
accounts:
  - workspaces: []
    images:
      - name: golden
        applications:
          - application: Microsoft Office 2019
            state: HALF_INSTALLED
`, 8, "accounts[0].images[0].applications[0].state", `"HALF_INSTALLED" is not one of`},
		{"bad id pattern", `
accounts:
  - images:
      - id: wsi-NOT_VALID
        name: golden
`, 4, "accounts[0].images[0].id", `"wsi-NOT_VALID" breaks the model's constraint: Member must satisfy regular expression pattern`},
		{"bad directory id", `
accounts:
  - directories:
      - id: dir-00000001
`, 4, "accounts[0].directories[0].id", `"dir-00000001" breaks the model's constraint: Member must satisfy regular expression pattern`},
		{"missing image", `
accounts:
  - images:
      - {id: wsi-golden001, name: golden}
    bundles:
      - name: office
        image: wsi-missing01
`, 7, "accounts[0].bundles[0].image", "no image wsi-missing01 is declared under accounts[0].images"},
		{"missing directory", `
accounts:
  - workspaces:
      - directory: d-0000000000
        bundle: wsb-gk1wpk43z
        userName: alice
`, 4, "accounts[0].workspaces[0].directory", "no directory d-0000000000"},
		{"missing bundle", `
accounts:
  - directories: [{id: d-0123456789}]
    workspaces:
      - directory: d-0123456789
        bundle: wsb-nothere01
        userName: alice
`, 6, "accounts[0].workspaces[0].bundle", "no bundle wsb-nothere01"},
		{"unknown application", `
accounts:
  - images:
      - name: golden
        applications:
          - application: Microsoft Paint
`, 6, "accounts[0].images[0].applications[0].application", `no application "Microsoft Paint" in the catalogue`},
		{"ERROR without a reason", `
accounts:
  - images:
      - name: golden
        applications:
          - application: Microsoft_Office_2019
            state: ERROR
`, 6, "accounts[0].images[0].applications[0].reason", "needs a reason"}, // absent: the item's line
		{"bad reason code", `
accounts:
  - images:
      - name: golden
        applications:
          - application: Microsoft_Office_2019
            state: ERROR
            reason: {code: Oops}
`, 8, "accounts[0].images[0].applications[0].reason.code", `"Oops" is not one of`},
		{"wrong type", `
accounts:
  - images: [{id: wsi-golden001, name: golden}]
    bundles:
      - name: office
        image: wsi-golden001
        rootStorage: big
`, 7, "accounts[0].bundles[0].rootStorage", `"big" is not a whole number`},
		{"bad account", `
accounts:
  - account: 12345
`, 3, "accounts[0].account", "is not an account id"},
		{"reserved tag", `
accounts:
  - directories:
      - id: d-0123456789
        tags:
          aws:owner: me
`, 6, `accounts[0].directories[0].tags["aws:owner"]`, "cannot start with aws:"},
		{"syntax error", `
accounts:
  - images: [{name: golden
`, 0, "", ""},
		{"JSON unknown field", `{"accounts": [
  {"account": "000000000000",
   "images": [{"name": "golden", "size": 3}]}]}`, 3, "accounts[0].images[0].size", `unknown field "size"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			se, err := seedErr(t, c.doc)
			if c.name == "syntax error" {
				if se.Line == 0 || !strings.HasPrefix(err.Error(), "seed.yaml:") {
					t.Fatalf("syntax error without a line: %v", err)
				}
				return
			}
			if se.Line != c.line || se.Field != c.field || !strings.Contains(se.Msg, c.msg) {
				t.Fatalf("error = line %d field %q msg %q\nwant line %d field %q msg containing %q\n(full: %v)",
					se.Line, se.Field, se.Msg, c.line, c.field, c.msg, err)
			}
			if !strings.HasPrefix(err.Error(), "seed.yaml:"+strconv.Itoa(c.line)+":") || !strings.Contains(err.Error(), c.field) {
				t.Fatalf("message %q does not lead with seed.yaml:%d: and name %s", err, c.line, c.field)
			}
		})
	}
}

func TestSeedReportsEveryProblem(t *testing.T) {
	_, err := ws.ParseSeed("seed.yaml", []byte(`
accounts:
  - images:
      - {name: a, state: DONE}
      - {name: b, operatingSystem: WINDOWS_95}
`))
	if err == nil || !strings.Contains(err.Error(), "seed.yaml:4:") || !strings.Contains(err.Error(), "seed.yaml:5:") {
		t.Fatalf("want both problems, lines 4 and 5: %v", err)
	}
}

func TestSeedAppliesAllOrNothing(t *testing.T) {
	srv := wslocaltest.Start(t)
	srv.Seed(`
accounts:
  - images: [{id: wsi-existing1, name: golden}]
`)
	// The second image's name is taken in the store: found only while
	// applying, after the directory and the first image were written.
	seed, err := ws.ParseSeed("seed.yaml", []byte(`
accounts:
  - directories: [{id: d-0123456789}]
    images:
      - {id: wsi-fresh0001, name: fresh}
      - {id: wsi-other0001, name: golden}
`))
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Service.ApplySeed(context.Background(), seed)
	var se *ws.SeedError
	if !errors.As(err, &se) || se.Line != 6 || se.Field != "accounts[0].images[1].name" || !strings.Contains(se.Msg, "already named") {
		t.Fatalf("ApplySeed = %v, want a SeedError at line 6, accounts[0].images[1].name", err)
	}
	c := workspaces.NewFromConfig(srv.AWSConfig())
	imgs, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{})
	if err != nil || len(imgs.Images) != 1 || *imgs.Images[0].ImageId != "wsi-existing1" {
		t.Fatalf("after a failed seed, images = %+v, %v: want only the one before", imgs, err)
	}
	dirs, err := c.DescribeWorkspaceDirectories(context.Background(), &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil || len(dirs.Directories) != 0 {
		t.Fatalf("after a failed seed, directories = %+v, %v: want none", dirs, err)
	}
}
