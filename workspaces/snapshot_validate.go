package workspaces

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// One place says what a valid stored row of each kind is: a snapshot's
// rows are checked with it before they are written, a seed's rows after
// they are built, and the lifecycle checks a due row with it before
// stepping it (a row that fails is quarantined, not stepped).

// rowProblem is what is wrong with a row: the field at fault and why.
type rowProblem struct {
	field string // state, dueAt, doc, doc.WorkspaceProperties, ...
	msg   string
}

func (p *rowProblem) Error() string { return p.field + ": " + p.msg }

func problem(field, format string, args ...any) *rowProblem {
	return &rowProblem{field: field, msg: fmt.Sprintf(format, args...)}
}

// kindRules is what a resource kind's rows must be.
// (The kind's document is the kind table's newDoc, kinds.go.)
type kindRules struct {
	states []string // the states a row of the kind can be in
	// anyState: a row may be in any (non-empty) state and carry a due
	// time in any of them; the kind's operations answer on a state they do
	// not know and its step drops the due time of a state with no step
	// (pools and their sessions, pools.go). states is not used then.
	anyState bool
	moving   func(string) bool // whether a row in a state has a next step, hence a due time
	// check looks at the decoded document (nil: nothing more to check).
	check func(r *store.Resource, doc any) *rowProblem
	// duration is how long the step of a moving state takes.
	duration func(d Durations, state string) time.Duration
}

// steps reports whether kind has an edge out of state on ev.
func steps(kind string, ev event) func(string) bool {
	return func(state string) bool {
		for _, t := range transitions {
			if t.kind == kind && t.from == state && t.event == ev {
				return true
			}
		}
		return false
	}
}

func never(string) bool { return false }

