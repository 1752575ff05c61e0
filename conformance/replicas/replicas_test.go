// Package replicas_test runs the application-management story on two
// wslocal processes that share one PostgreSQL schema, with the real clock
// and short lifecycle steps, and checks that the outcome is the one a
// single process gives: every association reaches the same final state
// with the same timestamps relative to the call that started its steps,
// every step happens exactly at its due time, and no step is applied twice
// (each association's history, polled through both replicas, never repeats
// a state, goes back, or skips one it had the time to show; and the steps
// the replicas report having applied, GET /_wslocal/stats, add up to the
// steps of the story).
//
//	go test ./conformance/replicas/
//	WSLOCAL_TEST_POSTGRES=postgres://... go test ./conformance/replicas/
package replicas_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/internal/proctest"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/wslocaltest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// step is the duration of every lifecycle step (--step): short, so the
// story runs in seconds on the real clock, long enough that a poll every
// few milliseconds sees every state.
const step = 200 * time.Millisecond

// tolerance absorbs the millisecond rounding of stored times when an
// observation is checked against the poll's wall-clock window.
const tolerance = 2 * time.Millisecond

const (
	account = "123456789012"
	region  = "eu-west-1"

	office = "Microsoft Office LTSC Professional Plus 2021"
	visio  = "Microsoft Visio LTSC Professional 2021"
	vsPro  = "Microsoft Visual Studio Professional 2022" // needs 90 GiB: fails on an 80 GiB root volume
	// publicBundle is an AWS bundle with an 80 GiB root volume on Windows.
	publicBundle = "Standard with Windows 10 (Server 2019 based)"
)

