package gosdk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// The whole story: find Office 2019 in the catalogue, import an image with
// it, watch image and association move only when the clock does.
func TestImportOfficeImageStory(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	// 1. The catalogue lists Office 2019 as an AWS-owned, uninstall-only application.
	apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatalf("DescribeApplications: %v", err)
	}
	var office *types.WorkSpaceApplication
	for i := range apps.Applications {
		if aws.ToString(apps.Applications[i].Name) == office2019 {
			office = &apps.Applications[i]
		}
	}
	if office == nil {
		t.Fatalf("DescribeApplications does not list %s", office2019)
	}
	appID := aws.ToString(office.ApplicationId)
	if !appIDPattern.MatchString(appID) {
		t.Errorf("ApplicationId = %q, want wsa- and 8..63 lowercase alphanumerics", appID)
	}
	if office.State != types.WorkSpaceApplicationStateUninstallOnly {
		t.Errorf("%s State = %s, want UNINSTALL_ONLY", office2019, office.State)
	}
	if got := aws.ToString(office.Owner); got != "AMAZON" {
		t.Errorf("%s Owner = %q, want AMAZON", office2019, got)
	}
	if office.LicenseType != types.WorkSpaceApplicationLicenseTypeLicensed {
		t.Errorf("%s LicenseType = %s, want LICENSED", office2019, office.LicenseType)
	}
	if office.Created == nil || office.Created.IsZero() {
		t.Errorf("%s has no Created", office2019)
	}
	if aws.ToString(office.Description) == "" {
		t.Errorf("%s has no Description", office2019)
	}
	if !slices.Contains(office.SupportedOperatingSystemNames, types.OperatingSystemNameWindows10) ||
		!slices.Contains(office.SupportedOperatingSystemNames, types.OperatingSystemNameWindows11) {
		t.Errorf("%s SupportedOperatingSystemNames = %v, want WINDOWS_10 and WINDOWS_11 among them", office2019, office.SupportedOperatingSystemNames)
	}
	if !slices.Contains(office.SupportedComputeTypeNames, types.ComputeValue) {
		t.Errorf("%s SupportedComputeTypeNames = %v, want every compute type, VALUE included", office2019, office.SupportedComputeTypeNames)
	}

	// 2. Import an image subscribed to Office 2019, with tags.
	imgOut, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId:       aws.String(ec2ImageID),
		IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName:        aws.String("golden-office-2019"),
		ImageDescription: aws.String("Windows 10 with Office 2019"),
		Applications:     []types.Application{types.ApplicationMicrosoftOffice2019},
		Tags: []types.Tag{
			{Key: aws.String("team"), Value: aws.String("desktop")},
			{Key: aws.String("cost-center"), Value: aws.String("4711")},
		},
	})
	if err != nil {
		t.Fatalf("ImportWorkspaceImage: %v", err)
	}
	imageID := aws.ToString(imgOut.ImageId)
	if !imageIDPattern.MatchString(imageID) || len(imageID) != len("wsi-")+9 {
		t.Fatalf("ImageId = %q, want wsi- and 9 lowercase alphanumerics (the model allows 9..63; wslocal mints 9)", imageID)
	}

	// 3. The image is PENDING, owned by the caller, a Windows image created now.
	img := describeImage(t, c, imageID)
	if img.State != types.WorkspaceImageStatePending {
		t.Errorf("image State = %s, want PENDING", img.State)
	}
	if got := aws.ToString(img.OwnerAccountId); got != defaultAccount {
		t.Errorf("OwnerAccountId = %q, want %s", got, defaultAccount)
	}
	if img.OperatingSystem == nil || img.OperatingSystem.Type != types.OperatingSystemTypeWindows {
		t.Errorf("OperatingSystem = %+v, want Type WINDOWS", img.OperatingSystem)
	}
	sameTime(t, "image Created", img.Created, clockStart)
	if got := aws.ToString(img.Name); got != "golden-office-2019" {
		t.Errorf("Name = %q, want golden-office-2019", got)
	}
	if got := aws.ToString(img.Description); got != "Windows 10 with Office 2019" {
		t.Errorf("Description = %q, want the import's description", got)
	}
	if img.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated {
		t.Errorf("RequiredTenancy = %s, want DEDICATED (BYOL images run on dedicated hardware)", img.RequiredTenancy)
	}
	if img.ErrorCode != nil || img.ErrorMessage != nil {
		t.Errorf("a PENDING image has ErrorCode %v / ErrorMessage %v", aws.ToString(img.ErrorCode), aws.ToString(img.ErrorMessage))
	}

	// 4. One association with Office 2019, INSTALLING.
	checkAssoc := func(state types.AssociationState, updated time.Time) {
		t.Helper()
		as := imageAssociations(t, c, imageID)
		if len(as) != 1 {
			t.Fatalf("DescribeImageAssociations = %d associations %+v, want 1", len(as), as)
		}
		a := as[0]
		if a.State != state {
			t.Errorf("association State = %s, want %s", a.State, state)
		}
		if got := aws.ToString(a.AssociatedResourceId); got != appID {
			t.Errorf("AssociatedResourceId = %q, want the Office 2019 application %s", got, appID)
		}
		if a.AssociatedResourceType != types.ImageAssociatedResourceTypeApplication {
			t.Errorf("AssociatedResourceType = %s, want APPLICATION", a.AssociatedResourceType)
		}
		if got := aws.ToString(a.ImageId); got != imageID {
			t.Errorf("association ImageId = %q, want %s", got, imageID)
		}
		sameTime(t, "association Created", a.Created, clockStart)
		sameTime(t, "association LastUpdatedTime", a.LastUpdatedTime, updated)
		if a.StateReason != nil {
			t.Errorf("association StateReason = %+v, want none", a.StateReason)
		}
	}
	checkAssoc(types.AssociationStateInstalling, clockStart)

	// The tags given to the import are on the image.
	tags := tagsOf(t, c, imageID)
	if len(tags) != 2 || tags["team"] != "desktop" || tags["cost-center"] != "4711" {
		t.Errorf("DescribeTags = %v, want team=desktop and cost-center=4711", tags)
	}

	// 5. Nothing moves without the clock, nor before the step is over.
	srv.Advance(500 * time.Millisecond)
	if got := describeImage(t, c, imageID).State; got != types.WorkspaceImageStatePending {
		t.Errorf("after 500ms: image State = %s, want PENDING", got)
	}
	checkAssoc(types.AssociationStateInstalling, clockStart)

	// 6. Past the import step: AVAILABLE and COMPLETED, stamped at the step's own end.
	srv.Advance(700 * time.Millisecond)
	img = describeImage(t, c, imageID)
	if img.State != types.WorkspaceImageStateAvailable {
		t.Errorf("after the import step: image State = %s, want AVAILABLE", img.State)
	}
	sameTime(t, "image Created after import", img.Created, clockStart)
	checkAssoc(types.AssociationStateCompleted, clockStart.Add(importStep))

	// 7. The application lists the image among its associations.
	aa, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId:           aws.String(appID),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage},
	})
	if err != nil {
		t.Fatalf("DescribeApplicationAssociations: %v", err)
	}
	if len(aa.Associations) != 1 {
		t.Fatalf("DescribeApplicationAssociations = %+v, want the one image", aa.Associations)
	}
	if aa.NextToken != nil {
		t.Errorf("DescribeApplicationAssociations NextToken = %q on a complete page", *aa.NextToken)
	}
	a := aa.Associations[0]
	if got := aws.ToString(a.ApplicationId); got != appID {
		t.Errorf("ApplicationId = %q, want %s", got, appID)
	}
	if got := aws.ToString(a.AssociatedResourceId); got != imageID {
		t.Errorf("AssociatedResourceId = %q, want %s", got, imageID)
	}
	if a.AssociatedResourceType != types.ApplicationAssociatedResourceTypeImage {
		t.Errorf("AssociatedResourceType = %s, want IMAGE", a.AssociatedResourceType)
	}
	if a.State != types.AssociationStateCompleted {
		t.Errorf("State = %s, want COMPLETED", a.State)
	}
	sameTime(t, "Created", a.Created, clockStart)
	sameTime(t, "LastUpdatedTime", a.LastUpdatedTime, clockStart.Add(importStep))

	// Office 2016 has no association; neither have bundles or WorkSpaces.
	ids := appIDs(t, c)
	for _, q := range []struct {
		app   string
		types []types.ApplicationAssociatedResourceType
	}{
		{ids[office2016], []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage}},
		{appID, []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeWorkspace}},
	} {
		out, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
			ApplicationId: aws.String(q.app), AssociatedResourceTypes: q.types})
		if err != nil {
			t.Fatalf("DescribeApplicationAssociations(%s, %v): %v", q.app, q.types, err)
		}
		if len(out.Associations) != 0 {
			t.Errorf("DescribeApplicationAssociations(%s, %v) = %+v, want none", q.app, q.types, out.Associations)
		}
	}
}

