package gosdk_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// The application-management calls raced here decide from what they read
// (is the pair associated? is a deployment running?) and then write; the
// store must make read-then-write one step, on every store.

const (
	officePro = "Microsoft Office LTSC Professional Plus 2021"
	visioPro  = "Microsoft Visio LTSC Professional 2021"
	// perfWin10 is a Windows bundle big enough for every 2021 application.
	perfWin10 = "Performance with Windows 10 (Server 2019 based)"
)

// eachStore runs f on a fresh server of each store with a separate code
// path: memory (one connection) and a SQLite file (a write connection
// beside a pool of readers).
func eachStore(t *testing.T, f func(t *testing.T, srv *wslocaltest.Server)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		f(t, wslocaltest.Start(t))
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		f(t, wslocaltest.Start(t, wslocaltest.WithStore("sqlite:"+filepath.Join(t.TempDir(), "state.db"))))
	})
}

// availableWorkspace builds an AVAILABLE Windows WorkSpace and returns its id.
func availableWorkspace(t *testing.T, srv *wslocaltest.Server, c *workspaces.Client) string {
	t.Helper()
	registerDirectory(t, c, "d-0123456789")
	srv.Advance(time.Minute)
	ws := createWorkspace(t, c, "d-0123456789", publicBundleID(t, c, perfWin10), "racer")
	srv.Advance(time.Minute)
	return ws
}

// 50 simultaneous AssociateWorkspaceApplication calls for one pair: exactly
// one succeeds, the others are refused, and one association exists.
func TestConcurrentAssociateOnePair(t *testing.T) {
	eachStore(t, func(t *testing.T, srv *wslocaltest.Server) {
		c := client(srv)
		ws := availableWorkspace(t, srv, c)
		app := appIDs(t, c)[visioPro]
		const n = 50
		var (
			mu        sync.Mutex
			successes int
			wg        sync.WaitGroup
		)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				_, err := c.AssociateWorkspaceApplication(context.Background(), &workspaces.AssociateWorkspaceApplicationInput{
					WorkspaceId: aws.String(ws), ApplicationId: aws.String(app)})
				var exists *types.ResourceAlreadyExistsException
				var inUse *types.ResourceInUseException
				switch {
				case err == nil:
					mu.Lock()
					successes++
					mu.Unlock()
				case errors.As(err, &exists), errors.As(err, &inUse):
				default:
					t.Errorf("AssociateWorkspaceApplication: %v, want success, ResourceAlreadyExists or ResourceInUse", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if successes != 1 {
			t.Errorf("%d of %d concurrent associations succeeded, want exactly 1", successes, n)
		}
		as := workspaceAssociations(t, c, ws)
		if len(as) != 1 || aws.ToString(as[0].AssociatedResourceId) != app || as[0].State != types.AssociationStatePendingInstallDeployment {
			t.Errorf("associations after the race: %+v, want one PENDING_INSTALL_DEPLOYMENT of %s", as, app)
		}
	})
}

// Simultaneous DeployWorkspaceApplications calls: exactly one moves the
// associations from PENDING_INSTALL_DEPLOYMENT to PENDING_INSTALL; each
// association then passes through each later state exactly once, at the
// times one deployment gives.
func TestConcurrentDeploy(t *testing.T) {
	eachStore(t, func(t *testing.T, srv *wslocaltest.Server) {
		ctx := context.Background()
		c := client(srv)
		ws := availableWorkspace(t, srv, c)
		ids := appIDs(t, c)
		apps := []string{ids[officePro], ids[visioPro]}
		for _, app := range apps {
			if _, err := c.AssociateWorkspaceApplication(ctx, &workspaces.AssociateWorkspaceApplicationInput{
				WorkspaceId: aws.String(ws), ApplicationId: aws.String(app)}); err != nil {
				t.Fatal(err)
			}
		}
		t0 := srv.Clock.Now().Truncate(time.Millisecond)
		step := srv.Service.Durations().Deploy

		const n = 20
		var (
			mu            sync.Mutex
			movers, noops int
			wg            sync.WaitGroup
		)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				out, err := c.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(ws)})
				var inUse *types.ResourceInUseException
				if errors.As(err, &inUse) {
					return
				}
				if err != nil {
					t.Errorf("DeployWorkspaceApplications: %v, want success or ResourceInUseException", err)
					return
				}
				moved := 0
				for _, a := range out.Deployment.Associations {
					if a.State == types.AssociationStatePendingInstall {
						moved++
					}
				}
				mu.Lock()
				defer mu.Unlock()
				switch moved {
				case len(apps):
					movers++
				case 0:
					noops++
				default:
					t.Errorf("a deployment moved %d of %d associations: %+v", moved, len(apps), out.Deployment.Associations)
				}
			})
		}
		close(start)
		wg.Wait()
		if movers != 1 {
			t.Fatalf("%d deployments moved the associations to PENDING_INSTALL (and %d were no-ops), want exactly 1", movers, noops)
		}

		// Each later state comes once, one step after the previous, from the
		// one deployment's time; a second deployment would restart the steps
		// or shift the times.
		for i, want := range []types.AssociationState{
			types.AssociationStatePendingInstall, types.AssociationStateInstalling, types.AssociationStateCompleted,
		} {
			as := workspaceAssociations(t, c, ws)
			if len(as) != len(apps) {
				t.Fatalf("%d associations, want %d", len(as), len(apps))
			}
			for _, a := range as {
				at := t0.Add(time.Duration(i) * step)
				if a.State != want || !aws.ToTime(a.LastUpdatedTime).Equal(at) {
					t.Errorf("step %d: %s is %s since %v, want %s since %v", i, aws.ToString(a.AssociatedResourceId),
						a.State, aws.ToTime(a.LastUpdatedTime), want, at)
				}
			}
			srv.Advance(step)
		}
		// A deployment after the end moves nothing.
		out, err := c.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(ws)})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Deployment.Associations {
			if a.State != types.AssociationStateCompleted {
				t.Errorf("deployment after COMPLETED: %+v", a)
			}
		}
	})
}
