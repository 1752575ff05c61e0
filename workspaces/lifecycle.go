package workspaces

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
)

// Lifecycle is data: a row in flight stores its state and when its next
// step is due. Whoever reads it after that time applies the step first
// (view/update), and the sweeper does the same in the background, so the
// outcome is the same with one process or several, and across restarts.

// event is what moves a state machine: a call, or a step's end.
type event string

const (
	evStepDone   event = "step-done"   // the step in progress finished
	evStepFailed event = "step-failed" // the step in progress failed
	evExpire     event = "expire"      // a finished row's retention ended

	evCreate    event = "create"
	evStart     event = "start"
	evStop      event = "stop"
	evReboot    event = "reboot"
	evRebuild   event = "rebuild"
	evTerminate event = "terminate"
	evMaintain  event = "admin-maintenance" // ModifyWorkspaceState ADMIN_MAINTENANCE
	evResume    event = "available"         // ModifyWorkspaceState AVAILABLE
	evRestore   event = "restore"           // RestoreWorkspace
	evMigrate   event = "migrate"           // MigrateWorkspace, of the source
	evMigrated  event = "migrated"          // a migrated source's successor is built

	evAssociate    event = "associate"
	evDisassociate event = "disassociate"
	evDeploy       event = "deploy"
	evDeployForce  event = "deploy-force"

	evDeregister event = "deregister"

	// evOwnerGone: the WorkSpace of an association is terminating or gone.
	evOwnerGone event = "owner-gone"
	// evModify: ModifyAccount changes the account's BYOL settings.
	evModify event = "modify"
)

// Pseudo-states of the table.
const (
	none        = ""              // the row does not exist (yet, or any more)
	failedStep  = "<failed-step>" // a forced retry resumes the step that failed
	sameAsStart = "<unchanged>"   // the event is accepted and changes nothing
	// removedNow: the row is deleted at once, and the answer of the call
	// that removed it shows it REMOVED.
	removedNow = "<removed-now>"
)

// transition is one allowed edge of a state machine.
type transition struct {
	kind  string
	from  string
	event event
	to    string
}

// State names, short.
const (
	wsPending     = string(api.WorkspaceStatePending)
	wsAvailable   = string(api.WorkspaceStateAvailable)
	wsStopping    = string(api.WorkspaceStateStopping)
	wsStopped     = string(api.WorkspaceStateStopped)
	wsStarting    = string(api.WorkspaceStateStarting)
	wsRebooting   = string(api.WorkspaceStateRebooting)
	wsRebuilding  = string(api.WorkspaceStateRebuilding)
	wsTerminating = string(api.WorkspaceStateTerminating)
	wsTerminated  = string(api.WorkspaceStateTerminated)
	wsMaintenance = string(api.WorkspaceStateAdminMaintenance)
	wsError       = string(api.WorkspaceStateError)
	wsUnhealthy   = string(api.WorkspaceStateUnhealthy)
	wsImpaired    = string(api.WorkspaceStateImpaired)
	wsSuspended   = string(api.WorkspaceStateSuspended)
	wsRestoring   = string(api.WorkspaceStateRestoring)

	asPendingInstallDeployment   = string(api.AssociationStatePendingInstallDeployment)
	asPendingInstall             = string(api.AssociationStatePendingInstall)
	asInstalling                 = string(api.AssociationStateInstalling)
	asCompleted                  = string(api.AssociationStateCompleted)
	asError                      = string(api.AssociationStateError)
	asPendingUninstallDeployment = string(api.AssociationStatePendingUninstallDeployment)
	asPendingUninstall           = string(api.AssociationStatePendingUninstall)
	asUninstalling               = string(api.AssociationStateUninstalling)
	asRemoved                    = string(api.AssociationStateRemoved)

	imPending   = string(api.WorkspaceImageStatePending)
	imAvailable = string(api.WorkspaceImageStateAvailable)
	imError     = string(api.WorkspaceImageStateError)

	dirRegistering   = string(api.WorkspaceDirectoryStateRegistering)
	dirRegistered    = string(api.WorkspaceDirectoryStateRegistered)
	dirDeregistering = string(api.WorkspaceDirectoryStateDeregistering)
)

