package appmgmt_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// wantFailed asserts app on ws is ERROR since at, with exactly this reason.
func (e *env) wantFailed(ws, app string, at time.Time, code types.AssociationErrorCode, msg string) {
	e.t.Helper()
	a := e.wantAssoc(ws, app, types.AssociationStateError, at)
	wantReason(e.t, app+" on "+ws, a.StateReason, code, msg)
}

// deployLeavesError asserts that a deployment without Force leaves the
// failed association as it is, and stays so as the clock moves.
func (e *env) deployLeavesError(ws, app string, at time.Time, code types.AssociationErrorCode, msg string) {
	e.t.Helper()
	out, err := e.deploy(ws, false)
	e.ok(err)
	found := false
	for _, a := range out.Deployment.Associations {
		if *a.AssociatedResourceId == app {
			found = true
			if a.State != types.AssociationStateError {
				e.t.Fatalf("deployment without Force reports %s, want ERROR", a.State)
			}
			wantReason(e.t, "deployment without Force", a.StateReason, code, msg)
			wantTime(e.t, "deployment without Force LastUpdatedTime", a.LastUpdatedTime, at)
		}
	}
	if !found {
		e.t.Fatalf("deployment without Force does not report %s: %+v", app, out.Deployment.Associations)
	}
	e.wantFailed(ws, app, at, code, msg)
	e.advance(time.Minute)
	e.wantFailed(ws, app, at, code, msg)
}

// forceToCompleted deploys with Force and asserts the retry resumes at
// from (the step that failed) and goes on to COMPLETED a step at a time.
func (e *env) forceToCompleted(ws, app string, from types.AssociationState) {
	e.t.Helper()
	out, err := e.deploy(ws, true)
	e.ok(err)
	start := e.now()
	for _, a := range out.Deployment.Associations {
		if *a.AssociatedResourceId == app && (a.State != from || a.StateReason != nil) {
			e.t.Fatalf("forced deployment reports %s %+v, want %s without a reason", a.State, a.StateReason, from)
		}
	}
	e.wantAssoc(ws, app, from, start)
	at := start
	if from == types.AssociationStatePendingInstall {
		e.advance(step)
		at = at.Add(step)
		e.wantAssoc(ws, app, types.AssociationStateInstalling, at)
	}
	e.advance(step)
	e.wantAssoc(ws, app, types.AssociationStateCompleted, at.Add(step))
}

// deployToFailure associates app, deploys, and returns when its first step
// ends (it should fail), with the time it did.
func (e *env) deployToFailure(ws, app string) time.Time {
	e.t.Helper()
	_, err := e.associate(ws, app)
	e.ok(err)
	_, err = e.deploy(ws, false)
	e.ok(err)
	e.wantAssoc(ws, app, types.AssociationStatePendingInstall, e.now())
	e.advance(step)
	return e.now()
}

