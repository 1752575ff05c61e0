package appmgmt_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// Each documented refusal, reached through the client for its cause.

func TestRefusalAlreadyExists(t *testing.T) {
	t.Parallel()
	t.Run("associate twice", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		app := e.appID(officePro)
		_, err := e.associate(w, app)
		e.ok(err)
		_, err = e.associate(w, app)
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		// Still so once installed.
		_, err = e.deploy(w, false)
		e.ok(err)
		e.advance(2 * step)
		e.wantAssoc(w, app, types.AssociationStateCompleted, e.now())
		_, err = e.associate(w, app)
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
	})
	t.Run("register a directory twice", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		in := &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)}
		_, err := e.c.RegisterWorkspaceDirectory(e.ctx, in)
		e.ok(err)
		_, err = e.c.RegisterWorkspaceDirectory(e.ctx, in) // while REGISTERING
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		e.advance(step)
		_, err = e.c.RegisterWorkspaceDirectory(e.ctx, in) // REGISTERED
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
	})
	t.Run("image and bundle names", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		img := e.image(w, "golden")
		_, err := e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{
			WorkspaceId: aws.String(w), Name: aws.String("golden"), Description: aws.String("again")})
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		_, err = e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{
			Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
			ImageName: aws.String("golden"), ImageDescription: aws.String("imported")})
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		_, err = e.c.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
			Name: aws.String("golden"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		e.bundle(img, "office")
		_, err = e.c.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{
			BundleName: aws.String("office"), BundleDescription: aws.String("again"), ImageId: aws.String(img),
			ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
		wantErr[*types.ResourceAlreadyExistsException](t, err, "ResourceAlreadyExistsException")
		// The same names are free in another region.
		west := clientOf(e.srv, owner, "us-west-2")
		_, err = west.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
			Name: aws.String("golden"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
		e.ok(err)
	})
}

func TestRefusalInUse(t *testing.T) {
	t.Parallel()
	for _, during := range []types.AssociationState{types.AssociationStatePendingInstall, types.AssociationStateInstalling,
		types.AssociationStatePendingUninstall, types.AssociationStateUninstalling} {
		t.Run(string(during), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w := e.winWorkspace("alice", nil)
			app, other := e.appID(officePro), e.appID(visioPro)
			_, err := e.associate(w, other) // waits for the next deployment
			e.ok(err)
			e.install(w, app)
			// install deployed other too; it is COMPLETED now as well.
			e.wantAssoc(w, other, types.AssociationStateCompleted, e.now())
			switch during {
			case types.AssociationStatePendingInstall, types.AssociationStateInstalling:
				_, err = e.associate(w, e.appID(projectPro))
				e.ok(err)
				_, err = e.deploy(w, false)
				e.ok(err)
				app = e.appID(projectPro)
			default:
				_, err = e.disassociate(w, app)
				e.ok(err)
				_, err = e.deploy(w, false)
				e.ok(err)
			}
			if during == types.AssociationStateInstalling || during == types.AssociationStateUninstalling {
				e.advance(step)
			}
			e.wantAssoc(w, app, during, e.now())
			for name, call := range map[string]func() error{
				"Associate":    func() error { _, err := e.associate(w, e.appID(vsPro)); return err },
				"Disassociate": func() error { _, err := e.disassociate(w, other); return err },
				"Deploy":       func() error { _, err := e.deploy(w, false); return err },
				"Deploy Force": func() error { _, err := e.deploy(w, true); return err },
			} {
				err := call()
				got := wantErr[*types.ResourceInUseException](t, err, "ResourceInUseException")
				if aws.ToString(got.ResourceId) != w {
					t.Fatalf("%s while %s: ResourceId %q, want %s", name, during, aws.ToString(got.ResourceId), w)
				}
			}
			// Nothing changed, and the deployment carries on.
			e.wantAssoc(w, app, during, e.now())
			e.wantAssoc(w, other, types.AssociationStateCompleted, e.wsAssoc(w, other).LastUpdatedTime.UTC())
		})
	}
}

