package workspaces

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// inFlight are the association states during which a WorkSpace's
// applications cannot be changed (ResourceInUseException).
var inFlight = []string{asPendingInstall, asInstalling, asPendingUninstall, asUninstalling}

func wireWorkspaceAssociation(a *store.Association) api.WorkspaceResourceAssociation {
	return api.WorkspaceResourceAssociation{
		AssociatedResourceId: api.String(a.ApplicationID), AssociatedResourceType: api.WorkSpaceAssociatedResourceTypeApplication,
		Created: api.TimeOf(a.Created), LastUpdatedTime: api.TimeOf(a.Updated),
		State: api.AssociationState(a.State), StateReason: stateReason(a), WorkspaceId: api.String(a.ResourceID),
	}
}

// manageable loads a WorkSpace whose applications may be changed: Windows,
// AVAILABLE or STOPPED, and not in the middle of a deployment.
func (s *Service) manageable(ctx context.Context, tx store.Tx, p store.Partition, id string) (appFacts, []store.Association, error) {
	// The WorkSpace and its applications in one statement.
	r, assocs, err := tx.GetResourceAssociations(ctx, p, kindWorkspace, id, assocWorkspace)
	return checkManageable(id, r, assocs, err)
}

// manageableStates is manageable with the associations' states only (see
// store.Tx.GetResourceAssociationStates): what Associate and Disassociate
// decide by, in fewer columns. A store that keeps them between writes
// (store.Memoizer) spares the read: it was 44 of the ~118 us the one
// SQLite writer spent on an Associate.
func (s *Service) manageableStates(ctx context.Context, tx store.Tx, p store.Partition, id string) (appFacts, wsStates, error) {
	st, ok := recallStates(tx, p, id)
	var err error
	if !ok {
		st.r, st.assocs, err = tx.GetResourceAssociationStates(ctx, p, kindWorkspace, id, assocWorkspace)
	}
	w, _, err := checkManageable(id, st.r, st.assocs, err)
	return w, st, err
}

// recallStates is what remember kept of the WorkSpace id of p, with the
// associations copied: the caller may change them.
func recallStates(tx store.Tx, p store.Partition, id string) (wsStates, bool) {
	m, ok := tx.(store.Memoizer)
	if !ok {
		return wsStates{}, false
	}
	v, _ := m.Recall(p, id)
	kept, ok := v.(wsStates)
	return wsStates{r: kept.r, assocs: slices.Clone(kept.assocs)}, ok
}

// wsStates is a WorkSpace's row and its applications' states, ordered by
// application, as GetResourceAssociationStates reads them.
type wsStates struct {
	r      *store.Resource
	assocs []store.Association
}

// remember keeps, where the store can (store.Memoizer), the states of the
// WorkSpace once a has been written to it, or deleted (gone).
func (st wsStates) remember(tx store.Tx, a *store.Association, gone bool) {
	m, ok := tx.(store.Memoizer)
	if !ok {
		return
	}
	out := make([]store.Association, 0, len(st.assocs)+1)
	for _, b := range st.assocs {
		if b.ApplicationID != a.ApplicationID {
			out = append(out, b)
		}
	}
	if !gone {
		// The columns the read has, at the precision the row keeps.
		row := store.Association{Partition: a.Partition, ResourceType: a.ResourceType, ResourceID: a.ResourceID,
			ApplicationID: a.ApplicationID, State: a.State,
			Created: store.FromUnixMilli(store.UnixMilli(a.Created)), DueAt: store.FromUnixMilli(store.UnixMilli(a.DueAt))}
		i, _ := slices.BinarySearchFunc(out, a.ApplicationID, func(b store.Association, id string) int {
			return strings.Compare(b.ApplicationID, id)
		})
		out = slices.Insert(out, i, row)
	}
	m.Remember(a.Partition, a.ResourceID, wsStates{r: st.r, assocs: out})
}

// checkManageable is the answer of manageable for what was read.
func checkManageable(id string, r *store.Resource, assocs []store.Association, err error) (appFacts, []store.Association, error) {
	if isNotFound(err) {
		return appFacts{}, nil, notFound(id, "The WorkSpace %s could not be found.", id)
	}
	if err != nil {
		return appFacts{}, nil, err
	}
	w, err := workspaceFacts(r)
	if err != nil {
		return appFacts{}, nil, err
	}
	if !isWindows(w.os) {
		return appFacts{}, nil, notSupported("UnsupportedOperatingSystem",
			"Application management is available for Windows WorkSpaces only; %s runs %s.", id, w.os)
	}
	if r.State != wsAvailable && r.State != wsStopped {
		return appFacts{}, nil, notSupported("InvalidWorkspaceState",
			"The WorkSpace %s is %s; its applications can be changed when it is AVAILABLE or STOPPED.", id, r.State)
	}
	for _, a := range assocs {
		if slices.Contains(inFlight, a.State) {
			return appFacts{}, nil, inUse(id, "The WorkSpace %s is deploying applications (%s is %s); wait for it to finish.", id, a.ApplicationID, a.State)
		}
	}
	return w, assocs, nil
}

