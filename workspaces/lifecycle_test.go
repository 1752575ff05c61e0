package workspaces

import (
	"errors"
	"slices"
	"testing"

	"github.com/wslocal/wslocal/api"
)

// expected is the lifecycle of docs/behaviour.md written out independently
// of the transition table: every edge that must exist, and nothing else may.
var expected = map[string]map[string]map[event]string{
	kindImage: {
		none:      {evCreate: imPending},
		imPending: {evStepDone: imAvailable, evStepFailed: imError},
	},
	kindImageApp: {
		none:         {evCreate: asInstalling},
		asInstalling: {evStepDone: asCompleted, evStepFailed: asError},
		asRemoved:    {evExpire: none}, // declared by a seed or a snapshot
	},
	kindCustomImport: {
		none:                    {evCreate: ciPending},
		ciPending:               {evStepDone: ciInProgress, evStepFailed: ciError},
		ciInProgress:            {evStepDone: ciProcessingSource, evStepFailed: ciError},
		ciProcessingSource:      {evStepDone: ciTestingStart, evStepFailed: ciError},
		ciTestingStart:          {evStepDone: ciUpdatingOS, evStepFailed: ciError},
		ciUpdatingOS:            {evStepDone: ciCompatibilityChecking, evStepFailed: ciError},
		ciCompatibilityChecking: {evStepDone: ciTestingGeneralization, evStepFailed: ciError},
		ciTestingGeneralization: {evStepDone: ciCreatingTestInstance, evStepFailed: ciError},
		ciCreatingTestInstance:  {evStepDone: ciInstallingComponents, evStepFailed: ciError},
		ciInstallingComponents:  {evStepDone: ciGeneralizing, evStepFailed: ciError},
		ciGeneralizing:          {evStepDone: ciValidating, evStepFailed: ciError},
		ciValidating:            {evStepDone: ciPublishing, evStepFailed: ciError},
		ciPublishing:            {evStepDone: ciCompleted, evStepFailed: ciError},
		ciCompleted:             {},
		ciError:                 {},
	},
	kindDirectory: {
		none:             {evCreate: dirRegistering},
		dirRegistering:   {evStepDone: dirRegistered, evDeregister: dirDeregistering},
		dirRegistered:    {evDeregister: dirDeregistering},
		dirDeregistering: {evStepDone: none},
	},
	kindAssociation: {
		none:                         {evAssociate: asPendingInstallDeployment, evCreate: asPendingInstall},
		asPendingInstallDeployment:   {evDeploy: asPendingInstall, evDeployForce: asPendingInstall, evDisassociate: removedNow},
		asPendingInstall:             {evStepDone: asInstalling, evStepFailed: asError},
		asInstalling:                 {evStepDone: asCompleted, evStepFailed: asError},
		asCompleted:                  {evDisassociate: asPendingUninstallDeployment, evRebuild: asPendingInstall},
		asPendingUninstallDeployment: {evDeploy: asPendingUninstall, evDeployForce: asPendingUninstall},
		asPendingUninstall:           {evStepDone: asUninstalling, evStepFailed: asError},
		asUninstalling:               {evStepDone: asRemoved, evStepFailed: asError},
		asError:                      {evDeploy: sameAsStart, evDeployForce: failedStep, evDisassociate: asPendingUninstallDeployment},
		asRemoved:                    {evAssociate: asPendingInstallDeployment, evExpire: none},
	},
	kindAccount: {
		none:         {evModify: modPending},
		modPending:   {evStepDone: modCompleted},
		modCompleted: {},
	},
	kindWorkspace: {
		none:      {evCreate: wsPending},
		wsPending: {evStepDone: wsAvailable, evStepFailed: wsError},
		wsAvailable: {evStop: wsStopping, evReboot: wsRebooting, evRebuild: wsRebuilding, evMaintain: wsMaintenance, evResume: sameAsStart,
			evRestore: wsRestoring, evMigrate: wsSuspended},
		wsStopping:    {evStepDone: wsStopped},
		wsStopped:     {evStart: wsStarting, evRebuild: wsRebuilding, evRestore: wsRestoring, evMigrate: wsSuspended},
		wsStarting:    {evStepDone: wsAvailable},
		wsRebooting:   {evStepDone: wsAvailable, evReboot: wsRebooting, evRebuild: wsRebuilding},
		wsImpaired:    {evStop: wsStopping},
		wsRebuilding:  {evStepDone: wsAvailable},
		wsMaintenance: {evResume: wsAvailable, evMaintain: sameAsStart},
		wsUnhealthy:   {evReboot: wsRebooting, evRebuild: wsRebuilding, evStop: wsStopping, evRestore: wsRestoring},
		wsError:       {evRebuild: wsRebuilding, evStop: wsStopping, evRestore: wsRestoring},
		wsRestoring:   {evStepDone: wsAvailable},
		wsSuspended:   {evMigrated: wsTerminating}, // a migrated source
		wsTerminating: {evStepDone: wsTerminated, evTerminate: sameAsStart},
		wsTerminated:  {evExpire: none, evTerminate: sameAsStart},
	},
}

var allEvents = []event{evStepDone, evStepFailed, evExpire, evCreate, evStart, evStop, evReboot, evRebuild,
	evTerminate, evMaintain, evResume, evAssociate, evDisassociate, evDeploy, evDeployForce, evDeregister,
	evOwnerGone, evModify, evRestore, evMigrate, evMigrated}

