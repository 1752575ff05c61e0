package appmgmt_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// TestStory walks the whole application-management story, from a new
// directory to an application removed and forgotten, asserting every state.
func TestStory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, ctx := e.c, e.ctx

	// A directory: REGISTERING, then REGISTERED one step later.
	reg, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)})
	e.ok(err)
	wantStr(t, "DirectoryId", reg.DirectoryId, dirID)
	if reg.State != types.WorkspaceDirectoryStateRegistering {
		t.Fatalf("RegisterWorkspaceDirectory: %s, want REGISTERING", reg.State)
	}
	dirState := func() types.WorkspaceDirectoryState {
		out, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{dirID}})
		e.ok(err)
		if len(out.Directories) != 1 {
			t.Fatalf("DescribeWorkspaceDirectories: %d directories", len(out.Directories))
		}
		return out.Directories[0].State
	}
	if st := dirState(); st != types.WorkspaceDirectoryStateRegistering {
		t.Fatalf("directory %s, want REGISTERING", st)
	}
	e.advance(step - time.Millisecond)
	if st := dirState(); st != types.WorkspaceDirectoryStateRegistering {
		t.Fatalf("directory %s a millisecond early, want REGISTERING", st)
	}
	e.advance(time.Millisecond)
	if st := dirState(); st != types.WorkspaceDirectoryStateRegistered {
		t.Fatalf("directory %s, want REGISTERED", st)
	}

	// A public Windows bundle, found by paging through AWS's bundles.
	var pages int
	var public []types.WorkspaceBundle
	var token *string
	for {
		out, err := c.DescribeWorkspaceBundles(ctx, &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON"), NextToken: token})
		e.ok(err)
		pages++
		public = append(public, out.Bundles...)
		if token = out.NextToken; token == nil {
			break
		}
		if len(out.Bundles) != 25 {
			t.Fatalf("a page that is not the last holds %d bundles, want 25", len(out.Bundles))
		}
	}
	if pages < 2 {
		t.Fatalf("the %d public bundles came in %d page(s); want more than one page", len(public), pages)
	}
	seen := map[string]bool{}
	var bundle types.WorkspaceBundle
	for _, b := range public {
		if seen[*b.BundleId] {
			t.Fatalf("bundle %s listed twice", *b.BundleId)
		}
		seen[*b.BundleId] = true
		wantStr(t, "public bundle Owner", b.Owner, "Amazon")
		if *b.Name == winStd {
			bundle = b
		}
	}
	if bundle.BundleId == nil {
		t.Fatalf("no bundle %q among %d", winStd, len(public))
	}
	if bundle.ComputeType.Name != types.ComputeStandard || *bundle.RootStorage.Capacity != "80" || *bundle.UserStorage.Capacity != "50" {
		t.Fatalf("bundle %s: %+v %s %s", winStd, bundle.ComputeType, *bundle.RootStorage.Capacity, *bundle.UserStorage.Capacity)
	}

	// A WorkSpace from it: PENDING, then AVAILABLE, with the bundle's properties.
	cw, err := c.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(dirID), BundleId: bundle.BundleId, UserName: aws.String("alice")}}})
	e.ok(err)
	if len(cw.FailedRequests) != 0 || len(cw.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: %+v", cw.FailedRequests)
	}
	ws1 := *cw.PendingRequests[0].WorkspaceId
	p := e.describeWS(ws1).WorkspaceProperties
	if cw.PendingRequests[0].State != types.WorkspaceStatePending || p.OperatingSystemName != types.OperatingSystemNameWindowsServer2019 ||
		p.ComputeTypeName != types.ComputeStandard || *p.RootVolumeSizeGib != 80 || *p.UserVolumeSizeGib != 50 ||
		p.RunningMode != types.RunningModeAlwaysOn {
		t.Fatalf("new WorkSpace: %s %+v", cw.PendingRequests[0].State, *p)
	}
	e.wantWS(ws1, types.WorkspaceStatePending)
	e.advance(step)
	w := e.wantWS(ws1, types.WorkspaceStateAvailable)
	if w.WorkspaceProperties.OperatingSystemName != types.OperatingSystemNameWindowsServer2019 {
		t.Fatalf("OperatingSystemName %s, want the bundle's WINDOWS_SERVER_2019", w.WorkspaceProperties.OperatingSystemName)
	}
	wantStr(t, "BundleId", w.BundleId, *bundle.BundleId)
	wantStr(t, "DirectoryId", w.DirectoryId, dirID)

	// The catalogue.
	apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	e.ok(err)
	if len(apps.Applications) != 10 {
		t.Fatalf("DescribeApplications: %d applications, want 10", len(apps.Applications))
	}
	var office types.WorkSpaceApplication
	for _, a := range apps.Applications {
		if *a.Name == officePro {
			office = a
		}
		wantStr(t, "application Owner", a.Owner, "AMAZON")
		want := types.WorkSpaceApplicationStateAvailable
		if *a.Name == office2016 || *a.Name == office2019 {
			want = types.WorkSpaceApplicationStateUninstallOnly
		}
		if a.State != want || a.LicenseType != types.WorkSpaceApplicationLicenseTypeLicensed {
			t.Fatalf("%s: %s %s, want %s LICENSED", *a.Name, a.State, a.LicenseType, want)
		}
	}
	if office.ApplicationId == nil || !slices.Contains(office.SupportedOperatingSystemNames, types.OperatingSystemNameWindowsServer2019) ||
		!slices.Contains(office.SupportedComputeTypeNames, types.ComputeStandard) {
		t.Fatalf("%s: %+v", officePro, office)
	}
	app := *office.ApplicationId

	// Associate: PENDING_INSTALL_DEPLOYMENT until deployed.
	tAssoc := e.now()
	as, err := e.associate(ws1, app)
	e.ok(err)
	a := as.Association
	if a.State != types.AssociationStatePendingInstallDeployment || *a.WorkspaceId != ws1 || *a.AssociatedResourceId != app ||
		a.AssociatedResourceType != types.WorkSpaceAssociatedResourceTypeApplication || a.StateReason != nil {
		t.Fatalf("AssociateWorkspaceApplication: %+v", *a)
	}
	wantTime(t, "Created", a.Created, tAssoc)
	wantTime(t, "LastUpdatedTime", a.LastUpdatedTime, tAssoc)
	e.wantAssoc(ws1, app, types.AssociationStatePendingInstallDeployment, tAssoc)
	e.advance(time.Minute) // nothing moves without a deployment
	e.wantAssoc(ws1, app, types.AssociationStatePendingInstallDeployment, tAssoc)

	// Deploy: PENDING_INSTALL -> INSTALLING -> COMPLETED, a step each.
	tDeploy := e.now()
	dep, err := e.deploy(ws1, false)
	e.ok(err)
	if len(dep.Deployment.Associations) != 1 || dep.Deployment.Associations[0].State != types.AssociationStatePendingInstall {
		t.Fatalf("DeployWorkspaceApplications: %+v", dep.Deployment.Associations)
	}
	wantTime(t, "deployment LastUpdatedTime", dep.Deployment.Associations[0].LastUpdatedTime, tDeploy)
	e.wantAssoc(ws1, app, types.AssociationStatePendingInstall, tDeploy)
	e.advance(step)
	e.wantAssoc(ws1, app, types.AssociationStateInstalling, tDeploy.Add(step))
	e.advance(step)
	got := e.wantAssoc(ws1, app, types.AssociationStateCompleted, tDeploy.Add(2*step))
	wantTime(t, "Created after deployment", got.Created, tAssoc)

	// An image of the WorkSpace: PENDING with the application INSTALLING,
	// then AVAILABLE with it COMPLETED.
	tImage := e.now()
	ci, err := c.CreateWorkspaceImage(ctx, &workspaces.CreateWorkspaceImageInput{
		WorkspaceId: aws.String(ws1), Name: aws.String("golden-office"), Description: aws.String("Office on Server 2019")})
	e.ok(err)
	img := *ci.ImageId
	if ci.State != types.WorkspaceImageStatePending || ci.OperatingSystem.Type != types.OperatingSystemTypeWindows ||
		ci.RequiredTenancy != types.WorkspaceImageRequiredTenancyDefault || aws.ToString(ci.OwnerAccountId) != owner {
		t.Fatalf("CreateWorkspaceImage: %+v", *ci)
	}
	wantTime(t, "image Created", ci.Created, tImage)
	e.wantImage(img, types.WorkspaceImageStatePending)
	e.wantImageApps(c, img, types.AssociationStateInstalling, tImage, app)
	e.advance(step)
	e.wantImage(img, types.WorkspaceImageStateAvailable)
	e.wantImageApps(c, img, types.AssociationStateCompleted, tImage.Add(step), app)
	ia, err := e.imageAssocs(c, img)
	e.ok(err)
	wantTime(t, "image association Created", ia[0].Created, tImage)

	// A bundle of the image carries the application, COMPLETED.
	tBundle := e.now()
	bundle2 := e.bundle(img, "office-bundle")
	ba, err := c.DescribeBundleAssociations(ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(bundle2),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	e.ok(err)
	if len(ba.Associations) != 1 || ba.Associations[0].State != types.AssociationStateCompleted ||
		*ba.Associations[0].AssociatedResourceId != app || *ba.Associations[0].BundleId != bundle2 ||
		ba.Associations[0].AssociatedResourceType != types.BundleAssociatedResourceTypeApplication {
		t.Fatalf("DescribeBundleAssociations: %+v", ba.Associations)
	}
	wantTime(t, "bundle association LastUpdatedTime", ba.Associations[0].LastUpdatedTime, tBundle)

	// A WorkSpace of the bundle installs the application while it is built,
	// with no deployment.
	tLaunch := e.now()
	ws2 := e.launch(dirID, bundle2, "bob", nil)
	w2 := e.wantWS(ws2, types.WorkspaceStatePending)
	if w2.WorkspaceProperties.OperatingSystemName != types.OperatingSystemNameWindowsServer2019 {
		t.Fatalf("WorkSpace of the custom bundle runs %s", w2.WorkspaceProperties.OperatingSystemName)
	}
	e.wantAssoc(ws2, app, types.AssociationStatePendingInstall, tLaunch)
	e.advance(step)
	e.wantWS(ws2, types.WorkspaceStateAvailable)
	e.wantAssoc(ws2, app, types.AssociationStateInstalling, tLaunch.Add(step))
	e.advance(step)
	e.wantAssoc(ws2, app, types.AssociationStateCompleted, tLaunch.Add(2*step))

	// The application's associations, over every resource type.
	all := []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace,
		types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeImage}
	appAssocs := func(kinds ...types.ApplicationAssociatedResourceType) map[string]types.ApplicationResourceAssociation {
		t.Helper()
		out, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
			ApplicationId: aws.String(app), AssociatedResourceTypes: kinds})
		e.ok(err)
		if out.NextToken != nil {
			t.Fatalf("DescribeApplicationAssociations: unexpected NextToken")
		}
		m := map[string]types.ApplicationResourceAssociation{}
		for _, a := range out.Associations {
			wantStr(t, "ApplicationId", a.ApplicationId, app)
			m[string(a.AssociatedResourceType)+" "+*a.AssociatedResourceId] = a
		}
		return m
	}
	want := map[string]types.AssociationState{
		"WORKSPACE " + ws1: types.AssociationStateCompleted, "WORKSPACE " + ws2: types.AssociationStateCompleted,
		"BUNDLE " + bundle2: types.AssociationStateCompleted, "IMAGE " + img: types.AssociationStateCompleted,
	}
	wantAppAssocs := func(got map[string]types.ApplicationResourceAssociation, want map[string]types.AssociationState) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("DescribeApplicationAssociations: %d associations %v, want %v", len(got), got, want)
		}
		for k, st := range want {
			if got[k].State != st {
				t.Fatalf("DescribeApplicationAssociations %s: %s, want %s", k, got[k].State, st)
			}
		}
	}
	wantAppAssocs(appAssocs(all...), want)
	wantAppAssocs(appAssocs(types.ApplicationAssociatedResourceTypeImage), map[string]types.AssociationState{"IMAGE " + img: types.AssociationStateCompleted})
	wantAppAssocs(appAssocs(types.ApplicationAssociatedResourceTypeBundle), map[string]types.AssociationState{"BUNDLE " + bundle2: types.AssociationStateCompleted})
	wantAppAssocs(appAssocs(types.ApplicationAssociatedResourceTypeWorkspace), map[string]types.AssociationState{
		"WORKSPACE " + ws1: types.AssociationStateCompleted, "WORKSPACE " + ws2: types.AssociationStateCompleted})

	// Disassociate from the first WorkSpace: PENDING_UNINSTALL_DEPLOYMENT,
	// then a deployment removes it a step at a time.
	tDis := e.now()
	dis, err := e.disassociate(ws1, app)
	e.ok(err)
	if dis.Association.State != types.AssociationStatePendingUninstallDeployment {
		t.Fatalf("DisassociateWorkspaceApplication: %s", dis.Association.State)
	}
	wantTime(t, "Disassociate LastUpdatedTime", dis.Association.LastUpdatedTime, tDis)
	e.wantAssoc(ws1, app, types.AssociationStatePendingUninstallDeployment, tDis)
	e.advance(time.Minute)
	e.wantAssoc(ws1, app, types.AssociationStatePendingUninstallDeployment, tDis)
	tUn := e.now()
	_, err = e.deploy(ws1, false)
	e.ok(err)
	e.wantAssoc(ws1, app, types.AssociationStatePendingUninstall, tUn)
	e.advance(step)
	e.wantAssoc(ws1, app, types.AssociationStateUninstalling, tUn.Add(step))
	e.advance(step)
	tRemoved := tUn.Add(2 * step)
	e.wantAssoc(ws1, app, types.AssociationStateRemoved, tRemoved)
	want["WORKSPACE "+ws1] = types.AssociationStateRemoved
	wantAppAssocs(appAssocs(all...), want)

	// REMOVED stays listed for the retention (an hour), then goes.
	e.advance(time.Hour - time.Millisecond)
	e.wantAssoc(ws1, app, types.AssociationStateRemoved, tRemoved)
	wantAppAssocs(appAssocs(all...), want)
	e.advance(time.Millisecond)
	if got := e.wsAssocs(ws1); len(got) != 0 {
		t.Fatalf("REMOVED association still listed after the retention: %+v", got)
	}
	delete(want, "WORKSPACE "+ws1)
	wantAppAssocs(appAssocs(all...), want)
	e.wantAssoc(ws2, app, types.AssociationStateCompleted, tLaunch.Add(2*step))

	// Once gone, the application can be associated again.
	_, err = e.associate(ws1, app)
	e.ok(err)
	e.wantAssoc(ws1, app, types.AssociationStatePendingInstallDeployment, e.now())
}

