package appmgmt_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// scenario is what the phases of a restarted run share.
type scenario struct {
	ws, app, img  string
	tDeploy, tUn  time.Time
	trace         []string
	registeredDir map[string]bool
}

func (sc *scenario) assoc(e *env) {
	e.t.Helper()
	a := e.wsAssoc(sc.ws, sc.app)
	sc.trace = append(sc.trace, fmt.Sprintf("at %s: %s created %s updated %s", e.now().Format(time.RFC3339Nano), a.State,
		a.Created.UTC().Format(time.RFC3339Nano), a.LastUpdatedTime.UTC().Format(time.RFC3339Nano)))
}

func (sc *scenario) image(e *env) {
	e.t.Helper()
	img := e.wantImage(sc.img, e.wantImageState(sc.img))
	as, err := e.imageAssocs(e.c, sc.img)
	e.ok(err)
	sc.trace = append(sc.trace, fmt.Sprintf("at %s: image %s created %s; its app %s updated %s", e.now().Format(time.RFC3339Nano),
		img.State, img.Created.UTC().Format(time.RFC3339Nano), as[0].State, as[0].LastUpdatedTime.UTC().Format(time.RFC3339Nano)))
}

func (e *env) wantImageState(id string) types.WorkspaceImageState {
	e.t.Helper()
	out, err := e.c.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
	e.ok(err)
	if len(out.Images) != 1 {
		e.t.Fatalf("image %s: %d images", id, len(out.Images))
	}
	return out.Images[0].State
}

// phases of a deployment scenario; a restarted run gives each its own
// server on the same store.
var phases = []func(e *env, sc *scenario){
	// Install Office: deploy, and one step (PENDING_INSTALL -> INSTALLING).
	func(e *env, sc *scenario) {
		sc.ws = e.winWorkspace("alice", nil)
		sc.app = e.appID(officePro)
		_, err := e.associate(sc.ws, sc.app)
		e.ok(err)
		_, err = e.deploy(sc.ws, false)
		e.ok(err)
		sc.tDeploy = e.now()
		sc.assoc(e)
		e.advance(step)
		e.wantAssoc(sc.ws, sc.app, types.AssociationStateInstalling, sc.tDeploy.Add(step))
		sc.assoc(e)
	},
	// INSTALLING -> COMPLETED; then an image, left PENDING.
	func(e *env, sc *scenario) {
		sc.assoc(e)
		e.advance(step)
		e.wantAssoc(sc.ws, sc.app, types.AssociationStateCompleted, sc.tDeploy.Add(2*step))
		sc.assoc(e)
		ci, err := e.c.CreateWorkspaceImage(e.ctx, &workspaces.CreateWorkspaceImageInput{
			WorkspaceId: aws.String(sc.ws), Name: aws.String("golden"), Description: aws.String("x")})
		e.ok(err)
		sc.img = *ci.ImageId
		sc.image(e)
	},
	// The image finishes; the application is disassociated and its
	// uninstall deployed.
	func(e *env, sc *scenario) {
		sc.image(e)
		e.advance(step)
		e.wantImageApps(e.c, sc.img, types.AssociationStateCompleted, e.wantImage(sc.img, types.WorkspaceImageStateAvailable).Created.Add(step), sc.app)
		sc.image(e)
		_, err := e.disassociate(sc.ws, sc.app)
		e.ok(err)
		_, err = e.deploy(sc.ws, false)
		e.ok(err)
		sc.tUn = e.now()
		sc.assoc(e)
		e.advance(step)
		e.wantAssoc(sc.ws, sc.app, types.AssociationStateUninstalling, sc.tUn.Add(step))
		sc.assoc(e)
	},
	// UNINSTALLING -> REMOVED, and gone after the retention.
	func(e *env, sc *scenario) {
		sc.assoc(e)
		e.advance(step)
		e.wantAssoc(sc.ws, sc.app, types.AssociationStateRemoved, sc.tUn.Add(2*step))
		sc.assoc(e)
		e.advance(time.Hour)
		if got := e.wsAssocs(sc.ws); len(got) != 0 {
			e.t.Fatalf("REMOVED still listed after the retention: %+v", got)
		}
		sc.trace = append(sc.trace, "gone at "+e.now().Format(time.RFC3339Nano))
	},
}

// A restart in the middle of a deployment (and of an image build, and of
// an uninstall) resumes where it was, with the timestamps of a run without
// restarts. pause is how long the clock moves between phases: the server
// is down that long in the restarted run.
func TestRestartMidDeployment(t *testing.T) {
	t.Parallel()
	for _, pause := range []time.Duration{0, 500 * time.Millisecond, 10 * time.Minute} {
		t.Run(fmt.Sprint("pause ", pause), func(t *testing.T) {
			t.Parallel()
			// Without restarts.
			want := &scenario{}
			e := newEnv(t)
			for i, p := range phases {
				if i > 0 {
					e.advance(pause)
				}
				p(e, want)
			}

			// With a new server for each phase, on one SQLite file. Each
			// server lives in a subtest, whose cleanup closes it.
			store := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
			got := &scenario{}
			var stopped time.Time
			for i, p := range phases {
				ok := t.Run(fmt.Sprint("server ", i), func(t *testing.T) {
					opts := []wslocaltest.Option{wslocaltest.WithStore(store)}
					start := t0
					if i > 0 {
						start = stopped.Add(pause)
						opts = append(opts, wslocaltest.WithClockStart(start))
					}
					e := newEnv(t, opts...)
					if !e.now().Equal(start) {
						t.Fatalf("the clock starts at %v, want %v", e.now(), start)
					}
					e.dirs = got.registeredDir
					p(e, got)
					got.registeredDir = e.dirs
					stopped = e.now()
				})
				if !ok {
					t.FailNow()
				}
			}
			if !slices.Equal(got.trace, want.trace) {
				t.Fatalf("with restarts:\n  %s\nwithout:\n  %s", strings.Join(got.trace, "\n  "), strings.Join(want.trace, "\n  "))
			}
			t.Logf("trace:\n  %s", strings.Join(got.trace, "\n  "))
		})
	}
}

// recordingTB stands in for a *testing.T to see what wslocaltest's
// cleanup reports.
type recordingTB struct {
	testing.TB
	cleanups []func()
	errs     []string
}

func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recordingTB) cleanup() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// wslocaltest.Server has a Close method (its embedded server's): a test
// that closes the server itself, e.g. to restart on the same store, must
// not then fail in wslocaltest's own cleanup.
func TestRestartCloseThenCleanup(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "sqlite:" + filepath.Join(t.TempDir(), "state.db")} {
		rec := &recordingTB{TB: t}
		srv := wslocaltest.Start(rec, wslocaltest.WithStore(store))
		if err := srv.Close(); err != nil {
			t.Fatalf("%s: Close: %v", store, err)
		}
		rec.cleanup()
		if len(rec.errs) != 0 {
			t.Fatalf("%s: cleanup after Close reported %v", store, rec.errs)
		}
	}
}