// transitions is every allowed edge; what is not here is refused with the
// error refusal names.
var transitions = []transition{
	// Images: import, create, copy.
	{kindImage, none, evCreate, imPending},
	{kindImage, imPending, evStepDone, imAvailable},
	{kindImage, imPending, evStepFailed, imError},
	{kindImageApp, none, evCreate, asInstalling},
	{kindImageApp, asInstalling, evStepDone, asCompleted},
	{kindImageApp, asInstalling, evStepFailed, asError},
	{kindImageApp, asRemoved, evExpire, none}, // declared by a seed or a snapshot

	// A custom image import (ImportCustomWorkspaceImage): its stages in the
	// model's order, each able to fail.
	{kindCustomImport, none, evCreate, ciPending},
	{kindCustomImport, ciPending, evStepDone, ciInProgress},
	{kindCustomImport, ciInProgress, evStepDone, ciProcessingSource},
	{kindCustomImport, ciProcessingSource, evStepDone, ciTestingStart},
	{kindCustomImport, ciTestingStart, evStepDone, ciUpdatingOS},
	{kindCustomImport, ciUpdatingOS, evStepDone, ciCompatibilityChecking},
	{kindCustomImport, ciCompatibilityChecking, evStepDone, ciTestingGeneralization},
	{kindCustomImport, ciTestingGeneralization, evStepDone, ciCreatingTestInstance},
	{kindCustomImport, ciCreatingTestInstance, evStepDone, ciInstallingComponents},
	{kindCustomImport, ciInstallingComponents, evStepDone, ciGeneralizing},
	{kindCustomImport, ciGeneralizing, evStepDone, ciValidating},
	{kindCustomImport, ciValidating, evStepDone, ciPublishing},
	{kindCustomImport, ciPublishing, evStepDone, ciCompleted},

	// Directories.
	{kindDirectory, none, evCreate, dirRegistering},
	{kindDirectory, dirRegistering, evStepDone, dirRegistered},
	{kindDirectory, dirRegistering, evDeregister, dirDeregistering},
	{kindDirectory, dirRegistered, evDeregister, dirDeregistering},
	{kindDirectory, dirDeregistering, evStepDone, none},

	// WorkSpaces.
	{kindWorkspace, none, evCreate, wsPending},
	{kindWorkspace, wsPending, evStepDone, wsAvailable},
	{kindWorkspace, wsPending, evStepFailed, wsError},
	// StopWorkspaces: "a state of AVAILABLE, IMPAIRED, UNHEALTHY, or ERROR".
	{kindWorkspace, wsAvailable, evStop, wsStopping},
	{kindWorkspace, wsImpaired, evStop, wsStopping},
	{kindWorkspace, wsUnhealthy, evStop, wsStopping},
	{kindWorkspace, wsError, evStop, wsStopping},
	{kindWorkspace, wsStopping, evStepDone, wsStopped},
	{kindWorkspace, wsStopped, evStart, wsStarting},
	{kindWorkspace, wsStarting, evStepDone, wsAvailable},
	// RebootWorkspaces: "AVAILABLE, UNHEALTHY, or REBOOTING" (a reboot of a
	// REBOOTING WorkSpace starts the step again).
	{kindWorkspace, wsAvailable, evReboot, wsRebooting},
	{kindWorkspace, wsUnhealthy, evReboot, wsRebooting},
	{kindWorkspace, wsRebooting, evReboot, wsRebooting},
	{kindWorkspace, wsRebooting, evStepDone, wsAvailable},
	{kindWorkspace, wsAvailable, evRebuild, wsRebuilding},
	{kindWorkspace, wsError, evRebuild, wsRebuilding},
	{kindWorkspace, wsUnhealthy, evRebuild, wsRebuilding},
	{kindWorkspace, wsStopped, evRebuild, wsRebuilding},
	{kindWorkspace, wsRebooting, evRebuild, wsRebuilding}, // "AVAILABLE, ERROR, UNHEALTHY, STOPPED, or REBOOTING"
	{kindWorkspace, wsRebuilding, evStepDone, wsAvailable},
	{kindWorkspace, wsAvailable, evMaintain, wsMaintenance},
	{kindWorkspace, wsMaintenance, evResume, wsAvailable},
	{kindWorkspace, wsAvailable, evResume, sameAsStart},
	{kindWorkspace, wsMaintenance, evMaintain, sameAsStart},
	{kindWorkspace, wsTerminating, evStepDone, wsTerminated},
	// RestoreWorkspace: "AVAILABLE, ERROR, UNHEALTHY, or STOPPED".
	{kindWorkspace, wsAvailable, evRestore, wsRestoring},
	{kindWorkspace, wsError, evRestore, wsRestoring},
	{kindWorkspace, wsUnhealthy, evRestore, wsRestoring},
	{kindWorkspace, wsStopped, evRestore, wsRestoring},
	{kindWorkspace, wsRestoring, evStepDone, wsAvailable},
	// MigrateWorkspace: the source is SUSPENDED while its successor is
	// built (nothing, not even TerminateWorkspaces, touches it), then
	// terminated (migrate.go). Its own event, not a step's end: a SUSPENDED
	// WorkSpace of a seed stays SUSPENDED.
	{kindWorkspace, wsAvailable, evMigrate, wsSuspended},
	{kindWorkspace, wsStopped, evMigrate, wsSuspended},
	{kindWorkspace, wsSuspended, evMigrated, wsTerminating},
	{kindWorkspace, wsTerminated, evExpire, none},

	// A WorkSpace's applications.
	{kindAssociation, none, evAssociate, asPendingInstallDeployment},
	{kindAssociation, asRemoved, evAssociate, asPendingInstallDeployment},
	{kindAssociation, asPendingInstallDeployment, evDisassociate, removedNow},
	{kindAssociation, asPendingInstallDeployment, evDeploy, asPendingInstall},
	{kindAssociation, asPendingInstallDeployment, evDeployForce, asPendingInstall},
	{kindAssociation, none, evCreate, asPendingInstall}, // launched from a bundle with applications
	{kindAssociation, asPendingInstall, evStepDone, asInstalling},
	{kindAssociation, asPendingInstall, evStepFailed, asError},
	{kindAssociation, asInstalling, evStepDone, asCompleted},
	{kindAssociation, asInstalling, evStepFailed, asError},
	{kindAssociation, asCompleted, evDisassociate, asPendingUninstallDeployment},
	{kindAssociation, asPendingUninstallDeployment, evDeploy, asPendingUninstall},
	{kindAssociation, asPendingUninstallDeployment, evDeployForce, asPendingUninstall},
	{kindAssociation, asPendingUninstall, evStepDone, asUninstalling},
	{kindAssociation, asPendingUninstall, evStepFailed, asError},
	{kindAssociation, asUninstalling, evStepDone, asRemoved},
	{kindAssociation, asUninstalling, evStepFailed, asError},
	{kindAssociation, asError, evDeployForce, failedStep},
	{kindAssociation, asError, evDeploy, sameAsStart}, // without Force an ERROR stays
	{kindAssociation, asError, evDisassociate, asPendingUninstallDeployment},
	{kindAssociation, asRemoved, evExpire, none},
	// A rebuild reinstalls what the WorkSpace had installed; the others
	// stay as they are (init).
	{kindAssociation, asCompleted, evRebuild, asPendingInstall},

	// The account's BYOL settings: the first ModifyAccount makes the row.
	{kindAccount, none, evModify, modPending},
	{kindAccount, modPending, evStepDone, modCompleted},
}

