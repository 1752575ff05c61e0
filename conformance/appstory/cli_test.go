package appstory_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// awsCLI runs `aws workspaces ...` against one server. Commands start in the
// background (each CLI process costs about a second, so independent ones run
// side by side); their results are checked on the test's goroutine.
type awsCLI struct {
	t   *testing.T
	url string
	env []string
}

// cliCall is a running or finished CLI command.
type cliCall struct {
	args []string
	done chan struct{}
	r    result
}

func (c *awsCLI) start(args ...string) *cliCall {
	k := &cliCall{args: args, done: make(chan struct{})}
	full := append(append([]string{"workspaces"}, args...), "--endpoint-url", c.url, "--output", "json")
	go func() {
		defer close(k.done)
		k.r = runCmd(60*time.Second, c.env, "aws", full...)
	}()
	return k
}

func (c *awsCLI) wait(k *cliCall) result {
	c.t.Helper()
	<-k.done
	if k.r.err != nil {
		c.t.Fatalf("aws workspaces %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(k.args, " "), k.r.err, k.r.stdout, k.r.stderr)
	}
	return k.r
}

// ok waits for a command that must succeed and decodes its JSON output into
// v; strict refuses members v does not have.
func (c *awsCLI) ok(k *cliCall, v any, strict bool) {
	c.t.Helper()
	r := c.wait(k)
	if r.code != 0 {
		c.t.Fatalf("aws workspaces %s: exit code %d\nstdout:\n%s\nstderr:\n%s", strings.Join(k.args, " "), r.code, r.stdout, r.stderr)
	}
	if v == nil {
		return
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		c.t.Fatalf("aws workspaces %s: output is not the JSON expected: %v\n%s", strings.Join(k.args, " "), err, r.stdout)
	}
}

// fails waits for a command that must fail as a service error (exit code 254
// in newer CLIs, 255 in v1) naming code, and returns its message.
func (c *awsCLI) fails(k *cliCall, code string) string {
	c.t.Helper()
	r := c.wait(k)
	if r.code != 254 && r.code != 255 {
		c.t.Fatalf("aws workspaces %s: exit code %d, want 254 or 255 (a service error %s)\nstdout:\n%s\nstderr:\n%s", strings.Join(k.args, " "), r.code, code, r.stdout, r.stderr)
	}
	prefix := "An error occurred (" + code + ") when calling the "
	line := proctest.LastLine(r.stderr)
	if !strings.HasPrefix(line, prefix) {
		c.t.Fatalf("aws workspaces %s: stderr does not report %s:\n%s", strings.Join(k.args, " "), code, r.stderr)
	}
	_, msg, _ := strings.Cut(line, " operation: ")
	return msg
}

// epoch is a timestamp as the CLI prints it: a JSON number (never a string)
// of epoch seconds, kept here in milliseconds.
type epoch int64

func (e *epoch) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return fmt.Errorf("timestamp %s is not a JSON number of epoch seconds", b)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f <= 0 {
		return fmt.Errorf("timestamp %s is not positive epoch seconds: %v", b, err)
	}
	*e = epoch(math.Round(f * 1000))
	return nil
}

func (e epoch) String() string { return time.UnixMilli(int64(e)).UTC().Format(time.RFC3339Nano) }

func at(t time.Time) epoch { return epoch(t.UnixMilli()) }

// association is any of the association shapes the CLI prints (WorkSpace,
// image, bundle, application): decoded strictly, it has no other member.
type association struct {
	AssociatedResourceId, AssociatedResourceType, State string
	WorkspaceId, ImageId, BundleId, ApplicationId       string
	Created, LastUpdatedTime                            epoch
	StateReason                                         *struct {
		ErrorCode    string
		ErrorMessage *string
	}
}

// want is an association's expected state and times.
type want struct {
	state            string
	created, updated time.Time
}