// appFacts are what managing a WorkSpace's applications reads of its
// document.
type appFacts struct {
	os      api.OperatingSystemName
	compute api.Compute
}

// docFacts holds the appFacts of the WorkSpace documents decoded last:
// decoding a whole document was a tenth of an Associate's CPU.
var docFacts docCache[appFacts]

// workspaceFacts is the appFacts of a WorkSpace's document.
func workspaceFacts(r *store.Resource) (appFacts, error) {
	return docFacts.get(r.Doc, func() (appFacts, error) {
		w, err := loadDoc[workspace](r)
		if err != nil {
			return appFacts{}, err
		}
		f := appFacts{os: w.os()}
		if w.WorkspaceProperties != nil {
			f.compute = w.WorkspaceProperties.ComputeTypeName
		}
		return f, nil
	})
}

func findAssoc(assocs []store.Association, appID string) *store.Association {
	for i := range assocs {
		if assocs[i].ApplicationID == appID {
			return &assocs[i]
		}
	}
	return nil
}

// AssociateWorkspaceApplication associates an application with a WorkSpace;
// it installs at the next DeployWorkspaceApplications.
func (s *Service) AssociateWorkspaceApplication(ctx context.Context, in *api.AssociateWorkspaceApplicationRequest) (*api.AssociateWorkspaceApplicationResult, error) {
	p := partition(ctx)
	var out api.WorkspaceResourceAssociation
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		w, st, err := s.manageableStates(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		assocs := st.assocs
		app, ok := findApplication(*in.ApplicationId)
		if !ok {
			return notFound(*in.ApplicationId, "The application %s could not be found.", *in.ApplicationId)
		}
		if app.State != api.WorkSpaceApplicationStateAvailable {
			return &api.ApplicationNotSupportedException{}
		}
		if !slices.Contains(app.Systems, w.os) {
			return &api.OperatingSystemNotCompatibleException{}
		}
		if !slices.Contains(app.Computes, w.compute) {
			return &api.ComputeNotCompatibleException{}
		}
		for _, a := range assocs {
			other, _ := findApplication(a.ApplicationID)
			if a.State != asRemoved && app.conflicts(other) {
				return &api.IncompatibleApplicationsException{}
			}
		}
		a := findAssoc(assocs, app.ID)
		from := none
		if a != nil {
			from = a.State
		}
		state, err := next(kindAssociation, *in.WorkspaceId, from, evAssociate)
		if err != nil {
			return err
		}
		a = &store.Association{Partition: p, ResourceType: assocWorkspace, ResourceID: *in.WorkspaceId,
			ApplicationID: app.ID, State: state, Created: now, Updated: now}
		out = wireWorkspaceAssociation(a)
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
		st.remember(tx, a, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.AssociateWorkspaceApplicationResult{Association: &out}, nil
}

// DisassociateWorkspaceApplication removes an application: one never
// deployed goes at once, an installed one uninstalls at the next deployment.
func (s *Service) DisassociateWorkspaceApplication(ctx context.Context, in *api.DisassociateWorkspaceApplicationRequest) (*api.DisassociateWorkspaceApplicationResult, error) {
	p := partition(ctx)
	var out api.WorkspaceResourceAssociation
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		// The states suffice: the row is written back with its reason and
		// failed step cleared, its Created and DueAt kept.
		_, st, err := s.manageableStates(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		assocs := st.assocs
		if _, ok := findApplication(*in.ApplicationId); !ok {
			return notFound(*in.ApplicationId, "The application %s could not be found.", *in.ApplicationId)
		}
		a := findAssoc(assocs, *in.ApplicationId)
		if a == nil {
			return notFound(*in.ApplicationId, "The application %s is not associated with %s.", *in.ApplicationId, *in.WorkspaceId)
		}
		state, err := next(kindAssociation, *in.WorkspaceId, a.State, evDisassociate)
		if err != nil {
			return err
		}
		a.Updated, a.ReasonCode, a.ReasonMessage, a.FailedStep = now, "", "", ""
		gone := state == removedNow
		if gone {
			a.State = asRemoved
			err = tx.DeleteAssociation(ctx, p, assocKey(a))
		} else {
			a.State = state
			err = tx.PutAssociation(ctx, a)
		}
		if err != nil {
			return err
		}
		out = wireWorkspaceAssociation(a)
		st.remember(tx, a, gone)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.DisassociateWorkspaceApplicationResult{Association: &out}, nil
}

// DeployWorkspaceApplications installs and uninstalls what is pending on a
// WorkSpace; with Force it also retries what failed, from the failed step.
func (s *Service) DeployWorkspaceApplications(ctx context.Context, in *api.DeployWorkspaceApplicationsRequest) (*api.DeployWorkspaceApplicationsResult, error) {
	p := partition(ctx)
	ev := evDeploy
	if api.ToBool(in.Force) {
		ev = evDeployForce
	}
	out := &api.DeployWorkspaceApplicationsResult{Deployment: &api.WorkSpaceApplicationDeployment{
		Associations: []api.WorkspaceResourceAssociation{}}}
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		out.Deployment.Associations = out.Deployment.Associations[:0] // a store may run fn again
		_, assocs, err := s.manageable(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		if err := checkDeployConflicts(assocs); err != nil {
			return err
		}
		for i := range assocs {
			a := &assocs[i]
			switch a.State {
			case asPendingInstallDeployment, asPendingUninstallDeployment, asError:
				state, err := next(kindAssociation, a.ResourceID, a.State, ev)
				if err != nil {
					return err
				}
				switch state {
				case sameAsStart:
				case failedStep:
					state = a.FailedStep
					fallthrough
				default:
					a.State, a.Updated, a.DueAt = state, now, now.Add(s.Durations().Deploy)
					a.ReasonCode, a.ReasonMessage, a.FailedStep = "", "", ""
					if err := tx.PutAssociation(ctx, a); err != nil {
						return err
					}
				}
			}
			out.Deployment.Associations = append(out.Deployment.Associations, wireWorkspaceAssociation(a))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkDeployConflicts refuses to install an application whose other
// edition is installed and staying.
func checkDeployConflicts(assocs []store.Association) error {
	for _, a := range assocs {
		if a.State != asPendingInstallDeployment {
			continue
		}
		app, _ := findApplication(a.ApplicationID)
		for _, b := range assocs {
			other, _ := findApplication(b.ApplicationID)
			if b.State == asCompleted && app.conflicts(other) {
				return &api.IncompatibleApplicationsException{}
			}
		}
	}
	return nil
}

// DescribeWorkspaceAssociations lists the applications of a WorkSpace.
func (s *Service) DescribeWorkspaceAssociations(ctx context.Context, in *api.DescribeWorkspaceAssociationsRequest) (*api.DescribeWorkspaceAssociationsResult, error) {
	if err := distinct("AssociatedResourceTypes", in.AssociatedResourceTypes); err != nil {
		return nil, err
	}
	p := partition(ctx)
	// Nothing due: one statement.
	if v, ok, err := s.viewResource(ctx, p, kindWorkspace, *in.WorkspaceId, assocWorkspace); err != nil || ok {
		if err != nil {
			return nil, err
		}
		w, err := loadDoc[workspace](v.Resource)
		if err != nil {
			return nil, err
		}
		return workspaceAssociations(*in.WorkspaceId, w, v.Associations)
	}
	var out *api.DescribeWorkspaceAssociationsResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		_, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocWorkspace, ResourceID: *in.WorkspaceId})
		if err != nil {
			return err
		}
		out, err = workspaceAssociations(*in.WorkspaceId, w, assocs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// workspaceAssociations is the answer of DescribeWorkspaceAssociations for
// a WorkSpace and its associations.
func workspaceAssociations(id string, w *workspace, assocs []store.Association) (*api.DescribeWorkspaceAssociationsResult, error) {
	if !isWindows(w.os()) {
		return nil, notSupported("UnsupportedOperatingSystem",
			"Application management is available for Windows WorkSpaces only; %s runs %s.", id, w.os())
	}
	out := &api.DescribeWorkspaceAssociationsResult{Associations: []api.WorkspaceResourceAssociation{}}
	for i := range assocs {
		out.Associations = append(out.Associations, wireWorkspaceAssociation(&assocs[i]))
	}
	return out, nil
}

// stepAssociation runs the step of a WorkSpace's application that is due:
// it either moves on or fails with the reason the installer would give.
func (s *Service) stepAssociation(ctx context.Context, tx store.Tx, a *store.Association) error {
	at := a.DueAt
	if a.State == asRemoved {
		if _, err := next(kindAssociation, a.ResourceID, a.State, evExpire); err != nil {
			return err
		}
		return tx.DeleteAssociation(ctx, a.Partition, assocKey(a))
	}
	wr, w, err := getDoc[workspace](ctx, tx, a.Partition, kindWorkspace, a.ResourceID)
	if isNotFound(err) || err == nil && (wr.State == wsTerminating || wr.State == wsTerminated) {
		// The WorkSpace is going or gone, and its applications with it.
		if _, err := next(kindAssociation, a.ResourceID, a.State, evOwnerGone); err != nil {
			return err
		}
		return tx.DeleteAssociation(ctx, a.Partition, assocKey(a))
	}
	if err != nil {
		return err
	}
	code, msg, err := s.stepFailure(ctx, tx, a, wr, w)
	if err != nil {
		return err
	}
	if code != "" {
		state, err := next(kindAssociation, a.ResourceID, a.State, evStepFailed)
		if err != nil {
			return err
		}
		a.FailedStep, a.State, a.ReasonCode, a.ReasonMessage = a.State, state, code, msg
		a.Updated, a.DueAt = at, time.Time{}
		return tx.PutAssociation(ctx, a)
	}
	state, err := next(kindAssociation, a.ResourceID, a.State, evStepDone)
	if err != nil {
		return err
	}
	a.State, a.Updated, a.DueAt = state, at, time.Time{}
	switch state {
	case asInstalling, asUninstalling:
		a.DueAt = at.Add(s.Durations().Deploy)
	case asRemoved:
		a.DueAt = at.Add(s.Durations().Removed)
	}
	return tx.PutAssociation(ctx, a)
}

// stepFailure says why a step fails, if it does: the WorkSpace cannot be
// reached, an injected fault, or (before installing) the installer's checks.
func (s *Service) stepFailure(ctx context.Context, tx store.Tx, a *store.Association, wr *store.Resource, w *workspace) (string, string, error) {
	if w.WorkspaceProperties == nil {
		return "", "", problem("doc.WorkspaceProperties", "the WorkSpace %s has no properties", wr.ID)
	}
	switch wr.State {
	case wsStopped, wsError, wsUnhealthy:
		return string(api.AssociationErrorCodeDeploymentErrorWorkspaceUnreachable),
			fmt.Sprintf("The WorkSpace %s is %s and cannot be reached.", wr.ID, wr.State), nil
	}
	fromBundle := slices.Contains(w.BundleApps, a.ApplicationID)
	op := "DeployWorkspaceApplications"
	if fromBundle {
		op = "CreateWorkspaces"
	}
	if f := s.faults.StepFault(ctx, op, a.ApplicationID, a.ResourceID); f != nil {
		return f.Code, f.Message, nil
	}
	if a.State != asPendingInstall || fromBundle {
		return "", "", nil
	}
	app, _ := findApplication(a.ApplicationID)
	props := w.WorkspaceProperties
	oldOffice := false
	if app.needsOldOfficeGone() {
		var err error
		if oldOffice, err = oldOfficeInstalled(ctx, tx, a); err != nil {
			return "", "", err
		}
	}
	var code api.AssociationErrorCode
	var msg string
	switch {
	case !slices.Contains(app.Systems, props.OperatingSystemName):
		code = api.AssociationErrorCodeValidationErrorUnsupportedOperatingSystem
		msg = fmt.Sprintf("%s does not support %s.", app.Name, props.OperatingSystemName)
	case oldOffice:
		code = api.AssociationErrorCodeValidationErrorApplicationOldVersionExists
		msg = fmt.Sprintf("%s cannot be installed while Microsoft Office 2016 or 2019 is installed; remove it first.", app.Name)
	case int(api.ToInt32(props.RootVolumeSizeGib, 0)) < app.DiskGiB:
		code = api.AssociationErrorCodeValidationErrorInsufficientDiskSpace
		msg = fmt.Sprintf("%s needs a root volume of at least %d GiB; %s has %d GiB.", app.Name, app.DiskGiB, wr.ID, api.ToInt32(props.RootVolumeSizeGib, 0))
	case memoryGiB[props.ComputeTypeName] < app.MemoryGiB:
		code = api.AssociationErrorCodeValidationErrorInsufficientMemory
		msg = fmt.Sprintf("%s needs at least %d GiB of memory; compute type %s has %d GiB.", app.Name, app.MemoryGiB, props.ComputeTypeName, memoryGiB[props.ComputeTypeName])
	}
	return string(code), msg, nil
}

// installed reports whether an association's application is on the
// WorkSpace now.
func installed(a *store.Association) bool {
	switch a.State {
	case asCompleted, asPendingUninstallDeployment, asPendingUninstall, asUninstalling:
		return true
	case asError:
		return a.FailedStep == asPendingUninstall || a.FailedStep == asUninstalling
	}
	return false
}

// oldOfficeInstalled reports whether Office 2016 or 2019 is installed on
// the WorkSpace of a.
func oldOfficeInstalled(ctx context.Context, tx store.Tx, a *store.Association) (bool, error) {
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: a.Partition, ResourceType: assocWorkspace, ResourceID: a.ResourceID})
	if err != nil {
		return false, err
	}
	for i := range assocs {
		app, _ := findApplication(assocs[i].ApplicationID)
		if app.Family == "office-old" && installed(&assocs[i]) {
			return true, nil
		}
	}
	return false, nil
}