// Edges from (nearly) every state. A custom image import can fail in any
// stage before COMPLETED. TerminateWorkspaces: "You can terminate a
// WorkSpace that is in any state except SUSPENDED"; one already terminating
// or terminated stays as it is. An association goes with its WorkSpace from
// any state, and a rebuild leaves all but COMPLETED ones as they are.
func init() {
	for _, st := range api.WorkspaceState("").Values() {
		switch s := string(st); s {
		case wsSuspended:
		case wsTerminating, wsTerminated:
			transitions = append(transitions, transition{kindWorkspace, s, evTerminate, sameAsStart})
		default:
			transitions = append(transitions, transition{kindWorkspace, s, evTerminate, wsTerminating})
		}
	}
	for _, st := range customImportStages[:len(customImportStages)-1] {
		transitions = append(transitions, transition{kindCustomImport, st, evStepFailed, ciError})
	}
	for _, st := range api.AssociationState("").Values() {
		s := string(st)
		transitions = append(transitions, transition{kindAssociation, s, evOwnerGone, none})
		if s != asCompleted {
			transitions = append(transitions, transition{kindAssociation, s, evRebuild, sameAsStart})
		}
	}
}

// refusal is the error an event gets where the table has no edge. The
// message names the resource and its state.
func refusal(kind, id, state string, ev event) error {
	switch kind {
	case kindAssociation:
		switch ev {
		case evAssociate:
			return alreadyExists("The application is already associated with %s (state %s).", id, state)
		case evDisassociate:
			if state == none {
				return notFound(id, "The application is not associated with %s.", id)
			}
			if state == asRemoved || state == asPendingUninstallDeployment {
				return invalidParameter("The application is already being removed from %s (state %s).", id, state)
			}
			return inUse(id, "The application on %s is %s; wait for it to finish.", id, state)
		case evDeploy, evDeployForce:
			return inUse(id, "The application on %s is %s; wait for it to finish.", id, state)
		}
	case kindAccount:
		if ev == evModify && state == modPending {
			return invalidState("A modification of the account's BYOL settings is in progress; wait for it to complete.")
		}
		if ev == evModify {
			return invalidState("BYOL is already enabled for this account.")
		}
	case kindDirectory:
		if ev == evDeregister {
			return invalidState("The directory %s is %s and cannot be deregistered.", id, state)
		}
	case kindPool, kindPoolSession:
		return poolRefusal(kind, id, state, ev)
	case kindWorkspace:
		switch ev {
		case evRestore:
			// RestoreWorkspace's errors list no InvalidResourceStateException.
			return notSupported("", "The WorkSpace %s is %s; only AVAILABLE, ERROR, UNHEALTHY or STOPPED WorkSpaces can be restored.", id, state)
		case evMigrate:
			return migrateRefusal(id, state)
		}
		if ev == evMaintain || ev == evResume {
			return invalidState("The WorkSpace %s is %s; its state can be changed only between AVAILABLE and ADMIN_MAINTENANCE.", id, state)
		}
		return invalidState("The WorkSpace %s is %s and cannot %s.", id, state, ev)
	}
	return &noTransition{kind, state, ev}
}