// An image imported without applications has no associations, and it still
// becomes AVAILABLE after the step.
func TestImportWithoutApplications(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	id := importImage(t, c, "plain", importOpts{})
	if as := imageAssociations(t, c, id); len(as) != 0 {
		t.Errorf("DescribeImageAssociations = %+v, want none", as)
	}
	if tags := tagsOf(t, c, id); len(tags) != 0 {
		t.Errorf("DescribeTags = %v, want none", tags)
	}
	srv.Advance(importStep)
	if got := describeImage(t, c, id).State; got != types.WorkspaceImageStateAvailable {
		t.Errorf("image State = %s, want AVAILABLE exactly at the end of the step", got)
	}
	if as := imageAssociations(t, c, id); len(as) != 0 {
		t.Errorf("DescribeImageAssociations after import = %+v, want none", as)
	}
}

// The wslocal:OperatingSystemName tag picks the Windows version; the image
// stays a Windows image and its Office association works the same.
func TestImportWindows11(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	id := importImage(t, c, "win11", importOpts{
		apps:    []types.Application{types.ApplicationMicrosoftOffice2019},
		process: types.WorkspaceImageIngestionProcessByolRegularWsp,
		tags:    []types.Tag{{Key: aws.String(osTag), Value: aws.String("WINDOWS_11")}},
	})
	img := describeImage(t, c, id)
	if img.OperatingSystem == nil || img.OperatingSystem.Type != types.OperatingSystemTypeWindows {
		t.Errorf("OperatingSystem = %+v, want Type WINDOWS", img.OperatingSystem)
	}
	if got := tagsOf(t, c, id)[osTag]; got != "WINDOWS_11" {
		t.Errorf("tag %s = %q, want WINDOWS_11 kept on the image", osTag, got)
	}
	srv.Advance(importStep)
	as := imageAssociations(t, c, id)
	if len(as) != 1 || as[0].State != types.AssociationStateCompleted {
		t.Errorf("associations = %+v, want one COMPLETED", as)
	}
}