// rowRules are the rules of each kind of resource row of the kind table
// (kinds.go); init checks that every resource kind has its rules.
var rowRules = map[string]kindRules{
	kindImage: {
		states: names(api.WorkspaceImageState("").Values()),
		moving: steps(kindImage, evStepDone),
		check: func(r *store.Resource, doc any) *rowProblem {
			img := doc.(*image)
			switch {
			case api.ToString(img.ImageId) != r.ID:
				return problem("doc.ImageId", "%q is not the row's id %s", api.ToString(img.ImageId), r.ID)
			case img.name() == "":
				return problem("doc.Name", "an image needs a name")
			case api.ToString(img.OwnerAccountId) != r.Account && r.Account != "":
				return problem("doc.OwnerAccountId", "%q is not the row's account %s", api.ToString(img.OwnerAccountId), r.Account)
			}
			return nil
		},
		duration: func(d Durations, _ string) time.Duration { return d.Import },
	},
	kindBundle: {
		states: names(api.WorkspaceBundleState("").Values()),
		moving: never,
		check: func(r *store.Resource, doc any) *rowProblem {
			b := doc.(*bundle)
			switch {
			case api.ToString(b.BundleId) != r.ID:
				return problem("doc.BundleId", "%q is not the row's id %s", api.ToString(b.BundleId), r.ID)
			case api.ToString(b.Name) == "":
				return problem("doc.Name", "a bundle needs a name")
			case api.ToString(b.ImageId) == "":
				return problem("doc.ImageId", "a bundle needs an image")
			case b.ComputeType == nil:
				return problem("doc.ComputeType", "a bundle needs a compute type")
			case b.RootStorage == nil:
				return problem("doc.RootStorage", "a bundle needs a root volume")
			case b.UserStorage == nil:
				return problem("doc.UserStorage", "a bundle needs a user volume")
			}
			return nil
		},
	},
	kindWorkspace: {
		states: names(api.WorkspaceState("").Values()),
		// A SUSPENDED WorkSpace moves on (evMigrated) only while it is
		// migrated: check asks for its successor then.
		moving: func(s string) bool {
			return s == wsTerminated || steps(kindWorkspace, evStepDone)(s) || steps(kindWorkspace, evMigrated)(s)
		},
		check: func(r *store.Resource, doc any) *rowProblem {
			w := doc.(*workspace)
			switch {
			case api.ToString(w.WorkspaceId) != r.ID:
				return problem("doc.WorkspaceId", "%q is not the row's id %s", api.ToString(w.WorkspaceId), r.ID)
			case api.ToString(w.DirectoryId) == "":
				return problem("doc.DirectoryId", "a WorkSpace needs a directory")
			case api.ToString(w.BundleId) == "":
				return problem("doc.BundleId", "a WorkSpace needs a bundle")
			case api.ToString(w.UserName) == "":
				return problem("doc.UserName", "a WorkSpace needs a user")
			case w.WorkspaceProperties == nil:
				return problem("doc.WorkspaceProperties", "a WorkSpace needs its properties")
			case r.State == wsSuspended && !r.DueAt.IsZero() && w.MigratedTo == "":
				return problem("dueAt", "a SUSPENDED WorkSpace has a due time only while it is migrated (doc.MigratedTo)")
			}
			return nil
		},
		duration: func(d Durations, s string) time.Duration {
			switch s {
			case wsTerminated:
				return d.Terminated
			case wsSuspended:
				return 0 // a seed's or a snapshot's SUSPENDED WorkSpace stays SUSPENDED
			}
			return d.Workspace
		},
	},
	kindDirectory: {
		states: lifecycleStates(kindDirectory),
		moving: steps(kindDirectory, evStepDone),
		check: func(r *store.Resource, doc any) *rowProblem {
			if id := api.ToString(doc.(*directory).DirectoryId); id != r.ID {
				return problem("doc.DirectoryId", "%q is not the row's id %s", id, r.ID)
			}
			return nil
		},
		duration: func(d Durations, _ string) time.Duration { return d.Directory },
	},
	kindIpGroup: {
		states: []string{ipGroupState},
		moving: never,
		check: func(r *store.Resource, doc any) *rowProblem {
			if id := api.ToString(doc.(*ipGroup).GroupId); id != r.ID {
				return problem("doc.groupId", "%q is not the row's id %s", id, r.ID)
			}
			return nil
		},
	},
	kindAccount: {
		states: []string{modPending, modCompleted},
		moving: func(s string) bool { return s == modPending },
		check: func(r *store.Resource, doc any) *rowProblem {
			a := doc.(*account)
			switch {
			case r.ID != accountID:
				return problem("id", "an account row's id is %s", accountID)
			case len(a.Modifications) == 0:
				return problem("doc.Modifications", "an account row holds at least one modification (the one that made it)")
			}
			return nil
		},
		duration: func(d Durations, _ string) time.Duration { return d.Account },
	},
	kindAlias: {
		states: names(api.ConnectionAliasState("").Values()),
		moving: never,
		check: func(r *store.Resource, doc any) *rowProblem {
			a := doc.(*connectionAlias)
			switch {
			case api.ToString(a.AliasId) != r.ID:
				return problem("doc.AliasId", "%q is not the row's id %s", api.ToString(a.AliasId), r.ID)
			case api.ToString(a.ConnectionString) == "":
				return problem("doc.ConnectionString", "a connection alias needs a connection string")
			}
			return nil
		},
	},
	// A pool or session in an unknown state, with an empty document or a
	// negative session count, imports and answers (pools.go): the rules
	// ask only for a document of the kind.
	kindPool: {
		anyState: true,
		moving:   func(string) bool { return true },
	},
	kindPoolSession: {
		anyState: true,
		moving:   func(string) bool { return true },
	},
	kindAccountLink: {
		states: names(api.AccountLinkStatusEnum("").Values()),
		moving: never,
		check: func(r *store.Resource, doc any) *rowProblem {
			if id := api.ToString(doc.(*accountLink).AccountLinkId); id != r.ID {
				return problem("doc.AccountLinkId", "%q is not the row's id %s", id, r.ID)
			}
			return nil
		},
	},
	kindBranding: {
		states: []string{brandingState},
		moving: never,
	},
	kindConnectionString: {
		states: []string{"RESERVED"},
		moving: never,
		check: func(r *store.Resource, doc any) *rowProblem {
			if a := doc.(*reservation).Account; !api.IsAccountID(a) {
				return problem("doc.Account", "%q is not an account id (12 digits)", a)
			}
			return nil
		},
	},
}

func init() {
	for _, k := range resourceKinds() {
		if _, ok := rowRules[k]; !ok {
			panic("workspaces: resource kind " + k + " has no row rules (snapshot_validate.go)")
		}
	}
	for k := range rowRules {
		if kindByName[k] == nil || kindByName[k].newDoc == nil {
			panic("workspaces: row rules for " + k + ", which is not a resource kind of the kind table")
		}
	}
}

// kindNames lists the resource kinds of the kind table, sorted, for messages.
func kindNames() string {
	return strings.Join(slices.Sorted(slices.Values(resourceKinds())), ", ")
}