// check asserts one association of an application with a WorkSpace, image
// or bundle (owner): its state, its times, and a StateReason only in ERROR.
func check(t *testing.T, a association, owner, appID string, w want) {
	t.Helper()
	got := a.WorkspaceId + a.ImageId + a.BundleId
	if got != owner || a.AssociatedResourceId != appID || a.AssociatedResourceType != "APPLICATION" || a.ApplicationId != "" {
		t.Fatalf("association %+v, want application %s of %s", a, appID, owner)
	}
	if a.State != w.state {
		t.Fatalf("%s on %s: State %s, want %s (%+v)", appID, owner, a.State, w.state, a)
	}
	if a.Created != at(w.created) || a.LastUpdatedTime != at(w.updated) {
		t.Fatalf("%s on %s, %s: Created %v, LastUpdatedTime %v; want %v and %v", appID, owner, a.State,
			a.Created, a.LastUpdatedTime, at(w.created), at(w.updated))
	}
	if (a.StateReason != nil) != (w.state == "ERROR") {
		t.Fatalf("%s on %s, %s: StateReason %+v", appID, owner, a.State, a.StateReason)
	}
}

// assocs decodes a describe-*-associations or deploy output: the
// associations by application id.
func (c *awsCLI) assocs(k *cliCall) map[string]association {
	c.t.Helper()
	var out struct {
		Associations []association
		Deployment   *struct{ Associations []association }
	}
	c.ok(k, &out, true)
	list := out.Associations
	if out.Deployment != nil {
		list = out.Deployment.Associations
	}
	m := map[string]association{}
	for _, a := range list {
		m[a.AssociatedResourceId] = a
	}
	return m
}

// expect checks the associations k printed for owner: exactly wants, or
// (exact false) at least them.
func (c *awsCLI) expect(k *cliCall, owner string, wants map[string]want, exact bool) map[string]association {
	c.t.Helper()
	got := c.assocs(k)
	if exact && len(got) != len(wants) {
		c.t.Fatalf("applications of %s: %v, want %v", owner, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(wants)))
	}
	for app, w := range wants {
		a, ok := got[app]
		if !ok {
			c.t.Fatalf("applications of %s: %v, no %s", owner, slices.Sorted(maps.Keys(got)), app)
		}
		check(c.t, a, owner, app, w)
	}
	return got
}

func (c *awsCLI) describeWS(wsID string) *cliCall {
	return c.start("describe-workspace-associations", "--workspace-id", wsID, "--associated-resource-types", "APPLICATION")
}

type cliWorkspace struct {
	WorkspaceId, DirectoryId, UserName, BundleId, State string
	WorkspaceProperties                                 struct {
		RootVolumeSizeGib, UserVolumeSizeGib int
		ComputeTypeName, OperatingSystemName string
	}
}

func (c *awsCLI) workspace(k *cliCall, id, state string) cliWorkspace {
	c.t.Helper()
	var out struct{ Workspaces []cliWorkspace }
	c.ok(k, &out, false)
	if len(out.Workspaces) != 1 || out.Workspaces[0].WorkspaceId != id || out.Workspaces[0].State != state {
		c.t.Fatalf("describe-workspaces %s = %+v, want it %s", id, out.Workspaces, state)
	}
	return out.Workspaces[0]
}

func (c *awsCLI) createWorkspace(k *cliCall, bundleID, user string) cliWorkspace {
	c.t.Helper()
	var out struct {
		FailedRequests  []json.RawMessage
		PendingRequests []cliWorkspace
	}
	c.ok(k, &out, false)
	if len(out.FailedRequests) != 0 || len(out.PendingRequests) != 1 {
		c.t.Fatalf("create-workspaces: %+v", out)
	}
	ws := out.PendingRequests[0]
	if !regexp.MustCompile(`^ws-[0-9a-z]{8,63}$`).MatchString(ws.WorkspaceId) || ws.State != "PENDING" ||
		ws.BundleId != bundleID || ws.DirectoryId != cliDirectory || ws.UserName != user {
		c.t.Fatalf("create-workspaces: pending %+v, want a PENDING ws- of %s for %s", ws, bundleID, user)
	}
	return ws
}

const (
	cliDirectory  = "d-5e1f00c0de"
	cliBundleName = "Standard with Windows 10 (Server 2019 based)"
	cliBundleOS   = "WINDOWS_SERVER_2019" // what "Windows 10 (Server 2019 based)" runs
	officePro     = "Microsoft Office LTSC Professional Plus 2021"
	officeStd     = "Microsoft Office LTSC Standard 2021"
	vsPro         = "Microsoft Visual Studio Professional 2022"
)

