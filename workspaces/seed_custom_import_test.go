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

func describeImport(t *testing.T, c *workspaces.Client, id string) *workspaces.DescribeCustomWorkspaceImageImportOutput {
	t.Helper()
	out, err := c.DescribeCustomWorkspaceImageImport(context.Background(), &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeCustomWorkspaceImageImport(%s): %v", id, err)
	}
	return out
}

// source names an import's source (a union in the SDK).
func source(s types.ImageSourceIdentifier) string {
	switch v := s.(type) {
	case *types.ImageSourceIdentifierMemberEc2ImageId:
		return "ec2ImageId " + v.Value
	case *types.ImageSourceIdentifierMemberImageBuildVersionArn:
		return "imageBuildVersionArn " + v.Value
	}
	return ""
}

func describeOneImage(t *testing.T, c *workspaces.Client, id string) types.WorkspaceImage {
	t.Helper()
	out, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("DescribeWorkspaceImages(%s) = %+v, %v", id, out, err)
	}
	return out.Images[0]
}

// TestSeedCustomImport: the example's image being imported through EC2
// Image Builder is at the declared stage, with the declared source and
// configuration, applying the seed again changes nothing, and it moves on
// the clock, one import step a stage, to COMPLETED and an AVAILABLE image.
func TestSeedCustomImport(t *testing.T) {
	seed, err := ws.ReadSeedFile("../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	var instance string
	for i := range 2 {
		if err := srv.Service.ApplySeed(ctx, seed); err != nil {
			t.Fatal(err)
		}
		got := describeImport(t, c, "wsi-imported01")
		if got.State != types.CustomWorkspaceImageImportStateGeneralizing || aws.ToInt32(got.ProgressPercentage) != 75 ||
			aws.ToString(got.InfrastructureConfigurationArn) != "arn:aws:imagebuilder:us-east-1:000000000000:infrastructure-configuration/byol" ||
			source(got.ImageSource) != "ec2ImageId ami-0123456789abcdef0" ||
			!strings.HasPrefix(aws.ToString(got.ImageBuilderInstanceId), "i-") || aws.ToString(got.StateMessage) != "Generalizing the image." {
			t.Fatalf("apply #%d: the seeded import = %+v", i+1, got)
		}
		if i == 1 && aws.ToString(got.ImageBuilderInstanceId) != instance {
			t.Errorf("applying the seed again changed the build instance: %s, then %s", instance, aws.ToString(got.ImageBuilderInstanceId))
		}
		instance = aws.ToString(got.ImageBuilderInstanceId)
	}
	img := describeOneImage(t, c, "wsi-imported01")
	if img.State != types.WorkspaceImageStatePending || aws.ToString(img.Name) != "byol-win11" ||
		img.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated || img.OperatingSystem.Type != types.OperatingSystemTypeWindows {
		t.Errorf("the seeded image = %+v", img)
	}
	step := srv.Service.Durations().Import
	for _, want := range []types.CustomWorkspaceImageImportState{types.CustomWorkspaceImageImportStateValidating,
		types.CustomWorkspaceImageImportStatePublishing, types.CustomWorkspaceImageImportStateCompleted} {
		srv.Advance(step)
		if got := describeImport(t, c, "wsi-imported01"); got.State != want {
			t.Fatalf("after a step: %s, want %s", got.State, want)
		}
	}
	if img := describeOneImage(t, c, "wsi-imported01"); img.State != types.WorkspaceImageStateAvailable {
		t.Errorf("the image once its import COMPLETED = %s, want AVAILABLE", img.State)
	}
}

// TestSeedCustomImportEnded: an import seeded ERROR has its image ERROR
// with the seed's error as its ErrorDetails and stays; one seeded
// COMPLETED has an AVAILABLE image a seeded bundle can use.
func TestSeedCustomImportEnded(t *testing.T) {
	srv := wslocaltest.Start(t)
	srv.Seed(`
accounts:
  - images:
      - id: wsi-failed0001
        name: failed
        customImport:
          state: ERROR
          failedStage: VALIDATING
          imageBuildVersionArn: arn:aws:imagebuilder:us-east-1:000000000000:image/byol/1.0.0/1
        error: {code: ImageCompatibilityError, message: "Sysprep failed: remove the AppX packages."}
      - id: wsi-failed0002
        name: failed-default
        customImport: {state: ERROR}
      - id: wsi-done000001
        name: done
        operatingSystem: WINDOWS_11
        customImport: {state: COMPLETED, protocol: BYOP, computeType: GRAPHICS_G4DN}
    bundles:
      - {id: wsb-done000001, name: done, image: wsi-done000001}
`)
	c := workspaces.NewFromConfig(srv.AWSConfig())
	failed := describeImport(t, c, "wsi-failed0001")
	if failed.State != types.CustomWorkspaceImageImportStateError || len(failed.ErrorDetails) != 1 ||
		aws.ToString(failed.ErrorDetails[0].ErrorCode) != "ImageCompatibilityError" ||
		aws.ToString(failed.ErrorDetails[0].ErrorMessage) != "Sysprep failed: remove the AppX packages." ||
		aws.ToString(failed.StateMessage) != "The image import failed in VALIDATING." || aws.ToInt32(failed.ProgressPercentage) != 83 ||
		source(failed.ImageSource) != "imageBuildVersionArn arn:aws:imagebuilder:us-east-1:000000000000:image/byol/1.0.0/1" {
		t.Errorf("the seeded failed import = %+v", failed)
	}
	if img := describeOneImage(t, c, "wsi-failed0001"); img.State != types.WorkspaceImageStateError ||
		aws.ToString(img.ErrorCode) != "ImageCompatibilityError" || aws.ToString(img.ErrorMessage) != "Sysprep failed: remove the AppX packages." {
		t.Errorf("the image of the failed import = %+v", img)
	}
	def := describeImport(t, c, "wsi-failed0002")
	if def.State != types.CustomWorkspaceImageImportStateError || len(def.ErrorDetails) != 1 ||
		aws.ToString(def.ErrorDetails[0].ErrorCode) != "InternalServerError" || def.ImageBuilderInstanceId != nil ||
		aws.ToString(def.StateMessage) != "The image import failed in PENDING." {
		t.Errorf("an import seeded ERROR without more = %+v", def)
	}
	srv.Advance(srv.Service.Durations().Import * 3)
	if got := describeImport(t, c, "wsi-failed0001"); got.State != types.CustomWorkspaceImageImportStateError {
		t.Errorf("a failed import moved on: %s", got.State)
	}
	done := describeImport(t, c, "wsi-done000001")
	if done.State != types.CustomWorkspaceImageImportStateCompleted || aws.ToInt32(done.ProgressPercentage) != 100 {
		t.Errorf("the seeded completed import = %+v", done)
	}
	if img := describeOneImage(t, c, "wsi-done000001"); img.State != types.WorkspaceImageStateAvailable {
		t.Errorf("the image of the completed import = %s, want AVAILABLE", img.State)
	}
	b, err := c.DescribeWorkspaceBundles(context.Background(), &workspaces.DescribeWorkspaceBundlesInput{BundleIds: []string{"wsb-done000001"}})
	if err != nil || len(b.Bundles) != 1 || aws.ToString(b.Bundles[0].ImageId) != "wsi-done000001" {
		t.Errorf("the bundle of the imported image = %+v, %v", b, err)
	}
}

func TestSeedCustomImportErrors(t *testing.T) {
	const arn = "arn:aws:imagebuilder:us-east-1:000000000000:infrastructure-configuration/ic"
	for _, c := range []struct {
		name, doc string
		line      int
		field     string
		msg       string
	}{
		{"unknown stage", `
accounts:
  - images:
      - name: golden
        customImport:
          state: BAKING
`, 6, "accounts[0].images[0].customImport.state", `"BAKING" is not one of PENDING, IN_PROGRESS,`},
		{"image state against its import", `
accounts:
  - images:
      - name: golden
        state: AVAILABLE
        customImport: {state: GENERALIZING}
`, 5, "accounts[0].images[0].state", "the image's import is GENERALIZING, so the image is PENDING, not AVAILABLE"},
		{"failed stage of an import that did not fail", `
accounts:
  - images:
      - name: golden
        customImport: {state: VALIDATING, failedStage: PENDING}
`, 5, "accounts[0].images[0].customImport.failedStage", "only an ERROR import has a failed stage; this one is VALIDATING"},
		{"failed stage that is no stage", `
accounts:
  - images:
      - name: golden
        customImport:
          state: ERROR
          failedStage: COMPLETED
`, 7, "accounts[0].images[0].customImport.failedStage", `"COMPLETED" is not one of PENDING,`},
		{"applications", `
accounts:
  - images:
      - name: golden
        customImport: {}
        applications:
          - application: Microsoft Office 2019
`, 7, "accounts[0].images[0].applications", "has no applications (ImportCustomWorkspaceImage takes none)"},
		{"not Windows", `
accounts:
  - images:
      - name: golden
        operatingSystem: AMAZON_LINUX_2
        customImport: {}
`, 5, "accounts[0].images[0].operatingSystem", `"AMAZON_LINUX_2": an image imported through EC2 Image Builder runs WINDOWS_10 or WINDOWS_11`},
		{"PCoIP on Windows 11", `
accounts:
  - images:
      - name: golden
        operatingSystem: WINDOWS_11
        customImport:
          protocol: PCOIP
`, 7, "accounts[0].images[0].customImport.protocol", "Windows 11 does not support the PCOIP protocol"},
		{"two sources", `
accounts:
  - images:
      - name: golden
        customImport:
          ec2ImageId: ami-0123456789abcdef0
          imageBuildVersionArn: arn:aws:imagebuilder:us-east-1:000000000000:image/x/1.0.0/1
`, 7, "accounts[0].images[0].customImport.imageBuildVersionArn", "ec2ImageId or as imageBuildVersionArn, not both"},
		{"another account's configuration", `
accounts:
  - images:
      - name: golden
        customImport:
          infrastructureConfigurationArn: arn:aws:imagebuilder:us-east-1:111111111111:infrastructure-configuration/ic
`, 6, "accounts[0].images[0].customImport.infrastructureConfigurationArn", "belongs to account 111111111111; the image is declared under account 000000000000"},
		{"another region's image", `
accounts:
  - images:
      - name: golden
        customImport:
          infrastructureConfigurationArn: ` + arn + `
          imageBuildVersionArn: arn:aws:imagebuilder:eu-west-1:000000000000:image/x/1.0.0/1
`, 7, "accounts[0].images[0].customImport.imageBuildVersionArn", "is in eu-west-1; the image is declared in us-east-1"},
		{"compute type", `
accounts:
  - images:
      - name: golden
        customImport: {computeType: HUGE}
`, 5, "accounts[0].images[0].customImport.computeType", `"HUGE" breaks the model's constraint`},
		{"AMI id", `
accounts:
  - images:
      - name: golden
        customImport:
          ec2ImageId: ami-xyz
`, 6, "accounts[0].images[0].customImport.ec2ImageId", `"ami-xyz" breaks the model's constraint`},
	} {
		t.Run(c.name, func(t *testing.T) {
			se, err := seedErr(t, c.doc)
			if se.Line != c.line || se.Column == 0 || se.Field != c.field || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("error = %v (line %d, field %q, msg %q), want line %d, field %q, msg containing %q",
					err, se.Line, se.Field, se.Msg, c.line, c.field, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "seed.yaml:") {
				t.Errorf("error %q does not start with FILE:LINE:COL", err)
			}
		})
	}
}