// noTransition is the refusal of an event the table has no edge for and
// no documented error: a row in a state its kind does not have.
type noTransition struct {
	kind, state string
	ev          event
}

func (e *noTransition) Error() string {
	return fmt.Sprintf("no %s transition from %q on %s", e.kind, e.state, e.ev)
}

// next returns the state that ev moves a kind in state from to, or the
// documented refusal.
func next(kind, id, from string, ev event) (string, error) {
	for _, t := range transitions {
		if t.kind == kind && t.from == from && t.event == ev {
			return t.to, nil
		}
	}
	return "", refusal(kind, id, from, ev)
}

// dueItem is a resource or an association with a step due.
type dueItem struct {
	at    time.Time
	res   *store.Resource
	assoc *store.Association
}

// Bounds of one transaction of a catch-up (catchUp, Sweep, update): it
// commits after catchUpSteps steps or catchUpTime, whichever comes first,
// so that other writers interleave with a long catch-up and wait for at
// most one such transaction. The time is checked before each instant's
// steps (the steps due at one instant are applied in one transaction) and
// before each read of due rows, and it includes what the end of the
// previous transaction took (its last writes and commit, settling.tail),
// unless that took longer than the steps had.
// It is wall time: on a loaded machine a transaction does less work.
const (
	catchUpSteps = 1000
	catchUpTime  = 15 * time.Millisecond
	// dueBatch is how many due rows of each table one read takes, in due
	// order, from the index on due_at. A read costs a scan of what the
	// index holds before the first row, on PostgreSQL also the entries of
	// rows already stepped (until VACUUM): fewer, larger reads.
	dueBatch = 250
	// maxRepeats bounds how many times the steps of one instant run again
	// because steps keep scheduling more at that same instant.
	maxRepeats = 10000
)

