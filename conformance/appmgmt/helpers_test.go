// Package appmgmt_test is the application-management conformance suite:
// every scenario runs through the official aws-sdk-go-v2 WorkSpaces client
// against wslocal on a manual clock, and asserts every state on the way.
package appmgmt_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"

	"github.com/wslocal/wslocal/wslocaltest"
)

// t0 is where wslocaltest's manual clock starts.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	owner   = "000000000000" // the account of srv.AWSConfig()
	region  = "us-east-1"
	step    = time.Second // every default lifecycle step
	dirID   = "d-1234567890"
	dirID2  = "d-abcdef0123"
	winStd  = "Standard with Windows 10 (Server 2019 based)"
	winVal  = "Value with Windows 10 (Server 2019 based)"
	winPow  = "Power with Windows 10 (Server 2019 based)"
	linStd  = "Standard with Amazon Linux 2"
	byolStd = "Standard with Windows 10 (BYOL)"

	officePro  = "Microsoft Office LTSC Professional Plus 2021"
	officeStd  = "Microsoft Office LTSC Standard 2021"
	visioPro   = "Microsoft Visio LTSC Professional 2021"
	projectPro = "Microsoft Project Professional 2021"
	vsPro      = "Microsoft Visual Studio Professional 2022"
	vsEnt      = "Microsoft Visual Studio Enterprise 2022"
	office2016 = "Microsoft Office 2016"
	office2019 = "Microsoft Office 2019"
)

// env is one wslocal and a client of account owner in us-east-1.
type env struct {
	t   *testing.T
	srv *wslocaltest.Server
	c   *workspaces.Client
	ctx context.Context
	// cache of the catalogue: name -> id
	apps map[string]string
	// directories registered by registerDir
	dirs map[string]bool
}

func newEnv(t *testing.T, opts ...wslocaltest.Option) *env {
	t.Helper()
	srv := wslocaltest.Start(t, opts...)
	return &env{t: t, srv: srv, c: clientOf(srv, owner, region), ctx: context.Background()}
}

// clientOf is a client for another account and region. It never retries,
// so an injected fault reaches the test as it was answered.
func clientOf(srv *wslocaltest.Server, account, region string) *workspaces.Client {
	return workspaces.NewFromConfig(srv.AWSConfigFor(account, region), func(o *workspaces.Options) {
		o.Retryer = aws.NopRetryer{}
	})
}

func (e *env) now() time.Time { return e.srv.Clock.Now() }

func (e *env) advance(d time.Duration) { e.t.Helper(); e.srv.Advance(d) }

func (e *env) ok(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// wantErr asserts err is a T whose wire code is code, and returns it.
func wantErr[T error](t *testing.T, err error, code string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("want %T (%s), got %T: %v", target, code, err, err)
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Fatalf("want error code %s, got %v", code, err)
	}
	return target
}

// wantCode asserts err is an API error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if api.ErrorCode() != code {
		t.Fatalf("want API error %s, got %s: %s", code, api.ErrorCode(), api.ErrorMessage())
	}
}

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func wantStr(t *testing.T, what string, got *string, want string) {
	t.Helper()
	if got == nil || *got != want {
		t.Fatalf("%s: got %q, want %q", what, aws.ToString(got), want)
	}
}

func wantReason(t *testing.T, what string, got *types.AssociationStateReason, code types.AssociationErrorCode, msg string) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no StateReason, want %s %q", what, code, msg)
	}
	if got.ErrorCode != code || aws.ToString(got.ErrorMessage) != msg {
		t.Fatalf("%s: StateReason %s %q, want %s %q", what, got.ErrorCode, aws.ToString(got.ErrorMessage), code, msg)
	}
}

// addFault adds a fault rule through the control API.
func (e *env) addFault(rule map[string]any) string {
	e.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	if st := e.srv.Control("POST", "/_wslocal/faults", rule, &out); st != 201 {
		e.t.Fatalf("add fault %v: status %d", rule, st)
	}
	return out.ID
}

// registerDir registers a directory and waits for REGISTERED.
func (e *env) registerDir(id string) {
	e.t.Helper()
	_, err := e.c.RegisterWorkspaceDirectory(e.ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(id)})
	e.ok(err)
	e.advance(step)
	if e.dirs == nil {
		e.dirs = map[string]bool{}
	}
	e.dirs[id] = true
}

// bundleID finds a public bundle by name, paging through AWS's bundles.
func (e *env) bundleID(name string) string {
	e.t.Helper()
	for _, b := range e.publicBundles() {
		if aws.ToString(b.Name) == name {
			return *b.BundleId
		}
	}
	e.t.Fatalf("no public bundle %q", name)
	return ""
}