// postgresURL is the database of the test: WSLOCAL_TEST_POSTGRES, or the
// local server with trust auth and database test.
func postgresURL() string {
	if u := os.Getenv("WSLOCAL_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

func TestReplicasMatchOneProcess(t *testing.T) {
	bin := proctest.Build(t)
	var one, two *outcome
	t.Run("one process", func(t *testing.T) { one = runStory(t, bin, 1) })
	t.Run("two replicas", func(t *testing.T) { two = runStory(t, bin, 2) })
	if one == nil || two == nil || t.Failed() {
		return
	}
	if !maps.Equal(one.final, two.final) {
		for _, k := range slices.Sorted(maps.Keys(one.final)) {
			if one.final[k] != two.final[k] {
				t.Errorf("%s: one process %q, two replicas %q", k, one.final[k], two.final[k])
			}
		}
		for k := range two.final {
			if _, ok := one.final[k]; !ok {
				t.Errorf("%s: only with two replicas: %q", k, two.final[k])
			}
		}
	}
	t.Logf("%d associations, the same final states and timestamps with one process and with two replicas", len(one.final))
}

// outcome is what a run of the story ends with, with ids replaced by the
// names the story gave (u0, golden, ...) and times by their offset from the
// call that started the steps, so two runs compare equal.
type outcome struct {
	final map[string]string
}

// key names an association.
type key struct {
	app, rtype, rid string
}

// observation is one association as one answer showed it, with the wall
// clock window of the request.
type observation struct {
	key
	state, reason    string
	created, updated time.Time
	start, end       time.Time
	replica          int
	ordered          bool // from the one poller whose requests never overlap
}

// anchors are the times the story's calls reported, from which every
// association's expected timeline follows.
type anchors struct {
	// deploys are the times DeployWorkspaceApplications reported, in order,
	// and deployed when each call returned.
	deploys, deployed []time.Time
	// disassocAt is the time DisassociateWorkspaceApplication reported,
	// disassociated when it returned.
	disassocAt, disassociated time.Time
	fails                     bool      // the install fails at its first step
	fromBundle                bool      // installed by CreateWorkspaces from a bundle with applications
	createdByAP               time.Time // AssociateWorkspaceApplication
}

// story is one run: the replicas, their clients, what was created and
// everything observed.
type story struct {
	t       *testing.T
	clients []*workspaces.Client
	appIDs  map[string]string // name -> id
	appName map[string]string // id -> name

	mu      sync.Mutex
	names   map[string]string // resource id -> story name
	anchors map[key]*anchors
	obs     []observation
}

func (s *story) c(i int) *workspaces.Client { return s.clients[i%len(s.clients)] }

func (s *story) name(id, n string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[id] = n
}

func (s *story) anchor(k key) *anchors {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.anchors[k]
	if a == nil {
		a = &anchors{}
		s.anchors[k] = a
	}
	return a
}

// runStory starts n replicas on a fresh schema, runs the story with
// clients on all of them, checks every association's history and returns
// the outcome.
func runStory(t *testing.T, bin string, n int) *outcome {
	ctx := context.Background()
	schema := "wslocal_replicas_" + strings.ToLower(rand.Text()[:10])
	url := postgresURL() + "&search_path=" + schema
	// Registered first, so it runs after the processes have stopped.
	t.Cleanup(func() {
		if err := postgres.DropSchema(ctx, postgresURL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	var procs []*proctest.Proc
	s := &story{t: t, names: map[string]string{}, anchors: map[key]*anchors{}}
	for range n {
		p := proctest.Start(t, bin, "--store", url, "--clock", "real", "--step", step.String(), "--log-level", "warn")
		procs = append(procs, p)
		s.clients = append(s.clients, newClient(p.URL))
	}
	s.run(ctx)
	if t.Failed() {
		return nil
	}
	out := s.check(ctx)
	s.checkSteps(procs)
	for i, p := range procs {
		if strings.Contains(p.Stderr(), "level=ERROR") {
			t.Errorf("replica %d logged errors:\n%s", i, p.Stderr())
		}
	}
	return out
}

// newClient is an aws-sdk-go-v2 client without retries (a retry would hide
// a failure), with bodies buffered (wslocaltest.BufferBodies).
func newClient(url string) *workspaces.Client {
	return workspaces.New(workspaces.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(account, "wslocal-secret", ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 10 * time.Second,
			Transport: wslocaltest.BufferBodies(&http.Transport{MaxIdleConnsPerHost: 16})},
	})
}

// waitFor polls cond until it holds, failing the test after a while.
func (s *story) waitFor(what string, cond func() (bool, error)) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			s.t.Errorf("%s: %v", what, err)
			return
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Errorf("%s: not within 30s", what)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// run is the story: a directory, WorkSpaces from a public Windows bundle,
// applications associated and deployed (one fails, one is removed again),
// an image of a WorkSpace, a bundle of the image and WorkSpaces of the
// bundle. Calls alternate between the replicas and run concurrently, while
// a poller and a reader per replica watch every association.
func (s *story) run(ctx context.Context) {
	t := s.t
	apps, err := s.c(0).DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatalf("DescribeApplications: %v", err)
	}
	s.appIDs, s.appName = map[string]string{}, map[string]string{}
	for _, a := range apps.Applications {
		s.appIDs[aws.ToString(a.Name)] = aws.ToString(a.ApplicationId)
		s.appName[aws.ToString(a.ApplicationId)] = aws.ToString(a.Name)
	}

	var b5 [5]byte
	_, _ = rand.Read(b5[:])
	dir := "d-" + hex.EncodeToString(b5[:])
	if _, err := s.c(0).RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir)}); err != nil {
		t.Fatalf("RegisterWorkspaceDirectory: %v", err)
	}
	s.waitFor("directory REGISTERED", func() (bool, error) {
		out, err := s.c(1).DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{dir}})
		return err == nil && len(out.Directories) == 1 && out.Directories[0].State == types.WorkspaceDirectoryStateRegistered, err
	})
	bundleID := s.findPublicBundle(ctx)
	if t.Failed() {
		return
	}

	// The watchers stop between requests: a request cut short would only
	// make the server log a canceled context.
	stop := make(chan struct{})
	var watchers sync.WaitGroup
	stopWatching := func() { close(stop) }
	watchers.Go(func() { s.poll(ctx, stop) })
	for r := range s.clients {
		watchers.Go(func() { s.read(ctx, stop, r) })
	}

	// Six WorkSpaces of the public bundle, each created, given its
	// applications and deployed by its own client, alternating replicas.
	var wg sync.WaitGroup
	wsIDs := make([]string, 6)
	for i := range wsIDs {
		wg.Go(func() { wsIDs[i] = s.personalWorkspace(ctx, i, dir, bundleID) })
	}
	wg.Wait()
	if t.Failed() {
		stopWatching()
		watchers.Wait()
		return
	}

	// An image of u0 (Office and Visio installed), a bundle of the image,
	// and four WorkSpaces of the bundle, which install both on their own.
	img, err := s.c(0).CreateWorkspaceImage(ctx, &workspaces.CreateWorkspaceImageInput{
		WorkspaceId: aws.String(wsIDs[0]), Name: aws.String("golden"), Description: aws.String("u0 with Office and Visio")})
	if err != nil {
		t.Fatalf("CreateWorkspaceImage: %v", err)
	}
	imageID := aws.ToString(img.ImageId)
	s.name(imageID, "golden")
	s.waitFor("image AVAILABLE", func() (bool, error) {
		out, err := s.c(1).DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{imageID}})
		return err == nil && len(out.Images) == 1 && out.Images[0].State == types.WorkspaceImageStateAvailable, err
	})
	b, err := s.c(1).CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("golden-bundle"), BundleDescription: aws.String("golden"), ImageId: aws.String(imageID),
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")},
		RootStorage: &types.RootStorage{Capacity: aws.String("80")}})
	if err != nil {
		t.Fatalf("CreateWorkspaceBundle: %v", err)
	}
	goldenID := aws.ToString(b.WorkspaceBundle.BundleId)
	s.name(goldenID, "golden-bundle")
	for i := range 4 {
		wg.Go(func() { s.bundleWorkspace(ctx, i, dir, goldenID) })
	}
	wg.Wait()

	// Let the watchers see the last steps, then stop them.
	s.waitFor("every association settled", func() (bool, error) { return s.settled(ctx) })
	time.Sleep(2 * step)
	stopWatching()
	watchers.Wait()
}