// Several images each finish at their own due time, with their own stamps.
func TestImportsFinishAtTheirOwnTime(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	first := importImage(t, c, "first", withOffice2019)
	srv.Advance(600 * time.Millisecond)
	second := importImage(t, c, "second", withOffice2019)

	srv.Advance(600 * time.Millisecond) // first is due at 1s, second at 1.6s; now 1.2s
	if got := describeImage(t, c, first).State; got != types.WorkspaceImageStateAvailable {
		t.Errorf("first: State = %s, want AVAILABLE", got)
	}
	if got := describeImage(t, c, second).State; got != types.WorkspaceImageStatePending {
		t.Errorf("second: State = %s, want PENDING", got)
	}
	a := imageAssociations(t, c, second)
	if len(a) != 1 || a[0].State != types.AssociationStateInstalling {
		t.Fatalf("second: associations = %+v, want one INSTALLING", a)
	}
	sameTime(t, "second Created", a[0].Created, clockStart.Add(600*time.Millisecond))

	// A long pause: each step keeps its own time.
	srv.Advance(time.Hour)
	a = imageAssociations(t, c, first)
	if len(a) != 1 || a[0].State != types.AssociationStateCompleted {
		t.Fatalf("first: associations = %+v, want one COMPLETED", a)
	}
	sameTime(t, "first LastUpdatedTime", a[0].LastUpdatedTime, clockStart.Add(importStep))
	a = imageAssociations(t, c, second)
	if len(a) != 1 || a[0].State != types.AssociationStateCompleted {
		t.Fatalf("second: associations = %+v, want one COMPLETED", a)
	}
	sameTime(t, "second LastUpdatedTime", a[0].LastUpdatedTime, clockStart.Add(600*time.Millisecond+importStep))
}

// DeleteWorkspaceImage: refused while PENDING, then deletes the image with
// its associations and tags; deleting again succeeds.
func TestDeleteWorkspaceImage(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	office := appIDs(t, c)[office2019]
	id := importImage(t, c, "to-delete", importOpts{
		apps: []types.Application{types.ApplicationMicrosoftOffice2019},
		tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	})
	keep := importImage(t, c, "to-keep", withOffice2019)

	_, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(id)})
	apiError(t, err, "InvalidResourceStateException")
	asType[*types.InvalidResourceStateException](t, err)
	if got := describeImage(t, c, id).State; got != types.WorkspaceImageStatePending {
		t.Errorf("after the refused delete: State = %s, want PENDING", got)
	}
	if as := imageAssociations(t, c, id); len(as) != 1 {
		t.Errorf("after the refused delete: %d associations, want 1", len(as))
	}

	srv.Advance(importStep)
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteWorkspaceImage(AVAILABLE): %v", err)
	}

	// The image is gone from every view.
	out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceImages: %v", err)
	}
	if len(out.Images) != 0 {
		t.Errorf("DescribeWorkspaceImages(deleted) = %+v, want none", out.Images)
	}
	if got := allImageIDs(t, c); !slices.Equal(got, []string{keep}) {
		t.Errorf("DescribeWorkspaceImages = %v, want only %s", got, keep)
	}
	_, err = c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{
		ImageId: aws.String(id), AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	notFound(t, err, id)
	_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	notFound(t, err, id)

	// Only the other image's association remains.
	aa, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId:           aws.String(office),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage},
	})
	if err != nil {
		t.Fatalf("DescribeApplicationAssociations: %v", err)
	}
	if len(aa.Associations) != 1 || aws.ToString(aa.Associations[0].AssociatedResourceId) != keep {
		t.Errorf("DescribeApplicationAssociations = %+v, want only %s", aa.Associations, keep)
	}

	// Deleting again succeeds (wslocal: deletes are idempotent), as does
	// deleting an id that never existed.
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(id)}); err != nil {
		t.Errorf("second DeleteWorkspaceImage: %v, want success", err)
	}
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String("wsi-000000000")}); err != nil {
		t.Errorf("DeleteWorkspaceImage(never existed): %v, want success", err)
	}

	// The name is free again, and the new image starts without the old tags.
	again := importImage(t, c, "to-delete", importOpts{})
	if again == id {
		t.Errorf("the re-imported image reuses the deleted id %s", id)
	}
	if tags := tagsOf(t, c, again); len(tags) != 0 {
		t.Errorf("re-imported image tags = %v, want none", tags)
	}
}