// checkResource reports what makes r not a valid row of its kind: an
// unknown kind, a state the kind does not have, a document that does not
// decode or lacks what the kind needs, or a due time on a state with no
// next step. A moving state without a due time is valid (see dueFor).
func checkResource(r *store.Resource) *rowProblem {
	rules, ok := rowRules[r.Kind]
	switch {
	case !ok:
		return problem("kind", "%q is not a resource kind; the kinds are %s", r.Kind, kindNames())
	case r.ID == "":
		return problem("id", "is required")
	case rules.anyState && r.State == "":
		return problem("state", "is required")
	case !rules.anyState && !slices.Contains(rules.states, r.State):
		return problem("state", "%q is not a state of a %s; the states are %s", r.State, r.Kind, strings.Join(rules.states, ", "))
	case !r.DueAt.IsZero() && !rules.moving(r.State):
		return problem("dueAt", "a %s in state %s has no next step, so no due time", r.Kind, r.State)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(r.Doc), []byte("{")) {
		return problem("doc", "must be a JSON object")
	}
	doc := kindByName[r.Kind].newDoc()
	if err := json.Unmarshal(r.Doc, doc); err != nil {
		return problem("doc", "is not a %s document: %v", r.Kind, err)
	}
	if v, ok := doc.(fromRower); ok {
		v.fromRow(r)
	}
	if rules.check != nil {
		return rules.check(r, doc)
	}
	return nil
}

// associationKinds maps an association's resource type to the lifecycle
// table kind that moves it; BUNDLE associations never move.
var associationKinds = map[string]string{assocWorkspace: kindAssociation, assocImage: kindImageApp, assocBundle: ""}

// associationStates are the states an association of a resource type can be in.
func associationStates(resourceType string) []string {
	switch resourceType {
	case assocWorkspace:
		return names(api.AssociationState("").Values())
	case assocImage:
		return lifecycleStates(kindImageApp)
	}
	return []string{asCompleted}
}

// movingAssociation reports whether an association in state has a next step.
func movingAssociation(resourceType, state string) bool {
	kind := associationKinds[resourceType]
	return kind != "" && (state == asRemoved || steps(kind, evStepDone)(state))
}

// checkAssociation is checkResource for an association.
func checkAssociation(a *store.Association) *rowProblem {
	states := associationStates(a.ResourceType)
	errorCodes := names(api.AssociationErrorCode("").Values())
	switch {
	case !slices.Contains(names(api.ApplicationAssociatedResourceType("").Values()), a.ResourceType):
		return problem("resourceType", "%q must be IMAGE, BUNDLE or WORKSPACE", a.ResourceType)
	case a.ResourceID == "":
		return problem("resourceId", "is required")
	case !slices.Contains(states, a.State):
		return problem("state", "%q is not a state of an application of a %s; the states are %s", a.State, a.ResourceType, strings.Join(states, ", "))
	case !a.DueAt.IsZero() && !movingAssociation(a.ResourceType, a.State):
		return problem("dueAt", "an application of a %s in state %s has no next step, so no due time", a.ResourceType, a.State)
	case a.State == asError && !slices.Contains(stepStates, a.FailedStep):
		return problem("failedStep", "%q: an ERROR association says where it failed, one of %s", a.FailedStep, strings.Join(stepStates, ", "))
	case a.State != asError && a.FailedStep != "":
		return problem("failedStep", "only an ERROR association has a failed step; this one is %s", a.State)
	case a.ReasonCode != "" && !slices.Contains(errorCodes, a.ReasonCode):
		return problem("reasonCode", "%q is not an association error code", a.ReasonCode)
	}
	if _, ok := findApplication(a.ApplicationID); !ok {
		return problem("applicationId", "%q is not in the applications catalogue", a.ApplicationID)
	}
	return nil
}

// dueFor is when a row in a moving state without a due time takes its next
// step: the usual duration after now. (Rows written by the operations
// always have one; a snapshot edited by hand or a seed may not.)
func (s *Service) dueFor(r *store.Resource, now time.Time) time.Time {
	rules := rowRules[r.Kind]
	if !r.DueAt.IsZero() || rules.duration == nil || !rules.moving(r.State) {
		return r.DueAt
	}
	d := rules.duration(s.Durations(), r.State)
	if d == 0 {
		return r.DueAt
	}
	return now.Add(d)
}

// assocDueFor is dueFor for an association. An image's INSTALLING
// application moves with its image while the image is PENDING.
func (s *Service) assocDueFor(a *store.Association, imagePending bool, now time.Time) time.Time {
	if !a.DueAt.IsZero() || !movingAssociation(a.ResourceType, a.State) {
		return a.DueAt
	}
	if a.ResourceType == assocImage && a.State == asInstalling && imagePending {
		return time.Time{}
	}
	return s.assocDue(a.State, now)
}