// findPublicBundle returns the id of publicBundle.
func (s *story) findPublicBundle(ctx context.Context) string {
	p := workspaces.NewDescribeWorkspaceBundlesPaginator(s.c(1), &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON")})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			s.t.Fatalf("DescribeWorkspaceBundles: %v", err)
		}
		for _, b := range out.Bundles {
			if aws.ToString(b.Name) == publicBundle {
				return aws.ToString(b.BundleId)
			}
		}
	}
	s.t.Fatalf("no public bundle %q", publicBundle)
	return ""
}

// createWorkspace creates one WorkSpace for user through client i and
// waits until it is AVAILABLE, asking the other replica.
func (s *story) createWorkspace(ctx context.Context, i int, user, dir, bundleID string) string {
	out, err := s.c(i).CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(dir), UserName: aws.String(user), BundleId: aws.String(bundleID)}}})
	if err != nil || len(out.PendingRequests) != 1 {
		s.t.Errorf("CreateWorkspaces %s: %v %+v", user, err, out)
		return ""
	}
	id := aws.ToString(out.PendingRequests[0].WorkspaceId)
	s.name(id, user)
	s.waitFor(user+" AVAILABLE", func() (bool, error) {
		out, err := s.c(i+1).DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{id}})
		return err == nil && len(out.Workspaces) == 1 && out.Workspaces[0].State == types.WorkspaceStateAvailable, err
	})
	return id
}

// personalWorkspace is WorkSpace u<i> of the public bundle: Office and
// Visio associated and deployed; u1 also gets Visual Studio, which fails on
// its 80 GiB volume; u2 has Visio removed again.
func (s *story) personalWorkspace(ctx context.Context, i int, dir, bundleID string) string {
	t := s.t
	user := fmt.Sprintf("u%d", i)
	id := s.createWorkspace(ctx, i, user, dir, bundleID)
	if id == "" {
		return ""
	}
	apps := []string{office, visio}
	if i == 1 {
		apps = append(apps, vsPro)
	}
	for j, app := range apps {
		out, err := s.c(i+j).AssociateWorkspaceApplication(ctx, &workspaces.AssociateWorkspaceApplicationInput{
			WorkspaceId: aws.String(id), ApplicationId: aws.String(s.appIDs[app])})
		if err != nil {
			t.Errorf("AssociateWorkspaceApplication %s %s: %v", user, app, err)
			return id
		}
		a := s.anchor(key{s.appIDs[app], "WORKSPACE", id})
		a.createdByAP = aws.ToTime(out.Association.Created)
		a.fails = app == vsPro
	}
	time.Sleep(step) // PENDING_INSTALL_DEPLOYMENT lasts long enough to be seen
	s.deploy(ctx, i+1, user, id)
	if i != 2 {
		return id
	}
	out, err := s.c(i).DisassociateWorkspaceApplication(ctx, &workspaces.DisassociateWorkspaceApplicationInput{
		WorkspaceId: aws.String(id), ApplicationId: aws.String(s.appIDs[visio])})
	if err != nil {
		t.Errorf("DisassociateWorkspaceApplication %s: %v", user, err)
		return id
	}
	if out.Association.State != types.AssociationStatePendingUninstallDeployment {
		t.Errorf("DisassociateWorkspaceApplication %s: state %s", user, out.Association.State)
	}
	an := s.anchor(key{s.appIDs[visio], "WORKSPACE", id})
	an.disassocAt, an.disassociated = aws.ToTime(out.Association.LastUpdatedTime), time.Now()
	time.Sleep(step)
	s.deploy(ctx, i+1, user, id)
	return id
}