func (e *env) publicBundles() []types.WorkspaceBundle {
	e.t.Helper()
	var all []types.WorkspaceBundle
	var token *string
	for {
		out, err := e.c.DescribeWorkspaceBundles(e.ctx, &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON"), NextToken: token})
		e.ok(err)
		all = append(all, out.Bundles...)
		if token = out.NextToken; token == nil {
			return all
		}
	}
}

// appID finds an application of the catalogue by name.
func (e *env) appID(name string) string {
	e.t.Helper()
	if e.apps == nil {
		e.apps = map[string]string{}
		var token *string
		for {
			out, err := e.c.DescribeApplications(e.ctx, &workspaces.DescribeApplicationsInput{NextToken: token})
			e.ok(err)
			for _, a := range out.Applications {
				e.apps[*a.Name] = *a.ApplicationId
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
	}
	id, ok := e.apps[name]
	if !ok {
		e.t.Fatalf("no application %q", name)
	}
	return id
}

// launch creates a WorkSpace and returns its id while it is PENDING.
func (e *env) launch(dir, bundle, user string, props *types.WorkspaceProperties) string {
	e.t.Helper()
	out, err := e.c.CreateWorkspaces(e.ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(dir), BundleId: aws.String(bundle), UserName: aws.String(user), WorkspaceProperties: props}}})
	e.ok(err)
	if len(out.FailedRequests) != 0 || len(out.PendingRequests) != 1 {
		e.t.Fatalf("CreateWorkspaces: failed %+v", out.FailedRequests)
	}
	if out.PendingRequests[0].State != types.WorkspaceStatePending {
		e.t.Fatalf("new WorkSpace is %s, want PENDING", out.PendingRequests[0].State)
	}
	return *out.PendingRequests[0].WorkspaceId
}

// workspace creates a WorkSpace and waits for AVAILABLE.
func (e *env) workspace(dir, bundle, user string, props *types.WorkspaceProperties) string {
	e.t.Helper()
	id := e.launch(dir, bundle, user, props)
	e.advance(step)
	e.wantWS(id, types.WorkspaceStateAvailable)
	return id
}

// winWorkspace registers dirID (once) and makes an AVAILABLE STANDARD
// Windows Server 2019 WorkSpace.
func (e *env) winWorkspace(user string, props *types.WorkspaceProperties) string {
	e.t.Helper()
	if !e.dirs[dirID] {
		e.registerDir(dirID)
	}
	return e.workspace(dirID, e.bundleID(winStd), user, props)
}

func (e *env) describeWS(id string) types.Workspace {
	e.t.Helper()
	out, err := e.c.DescribeWorkspaces(e.ctx, &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{id}})
	e.ok(err)
	if len(out.Workspaces) != 1 {
		e.t.Fatalf("DescribeWorkspaces %s: %d WorkSpaces", id, len(out.Workspaces))
	}
	return out.Workspaces[0]
}

func (e *env) wantWS(id string, state types.WorkspaceState) types.Workspace {
	e.t.Helper()
	w := e.describeWS(id)
	if w.State != state {
		e.t.Fatalf("WorkSpace %s is %s, want %s", id, w.State, state)
	}
	return w
}