// apiEvents are the calls that act on each kind: their refusals must be
// errors of the model, which the caller receives.
var apiEvents = map[string]map[event]bool{
	kindAssociation: {evAssociate: true, evDisassociate: true, evDeploy: true, evDeployForce: true},
	kindWorkspace: {evStart: true, evStop: true, evReboot: true, evRebuild: true, evTerminate: true, evMaintain: true, evResume: true,
		evRestore: true, evMigrate: true},
	kindDirectory: {evDeregister: true},
	kindAccount:   {evModify: true},
}

func statesOf(kind string) []string {
	var out []string
	add := func(vals ...string) { out = append(out, vals...) }
	switch kind {
	case kindImage:
		for _, s := range api.WorkspaceImageState("").Values() {
			add(string(s))
		}
	case kindDirectory:
		for _, s := range api.WorkspaceDirectoryState("").Values() {
			add(string(s))
		}
	case kindWorkspace:
		for _, s := range api.WorkspaceState("").Values() {
			add(string(s))
		}
	case kindAccount:
		for _, s := range api.DedicatedTenancyModificationStateEnum("").Values() {
			add(string(s))
		}
	case kindPool:
		for _, s := range api.WorkspacesPoolState("").Values() {
			add(string(s))
		}
	case kindPoolSession:
		for _, s := range api.SessionConnectionState("").Values() {
			add(string(s))
		}
	case kindCustomImport:
		for _, s := range api.CustomWorkspaceImageImportState("").Values() {
			add(string(s))
		}
	default:
		for _, s := range api.AssociationState("").Values() {
			add(string(s))
		}
	}
	return append(out, none)
}

func TestTransitionsWalkEveryStateAndEvent(t *testing.T) {
	for kind, edges := range expected {
		for _, from := range statesOf(kind) {
			for _, ev := range allEvents {
				want, allowed := edges[from][ev]
				if kind == kindWorkspace && ev == evTerminate && from != none && from != wsTerminating && from != wsTerminated && from != wsSuspended {
					want, allowed = wsTerminating, true // terminate works from every live state but SUSPENDED
				}
				if kind == kindAssociation && from != none {
					switch {
					case ev == evOwnerGone:
						want, allowed = none, true // the applications go with their WorkSpace
					case ev == evRebuild && from != asCompleted:
						want, allowed = sameAsStart, true // a rebuild reinstalls only what was installed
					}
				}
				got, err := next(kind, "id-1", from, ev)
				switch {
				case allowed && err != nil:
					t.Errorf("%s %q on %s: refused (%v), want %q", kind, from, ev, err, want)
				case allowed && got != want:
					t.Errorf("%s %q on %s: went to %q, want %q", kind, from, ev, got, want)
				case !allowed && err == nil:
					t.Errorf("%s %q on %s: went to %q, want a refusal", kind, from, ev, got)
				case !allowed && apiEvents[kind][ev]:
					var apiErr api.Error
					if !errors.As(err, &apiErr) {
						t.Errorf("%s %q on %s: refusal %v is not an error of the model", kind, from, ev, err)
					}
				}
			}
		}
	}
}

func TestRefusalsNameTheDocumentedErrors(t *testing.T) {
	cases := []struct {
		kind, from string
		ev         event
		want       string
	}{
		{kindAssociation, asCompleted, evAssociate, "ResourceAlreadyExistsException"},
		{kindAssociation, asPendingInstallDeployment, evAssociate, "ResourceAlreadyExistsException"},
		{kindAssociation, none, evDisassociate, "ResourceNotFoundException"},
		{kindAssociation, asInstalling, evDisassociate, "ResourceInUseException"},
		{kindAssociation, asInstalling, evDeploy, "ResourceInUseException"},
		{kindAssociation, asRemoved, evDisassociate, "InvalidParameterValuesException"},
		{kindWorkspace, wsStopped, evMaintain, "InvalidResourceStateException"},
		{kindWorkspace, wsPending, evStop, "InvalidResourceStateException"},
		// RestoreWorkspace and MigrateWorkspace list no InvalidResourceStateException.
		{kindWorkspace, wsRebooting, evRestore, "OperationNotSupportedException"},
		{kindWorkspace, wsTerminated, evRestore, "OperationNotSupportedException"},
		{kindWorkspace, wsRebooting, evMigrate, "OperationInProgressException"},
		{kindWorkspace, wsSuspended, evMigrate, "OperationInProgressException"},
		{kindWorkspace, wsError, evMigrate, "ResourceUnavailableException"},
		{kindWorkspace, wsMaintenance, evMigrate, "ResourceUnavailableException"},
		{kindDirectory, dirDeregistering, evDeregister, "InvalidResourceStateException"},
		{kindAccount, modPending, evModify, "InvalidResourceStateException"},
		{kindAccount, modCompleted, evModify, "InvalidResourceStateException"},
	}
	for _, c := range cases {
		_, err := next(c.kind, "id-1", c.from, c.ev)
		var apiErr api.Error
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != c.want {
			t.Errorf("%s %q on %s: %v, want %s", c.kind, c.from, c.ev, err, c.want)
		}
	}
}

// TestEveryEdgeIsWalked: the walk above covers every edge of the table, so
// an edge of a kind, state or event it does not know cannot slip in.
func TestEveryEdgeIsWalked(t *testing.T) {
	for _, tr := range transitions {
		if _, ok := expected[tr.kind]; !ok {
			t.Errorf("%+v: kind %s has no expected lifecycle", tr, tr.kind)
		}
		if !slices.Contains(statesOf(tr.kind), tr.from) {
			t.Errorf("%+v: %q is not a state of %s", tr, tr.from, tr.kind)
		}
		if !slices.Contains(allEvents, tr.event) {
			t.Errorf("%+v: event %s is not walked", tr, tr.event)
		}
	}
}