// deploy deploys a WorkSpace's applications through client i, records
// when each association's steps started, and waits until none is in flight.
func (s *story) deploy(ctx context.Context, i int, user, id string) {
	out, err := s.c(i).DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(id)})
	returned := time.Now()
	if err != nil {
		s.t.Errorf("DeployWorkspaceApplications %s: %v", user, err)
		return
	}
	for _, a := range out.Deployment.Associations {
		switch a.State {
		case types.AssociationStatePendingInstall, types.AssociationStatePendingUninstall:
			an := s.anchor(key{aws.ToString(a.AssociatedResourceId), "WORKSPACE", id})
			s.mu.Lock()
			an.deploys = append(an.deploys, aws.ToTime(a.LastUpdatedTime))
			an.deployed = append(an.deployed, returned)
			s.mu.Unlock()
		}
	}
	s.waitFor(user+" deployment done", func() (bool, error) {
		out, err := s.c(i+1).DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{
			WorkspaceId: aws.String(id), AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
		if err != nil {
			return false, err
		}
		for _, a := range out.Associations {
			switch a.State {
			case types.AssociationStatePendingInstall, types.AssociationStateInstalling,
				types.AssociationStatePendingUninstall, types.AssociationStateUninstalling:
				return false, nil
			}
		}
		return true, nil
	})
}

// bundleWorkspace is WorkSpace b<i> of the golden bundle.
func (s *story) bundleWorkspace(ctx context.Context, i int, dir, bundleID string) {
	id := s.createWorkspace(ctx, i, fmt.Sprintf("b%d", i), dir, bundleID)
	for _, app := range []string{office, visio} {
		s.anchor(key{s.appIDs[app], "WORKSPACE", id}).fromBundle = true
	}
}

// settled reports whether no association is in a timed step.
func (s *story) settled(ctx context.Context) (bool, error) {
	for _, app := range []string{office, visio, vsPro} {
		all, err := s.associations(ctx, 0, app)
		if err != nil {
			return false, err
		}
		for _, a := range all {
			switch a.State {
			case types.AssociationStatePendingInstall, types.AssociationStateInstalling,
				types.AssociationStatePendingUninstall, types.AssociationStateUninstalling:
				return false, nil
			}
		}
	}
	return true, nil
}

// associations lists every association of an application through client i.
func (s *story) associations(ctx context.Context, i int, app string) ([]types.ApplicationResourceAssociation, error) {
	p := workspaces.NewDescribeApplicationAssociationsPaginator(s.c(i), &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(s.appIDs[app]),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage,
			types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeWorkspace},
	})
	var out []types.ApplicationResourceAssociation
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Associations...)
	}
	return out, nil
}

