package gosdk_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/sim"
	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// imageApps returns an image's applications as "name STATE [code message]",
// sorted.
func imageApps(t *testing.T, c *workspaces.Client, imageID string) []string {
	t.Helper()
	out, err := c.DescribeImageAssociations(context.Background(), &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(imageID),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	if err != nil {
		t.Fatalf("DescribeImageAssociations %s: %v", imageID, err)
	}
	names := map[string]string{}
	for _, a := range ws.Applications() {
		names[*a.ApplicationId] = *a.Name
	}
	var got []string
	for _, a := range out.Associations {
		s := names[*a.AssociatedResourceId] + " " + string(a.State)
		if a.StateReason != nil {
			s += " " + string(a.StateReason.ErrorCode) + " " + aws.ToString(a.StateReason.ErrorMessage)
		}
		got = append(got, s)
	}
	sort.Strings(got)
	return got
}

func wantApps(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An image's application seeded INSTALLING or REMOVED on an image that is
// not being built takes its next step after the usual duration, as a
// WorkSpace's does: INSTALLING completes after a deploy step, REMOVED goes
// after the removed duration.
func TestSeededImageApplicationsMove(t *testing.T) {
	srv := wslocaltest.Start(t)
	c := workspaces.NewFromConfig(srv.AWSConfig())
	srv.Seed(`
accounts:
  - images:
      - id: wsi-moving001
        name: moving
        applications:
          - {application: Microsoft Visio LTSC Standard 2021, state: INSTALLING}
          - {application: Microsoft Project Standard 2021, state: REMOVED}
          - {application: Microsoft Office 2019, state: COMPLETED}
`)
	visio, project, office := "Microsoft Visio LTSC Standard 2021", "Microsoft Project Standard 2021", "Microsoft Office 2019"
	wantApps(t, "seeded", imageApps(t, c, "wsi-moving001"), office+" COMPLETED", project+" REMOVED", visio+" INSTALLING")
	srv.Advance(999 * time.Millisecond)
	wantApps(t, "just before the deploy step", imageApps(t, c, "wsi-moving001"), office+" COMPLETED", project+" REMOVED", visio+" INSTALLING")
	srv.Advance(time.Millisecond)
	wantApps(t, "after the deploy step", imageApps(t, c, "wsi-moving001"), office+" COMPLETED", project+" REMOVED", visio+" COMPLETED")
	srv.Advance(time.Hour)
	wantApps(t, "after the removed duration", imageApps(t, c, "wsi-moving001"), office+" COMPLETED", visio+" COMPLETED")
	img, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{"wsi-moving001"}})
	if err != nil || len(img.Images) != 1 || img.Images[0].State != types.WorkspaceImageStateAvailable {
		t.Fatalf("image = %+v, %v", img, err)
	}

	// States an image's application never has are refused.
	seed, err := ws.ParseSeed("s.yaml", []byte(`
accounts:
  - images:
      - name: other
        applications:
          - {application: Microsoft Office 2019, state: PENDING_INSTALL}
`))
	if err == nil || !strings.Contains(err.Error(), `s.yaml:6:57: accounts[0].images[0].applications[0].state: "PENDING_INSTALL" is not one of INSTALLING, COMPLETED, ERROR, REMOVED`) {
		t.Fatalf("ParseSeed = %v, %v", seed, err)
	}
}

// A fault rule naming one application of an image being built fails that
// application's install only: the image and its other applications
// complete. A rule naming no application fails the image and all of them.
func TestImageFaultNamingOneApplicationFailsOnlyIt(t *testing.T) {
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	visio, project := "Microsoft Visio LTSC Standard 2021", "Microsoft Project Standard 2021"
	var visioID string
	for _, a := range ws.Applications() {
		if *a.Name == visio {
			visioID = *a.ApplicationId
		}
	}
	srv.Seed(`
accounts:
  - images:
      - id: wsi-source001
        name: source
        applications:
          - {application: Microsoft Visio LTSC Standard 2021}
          - {application: Microsoft Project Standard 2021}
`)
	copyImage := func(name string) string {
		t.Helper()
		out, err := c.CopyWorkspaceImage(ctx, &workspaces.CopyWorkspaceImageInput{Name: aws.String(name),
			SourceImageId: aws.String("wsi-source001"), SourceRegion: aws.String("us-east-1")})
		if err != nil {
			t.Fatal(err)
		}
		return *out.ImageId
	}
	image := func(id string) types.WorkspaceImage {
		t.Helper()
		out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
		if err != nil || len(out.Images) != 1 {
			t.Fatalf("DescribeWorkspaceImages %s = %+v, %v", id, out, err)
		}
		return out.Images[0]
	}

	srv.InjectFault(sim.FaultRule{Operation: "CopyWorkspaceImage", ApplicationID: visioID, Count: 1,
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError", Message: "visio failed"}})
	one := copyImage("one-fails")
	wantApps(t, "while the copy is built", imageApps(t, c, one), project+" INSTALLING", visio+" INSTALLING")
	srv.Advance(time.Minute)
	if img := image(one); img.State != types.WorkspaceImageStateAvailable || img.ErrorCode != nil {
		t.Fatalf("image = %s %v, want AVAILABLE without an error", img.State, aws.ToString(img.ErrorCode))
	}
	wantApps(t, "applications", imageApps(t, c, one),
		project+" COMPLETED", visio+" ERROR DeploymentError.InternalServerError visio failed")

	// The rule for the whole image: the image and every application fail.
	srv.InjectFault(sim.FaultRule{Operation: "CopyWorkspaceImage", Count: 1,
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError", Message: "copy failed"}})
	all := copyImage("all-fail")
	srv.Advance(time.Minute)
	if img := image(all); img.State != types.WorkspaceImageStateError || aws.ToString(img.ErrorCode) != "DeploymentError.InternalServerError" ||
		aws.ToString(img.ErrorMessage) != "copy failed" {
		t.Fatalf("image = %s %v %v, want ERROR DeploymentError.InternalServerError copy failed", img.State, aws.ToString(img.ErrorCode), aws.ToString(img.ErrorMessage))
	}
	wantApps(t, "applications of the failed image", imageApps(t, c, all),
		project+" ERROR DeploymentError.InternalServerError copy failed",
		visio+" ERROR DeploymentError.InternalServerError copy failed")

	// Both export and import again.
	var snap ws.Snapshot
	if srv.Control(http.MethodGet, "/_wslocal/state", nil, &snap) != http.StatusOK {
		t.Fatal("export failed")
	}
	if status := srv.Control(http.MethodPut, "/_wslocal/state", snap, nil); status != http.StatusOK {
		t.Fatalf("import = %d", status)
	}
}