// Every StateReason code, reached through its natural cause; then the
// cause fixed and a forced deployment retrying to COMPLETED.
func TestErrorCodeNaturalCauses(t *testing.T) {
	t.Parallel()

	t.Run("InsufficientDiskSpace", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil) // STANDARD: 80 GiB root, 4 GiB
		app := e.appID(vsPro)             // needs 90 GiB and 4 GiB
		at := e.deployToFailure(w, app)
		code := types.AssociationErrorCodeInsufficientDiskspace
		msg := fmt.Sprintf("Microsoft Visual Studio Professional 2022 needs a root volume of at least 90 GiB; %s has 80 GiB.", w)
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		// Forced without a fix, it fails again, at a new time.
		_, err := e.deploy(w, true)
		e.ok(err)
		e.wantAssoc(w, app, types.AssociationStatePendingInstall, e.now())
		e.advance(step)
		e.wantFailed(w, app, e.now(), code, msg)
		// Grown to 175 GiB, it installs (the root grows past 80 GiB only
		// with a user volume of 100 GiB or more: the allowed combinations).
		e.modify(w, types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100)})
		e.modify(w, types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175)})
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})

	t.Run("InsufficientMemory", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		e.modify(w, types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100)})
		e.modify(w, types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175)})
		app := e.appID(vsEnt) // needs 8 GiB; STANDARD has 4
		at := e.deployToFailure(w, app)
		code := types.AssociationErrorCodeInsufficientMemory
		msg := "Microsoft Visual Studio Enterprise 2022 needs at least 8 GiB of memory; compute type STANDARD has 4 GiB."
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		e.modify(w, types.WorkspaceProperties{ComputeTypeName: types.ComputePerformance}) // 8 GiB
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})

	t.Run("UnsupportedOperatingSystem changed during the deployment", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		app := e.appID(officePro)
		_, err := e.associate(w, app)
		e.ok(err)
		_, err = e.deploy(w, false)
		e.ok(err)
		e.modify(w, types.WorkspaceProperties{OperatingSystemName: types.OperatingSystemNameWindows7})
		e.advance(step)
		at := e.now()
		code := types.AssociationErrorCodeUnsupportedOperatingSystem
		msg := "Microsoft Office LTSC Professional Plus 2021 does not support WINDOWS_7."
		// (DescribeWorkspaceAssociations refuses a WINDOWS_7 WorkSpace: see
		// the bug test below; the application's view shows the failure.)
		out, err := e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app),
			AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace}})
		e.ok(err)
		if len(out.Associations) != 1 || out.Associations[0].State != types.AssociationStateError {
			t.Fatalf("DescribeApplicationAssociations: %+v", out.Associations)
		}
		wantTime(t, "ERROR LastUpdatedTime", out.Associations[0].LastUpdatedTime, at)
		wantReason(t, "DescribeApplicationAssociations", out.Associations[0].StateReason, code, msg)
		e.modify(w, types.WorkspaceProperties{OperatingSystemName: types.OperatingSystemNameWindowsServer2019})
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})

	t.Run("UnsupportedOperatingSystem changed after association", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		app := e.appID(officePro)
		_, err := e.associate(w, app)
		e.ok(err)
		e.modify(w, types.WorkspaceProperties{OperatingSystemName: types.OperatingSystemNameWindows7})
		e.wantAssoc(w, app, types.AssociationStatePendingInstallDeployment, e.now())
		_, err = e.deploy(w, false)
		e.ok(err)
		e.wantAssoc(w, app, types.AssociationStatePendingInstall, e.now())
		e.advance(step)
		code := types.AssociationErrorCodeUnsupportedOperatingSystem
		msg := "Microsoft Office LTSC Professional Plus 2021 does not support WINDOWS_7."
		at := e.now()
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		e.modify(w, types.WorkspaceProperties{OperatingSystemName: types.OperatingSystemNameWindowsServer2019})
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})

	t.Run("ApplicationOldVersionExists", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		old := e.appID(office2019)
		imp, err := e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{
			Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
			ImageName: aws.String("byol-office-2019"), ImageDescription: aws.String("Windows 10 with Office 2019"),
			Applications: []types.Application{types.ApplicationMicrosoftOffice2019}})
		e.ok(err)
		img := *imp.ImageId
		tImp := e.now()
		got := e.wantImage(img, types.WorkspaceImageStatePending)
		if got.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated {
			t.Fatalf("imported image tenancy %s", got.RequiredTenancy)
		}
		e.wantImageApps(e.c, img, types.AssociationStateInstalling, tImp, old)
		e.advance(step)
		e.wantImage(img, types.WorkspaceImageStateAvailable)
		e.wantImageApps(e.c, img, types.AssociationStateCompleted, tImp.Add(step), old)
		b := e.bundle(img, "byol-office-2019")
		e.registerDir(dirID)
		tLaunch := e.now()
		w := e.launch(dirID, b, "alice", nil)
		e.wantAssoc(w, old, types.AssociationStatePendingInstall, tLaunch)
		e.advance(step)
		e.wantAssoc(w, old, types.AssociationStateInstalling, tLaunch.Add(step))
		e.advance(step)
		e.wantAssoc(w, old, types.AssociationStateCompleted, tLaunch.Add(2*step))
		if os := e.describeWS(w).WorkspaceProperties.OperatingSystemName; os != types.OperatingSystemNameWindows10 {
			t.Fatalf("WorkSpace of the BYOL bundle runs %s", os)
		}

		app := e.appID(officePro)
		at := e.deployToFailure(w, app)
		code := types.AssociationErrorCodeApplicationOldversionexistFailure
		msg := "Microsoft Office LTSC Professional Plus 2021 cannot be installed while Microsoft Office 2016 or 2019 is installed; remove it first."
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)

		// Remove Office 2019: a deployment without Force uninstalls it and
		// leaves the failed install alone.
		_, err = e.disassociate(w, old)
		e.ok(err)
		e.wantAssoc(w, old, types.AssociationStatePendingUninstallDeployment, e.now())
		_, err = e.deploy(w, false)
		e.ok(err)
		tUn := e.now()
		e.wantAssoc(w, old, types.AssociationStatePendingUninstall, tUn)
		e.wantFailed(w, app, at, code, msg)
		e.advance(step)
		e.wantAssoc(w, old, types.AssociationStateUninstalling, tUn.Add(step))
		e.wantFailed(w, app, at, code, msg)
		e.advance(step)
		e.wantAssoc(w, old, types.AssociationStateRemoved, tUn.Add(2*step))
		e.wantFailed(w, app, at, code, msg)
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
		e.wantAssoc(w, old, types.AssociationStateRemoved, tUn.Add(2*step))
	})

	t.Run("WorkspaceUnreachable STOPPED before the deployment", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop})
		app := e.appID(officePro)
		stopWS(e, w)
		at := e.deployToFailure(w, app) // associated and deployed while STOPPED
		code := types.AssociationErrorCodeWorkspaceUnreachable
		msg := fmt.Sprintf("The WorkSpace %s is STOPPED and cannot be reached.", w)
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		startWS(e, w)
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})

	t.Run("WorkspaceUnreachable STOPPED while installing", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop})
		app := e.appID(officePro)
		_, err := e.associate(w, app)
		e.ok(err)
		_, err = e.deploy(w, false)
		e.ok(err)
		e.advance(step)
		e.wantAssoc(w, app, types.AssociationStateInstalling, e.now())
		out, err := e.c.StopWorkspaces(e.ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(w)}}})
		e.ok(err)
		if len(out.FailedRequests) != 0 {
			t.Fatalf("StopWorkspaces: %+v", out.FailedRequests)
		}
		e.advance(step)
		e.wantWS(w, types.WorkspaceStateStopped)
		at := e.now()
		code := types.AssociationErrorCodeWorkspaceUnreachable
		msg := fmt.Sprintf("The WorkSpace %s is STOPPED and cannot be reached.", w)
		e.wantFailed(w, app, at, code, msg)
		e.deployLeavesError(w, app, at, code, msg)
		startWS(e, w)
		// The retry resumes at INSTALLING, the step that failed.
		e.forceToCompleted(w, app, types.AssociationStateInstalling)
	})

	t.Run("InternalServerError", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		w := e.winWorkspace("alice", nil)
		app := e.appID(officePro)
		e.addFault(map[string]any{"operation": "DeployWorkspaceApplications", "applicationId": app,
			"associationError": map[string]any{"code": "DeploymentError.InternalServerError", "message": "boom"}, "count": 1})
		at := e.deployToFailure(w, app)
		code := types.AssociationErrorCodeInternalServerError
		e.wantFailed(w, app, at, code, "boom")
		e.deployLeavesError(w, app, at, code, "boom")
		var rules struct {
			Faults []any `json:"faults"`
		}
		e.srv.Control("GET", "/_wslocal/faults", nil, &rules)
		if len(rules.Faults) != 0 {
			t.Fatalf("a rule with count 1 is still in force after firing: %v", rules.Faults)
		}
		e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
	})
}