func TestRefusalApplicationNotSupported(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	for _, name := range []string{office2016, office2019} {
		_, err := e.associate(w, e.appID(name))
		wantErr[*types.ApplicationNotSupportedException](t, err, "ApplicationNotSupportedException")
	}
	if got := e.wsAssocs(w); len(got) != 0 {
		t.Fatalf("refused associations were stored: %+v", got)
	}
}

// OperatingSystemNotCompatibleException: a Windows WorkSpace whose
// operating system the application does not support.
func TestRefusalOperatingSystemNotCompatible(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	e.modify(w, types.WorkspaceProperties{OperatingSystemName: types.OperatingSystemNameWindows7})
	if got := e.describeWS(w).WorkspaceProperties.OperatingSystemName; got != types.OperatingSystemNameWindows7 {
		t.Fatalf("ModifyWorkspaceProperties: OperatingSystemName %s, want WINDOWS_7", got)
	}
	_, err := e.associate(w, e.appID(officePro))
	wantErr[*types.OperatingSystemNotCompatibleException](t, err, "OperatingSystemNotCompatibleException")
}

func TestRefusalComputeNotCompatible(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.registerDir(dirID)
	w := e.workspace(dirID, e.bundleID(winVal), "alice", nil)
	if got := e.describeWS(w).WorkspaceProperties.ComputeTypeName; got != types.ComputeValue {
		t.Fatalf("Value bundle WorkSpace has compute %s", got)
	}
	for _, name := range []string{vsPro, vsEnt} {
		_, err := e.associate(w, e.appID(name))
		wantErr[*types.ComputeNotCompatibleException](t, err, "ComputeNotCompatibleException")
	}
	// Office runs on VALUE.
	_, err := e.associate(w, e.appID(officePro))
	e.ok(err)
}

func TestRefusalIncompatibleApplications(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	pro, std := e.appID(officePro), e.appID(officeStd)
	_, err := e.associate(w, pro)
	e.ok(err)
	_, err = e.associate(w, std) // pro not yet deployed
	wantErr[*types.IncompatibleApplicationsException](t, err, "IncompatibleApplicationsException")
	_, err = e.deploy(w, false)
	e.ok(err)
	e.advance(2 * step)
	_, err = e.associate(w, std) // pro installed
	wantErr[*types.IncompatibleApplicationsException](t, err, "IncompatibleApplicationsException")
	// Visual Studio editions conflict too.
	_, err = e.c.ModifyWorkspaceProperties(e.ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(w),
		WorkspaceProperties: &types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100)}})
	e.ok(err)
	_, err = e.c.ModifyWorkspaceProperties(e.ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(w),
		WorkspaceProperties: &types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175)}})
	e.ok(err)
	_, err = e.associate(w, e.appID(vsPro))
	e.ok(err)
	_, err = e.associate(w, e.appID(vsEnt))
	wantErr[*types.IncompatibleApplicationsException](t, err, "IncompatibleApplicationsException")
	// Once pro is REMOVED the other edition may come.
	_, err = e.disassociate(w, pro)
	e.ok(err)
	_, err = e.associate(w, std) // pro PENDING_UNINSTALL_DEPLOYMENT: still there
	wantErr[*types.IncompatibleApplicationsException](t, err, "IncompatibleApplicationsException")
	_, err = e.disassociate(w, e.appID(vsPro)) // never deployed: gone at once
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	e.advance(2 * step)
	e.wantAssoc(w, pro, types.AssociationStateRemoved, e.now())
	_, err = e.associate(w, std)
	e.ok(err)
}