// Side paths of the lifecycle: an application never deployed leaves at
// once when disassociated; an image takes only COMPLETED applications.
func TestStorySidePaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	office, visio, project := e.appID(officePro), e.appID(visioPro), e.appID(projectPro)

	_, err := e.associate(w, project)
	e.ok(err)
	dis, err := e.disassociate(w, project)
	e.ok(err)
	if dis.Association.State != types.AssociationStateRemoved && dis.Association.State != types.AssociationStatePendingInstallDeployment {
		t.Fatalf("Disassociate of a never-deployed application answers %s", dis.Association.State)
	}
	if got := e.wsAssocs(w); len(got) != 0 {
		t.Fatalf("a never-deployed application is still listed after Disassociate: %+v", got)
	}
	out, err := e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(project),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace}})
	e.ok(err)
	if len(out.Associations) != 0 {
		t.Fatalf("DescribeApplicationAssociations lists the never-deployed application: %+v", out.Associations)
	}

	// Office COMPLETED, Visio ERROR, Project waiting for a deployment.
	e.install(w, office)
	e.addFault(map[string]any{"applicationId": visio, "count": 1,
		"associationError": map[string]any{"code": "DeploymentError.InternalServerError", "message": "x"}})
	_, err = e.associate(w, visio)
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	e.advance(step)
	e.wantAssoc(w, visio, types.AssociationStateError, e.now())
	_, err = e.associate(w, project)
	e.ok(err)
	img := e.image(w, "only-completed")
	e.wantImageApps(e.c, img, types.AssociationStateCompleted, e.now(), office)
	ba, err := e.c.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(e.bundle(img, "b")),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	e.ok(err)
	if len(ba.Associations) != 1 || *ba.Associations[0].AssociatedResourceId != office {
		t.Fatalf("bundle of the image: %+v", ba.Associations)
	}
}

// A WorkSpace terminated while an application installs: once TERMINATED it
// has no applications (wslocal deletes a terminated WorkSpace's
// associations), and none comes back as the clock moves.
func TestStoryTerminateMidDeployment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	app := e.appID(officePro)
	_, err := e.associate(w, app)
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	tw, err := e.c.TerminateWorkspaces(e.ctx, &workspaces.TerminateWorkspacesInput{
		TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	if len(tw.FailedRequests) != 0 {
		t.Fatalf("TerminateWorkspaces: %+v", tw.FailedRequests)
	}
	e.wantWS(w, types.WorkspaceStateTerminating)
	listed := func() []types.ApplicationResourceAssociation {
		out, err := e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app),
			AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace}})
		e.ok(err)
		return out.Associations
	}
	e.advance(step)
	e.wantWS(w, types.WorkspaceStateTerminated)
	if got := listed(); len(got) != 0 {
		t.Fatalf("TERMINATED WorkSpace still has %+v", got)
	}
	e.advance(step)
	if got := listed(); len(got) != 0 {
		t.Fatalf("TERMINATED WorkSpace has %+v a step later", got)
	}
}