// observe lists every association of app through replica r and records
// what it saw.
func (s *story) observe(ctx context.Context, r int, app string, ordered bool) {
	start := time.Now()
	all, err := s.associations(ctx, r, app)
	end := time.Now()
	if err != nil {
		s.t.Errorf("DescribeApplicationAssociations %s on replica %d: %v", app, r, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range all {
		o := observation{
			key:   key{aws.ToString(a.ApplicationId), string(a.AssociatedResourceType), aws.ToString(a.AssociatedResourceId)},
			state: string(a.State), created: aws.ToTime(a.Created), updated: aws.ToTime(a.LastUpdatedTime),
			start: start, end: end, replica: r, ordered: ordered,
		}
		if a.StateReason != nil {
			o.reason = string(a.StateReason.ErrorCode)
		}
		s.obs = append(s.obs, o)
	}
}

// poll is the one poller whose requests never overlap, so the order of
// its observations is the order of the states: every application, through
// each replica in turn.
func (s *story) poll(ctx context.Context, stop <-chan struct{}) {
	for n := 0; !stopped(stop); n++ {
		for _, app := range []string{office, visio, vsPro} {
			s.observe(ctx, n%len(s.clients), app, true)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// read is one more concurrent client of replica r: its observations are
// checked against the timelines too, and its reads apply due steps.
func (s *story) read(ctx context.Context, stop <-chan struct{}, r int) {
	apps := []string{vsPro, visio, office}
	for n := 0; !stopped(stop); n++ {
		s.observe(ctx, r, apps[n%len(apps)], false)
		time.Sleep(7 * time.Millisecond)
	}
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// segment is one state of an association's expected timeline.
type segment struct {
	state, reason string
	from, to      time.Time // to is zero for the last state
	// shownUntil is the last moment a request may start and still show the
	// state: to for a timed step, which every read applies once due; for
	// a state a call ends, when the call returned, since it commits after
	// the time it reports.
	shownUntil time.Time
	// anchor names the call the state's time derives from, for the outcome.
	anchor string
	offset time.Duration
}

// timeline is the history an association must have, from the times the
// story's calls reported.
func (s *story) timeline(k key, a *anchors, created time.Time) ([]segment, error) {
	var segs []segment
	add := func(state, reason string, from, returned time.Time, anchor string, offset time.Duration) {
		if n := len(segs); n > 0 {
			segs[n-1].to, segs[n-1].shownUntil = from, from
			if !returned.IsZero() {
				segs[n-1].shownUntil = returned
			}
		}
		segs = append(segs, segment{state: state, reason: reason, from: from, anchor: anchor, offset: offset})
	}
	// steps are states that follow each other every step from at; a call
	// that returned at returned (zero: none) started them.
	steps := func(at, returned time.Time, anchor string, states ...string) {
		for i, st := range states {
			add(st, "", at.Add(time.Duration(i)*step), returned, anchor, time.Duration(i)*step)
			returned = time.Time{}
		}
	}
	switch {
	case k.rtype == "IMAGE":
		steps(created, time.Time{}, "CreateWorkspaceImage", "INSTALLING", "COMPLETED")
	case k.rtype == "BUNDLE":
		steps(created, time.Time{}, "CreateWorkspaceBundle", "COMPLETED")
	case a == nil:
		return nil, fmt.Errorf("no call of the story made it")
	case a.fromBundle:
		steps(created, time.Time{}, "CreateWorkspaces", "PENDING_INSTALL", "INSTALLING", "COMPLETED")
	default:
		if len(a.deploys) == 0 {
			return nil, fmt.Errorf("never deployed")
		}
		if !a.createdByAP.Equal(created) {
			return nil, fmt.Errorf("created %v, but AssociateWorkspaceApplication answered %v", created, a.createdByAP)
		}
		steps(created, time.Time{}, "AssociateWorkspaceApplication", "PENDING_INSTALL_DEPLOYMENT")
		if a.fails {
			steps(a.deploys[0], a.deployed[0], "DeployWorkspaceApplications", "PENDING_INSTALL")
			add("ERROR", "ValidationError.InsufficientDiskSpace", a.deploys[0].Add(step), time.Time{}, "DeployWorkspaceApplications", step)
			break
		}
		steps(a.deploys[0], a.deployed[0], "DeployWorkspaceApplications", "PENDING_INSTALL", "INSTALLING", "COMPLETED")
		if !a.disassocAt.IsZero() {
			if len(a.deploys) != 2 {
				return nil, fmt.Errorf("removed with %d deployments, want 2", len(a.deploys))
			}
			steps(a.disassocAt, a.disassociated, "DisassociateWorkspaceApplication", "PENDING_UNINSTALL_DEPLOYMENT")
			steps(a.deploys[1], a.deployed[1], "second DeployWorkspaceApplications", "PENDING_UNINSTALL", "UNINSTALLING", "REMOVED")
		}
	}
	return segs, nil
}

// check verifies every observation against its association's timeline and
// the poller's histories for repeats and skips, and returns the outcome.
func (s *story) check(ctx context.Context) *outcome {
	t := s.t
	byKey := map[key][]observation{}
	for _, o := range s.obs {
		byKey[o.key] = append(byKey[o.key], o)
	}
	// What the story made, from its own records and from the final answers
	// of both replicas, which must agree.
	finals := make([]map[key]types.ApplicationResourceAssociation, len(s.clients))
	for r := range s.clients {
		finals[r] = map[key]types.ApplicationResourceAssociation{}
		for _, app := range []string{office, visio, vsPro} {
			all, err := s.associations(ctx, r, app)
			if err != nil {
				t.Fatalf("final DescribeApplicationAssociations on replica %d: %v", r, err)
			}
			for _, a := range all {
				finals[r][key{aws.ToString(a.ApplicationId), string(a.AssociatedResourceType), aws.ToString(a.AssociatedResourceId)}] = a
			}
		}
		if r > 0 && !maps.EqualFunc(finals[0], finals[r], sameAssociation) {
			t.Errorf("replica %d's final answer differs from replica 0's:\n%v\n%v", r, finals[r], finals[0])
		}
	}
	final := finals[0]
	// u0..u5: Office and Visio, u1 Visual Studio too (u2's Visio stays
	// listed as REMOVED); the image and the bundle: 2 each; b0..b3: 2 each.
	if len(final) != 25 {
		t.Errorf("%d associations at the end, want 25", len(final))
	}
	out := &outcome{final: map[string]string{}}
	var observed, expected, stale int
	for k, f := range final {
		name := s.keyName(k)
		segs, err := s.timeline(k, s.anchors[k], aws.ToTime(f.Created))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		last := segs[len(segs)-1]
		if string(f.State) != last.state || !aws.ToTime(f.LastUpdatedTime).Equal(last.from) || reasonOf(f) != last.reason {
			t.Errorf("%s: final %s %s at %v, want %s %s at %v (%s + %v)", name, f.State, reasonOf(f), aws.ToTime(f.LastUpdatedTime),
				last.state, last.reason, last.from, last.anchor, last.offset)
		}
		out.final[name] = fmt.Sprintf("%s %s at %s+%v", f.State, reasonOf(f), last.anchor, aws.ToTime(f.LastUpdatedTime).Sub(last.from)+last.offset)

		// Every observation shows a state of the timeline, with its due
		// time as LastUpdatedTime, current for the moment of the request.
		var seen []int // indexes of the segments the poller saw, in order
		var prev *observation
		for _, o := range byKey[k] {
			i := slices.IndexFunc(segs, func(sg segment) bool { return sg.state == o.state })
			if i < 0 {
				t.Errorf("%s: state %s is not in its history %v", name, o.state, states(segs))
				continue
			}
			sg := segs[i]
			if !o.updated.Equal(sg.from) || o.reason != sg.reason || !o.created.Equal(aws.ToTime(f.Created)) {
				t.Errorf("%s: replica %d showed %s %s updated %v created %v; want updated %v (%s + %v) %s, created %v",
					name, o.replica, o.state, o.reason, o.updated, o.created, sg.from, sg.anchor, sg.offset, sg.reason, aws.ToTime(f.Created))
			}
			// The state held at some instant of the request.
			if o.end.Add(tolerance).Before(sg.from) || (!sg.shownUntil.IsZero() && !o.start.Before(sg.shownUntil.Add(tolerance))) {
				stale++
				t.Errorf("%s: replica %d showed %s during [%v, %v], but that state holds over [%v, %v) (shown until %v)",
					name, o.replica, o.state, o.start, o.end, sg.from, sg.to, sg.shownUntil)
			}
			if !o.ordered {
				continue
			}
			if len(seen) > 0 && seen[len(seen)-1] == i {
				prev = &o
				continue
			}
			if len(seen) > 0 && i < seen[len(seen)-1] {
				t.Errorf("%s: the poller saw %s after %s: a step went back or was applied twice", name, sg.state, segs[seen[len(seen)-1]].state)
			}
			if len(seen) > 0 && i > seen[len(seen)-1]+1 {
				// Skipping is possible only when the two requests are far
				// enough apart for the missed states to pass unseen. A state
				// a call started is certain to be visible only once the call
				// returned (it commits after the time it reports), so under
				// load its window can be shorter than its step.
				last := segs[seen[len(seen)-1]]
				missed := segs[seen[len(seen)-1]+1].from
				if last.shownUntil.After(missed) {
					missed = last.shownUntil
				}
				missedTo := segs[i-1].to
				if o.end.Sub(prev.start) < missedTo.Sub(missed) {
					t.Errorf("%s: the poller skipped from %s to %s in %v", name, segs[seen[len(seen)-1]].state, sg.state, o.end.Sub(prev.start))
				}
			}
			seen = append(seen, i)
			prev = &o
		}
		// The history starts when the story made the association; the
		// poller may have missed the first state only if it lasted less
		// than a poll.
		observed += len(seen)
		expected += len(segs)
		if len(seen) < len(segs) {
			var missed []string
			for i, sg := range segs {
				if !slices.Contains(seen, i) {
					missed = append(missed, fmt.Sprintf("%s (%v)", sg.state, sg.shownUntil.Sub(sg.from)))
				}
			}
			t.Logf("%s: the poller did not see %s", name, strings.Join(missed, ", "))
		}
	}
	t.Logf("%d replica(s): %d observations; the poller saw %d of the %d states of %d associations; %d stale",
		len(s.clients), len(s.obs), observed, expected, len(final), stale)
	return out
}

// stepCounts is GET /_wslocal/stats's lifecycleSteps.
type stepCounts struct {
	Directory, Workspace, Image, Association int64
}

// wantSteps are the lifecycle steps of the story: the directory registers;
// ten WorkSpaces become AVAILABLE; the image becomes AVAILABLE (its
// applications move with it); Office and Visio install on u0..u5 in two
// steps each, Visual Studio fails on u1 in one, Visio uninstalls from u2 in
// two, and Office and Visio install on b0..b3 in two steps each.
var wantSteps = stepCounts{Directory: 1, Workspace: 10, Image: 1, Association: 12*2 + 1 + 2 + 8*2}

// checkSteps asks every replica how many lifecycle steps it applied: the
// sum is the number the story has, so none was applied twice (or missed).
func (s *story) checkSteps(procs []*proctest.Proc) {
	var sum stepCounts
	var each []string
	for i, p := range procs {
		resp, err := http.Get(p.URL + "/_wslocal/stats")
		if err != nil {
			s.t.Errorf("replica %d: GET /_wslocal/stats: %v", i, err)
			return
		}
		var stats struct{ LifecycleSteps stepCounts }
		err = json.NewDecoder(resp.Body).Decode(&stats)
		resp.Body.Close()
		if err != nil {
			s.t.Errorf("replica %d: /_wslocal/stats: %v", i, err)
			return
		}
		c := stats.LifecycleSteps
		sum.Directory += c.Directory
		sum.Workspace += c.Workspace
		sum.Image += c.Image
		sum.Association += c.Association
		each = append(each, fmt.Sprintf("replica %d %+v", i, c))
	}
	if sum != wantSteps {
		s.t.Errorf("lifecycle steps applied: %+v, want %+v (%s)", sum, wantSteps, strings.Join(each, "; "))
		return
	}
	s.t.Logf("lifecycle steps applied exactly once each: %s", strings.Join(each, "; "))
}

func sameAssociation(a, b types.ApplicationResourceAssociation) bool {
	return a.State == b.State && reasonOf(a) == reasonOf(b) && aws.ToTime(a.Created).Equal(aws.ToTime(b.Created)) &&
		aws.ToTime(a.LastUpdatedTime).Equal(aws.ToTime(b.LastUpdatedTime))
}

func reasonOf(a types.ApplicationResourceAssociation) string {
	if a.StateReason == nil {
		return ""
	}
	return string(a.StateReason.ErrorCode)
}

func states(segs []segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s.state)
	}
	return out
}

// keyName names an association by the story's names: "u1 WORKSPACE Microsoft ...".
func (s *story) keyName(k key) string {
	n := s.names[k.rid]
	if n == "" {
		n = k.rid
	}
	return n + " " + k.rtype + " " + s.appName[k.app]
}