func TestRefusalOperationNotSupported(t *testing.T) {
	t.Parallel()
	wantReason := func(t *testing.T, err error, reason string) {
		t.Helper()
		got := wantErr[*types.OperationNotSupportedException](t, err, "OperationNotSupportedException")
		if aws.ToString(got.Reason) != reason {
			t.Fatalf("OperationNotSupportedException reason %q, want %q", aws.ToString(got.Reason), reason)
		}
	}
	t.Run("Linux WorkSpace, image and bundle", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.registerDir(dirID)
		linBundle := e.bundleID(linStd)
		w := e.workspace(dirID, linBundle, "tux", nil)
		if got := e.describeWS(w).WorkspaceProperties.OperatingSystemName; got != types.OperatingSystemNameAmazonLinux2 {
			t.Fatalf("Linux WorkSpace runs %s", got)
		}
		app := e.appID(officePro)
		_, err := e.associate(w, app)
		wantReason(t, err, "UnsupportedOperatingSystem")
		_, err = e.disassociate(w, app)
		wantReason(t, err, "UnsupportedOperatingSystem")
		_, err = e.deploy(w, false)
		wantReason(t, err, "UnsupportedOperatingSystem")
		_, err = e.c.DescribeWorkspaceAssociations(e.ctx, &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String(w),
			AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
		wantReason(t, err, "UnsupportedOperatingSystem")

		img := e.image(w, "linux")
		if got := e.wantImage(img, types.WorkspaceImageStateAvailable); got.OperatingSystem.Type != types.OperatingSystemTypeLinux {
			t.Fatalf("image of a Linux WorkSpace: %s", got.OperatingSystem.Type)
		}
		_, err = e.imageAssocs(e.c, img)
		wantReason(t, err, "UnsupportedOperatingSystem")

		describeBundle := func(id string) error {
			_, err := e.c.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(id),
				AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
			return err
		}
		wantReason(t, describeBundle(linBundle), "UnsupportedOperatingSystem")
		wantReason(t, describeBundle(e.bundle(img, "linux")), "UnsupportedOperatingSystem")
		// A public Windows bundle answers, with no applications.
		e.ok(describeBundle(e.bundleID(winStd)))
	})
	t.Run("WorkSpace not AVAILABLE or STOPPED", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.registerDir(dirID)
		w := e.launch(dirID, e.bundleID(winStd), "alice", nil)
		app := e.appID(officePro)
		_, err := e.associate(w, app) // PENDING
		wantReason(t, err, "InvalidWorkspaceState")
		_, err = e.deploy(w, false)
		wantReason(t, err, "InvalidWorkspaceState")
		e.advance(step)
		_, err = e.associate(w, app)
		e.ok(err)
		out, err := e.c.RebootWorkspaces(e.ctx, &workspaces.RebootWorkspacesInput{
			RebootWorkspaceRequests: []types.RebootRequest{{WorkspaceId: aws.String(w)}}})
		e.ok(err)
		if len(out.FailedRequests) != 0 {
			t.Fatalf("RebootWorkspaces: %+v", out.FailedRequests)
		}
		e.wantWS(w, types.WorkspaceStateRebooting)
		_, err = e.disassociate(w, app) // REBOOTING
		wantReason(t, err, "InvalidWorkspaceState")
		_, err = e.deploy(w, false)
		wantReason(t, err, "InvalidWorkspaceState")
		e.advance(step)
		_, err = e.deploy(w, false)
		e.ok(err)
	})
}

func TestRefusalResourceAssociated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	img := e.image(w, "golden")
	b := e.bundle(img, "office")
	_, err := e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)})
	wantErr[*types.ResourceAssociatedException](t, err, "ResourceAssociatedException")
	w2 := e.launch(dirID, b, "bob", nil)
	_, err = e.c.DeleteWorkspaceBundle(e.ctx, &workspaces.DeleteWorkspaceBundleInput{BundleId: aws.String(b)})
	wantErr[*types.ResourceAssociatedException](t, err, "ResourceAssociatedException")

	// Terminated, the WorkSpace no longer holds the bundle; deleted, the
	// bundle no longer holds the image.
	tw, err := e.c.TerminateWorkspaces(e.ctx, &workspaces.TerminateWorkspacesInput{
		TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(w2)}}})
	e.ok(err)
	if len(tw.FailedRequests) != 0 {
		t.Fatalf("TerminateWorkspaces: %+v", tw.FailedRequests)
	}
	_, err = e.c.DeleteWorkspaceBundle(e.ctx, &workspaces.DeleteWorkspaceBundleInput{BundleId: aws.String(b)}) // TERMINATING
	wantErr[*types.ResourceAssociatedException](t, err, "ResourceAssociatedException")
	e.advance(step)
	e.wantWS(w2, types.WorkspaceStateTerminated)
	_, err = e.c.DeleteWorkspaceBundle(e.ctx, &workspaces.DeleteWorkspaceBundleInput{BundleId: aws.String(b)})
	e.ok(err)
	_, err = e.c.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(b),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	_, err = e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)})
	e.ok(err)
	_, err = e.imageAssocs(e.c, img)
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
}

func TestRefusalResourceNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	app := e.appID(officePro)
	const (
		noWS     = "ws-zzzzzzzzz"
		noApp    = "wsa-zzzzzzzzz"
		noImage  = "wsi-zzzzzzzzz"
		noBundle = "wsb-zzzzzzzzz"
		noDir    = "d-0000000000"
	)
	cases := []struct {
		name string
		id   string
		call func() error
	}{
		{"Associate unknown WorkSpace", noWS, func() error { _, err := e.associate(noWS, app); return err }},
		{"Disassociate unknown WorkSpace", noWS, func() error { _, err := e.disassociate(noWS, app); return err }},
		{"Deploy unknown WorkSpace", noWS, func() error { _, err := e.deploy(noWS, false); return err }},
		{"DescribeWorkspaceAssociations unknown WorkSpace", noWS, func() error {
			_, err := e.c.DescribeWorkspaceAssociations(e.ctx, &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String(noWS),
				AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
			return err
		}},
		{"Associate unknown application", noApp, func() error { _, err := e.associate(w, noApp); return err }},
		{"Disassociate unknown application", noApp, func() error { _, err := e.disassociate(w, noApp); return err }},
		{"Disassociate an application not associated", app, func() error { _, err := e.disassociate(w, app); return err }},
		{"DescribeApplicationAssociations unknown application", noApp, func() error {
			_, err := e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(noApp),
				AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace}})
			return err
		}},
		{"DescribeApplications unknown application", noApp, func() error {
			_, err := e.c.DescribeApplications(e.ctx, &workspaces.DescribeApplicationsInput{ApplicationIds: []string{noApp}})
			return err
		}},
		{"DescribeImageAssociations unknown image", noImage, func() error { _, err := e.imageAssocs(e.c, noImage); return err }},
		{"CreateWorkspaceBundle unknown image", noImage, func() error {
			_, err := e.c.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{BundleName: aws.String("x"),
				BundleDescription: aws.String("x"), ImageId: aws.String(noImage), ComputeType: &types.ComputeType{Name: types.ComputeStandard},
				UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
			return err
		}},
		{"DescribeBundleAssociations unknown bundle", noBundle, func() error {
			_, err := e.c.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(noBundle),
				AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
			return err
		}},
		{"DeregisterWorkspaceDirectory unknown directory", noDir, func() error {
			_, err := e.c.DeregisterWorkspaceDirectory(e.ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(noDir)})
			return err
		}},
		{"CreateWorkspaceImage unknown WorkSpace", noWS, func() error {
			_, err := e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{WorkspaceId: aws.String(noWS),
				Name: aws.String("x"), Description: aws.String("x")})
			return err
		}},
	}
	for _, c := range cases {
		got := wantErr[*types.ResourceNotFoundException](t, c.call(), "ResourceNotFoundException")
		if aws.ToString(got.ResourceId) != c.id {
			t.Errorf("%s: ResourceId %q, want %q", c.name, aws.ToString(got.ResourceId), c.id)
		}
	}
	// Another account's resources do not exist for the caller.
	other := clientOf(e.srv, "111111111111", region)
	_, err := other.AssociateWorkspaceApplication(e.ctx, &workspaces.AssociateWorkspaceApplicationInput{
		WorkspaceId: aws.String(w), ApplicationId: aws.String(app)})
	if got := wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException"); aws.ToString(got.ResourceId) != w {
		t.Fatalf("other account: ResourceId %q", aws.ToString(got.ResourceId))
	}
}