func (e *env) wsAssocs(ws string) []types.WorkspaceResourceAssociation {
	e.t.Helper()
	out, err := e.c.DescribeWorkspaceAssociations(e.ctx, &workspaces.DescribeWorkspaceAssociationsInput{
		WorkspaceId: aws.String(ws), AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	e.ok(err)
	return out.Associations
}

// wsAssoc returns the association of app with ws, failing if absent.
func (e *env) wsAssoc(ws, app string) types.WorkspaceResourceAssociation {
	e.t.Helper()
	for _, a := range e.wsAssocs(ws) {
		if aws.ToString(a.AssociatedResourceId) == app {
			return a
		}
	}
	e.t.Fatalf("%s has no association with %s", ws, app)
	return types.WorkspaceResourceAssociation{}
}

// wantAssoc asserts the state and LastUpdatedTime of app on ws, and that
// it has no StateReason unless it is in ERROR.
func (e *env) wantAssoc(ws, app string, state types.AssociationState, updated time.Time) types.WorkspaceResourceAssociation {
	e.t.Helper()
	a := e.wsAssoc(ws, app)
	if a.State != state {
		e.t.Fatalf("%s on %s is %s (%+v), want %s", app, ws, a.State, a.StateReason, state)
	}
	wantTime(e.t, string(state)+" LastUpdatedTime", a.LastUpdatedTime, updated)
	if state != types.AssociationStateError && a.StateReason != nil {
		e.t.Fatalf("%s on %s is %s with StateReason %+v", app, ws, state, *a.StateReason)
	}
	wantStr(e.t, "WorkspaceId", a.WorkspaceId, ws)
	if a.AssociatedResourceType != types.WorkSpaceAssociatedResourceTypeApplication {
		e.t.Fatalf("AssociatedResourceType %s", a.AssociatedResourceType)
	}
	return a
}

func (e *env) associate(ws, app string) (*workspaces.AssociateWorkspaceApplicationOutput, error) {
	return e.c.AssociateWorkspaceApplication(e.ctx, &workspaces.AssociateWorkspaceApplicationInput{
		WorkspaceId: aws.String(ws), ApplicationId: aws.String(app)})
}

func (e *env) disassociate(ws, app string) (*workspaces.DisassociateWorkspaceApplicationOutput, error) {
	return e.c.DisassociateWorkspaceApplication(e.ctx, &workspaces.DisassociateWorkspaceApplicationInput{
		WorkspaceId: aws.String(ws), ApplicationId: aws.String(app)})
}

func (e *env) deploy(ws string, force bool) (*workspaces.DeployWorkspaceApplicationsOutput, error) {
	in := &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(ws)}
	if force {
		in.Force = aws.Bool(true)
	}
	return e.c.DeployWorkspaceApplications(e.ctx, in)
}

// install associates app with ws and deploys it to COMPLETED, asserting
// every state; it returns when COMPLETED.
func (e *env) install(ws, app string) {
	e.t.Helper()
	_, err := e.associate(ws, app)
	e.ok(err)
	e.wantAssoc(ws, app, types.AssociationStatePendingInstallDeployment, e.now())
	_, err = e.deploy(ws, false)
	e.ok(err)
	start := e.now()
	e.wantAssoc(ws, app, types.AssociationStatePendingInstall, start)
	e.advance(step)
	e.wantAssoc(ws, app, types.AssociationStateInstalling, start.Add(step))
	e.advance(step)
	e.wantAssoc(ws, app, types.AssociationStateCompleted, start.Add(2*step))
}

// image makes an image from ws and waits for AVAILABLE.
func (e *env) image(ws, name string) string {
	e.t.Helper()
	out, err := e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{
		WorkspaceId: aws.String(ws), Name: aws.String(name), Description: aws.String(name)})
	e.ok(err)
	e.advance(step)
	e.wantImage(*out.ImageId, types.WorkspaceImageStateAvailable)
	return *out.ImageId
}

func (e *env) wantImage(id string, state types.WorkspaceImageState) types.WorkspaceImage {
	e.t.Helper()
	out, err := e.c.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
	e.ok(err)
	if len(out.Images) != 1 {
		e.t.Fatalf("DescribeWorkspaceImages %s: %d images", id, len(out.Images))
	}
	if out.Images[0].State != state {
		e.t.Fatalf("image %s is %s, want %s", id, out.Images[0].State, state)
	}
	return out.Images[0]
}

func (e *env) imageAssocs(c *workspaces.Client, id string) ([]types.ImageResourceAssociation, error) {
	out, err := c.DescribeImageAssociations(e.ctx, &workspaces.DescribeImageAssociationsInput{
		ImageId: aws.String(id), AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	if err != nil {
		return nil, err
	}
	return out.Associations, nil
}

// wantImageApps asserts an image's associations: exactly apps, in state.
func (e *env) wantImageApps(c *workspaces.Client, id string, state types.AssociationState, updated time.Time, apps ...string) {
	e.t.Helper()
	got, err := e.imageAssocs(c, id)
	e.ok(err)
	var ids []string
	for _, a := range got {
		ids = append(ids, *a.AssociatedResourceId)
		if a.State != state || aws.ToString(a.ImageId) != id || a.AssociatedResourceType != types.ImageAssociatedResourceTypeApplication {
			e.t.Fatalf("image %s: association %+v, want %s", id, a, state)
		}
		wantTime(e.t, "image association LastUpdatedTime", a.LastUpdatedTime, updated)
	}
	slices.Sort(ids)
	apps = slices.Clone(apps)
	slices.Sort(apps)
	if !slices.Equal(ids, apps) {
		e.t.Fatalf("image %s has applications %v, want %v", id, ids, apps)
	}
}

// bundle makes a custom STANDARD bundle from an image.
func (e *env) bundle(img, name string) string {
	e.t.Helper()
	out, err := e.c.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String(name), BundleDescription: aws.String(name), ImageId: aws.String(img),
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")},
		RootStorage: &types.RootStorage{Capacity: aws.String("80")}})
	e.ok(err)
	return *out.WorkspaceBundle.BundleId
}

func (e *env) modify(ws string, props types.WorkspaceProperties) {
	e.t.Helper()
	_, err := e.c.ModifyWorkspaceProperties(e.ctx, &workspaces.ModifyWorkspacePropertiesInput{
		WorkspaceId: aws.String(ws), WorkspaceProperties: &props})
	e.ok(err)
}
