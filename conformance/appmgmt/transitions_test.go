package appmgmt_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// TestRebuildReinstallsWhatWasInstalled: a rebuild puts the WorkSpace's
// COMPLETED applications back to PENDING_INSTALL, to install again as the
// WorkSpace comes back; an application still waiting for a deployment
// stays as it is.
func TestRebuildReinstallsWhatWasInstalled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("rebuilt", nil)
	office, visio := e.appID(officePro), e.appID(visioPro)
	e.install(w, office)
	_, err := e.associate(w, visio)
	e.ok(err)
	tAssoc := e.now()

	out, err := e.c.RebuildWorkspaces(e.ctx, &workspaces.RebuildWorkspacesInput{
		RebuildWorkspaceRequests: []types.RebuildRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	if len(out.FailedRequests) != 0 {
		t.Fatalf("RebuildWorkspaces: %+v", out.FailedRequests)
	}
	tRebuild := e.now()
	e.wantWS(w, types.WorkspaceStateRebuilding)
	e.wantAssoc(w, office, types.AssociationStatePendingInstall, tRebuild)
	e.wantAssoc(w, visio, types.AssociationStatePendingInstallDeployment, tAssoc)

	e.advance(step)
	e.wantWS(w, types.WorkspaceStateAvailable)
	e.wantAssoc(w, office, types.AssociationStateInstalling, tRebuild.Add(step))
	e.advance(step)
	e.wantAssoc(w, office, types.AssociationStateCompleted, tRebuild.Add(2*step))
	e.wantAssoc(w, visio, types.AssociationStatePendingInstallDeployment, tAssoc)
}

// TestDisassociateBeforeDeploymentRemovesAtOnce: an application never
// deployed is answered REMOVED and is gone from the WorkSpace at once.
func TestDisassociateBeforeDeploymentRemovesAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("undecided", nil)
	office := e.appID(officePro)
	_, err := e.associate(w, office)
	e.ok(err)
	out, err := e.disassociate(w, office)
	e.ok(err)
	if a := out.Association; a == nil || a.State != types.AssociationStateRemoved || aws.ToString(a.AssociatedResourceId) != office {
		t.Fatalf("DisassociateWorkspaceApplication answered %+v, want %s REMOVED", a, office)
	}
	if as := e.wsAssocs(w); len(as) != 0 {
		t.Fatalf("after the disassociation %s has associations %+v, want none", w, as)
	}
	_, err = e.disassociate(w, office)
	wantCode(t, err, "ResourceNotFoundException")
}

// TestTerminateTakesTheApplications: a WorkSpace's applications go with it:
// one whose step comes due while the WorkSpace is TERMINATING is deleted
// then, without taking the step.
func TestTerminateTakesTheApplications(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("leaving", nil)
	office := e.appID(officePro)
	e.install(w, office)
	_, err := e.disassociate(w, office)
	e.ok(err)
	_, err = e.deploy(w, false) // PENDING_UNINSTALL, its step due in a second
	e.ok(err)
	e.advance(step / 2)
	_, err = e.c.TerminateWorkspaces(e.ctx, &workspaces.TerminateWorkspacesInput{
		TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	apps := func() []string {
		st, err := e.srv.Service.ExportState(e.ctx)
		e.ok(err)
		var out []string
		for _, a := range st.Associations {
			if a.ResourceID == w {
				out = append(out, a.ApplicationID+" "+a.State)
			}
		}
		return out
	}
	if got := apps(); len(got) != 1 || got[0] != office+" PENDING_UNINSTALL" {
		t.Fatalf("TERMINATING: associations %v, want %s PENDING_UNINSTALL", got, office)
	}
	e.advance(step / 2)
	e.wantWS(w, types.WorkspaceStateTerminating)
	if got := apps(); len(got) != 0 {
		t.Errorf("once its step came due: associations %v, want none", got)
	}
	e.advance(step / 2)
	e.wantWS(w, types.WorkspaceStateTerminated)
}

// TestApplicationWritesSeeEveryOtherWrite: Associate and Disassociate
// decide by the states the store keeps from the last of them
// (store.Memoizer); every other write of the WorkSpace or its applications
// (a deployment, its steps, a stop) must show through.
func TestApplicationWritesSeeEveryOtherWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.winWorkspace("memo", &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop})
	office, visio := e.appID(officePro), e.appID(visioPro)
	_, err := e.associate(w, office)
	e.ok(err)
	_, err = e.deploy(w, false)
	e.ok(err)
	// The deployment moved office to PENDING_INSTALL: in flight.
	_, err = e.disassociate(w, office)
	wantCode(t, err, "ResourceInUseException")
	e.advance(2 * step)
	e.wantAssoc(w, office, types.AssociationStateCompleted, e.now())
	// Its steps made it COMPLETED: it uninstalls at the next deployment
	// rather than going at once, as a never-deployed one would.
	out, err := e.disassociate(w, office)
	e.ok(err)
	if out.Association.State != types.AssociationStatePendingUninstallDeployment {
		t.Fatalf("Disassociate of a COMPLETED application answered %s, want PENDING_UNINSTALL_DEPLOYMENT", out.Association.State)
	}
	// A stop is a write of the WorkSpace's row.
	_, err = e.c.StopWorkspaces(e.ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: aws.String(w)}}})
	e.ok(err)
	_, err = e.associate(w, visio)
	wantCode(t, err, "OperationNotSupportedException") // STOPPING
	e.advance(step)
	e.wantWS(w, types.WorkspaceStateStopped)
	_, err = e.associate(w, visio)
	e.ok(err)
	as := e.wsAssocs(w)
	if len(as) != 2 {
		t.Fatalf("%s has associations %+v, want office and visio", w, as)
	}
}