func stopWS(e *env, w string) {
	e.t.Helper()
	out, err := e.c.StopWorkspaces(e.ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	if len(out.FailedRequests) != 0 {
		e.t.Fatalf("StopWorkspaces: %+v", out.FailedRequests)
	}
	e.wantWS(w, types.WorkspaceStateStopping)
	e.advance(step)
	e.wantWS(w, types.WorkspaceStateStopped)
}

func startWS(e *env, w string) {
	e.t.Helper()
	out, err := e.c.StartWorkspaces(e.ctx, &workspaces.StartWorkspacesInput{StartWorkspaceRequests: []types.StartRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	if len(out.FailedRequests) != 0 {
		e.t.Fatalf("StartWorkspaces: %+v", out.FailedRequests)
	}
	e.wantWS(w, types.WorkspaceStateStarting)
	e.advance(step)
	e.wantWS(w, types.WorkspaceStateAvailable)
}

// Every StateReason code, from a fault rule.
func TestErrorCodeByFault(t *testing.T) {
	t.Parallel()
	for _, code := range types.AssociationErrorCode("").Values() {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w := e.winWorkspace("alice", nil)
			app := e.appID(officePro)
			msg := "injected " + string(code)
			e.addFault(map[string]any{"operation": "DeployWorkspaceApplications", "applicationId": app, "resourceId": w,
				"associationError": map[string]any{"code": code, "message": msg}, "count": 1})
			at := e.deployToFailure(w, app)
			e.wantFailed(w, app, at, code, msg)
			out, err := e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app),
				AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace}})
			e.ok(err)
			if len(out.Associations) != 1 || out.Associations[0].State != types.AssociationStateError {
				t.Fatalf("DescribeApplicationAssociations: %+v", out.Associations)
			}
			wantReason(t, "DescribeApplicationAssociations", out.Associations[0].StateReason, code, msg)
			e.deployLeavesError(w, app, at, code, msg)
			e.forceToCompleted(w, app, types.AssociationStatePendingInstall)
		})
	}
}