// TestCLIAppManagementStory tells the story of story_appmgmt.py with
// `aws workspaces`, every state and LastUpdatedTime on the way, timestamps
// as epoch numbers, and the refusals the CLI reports.
func TestCLIAppManagementStory(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := start(t)
	c := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t)}
	begin := time.Now()

	// A directory, the first page of AWS's bundles and the catalogue.
	reg := c.start("register-workspace-directory", "--directory-id", cliDirectory)
	page1 := c.start("describe-workspace-bundles", "--owner", "AMAZON", "--no-paginate")
	appsCall := c.start("describe-applications")
	var registered struct{ DirectoryId, State string }
	c.ok(reg, &registered, false)
	if registered.DirectoryId != cliDirectory || registered.State != "REGISTERING" {
		t.Fatalf("register-workspace-directory = %+v, want %s REGISTERING", registered, cliDirectory)
	}
	type cliBundle struct {
		BundleId, Name, Owner, State string
		ComputeType                  struct{ Name string }
		RootStorage, UserStorage     struct{ Capacity string }
		CreationTime                 epoch
	}
	var bundles struct {
		Bundles   []cliBundle
		NextToken string
	}
	c.ok(page1, &bundles, false)
	if len(bundles.Bundles) != 25 || bundles.NextToken == "" {
		t.Fatalf("describe-workspace-bundles --owner AMAZON --no-paginate: %d bundles, NextToken %q; want 25 and a token", len(bundles.Bundles), bundles.NextToken)
	}
	all := bundles.Bundles
	var apps struct {
		Applications []struct {
			ApplicationId, Name, State, Owner                        string
			SupportedComputeTypeNames, SupportedOperatingSystemNames []string
			Created                                                  epoch
		}
	}
	c.ok(appsCall, &apps, false)
	ids := map[string]string{}
	for _, a := range apps.Applications {
		ids[a.Name] = a.ApplicationId
		if a.Name == officePro || a.Name == officeStd || a.Name == vsPro {
			if a.State != "AVAILABLE" || a.Owner != "AMAZON" || !slices.Contains(a.SupportedOperatingSystemNames, cliBundleOS) ||
				!slices.Contains(a.SupportedComputeTypeNames, "STANDARD") {
				t.Fatalf("describe-applications: %+v", a)
			}
		}
	}
	office, std, vs := ids[officePro], ids[officeStd], ids[vsPro]
	for _, id := range []string{office, std, vs} {
		if !regexp.MustCompile(`^wsa-[0-9a-z]{8,63}$`).MatchString(id) {
			t.Fatalf("describe-applications lacks %s, %s or %s with wsa- ids: %v", officePro, officeStd, vsPro, ids)
		}
	}

	// REGISTERED one step later; the second page of bundles; a WorkSpace of
	// the Windows bundle (at once when it was on the first page).
	find := func(list []cliBundle) *cliBundle {
		for i := range list {
			if list[i].Name == cliBundleName {
				return &list[i]
			}
		}
		return nil
	}
	public := find(all)
	createWS := func() *cliCall {
		return c.start("create-workspaces", "--workspaces", "DirectoryId="+cliDirectory+",UserName=alice,BundleId="+public.BundleId)
	}
	advance(t, p)
	dirs := c.start("describe-workspace-directories", "--directory-ids", cliDirectory)
	page2 := c.start("describe-workspace-bundles", "--owner", "AMAZON", "--no-paginate", "--next-token", bundles.NextToken)
	var create *cliCall
	if public != nil {
		create = createWS()
	}
	var directories struct {
		Directories []struct{ DirectoryId, State string }
	}
	c.ok(dirs, &directories, false)
	if len(directories.Directories) != 1 || directories.Directories[0].State != "REGISTERED" {
		t.Fatalf("describe-workspace-directories one step after registering: %+v, want REGISTERED", directories)
	}
	var last struct {
		Bundles   []cliBundle
		NextToken *string
	}
	c.ok(page2, &last, false)
	if len(last.Bundles) == 0 {
		t.Fatalf("second page of public bundles: no bundles")
	}
	all = append(all, last.Bundles...)
	rest := slices.Clone(last.Bundles)
	for pages := 2; last.NextToken != nil; pages++ {
		if pages == 10 {
			t.Fatalf("public bundles: still a NextToken after %d pages", pages)
		}
		next := c.start("describe-workspace-bundles", "--owner", "AMAZON", "--no-paginate", "--next-token", *last.NextToken)
		last.Bundles, last.NextToken = nil, nil // a fresh slice: the decoder reuses the old one's array
		c.ok(next, &last, false)
		all = append(all, last.Bundles...)
		rest = append(rest, last.Bundles...)
	}
	seen := map[string]bool{}
	for _, b := range all {
		if seen[b.BundleId] || b.Owner != "Amazon" || !regexp.MustCompile(`^wsb-[0-9a-z]{8,63}$`).MatchString(b.BundleId) {
			t.Fatalf("public bundle %+v: listed twice, not owned by Amazon or not a wsb- id", b)
		}
		seen[b.BundleId] = true
	}
	if public == nil {
		public = find(rest)
		if public == nil {
			t.Fatalf("no public bundle %q in %d bundles", cliBundleName, len(all))
		}
		create = createWS()
	}
	if public.ComputeType.Name != "STANDARD" || public.RootStorage.Capacity != "80" || public.State != "AVAILABLE" {
		t.Fatalf("public bundle %q: %+v", cliBundleName, public)
	}

	// The WorkSpace: PENDING, AVAILABLE one step later; Office associated.
	ws := c.createWorkspace(create, public.BundleId, "alice")
	wsID := ws.WorkspaceId
	tAssoc := advance(t, p)
	desc := c.start("describe-workspaces", "--workspace-ids", wsID)
	assoc := c.start("associate-workspace-application", "--workspace-id", wsID, "--application-id", office)
	if pr := c.workspace(desc, wsID, "AVAILABLE").WorkspaceProperties; pr.OperatingSystemName != cliBundleOS || pr.RootVolumeSizeGib != 80 || pr.ComputeTypeName != "STANDARD" {
		t.Fatalf("WorkspaceProperties of a WorkSpace of %q = %+v", cliBundleName, pr)
	}
	var associated struct{ Association association }
	c.ok(assoc, &associated, true)
	check(t, associated.Association, wsID, office, want{"PENDING_INSTALL_DEPLOYMENT", tAssoc, tAssoc})

	// Deployed a step later: PENDING_INSTALL -> INSTALLING -> COMPLETED.
	t0 := advance(t, p)
	c.expect(c.start("deploy-workspace-applications", "--workspace-id", wsID), wsID,
		map[string]want{office: {"PENDING_INSTALL", tAssoc, t0}}, true)
	t1 := advance(t, p)
	inst := c.describeWS(wsID)
	busy := c.start("deploy-workspace-applications", "--workspace-id", wsID)
	c.expect(inst, wsID, map[string]want{office: {"INSTALLING", tAssoc, t1}}, true)
	if msg := c.fails(busy, "ResourceInUseException"); !strings.Contains(msg, wsID) {
		t.Errorf("deploy while INSTALLING: ResourceInUseException %q does not name %s", msg, wsID)
	}
	t2 := advance(t, p)
	if t1.Sub(t0) != time.Second || t2.Sub(t1) != time.Second {
		t.Fatalf("clock steps %v, %v; want 1s", t1.Sub(t0), t2.Sub(t1))
	}
	officeDone := want{"COMPLETED", tAssoc, t2}
	done := c.describeWS(wsID)
	assoc = c.start("associate-workspace-application", "--workspace-id", wsID, "--application-id", vs)
	incompatible := c.start("associate-workspace-application", "--workspace-id", wsID, "--application-id", std)
	c.expect(done, wsID, map[string]want{office: officeDone}, false) // Visual Studio may be there already
	c.ok(assoc, &associated, true)
	check(t, associated.Association, wsID, vs, want{"PENDING_INSTALL_DEPLOYMENT", t2, t2})
	c.fails(incompatible, "IncompatibleApplicationsException")

	// Visual Studio on 80 GiB: ERROR ValidationError.InsufficientDiskSpace.
	c.expect(c.start("deploy-workspace-applications", "--workspace-id", wsID), wsID,
		map[string]want{office: officeDone, vs: {"PENDING_INSTALL", t2, t2}}, true)
	tErr := advance(t, p)
	failed := c.describeWS(wsID)
	// The root grows past 80 GiB only with a user volume of 100 GiB: one volume at a time.
	grow := c.start("modify-workspace-properties", "--workspace-id", wsID, "--workspace-properties", "UserVolumeSizeGib=100")
	got := c.expect(failed, wsID, map[string]want{office: officeDone, vs: {"ERROR", t2, tErr}}, true)
	if r := got[vs].StateReason; r.ErrorCode != "ValidationError.InsufficientDiskSpace" || r.ErrorMessage == nil || *r.ErrorMessage == "" {
		t.Fatalf("StateReason of Visual Studio on 80 GiB = %+v, want ValidationError.InsufficientDiskSpace with a message", r)
	}
	c.ok(grow, nil, false)
	c.ok(c.start("modify-workspace-properties", "--workspace-id", wsID, "--workspace-properties", "RootVolumeSizeGib=175"), nil, false)

	// Forced after the volume grew: PENDING_INSTALL -> INSTALLING -> COMPLETED.
	tForce := now(t, p)
	forced := c.start("deploy-workspace-applications", "--workspace-id", wsID, "--force")
	desc = c.start("describe-workspaces", "--workspace-ids", wsID)
	c.expect(forced, wsID, map[string]want{office: officeDone, vs: {"PENDING_INSTALL", t2, tForce}}, true)
	if w := c.workspace(desc, wsID, "AVAILABLE"); w.WorkspaceProperties.RootVolumeSizeGib != 175 {
		t.Fatalf("RootVolumeSizeGib after modify-workspace-properties = %d, want 175", w.WorkspaceProperties.RootVolumeSizeGib)
	}
	t3 := advance(t, p)
	c.expect(c.describeWS(wsID), wsID, map[string]want{office: officeDone, vs: {"INSTALLING", t2, t3}}, true)
	tImg := advance(t, p)
	vsDone := want{"COMPLETED", t2, tImg}

	// An image of the WorkSpace: PENDING with INSTALLING, then AVAILABLE with COMPLETED.
	done = c.describeWS(wsID)
	imgCall := c.start("create-workspace-image", "--name", "appstory-cli", "--description", "Office and Visual Studio", "--workspace-id", wsID)
	c.expect(done, wsID, map[string]want{office: officeDone, vs: vsDone}, true)
	type cliImage struct {
		ImageId, State, RequiredTenancy, OwnerAccountId string
		OperatingSystem                                 struct{ Type string }
		Created                                         epoch
	}
	var image cliImage
	c.ok(imgCall, &image, false)
	imageID := image.ImageId
	if !regexp.MustCompile(`^wsi-[0-9a-z]{9,63}$`).MatchString(imageID) || image.State != "PENDING" ||
		image.OperatingSystem.Type != "WINDOWS" || image.Created != at(tImg) {
		t.Fatalf("create-workspace-image = %+v", image)
	}
	describeImage := func(state string) {
		t.Helper()
		var out struct{ Images []cliImage }
		c.ok(c.start("describe-workspace-images", "--image-ids", imageID), &out, false)
		if len(out.Images) != 1 || out.Images[0].State != state {
			t.Fatalf("describe-workspace-images %s = %+v, want %s", imageID, out.Images, state)
		}
	}
	imgAssocs := func() *cliCall {
		return c.start("describe-image-associations", "--image-id", imageID, "--associated-resource-types", "APPLICATION")
	}
	ia := imgAssocs()
	c.expect(ia, imageID, map[string]want{office: {"INSTALLING", tImg, tImg}, vs: {"INSTALLING", tImg, tImg}}, true)
	tBundle := advance(t, p)
	ia = imgAssocs()
	bundleCall := c.start("create-workspace-bundle", "--bundle-name", "appstory-cli", "--bundle-description", "Office and Visual Studio",
		"--image-id", imageID, "--compute-type", "Name=STANDARD", "--user-storage", "Capacity=50", "--root-storage", "Capacity=175")
	describeImage("AVAILABLE")
	imgDone := want{"COMPLETED", tImg, tBundle}
	c.expect(ia, imageID, map[string]want{office: imgDone, vs: imgDone}, true)

	// A bundle of the image: its applications COMPLETED.
	var bundle struct{ WorkspaceBundle cliBundle }
	c.ok(bundleCall, &bundle, false)
	bundleID := bundle.WorkspaceBundle.BundleId
	if !regexp.MustCompile(`^wsb-[0-9a-z]{8,63}$`).MatchString(bundleID) || bundle.WorkspaceBundle.Owner != "000000000000" {
		t.Fatalf("create-workspace-bundle = %+v", bundle)
	}
	ba := c.start("describe-bundle-associations", "--bundle-id", bundleID, "--associated-resource-types", "APPLICATION")
	create = c.start("create-workspaces", "--workspaces", "DirectoryId="+cliDirectory+",UserName=bob,BundleId="+bundleID)
	bundleDone := want{"COMPLETED", tBundle, tBundle}
	c.expect(ba, bundleID, map[string]want{office: bundleDone, vs: bundleDone}, true)

	// A WorkSpace of the bundle: PENDING_INSTALL -> INSTALLING -> COMPLETED, no deploy.
	ws2 := c.createWorkspace(create, bundleID, "bob")
	ws2ID := ws2.WorkspaceId
	pending := want{"PENDING_INSTALL", tBundle, tBundle}
	c.expect(c.describeWS(ws2ID), ws2ID, map[string]want{office: pending, vs: pending}, true)
	t4 := advance(t, p)
	desc = c.start("describe-workspaces", "--workspace-ids", ws2ID)
	inst = c.describeWS(ws2ID)
	appAssocs := c.start("describe-application-associations", "--application-id", office, "--associated-resource-types", "WORKSPACE", "BUNDLE", "IMAGE")
	if pr := c.workspace(desc, ws2ID, "AVAILABLE").WorkspaceProperties; pr.OperatingSystemName != cliBundleOS || pr.RootVolumeSizeGib != 175 {
		t.Fatalf("WorkspaceProperties of a WorkSpace of %s = %+v", bundleID, pr)
	}
	installing := want{"INSTALLING", tBundle, t4}
	c.expect(inst, ws2ID, map[string]want{office: installing, vs: installing}, true)

	// Office from the application's side: ordered by resource type, then id.
	var where struct {
		Associations []association
		NextToken    *string
	}
	c.ok(appAssocs, &where, true)
	type row struct {
		typ, id, state string
		updated        epoch
	}
	wantRows := []row{{"BUNDLE", bundleID, "COMPLETED", at(tBundle)}, {"IMAGE", imageID, "COMPLETED", at(tBundle)},
		{"WORKSPACE", wsID, "COMPLETED", at(t2)}, {"WORKSPACE", ws2ID, "INSTALLING", at(t4)}}
	slices.SortFunc(wantRows, func(a, b row) int { return strings.Compare(a.typ+a.id, b.typ+b.id) })
	var gotRows []row
	for _, a := range where.Associations {
		if a.ApplicationId != office || a.WorkspaceId+a.ImageId+a.BundleId != "" || a.StateReason != nil {
			t.Fatalf("describe-application-associations: %+v", a)
		}
		gotRows = append(gotRows, row{a.AssociatedResourceType, a.AssociatedResourceId, a.State, a.LastUpdatedTime})
	}
	if !slices.Equal(gotRows, wantRows) || where.NextToken != nil {
		t.Fatalf("describe-application-associations %s WORKSPACE BUNDLE IMAGE:\n got %v\nwant %v", office, gotRows, wantRows)
	}

	// Office leaves the first WorkSpace: PENDING_UNINSTALL_DEPLOYMENT, then
	// deployed PENDING_UNINSTALL -> UNINSTALLING -> REMOVED.
	t5 := advance(t, p)
	done = c.describeWS(ws2ID)
	var disassociated struct{ Association association }
	c.ok(c.start("disassociate-workspace-application", "--workspace-id", wsID, "--application-id", office), &disassociated, true)
	check(t, disassociated.Association, wsID, office, want{"PENDING_UNINSTALL_DEPLOYMENT", tAssoc, t5})
	completed := want{"COMPLETED", tBundle, t5}
	c.expect(done, ws2ID, map[string]want{office: completed, vs: completed}, true)
	c.expect(c.start("deploy-workspace-applications", "--workspace-id", wsID), wsID,
		map[string]want{office: {"PENDING_UNINSTALL", tAssoc, t5}, vs: vsDone}, true)
	t6 := advance(t, p)
	c.expect(c.describeWS(wsID), wsID, map[string]want{office: {"UNINSTALLING", tAssoc, t6}, vs: vsDone}, true)
	t7 := advance(t, p)
	c.expect(c.describeWS(wsID), wsID, map[string]want{office: {"REMOVED", tAssoc, t7}, vs: vsDone}, true)

	t.Logf("aws CLI application-management story: %v", time.Since(begin).Round(time.Millisecond))
}