func TestRefusalResourceLimitExceeded(t *testing.T) {
	t.Parallel()
	cfg := ws.DefaultConfig()
	cfg.Quotas.Images, cfg.Quotas.Bundles, cfg.Quotas.Directories, cfg.Quotas.Tags = 2, 1, 1, 3
	e := newEnv(t, wslocaltest.WithConfig(cfg))
	w := e.winWorkspace("alice", nil)

	// Directories: one.
	_, err := e.c.RegisterWorkspaceDirectory(e.ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID2)})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")

	// Images: two, whichever way they are made.
	img := e.image(w, "one")
	_, err = e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{Ec2ImageId: aws.String("ami-0123456789abcdef0"),
		IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular, ImageName: aws.String("two"), ImageDescription: aws.String("two")})
	e.ok(err)
	_, err = e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{WorkspaceId: aws.String(w),
		Name: aws.String("three"), Description: aws.String("three")})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	_, err = e.c.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{Name: aws.String("three"),
		SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	// The quota is per region.
	_, err = clientOf(e.srv, owner, "eu-west-1").CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
		Name: aws.String("three"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	e.ok(err)

	// Bundles: one.
	e.bundle(img, "b1")
	_, err = e.c.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{BundleName: aws.String("b2"),
		BundleDescription: aws.String("b2"), ImageId: aws.String(img), ComputeType: &types.ComputeType{Name: types.ComputeStandard},
		UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")

	// Tags: three per resource, counting those it has.
	tag := func(k string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String("v")} }
	_, err = e.c.CreateTags(e.ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(w), Tags: []types.Tag{tag("a"), tag("b"), tag("c"), tag("d")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	_, err = e.c.CreateTags(e.ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(w), Tags: []types.Tag{tag("a"), tag("b")}})
	e.ok(err)
	_, err = e.c.CreateTags(e.ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(w), Tags: []types.Tag{tag("b"), tag("c")}}) // b overwrites
	e.ok(err)
	_, err = e.c.CreateTags(e.ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(w), Tags: []types.Tag{tag("d")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	_, err = e.c.CreateTags(e.ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(img), Tags: []types.Tag{tag("a"), tag("b"), tag("c"), tag("d")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	_, err = e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{Ec2ImageId: aws.String("ami-0123456789abcdef0"),
		IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular, ImageName: aws.String("tagged"), ImageDescription: aws.String("x"),
		Tags: []types.Tag{tag("a"), tag("b"), tag("c"), tag("d")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
}

func TestRefusalInvalidResourceState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	_, err := e.c.DeregisterWorkspaceDirectory(e.ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)})
	wantErr[*types.OperationNotSupportedException](t, err, "OperationNotSupportedException")

	// An image needs an AVAILABLE WorkSpace, not a STOPPED one.
	auto := e.winWorkspace("bob", &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop})
	st, err := e.c.StopWorkspaces(e.ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(auto)}}})
	e.ok(err)
	if len(st.FailedRequests) != 0 {
		t.Fatalf("StopWorkspaces: %+v", st.FailedRequests)
	}
	e.wantWS(auto, types.WorkspaceStateStopping)
	e.advance(step)
	e.wantWS(auto, types.WorkspaceStateStopped)
	_, err = e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{WorkspaceId: aws.String(auto),
		Name: aws.String("stopped"), Description: aws.String("x")})
	wantErr[*types.InvalidResourceStateException](t, err, "InvalidResourceStateException")

	// A PENDING image cannot be deleted.
	ci, err := e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{WorkspaceId: aws.String(w),
		Name: aws.String("pending"), Description: aws.String("x")})
	e.ok(err)
	_, err = e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: ci.ImageId})
	wantErr[*types.InvalidResourceStateException](t, err, "InvalidResourceStateException")

	// Terminated WorkSpaces free the directory.
	_, err = e.c.TerminateWorkspaces(e.ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{
		{WorkspaceId: aws.String(w)}, {WorkspaceId: aws.String(auto)}}})
	e.ok(err)
	_, err = e.c.DeregisterWorkspaceDirectory(e.ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)})
	wantErr[*types.OperationNotSupportedException](t, err, "OperationNotSupportedException") // TERMINATING
	e.advance(step)
	_, err = e.c.DeregisterWorkspaceDirectory(e.ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)})
	e.ok(err)
	out, err := e.c.DescribeWorkspaceDirectories(e.ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{dirID}})
	e.ok(err)
	if len(out.Directories) != 1 || out.Directories[0].State != types.WorkspaceDirectoryStateDeregistering {
		t.Fatalf("after DeregisterWorkspaceDirectory: %+v", out.Directories)
	}
	_, err = e.c.DeregisterWorkspaceDirectory(e.ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID)})
	wantErr[*types.InvalidResourceStateException](t, err, "InvalidResourceStateException") // DEREGISTERING
	e.advance(step)
	out, err = e.c.DescribeWorkspaceDirectories(e.ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{dirID}})
	e.ok(err)
	if len(out.Directories) != 0 {
		t.Fatalf("deregistered directory still listed: %+v", out.Directories)
	}
}

func TestRefusalCreateWorkspacesFailedRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.winWorkspace("alice", nil)
	_, err := e.c.RegisterWorkspaceDirectory(e.ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dirID2)})
	e.ok(err) // REGISTERING
	win := e.bundleID(winStd)
	req := func(dir, bundle, user string) types.WorkspaceRequest {
		return types.WorkspaceRequest{DirectoryId: aws.String(dir), BundleId: aws.String(bundle), UserName: aws.String(user)}
	}
	reqs := []types.WorkspaceRequest{
		req("d-0000000000", win, "u1"),
		req(dirID, "wsb-zzzzzzzzz", "u2"),
		req(dirID, win, "alice"),
		req(dirID, win, "ALICE"),
		req(dirID, win, "carol"),
		req(dirID, win, "carol"),
		req(dirID2, win, "dave"),
	}
	out, err := e.c.CreateWorkspaces(e.ctx, &workspaces.CreateWorkspacesInput{Workspaces: reqs})
	e.ok(err)
	want := []struct{ user, code string }{
		{"u1", "ResourceNotFound.Directory"}, {"u2", "ResourceNotFound.Bundle"}, {"alice", "ResourceExists.User"},
		{"ALICE", "ResourceExists.User"}, {"carol", "ResourceExists.User"}, {"dave", "InvalidResourceState.Directory"},
	}
	if len(out.FailedRequests) != len(want) || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: %d failed, %d pending", len(out.FailedRequests), len(out.PendingRequests))
	}
	for i, f := range out.FailedRequests {
		if aws.ToString(f.WorkspaceRequest.UserName) != want[i].user || aws.ToString(f.ErrorCode) != want[i].code || aws.ToString(f.ErrorMessage) == "" {
			t.Errorf("FailedRequests[%d]: %s %s %q, want %s %s", i, aws.ToString(f.WorkspaceRequest.UserName),
				aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage), want[i].user, want[i].code)
		}
	}
	wantStr(t, "pending UserName", out.PendingRequests[0].UserName, "carol")

	// More than the per-call quota is refused whole.
	cfg := ws.DefaultConfig()
	cfg.Quotas.PerCreate, cfg.Quotas.Workspaces = 2, 1
	e2 := newEnv(t, wslocaltest.WithConfig(cfg))
	e2.registerDir(dirID)
	_, err = e2.c.CreateWorkspaces(e2.ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{
		req(dirID, win, "a"), req(dirID, win, "b"), req(dirID, win, "c")}})
	wantErr[*types.ResourceLimitExceededException](t, err, "ResourceLimitExceededException")
	out, err = e2.c.CreateWorkspaces(e2.ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{
		req(dirID, win, "a"), req(dirID, win, "b")}})
	e2.ok(err)
	if len(out.PendingRequests) != 1 || len(out.FailedRequests) != 1 || aws.ToString(out.FailedRequests[0].ErrorCode) != "ResourceLimitExceeded" {
		t.Fatalf("WorkSpaces quota: %+v", out.FailedRequests)
	}
}

func TestRefusalStartStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	always := e.winWorkspace("alice", nil)
	auto := e.winWorkspace("bob", &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop})
	if got := e.describeWS(auto).WorkspaceProperties; got.RunningMode != types.RunningModeAutoStop || aws.ToInt32(got.RunningModeAutoStopTimeoutInMinutes) != 60 {
		t.Fatalf("AUTO_STOP WorkSpace: %+v", got)
	}
	stop := func(ids ...string) []types.FailedWorkspaceChangeRequest {
		t.Helper()
		var reqs []types.StopRequest
		for _, id := range ids {
			reqs = append(reqs, types.StopRequest{WorkspaceId: aws.String(id)})
		}
		out, err := e.c.StopWorkspaces(e.ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: reqs})
		e.ok(err)
		return out.FailedRequests
	}
	start := func(ids ...string) []types.FailedWorkspaceChangeRequest {
		t.Helper()
		var reqs []types.StartRequest
		for _, id := range ids {
			reqs = append(reqs, types.StartRequest{WorkspaceId: aws.String(id)})
		}
		out, err := e.c.StartWorkspaces(e.ctx, &workspaces.StartWorkspacesInput{StartWorkspaceRequests: reqs})
		e.ok(err)
		return out.FailedRequests
	}
	wantFailed := func(got []types.FailedWorkspaceChangeRequest, want ...string) {
		t.Helper()
		if len(got)*2 != len(want) {
			t.Fatalf("FailedRequests %+v, want %v", got, want)
		}
		for i, f := range got {
			if aws.ToString(f.WorkspaceId) != want[2*i] || aws.ToString(f.ErrorCode) != want[2*i+1] || aws.ToString(f.ErrorMessage) == "" {
				t.Fatalf("FailedRequests[%d]: %s %s %q, want %s %s", i, aws.ToString(f.WorkspaceId), aws.ToString(f.ErrorCode),
					aws.ToString(f.ErrorMessage), want[2*i], want[2*i+1])
			}
		}
	}
	const noWS = "ws-zzzzzzzzz"
	// ALWAYS_ON cannot stop; an AVAILABLE one cannot start; the rest of the batch goes on.
	wantFailed(stop(always, noWS, auto), always, "UnsupportedWorkspaceConfiguration", noWS, "ResourceNotFound")
	e.wantWS(auto, types.WorkspaceStateStopping)
	wantFailed(stop(auto), auto, "InvalidResourceState") // STOPPING
	wantFailed(start(auto), auto, "InvalidResourceState")
	e.advance(step)
	e.wantWS(auto, types.WorkspaceStateStopped)
	wantFailed(stop(auto), auto, "InvalidResourceState")
	wantFailed(start(always, auto), always, "UnsupportedWorkspaceConfiguration")
	e.wantWS(auto, types.WorkspaceStateStarting)
	e.advance(step)
	e.wantWS(auto, types.WorkspaceStateAvailable)
	wantFailed(start(auto), auto, "InvalidResourceState")
	e.wantWS(always, types.WorkspaceStateAvailable)
}

// InvalidParameterValuesException: an AssociatedResourceTypes that is
// empty, or names a type twice, on each Describe…Associations.
func TestRefusalInvalidAssociatedResourceTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	img := e.image(w, "golden")
	b := e.bundle(img, "office")
	app := e.appID(officePro)
	calls := map[string]func(n int) error{
		"DescribeWorkspaceAssociations": func(n int) error {
			in := &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String(w), AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{}}
			if n == 2 {
				in.AssociatedResourceTypes = []types.WorkSpaceAssociatedResourceType{"APPLICATION", "APPLICATION"}
			}
			_, err := e.c.DescribeWorkspaceAssociations(e.ctx, in)
			return err
		},
		"DescribeImageAssociations": func(n int) error {
			in := &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(img), AssociatedResourceTypes: []types.ImageAssociatedResourceType{}}
			if n == 2 {
				in.AssociatedResourceTypes = []types.ImageAssociatedResourceType{"APPLICATION", "APPLICATION"}
			}
			_, err := e.c.DescribeImageAssociations(e.ctx, in)
			return err
		},
		"DescribeBundleAssociations": func(n int) error {
			in := &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(b), AssociatedResourceTypes: []types.BundleAssociatedResourceType{}}
			if n == 2 {
				in.AssociatedResourceTypes = []types.BundleAssociatedResourceType{"APPLICATION", "APPLICATION"}
			}
			_, err := e.c.DescribeBundleAssociations(e.ctx, in)
			return err
		},
		"DescribeApplicationAssociations": func(n int) error {
			in := &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app), AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{}}
			if n == 2 {
				in.AssociatedResourceTypes = []types.ApplicationAssociatedResourceType{"BUNDLE", "IMAGE", "BUNDLE"}
			}
			_, err := e.c.DescribeApplicationAssociations(e.ctx, in)
			return err
		},
	}
	for name, call := range calls {
		for _, n := range []int{0, 2} {
			err := call(n)
			if err == nil {
				t.Fatalf("%s with %d-type list: accepted", name, n)
			}
			wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
		}
	}
}