// settling is what one catch-up knows across its transactions: the last
// instant it applied steps of, and how many times in a row.
type settling struct {
	last    time.Time
	repeats int
	// ending is when the last advance began to end its transaction, and
	// tail how long that took to the commit: the next transaction leaves
	// that much of catchUpTime for it.
	ending time.Time
	tail   time.Duration
	// reached is the last instant the last transaction applied steps of,
	// and floor that of the last that committed: every step due before
	// it has been applied (steps schedule steps at their own instant or
	// later), so reads of due rows start there (store.DueFromReader).
	reached, floor time.Time
}

// ended records the end of a transaction of the catch-up (see tail), and
// that it committed when err is nil.
func (st *settling) ended(err error) {
	if !st.ending.IsZero() {
		st.tail = time.Since(st.ending)
		st.ending = time.Time{}
		if err == nil {
			st.floor = st.reached
		}
	}
}

// advance applies the lifecycle steps due at now, in p or (nil) everywhere,
// in due order. Each step happens at its own due time, so catching up after
// a long pause gives the same result and timestamps as running live.
//
// The due rows are read in batches, earliest first (readDue). The steps of
// the earliest instant are applied together, from the rows as they were
// before any of them; what they write is merged into the batch (dueTx), so
// the next instant sees the rows as a new read would, without one.
//
// It returns done once nothing is due at now, or, with done false, after
// about catchUpSteps steps or catchUpTime at an instant's end: the caller
// commits and calls again with the same st, which carries the guard against
// steps that never settle (maxRepeats) across the transactions.
//
// n counts the steps applied; the caller adds it to the service's totals
// (StepsApplied) once the transaction has committed.
func (s *Service) advance(ctx context.Context, tx store.Tx, p *store.Partition, now time.Time, n *StepCounts, st *settling) (done bool, err error) {
	q := &dueQueue{s: s, p: p, from: st.floor}
	rtx := newDueTx(tx, q)
	start := time.Now()
	// The time of the transaction: the bound less what the end of the last
	// one (its last writes and the commit) took, but at least as long as
	// that end and twice what finding the first steps took (AnyDue and
	// the first read): when those are slow (a busy WAL; on PostgreSQL, a
	// due index full of entries of rows already stepped, until VACUUM),
	// transactions of a few steps each would spend the catch-up on them.
	budget := max(catchUpTime-st.tail, st.tail)
	applied := 0
	over := func() bool {
		return applied > 0 && (applied >= catchUpSteps || time.Since(start) >= budget)
	}
	first := true
	// finish writes what the steps left held; the caller commits next.
	finish := func(done bool) (bool, error) {
		st.ending, st.reached = time.Now(), st.last
		return done, rtx.flush(ctx)
	}
	// Most writes find nothing due: one query rather than two, while the
	// transaction holds its partition's lock.
	if due, err := anyDueFrom(ctx, rtx, p, st.floor, now); err != nil || !due {
		if err != nil || st.floor.IsZero() {
			return err == nil, err
		}
		if due, err = s.restart(ctx, rtx, q, st, now); err != nil || !due {
			return err == nil, err
		}
	}
	for {
		if over() {
			return finish(false)
		}
		complete, err := s.readDue(ctx, rtx, q, now)
		if err != nil {
			return false, err
		}
		if first {
			first = false
			budget = max(budget, 2*time.Since(start))
		}
		for q.Len() > 0 {
			if over() {
				return finish(false)
			}
			group := q.popInstant()
			if len(group) == 0 {
				break
			}
			if at := group[0].at; at.Equal(st.last) {
				if st.repeats++; st.repeats > maxRepeats {
					return false, fmt.Errorf("lifecycle did not settle at %v", at)
				}
			} else {
				st.last, st.repeats = at, 0
			}
			for i := range group {
				it := &group[i]
				kind := kindAssociation
				if it.res != nil {
					kind = it.res.Kind
				}
				if err := s.step(ctx, rtx, it); err != nil {
					return false, err
				}
				n.add(kind)
				applied++
			}
		}
		if complete {
			if st.floor.IsZero() {
				return finish(true)
			}
			if due, err := s.restart(ctx, rtx, q, st, now); err != nil || !due {
				if err != nil {
					return false, err
				}
				return finish(true)
			}
		}
	}
}