// A fault at a later step: the retry resumes at that step; an uninstall
// that fails retries its uninstall, or can be disassociated again.
func TestErrorCodeFaultAtLaterSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	app := e.appID(officePro)
	_, err := e.associate(w, app)
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	e.advance(step)
	e.wantAssoc(w, app, types.AssociationStateInstalling, e.now())
	rule := map[string]any{"operation": "DeployWorkspaceApplications", "applicationId": app,
		"associationError": map[string]any{"code": "DeploymentError.InternalServerError", "message": "late"}, "count": 1}
	e.addFault(rule)
	e.advance(step)
	e.wantFailed(w, app, e.now(), types.AssociationErrorCodeInternalServerError, "late")
	e.forceToCompleted(w, app, types.AssociationStateInstalling)

	// Uninstall failing at UNINSTALLING, forced: UNINSTALLING -> REMOVED.
	_, err = e.disassociate(w, app)
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	e.advance(step)
	e.wantAssoc(w, app, types.AssociationStateUninstalling, e.now())
	e.addFault(rule)
	e.advance(step)
	at := e.now()
	e.wantFailed(w, app, at, types.AssociationErrorCodeInternalServerError, "late")
	e.deployLeavesError(w, app, at, types.AssociationErrorCodeInternalServerError, "late")
	_, err = e.deploy(w, true)
	e.ok(err)
	tForce := e.now()
	e.wantAssoc(w, app, types.AssociationStateUninstalling, tForce)
	e.advance(step)
	e.wantAssoc(w, app, types.AssociationStateRemoved, tForce.Add(step))

	// Uninstall failing at PENDING_UNINSTALL, then disassociated again.
	w2 := e.winWorkspace("bob", nil)
	e.install(w2, app)
	_, err = e.disassociate(w2, app)
	e.ok(err)
	e.addFault(rule)
	_, err = e.deploy(w2, false)
	e.ok(err)
	e.advance(step)
	e.wantFailed(w2, app, e.now(), types.AssociationErrorCodeInternalServerError, "late")
	_, err = e.disassociate(w2, app)
	e.ok(err)
	tDis := e.now()
	e.wantAssoc(w2, app, types.AssociationStatePendingUninstallDeployment, tDis)
	_, err = e.deploy(w2, false)
	e.ok(err)
	e.advance(2 * step)
	e.wantAssoc(w2, app, types.AssociationStateRemoved, e.now())
}

// A bundle's application failing while a WorkSpace is built (fault on
// CreateWorkspaces), retried by a forced deployment.
func TestErrorCodeBundleInstallFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	app := e.appID(officePro)
	e.install(w, app)
	b := e.bundle(e.image(w, "golden"), "office")
	e.addFault(map[string]any{"operation": "CreateWorkspaces", "applicationId": app,
		"associationError": map[string]any{"code": "DeploymentError.InternalServerError", "message": "bundle boom"}, "count": 1})
	w2 := e.launch(dirID, b, "bob", nil)
	e.advance(step)
	e.wantWS(w2, types.WorkspaceStateAvailable)
	at := e.now()
	e.wantFailed(w2, app, at, types.AssociationErrorCodeInternalServerError, "bundle boom")
	e.deployLeavesError(w2, app, at, types.AssociationErrorCodeInternalServerError, "bundle boom")
	e.forceToCompleted(w2, app, types.AssociationStatePendingInstall)
}