// restart reports whether a step is due before the catch-up's floor
// (written there by another writer between two of its transactions), and
// if so drops the floor: the catch-up reads from the start again.
func (s *Service) restart(ctx context.Context, tx store.Tx, q *dueQueue, st *settling, now time.Time) (bool, error) {
	due, err := s.anyDue(ctx, tx, q.p, now)
	if due {
		st.floor, q.from = time.Time{}, time.Time{}
	}
	return due, err
}

// anyDueFrom is AnyDue of the rows due at from or later (zero: all).
func anyDueFrom(ctx context.Context, tx store.Tx, p *store.Partition, from, now time.Time) (bool, error) {
	if fr, ok := tx.(store.DueFromReader); ok && !from.IsZero() {
		return fr.AnyDueFrom(ctx, p, from, now)
	}
	return tx.AnyDue(ctx, p, now)
}

// readDue fills q with the next batch of the rows due at now that are not
// quarantined, and sets q.upTo: every row due up to it is in q. complete
// reports that the batch holds every due row (q.upTo is now).
func (s *Service) readDue(ctx context.Context, tx store.Tx, q *dueQueue, now time.Time) (complete bool, err error) {
	// Quarantined rows stay due; reading that many more keeps a batch
	// from holding nothing else.
	limit := dueBatch + s.quarantine.count(q.p)
	res, assocs, err := readDueRows(ctx, tx, q.p, q.from, now, limit)
	if err != nil {
		return false, err
	}
	// A table that filled the batch may hold more rows due at the instant
	// of its last one: the batch is complete before that instant.
	var bound time.Time
	if len(res) == limit {
		bound = res[len(res)-1].DueAt
	}
	if len(assocs) == limit && (bound.IsZero() || assocs[len(assocs)-1].DueAt.Before(bound)) {
		bound = assocs[len(assocs)-1].DueAt
	}
	if bound.IsZero() {
		q.reset(s.steppable(dueItems(res, assocs, time.Time{})), now)
		return true, nil
	}
	if items := s.steppable(dueItems(res, assocs, bound)); len(items) > 0 {
		q.reset(items, bound.Add(-time.Millisecond))
		return false, nil
	}
	// Nothing to step before bound: read every row due up to it.
	if res, assocs, err = readDueRows(ctx, tx, q.p, q.from, bound, 0); err != nil {
		return false, err
	}
	if items := s.steppable(dueItems(res, assocs, time.Time{})); len(items) > 0 {
		q.reset(items, bound)
		return false, nil
	}
	// Only if the quarantine grew meanwhile: read every due row.
	if res, assocs, err = readDueRows(ctx, tx, q.p, q.from, now, 0); err != nil {
		return false, err
	}
	q.reset(s.steppable(dueItems(res, assocs, time.Time{})), now)
	return true, nil
}

// readDueRows reads the first limit (0: all) resources and associations
// due at now in p, from the instant from on (zero: all).
func readDueRows(ctx context.Context, tx store.Tx, p *store.Partition, from, now time.Time, limit int) ([]store.Resource, []store.Association, error) {
	if fr, ok := tx.(store.DueFromReader); ok && !from.IsZero() {
		res, err := fr.DueResourcesFrom(ctx, p, from, now, limit)
		if err != nil {
			return nil, nil, err
		}
		assocs, err := fr.DueAssociationsFrom(ctx, p, from, now, limit)
		return res, assocs, err
	}
	res, err := tx.DueResources(ctx, p, now, limit)
	if err != nil {
		return nil, nil, err
	}
	assocs, err := tx.DueAssociations(ctx, p, now, limit)
	if err != nil {
		return nil, nil, err
	}
	return res, assocs, nil
}

// dueItems makes the rows due items, those due before bound only (zero:
// all).
func dueItems(res []store.Resource, assocs []store.Association, bound time.Time) []dueItem {
	items := make([]dueItem, 0, len(res)+len(assocs))
	for i := range res {
		if bound.IsZero() || res[i].DueAt.Before(bound) {
			items = append(items, dueItem{at: res[i].DueAt, res: &res[i]})
		}
	}
	for i := range assocs {
		if bound.IsZero() || assocs[i].DueAt.Before(bound) {
			items = append(items, dueItem{at: assocs[i].DueAt, assoc: &assocs[i]})
		}
	}
	return items
}

// steppable drops the due items that are quarantined, and quarantines
// those that are not valid rows of their kind (checkResource,
// checkAssociation): their step is not applied.
func (s *Service) steppable(items []dueItem) []dueItem {
	out := items[:0]
	for i := range items {
		it := &items[i]
		k := it.key()
		if s.quarantine.any(&k.p) && s.quarantine.has(k) {
			continue
		}
		var bad *rowProblem
		if it.res != nil {
			bad = checkResource(it.res)
		} else {
			bad = checkAssociation(it.assoc)
		}
		if bad != nil {
			s.quarantineRow(k, "not a valid row: "+bad.Error())
			continue
		}
		out = append(out, *it)
	}
	return out
}

// stepAnyAssociation steps an application's association by what it is on.
func (s *Service) stepAnyAssociation(ctx context.Context, tx store.Tx, a *store.Association) error {
	switch a.ResourceType {
	case assocWorkspace:
		return s.stepAssociation(ctx, tx, a)
	case assocImage:
		return s.stepImageApp(ctx, tx, a)
	}
	return &noTransition{a.ResourceType + " association", a.State, evStepDone}
}

// anyDue reports whether a step that is not quarantined is due at now in p
// (nil: anywhere). Only when p has quarantined rows does it read them, one
// more of each table than there are: a table with more due rows than that
// has one that is not quarantined.
func (s *Service) anyDue(ctx context.Context, tx store.Tx, p *store.Partition, now time.Time) (bool, error) {
	due, err := tx.AnyDue(ctx, p, now)
	if err != nil || !due || !s.quarantine.any(p) {
		return due, err
	}
	q := s.quarantine.count(p)
	res, assocs, err := readDueRows(ctx, tx, p, time.Time{}, now, q+1)
	if err != nil || len(res) > q || len(assocs) > q {
		return err == nil, err
	}
	for i := range res {
		if !s.quarantine.has((&dueItem{res: &res[i]}).key()) {
			return true, nil
		}
	}
	for i := range assocs {
		if !s.quarantine.has((&dueItem{assoc: &assocs[i]}).key()) {
			return true, nil
		}
	}
	return false, nil
}

// catchUp applies what is due in p in transactions of its own, so that an
// operation that then fails does not roll the world back.
func (s *Service) catchUp(ctx context.Context, p store.Partition) error {
	_, err := s.catchUpIn(ctx, &p)
	return err
}

// Sweep applies every step that is due anywhere. The background sweeper
// calls it; so does the control API after the manual clock moves.
//
// Each partition with steps due is caught up in writes of that partition
// alone (catchUpIn), the earliest due first: a write of every partition
// would make the writers of every other partition wait for each of its
// transactions (on PostgreSQL it holds the schema's lock). Within a
// partition the steps keep their order and their times; a step that
// needs another partition takes it on the way (store.Store.WriteIn), and
// what it makes due there is caught up by the next round. A store that
// cannot list the partitions is swept in writes of every partition.
func (s *Service) Sweep(ctx context.Context) error {
	start := s.clock.Now()
	for range maxSweepRounds {
		var parts []store.Partition
		listed := false
		err := s.store.Read(ctx, func(tx store.Tx) error {
			l, ok := tx.(store.DuePartitionLister)
			if !ok {
				return nil
			}
			listed = true
			var err error
			parts, err = l.DuePartitions(ctx, start)
			return err
		})
		if err != nil {
			return err
		}
		if !listed {
			_, err := s.catchUpIn(ctx, nil)
			return err
		}
		// A partition whose due rows are all quarantined applies nothing:
		// a round that applied nothing is the last.
		stepped := false
		for i := range parts {
			due, err := s.catchUpIn(ctx, &parts[i])
			if err != nil {
				return err
			}
			stepped = stepped || due
		}
		if !stepped {
			return nil
		}
	}
	return nil
}

// maxSweepRounds bounds the rounds of one Sweep: a round after the first
// finds only steps that the steps of another partition made due (or that
// other writers wrote) while it ran; what is still due after that is left
// to the next sweep, or to the partition's next caller.
const maxSweepRounds = 4