// An image import failing by fault rule: image ERROR with the code, its
// application ERROR with the reason.
func TestErrorCodeImportFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addFault(map[string]any{"operation": "ImportWorkspaceImage",
		"associationError": map[string]any{"code": "DeploymentError.InternalServerError", "message": "import failed"}, "count": 1})
	imp, err := e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("broken"), ImageDescription: aws.String("x"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2016}})
	e.ok(err)
	img := *imp.ImageId
	tImp := e.now()
	e.wantImage(img, types.WorkspaceImageStatePending)
	e.wantImageApps(e.c, img, types.AssociationStateInstalling, tImp, e.appID(office2016))
	e.advance(step)
	got := e.wantImage(img, types.WorkspaceImageStateError)
	wantStr(t, "image ErrorCode", got.ErrorCode, "DeploymentError.InternalServerError")
	wantStr(t, "image ErrorMessage", got.ErrorMessage, "import failed")
	as, err := e.imageAssocs(e.c, img)
	e.ok(err)
	if len(as) != 1 || as[0].State != types.AssociationStateError {
		t.Fatalf("failed import's association: %+v", as)
	}
	wantTime(t, "failed import association LastUpdatedTime", as[0].LastUpdatedTime, tImp.Add(step))
	wantReason(t, "failed import association", as[0].StateReason, types.AssociationErrorCodeInternalServerError, "import failed")

	// A failed image makes no bundle, and can be deleted.
	_, err = e.c.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{BundleName: aws.String("b"),
		BundleDescription: aws.String("b"), ImageId: aws.String(img), ComputeType: &types.ComputeType{Name: types.ComputeStandard},
		UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	if got := wantErr[*types.ResourceUnavailableException](t, err, "ResourceUnavailableException"); aws.ToString(got.ResourceId) != img {
		t.Fatalf("ResourceUnavailableException ResourceId %q", aws.ToString(got.ResourceId))
	}
	_, err = e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)})
	e.ok(err)

	// The rule fired once: the next import succeeds.
	imp, err = e.c.ImportWorkspaceImage(e.ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("fine"), ImageDescription: aws.String("x"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2016}})
	e.ok(err)
	e.advance(step)
	if got := e.wantImage(*imp.ImageId, types.WorkspaceImageStateAvailable); got.ErrorCode != nil {
		t.Fatalf("AVAILABLE image with ErrorCode %s", *got.ErrorCode)
	}
	e.wantImageApps(e.c, *imp.ImageId, types.AssociationStateCompleted, e.now(), e.appID(office2016))
}

// An API fault: the first call answers the rule's error, the next is served.
func TestErrorCodeAPIFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addFault(map[string]any{"operation": "DescribeWorkspaces", "apiError": map[string]any{"code": "ThrottlingException"}, "count": 1})
	// Another operation is not affected.
	_, err := e.c.DescribeWorkspaceDirectories(e.ctx, &workspaces.DescribeWorkspaceDirectoriesInput{})
	e.ok(err)
	_, err = e.c.DescribeWorkspaces(e.ctx, &workspaces.DescribeWorkspacesInput{})
	wantCode(t, err, "ThrottlingException")
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
		t.Fatalf("ThrottlingException status: %v", err)
	}
	out, err := e.c.DescribeWorkspaces(e.ctx, &workspaces.DescribeWorkspacesInput{})
	e.ok(err)
	if len(out.Workspaces) != 0 {
		t.Fatalf("DescribeWorkspaces: %+v", out.Workspaces)
	}

	e.addFault(map[string]any{"operation": "AssociateWorkspaceApplication", "apiError": map[string]any{"code": "InternalFailure", "message": "down"}, "count": 1})
	w := e.winWorkspace("alice", nil)
	app := e.appID(officePro)
	_, err = e.associate(w, app)
	wantCode(t, err, "InternalFailure")
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Fatalf("InternalFailure status: %v", err)
	}
	if got := e.wsAssocs(w); len(got) != 0 {
		t.Fatalf("a faulted call changed state: %+v", got)
	}
	_, err = e.associate(w, app)
	e.ok(err)
}

// Applications that come with a bundle are not checked again on the new
// WorkSpace (docs/behaviour.md): Visual Studio from a bundle installs on an
// 80 GiB root, where a deployment would fail InsufficientDiskSpace.
func TestErrorCodeBundleAppsNotRechecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("alice", nil)
	e.modify(w, types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100)})
	e.modify(w, types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175)})
	app := e.appID(vsPro)
	e.install(w, app)
	b := e.bundle(e.image(w, "vs"), "vs") // root 80
	w2 := e.launch(dirID, b, "bob", nil)
	if root := aws.ToInt32(e.describeWS(w2).WorkspaceProperties.RootVolumeSizeGib); root != 80 {
		t.Fatalf("WorkSpace of the bundle has a %d GiB root", root)
	}
	tLaunch := e.now()
	e.advance(2 * step)
	e.wantAssoc(w2, app, types.AssociationStateCompleted, tLaunch.Add(2*step))
	// A deployment of it on an 80 GiB root is checked.
	w3 := e.winWorkspace("carol", nil)
	at := e.deployToFailure(w3, app)
	e.wantFailed(w3, app, at, types.AssociationErrorCodeInsufficientDiskspace,
		fmt.Sprintf("Microsoft Visual Studio Professional 2022 needs a root volume of at least 90 GiB; %s has 80 GiB.", w3))
}