// catchUpIn applies what is due in p (nil: everywhere), in bounded
// transactions (advance) so that other writers interleave. Each
// transaction commits a state as of one instant of the past; a reader that
// finds steps still due there applies them first (view, update), so no
// caller sees it. due reports that a step was due (not quarantined).
func (s *Service) catchUpIn(ctx context.Context, p *store.Partition) (due bool, err error) {
	now := s.clock.Now()
	err = s.store.Read(ctx, func(tx store.Tx) error {
		var err error
		due, err = s.anyDue(ctx, tx, p, now)
		return err
	})
	if err != nil || !due {
		return due, err
	}
	var parts []store.Partition // nil: every partition
	if p != nil {
		parts = []store.Partition{*p}
	}
	var st settling
	for {
		var done bool
		before := st
		err := s.write(ctx, parts, func(ctx context.Context, tx store.Tx, n *StepCounts) error {
			st = before // a store may run fn again
			var err error
			done, err = s.advance(ctx, tx, p, s.clock.Now(), n, &st)
			return err
		})
		st.ended(err)
		if err != nil || done {
			return true, err
		}
	}
}

// StepCounts counts lifecycle steps by the kind they moved: every kind of
// kindTable that is counted, a WorkSpace's applications as "association".
type StepCounts map[string]int64

func (n *StepCounts) add(kind string) {
	if k := kindByName[kind]; k == nil || !k.counted {
		return
	}
	if *n == nil {
		*n = StepCounts{}
	}
	(*n)[kind]++
}

// StepsApplied is how many lifecycle steps this Service has applied in
// transactions that committed. With several replicas on one database, the
// sum over the replicas is the number of steps that became due: none is
// applied twice.
func (s *Service) StepsApplied() StepCounts {
	out := StepCounts{}
	for _, k := range kindTable {
		if k.counted {
			out[k.kind] = 0
		}
	}
	s.stepsMu.Lock()
	defer s.stepsMu.Unlock()
	for kind, v := range s.steps {
		out[kind] += v
	}
	return out
}

// write runs fn in a write transaction of the partitions ps (nil: of every
// partition; see store.Store.WriteIn) and counts the steps it applied once
// the transaction has committed. A store runs fn again only after it rolled
// its last run back (a combined transaction lost, on PostgreSQL a step due
// after a guess of a version gone wrong): what that run counted, and the
// fault rules it fired (recorded through fn's ctx), did not happen.
func (s *Service) write(ctx context.Context, ps []store.Partition, fn func(ctx context.Context, tx store.Tx, n *StepCounts) error) error {
	var n StepCounts
	var err error
	fires := new(sim.Fires)
	fctx := sim.WithFires(ctx, fires)
	run := func(tx store.Tx) error {
		n = nil
		s.faults.Unfire(fires)
		return fn(fctx, tx, &n)
	}
	// A step that fails on its row's data rolls the transaction back; the
	// row is quarantined and the transaction runs again without it.
	for attempt := 0; ; attempt++ {
		if s.runTwice {
			_ = s.store.WriteIn(ctx, ps, func(tx store.Tx) error {
				if err := run(tx); err != nil {
					return err
				}
				return errRunAgain
			})
		}
		err = s.store.WriteIn(ctx, ps, run)
		if err != nil {
			s.faults.Unfire(fires)
		}
		var failed *stepFailed
		if !errors.As(err, &failed) || attempt >= maxQuarantinedPerWrite {
			break
		}
		s.quarantineRow(failed.row, failed.reason)
	}
	if err == nil && len(n) > 0 {
		s.stepsMu.Lock()
		if s.steps == nil {
			s.steps = StepCounts{}
		}
		for kind, v := range n {
			s.steps[kind] += v
		}
		s.stepsMu.Unlock()
	}
	return err
}

// errRunAgain rolls back the first run of a write (Config.RunTwice).
var errRunAgain = errors.New("run the write again")

// maxQuarantinedPerWrite bounds how many rows one write quarantines
// before it gives up with the error of the last.
const maxQuarantinedPerWrite = 100

// RunSweeper calls Sweep every interval until ctx ends. A sweep that
// panics is logged and the next one runs on time: nothing a row holds
// stops the process.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.safeSweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("lifecycle sweep failed", "err", err)
			}
		}
	}
}

// safeSweep is Sweep with a panic turned into an error.
func (s *Service) safeSweep(ctx context.Context) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return s.Sweep(ctx)
}
