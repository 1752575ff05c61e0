package sim

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/wslocal/wslocal/api"
)

// errorCode is what an injected API error's code may be: it is sent in
// the body and in the X-Amzn-ErrorType header. Compiled when a fault is
// first set: its 128-fold repetition made it 118 KB at every start.
var errorCode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._:-]{0,127}$`) })

// A FaultRule makes wslocal fail on purpose: an API call answers an error,
// an application (un)install or image build ends in ERROR, or a custom
// image import (ImportCustomWorkspaceImage) ends in ERROR.
type FaultRule struct {
	ID string `json:"id"`
	// Match: every field that is set must match.
	Operation     string `json:"operation,omitempty"`     // e.g. DeployWorkspaceApplications
	ApplicationID string `json:"applicationId,omitempty"` // wsa-...
	ResourceID    string `json:"resourceId,omitempty"`    // ws-..., wsi-..., wsb-...
	// Effect: exactly one of them.
	APIError         *APIErrorEffect         `json:"apiError,omitempty"`
	AssociationError *AssociationErrorEffect `json:"associationError,omitempty"`
	ImportError      *ImportErrorEffect      `json:"importError,omitempty"` // faults_import.go
	// Count is how many times the rule fires; 0 fires until it is removed.
	Count int `json:"count,omitempty"`
	// Fired counts how often the rule has fired.
	Fired int `json:"fired"`

	// at is where the rule stood in the list when its last fire removed
	// it (spent), for Unfire.
	at    int
	spent bool
}

// APIErrorEffect answers a request with an error instead of serving it.
type APIErrorEffect struct {
	Code    string `json:"code"` // e.g. ThrottlingException, InternalFailure
	Message string `json:"message,omitempty"`
	Status  int    `json:"status,omitempty"` // HTTP status; 400 (500 for InternalFailure) when zero
}

// AssociationErrorEffect ends a lifecycle step in ERROR with this reason.
type AssociationErrorEffect struct {
	Code    string `json:"code"` // an AssociationErrorCode, e.g. DeploymentError.InternalServerError
	Message string `json:"message,omitempty"`
}

// Faults holds the rules in force. Rules live in memory: each replica of a
// shared deployment has its own.
type Faults struct {
	mu    sync.Mutex
	rules []*FaultRule
	next  int
}

// NewFaults returns an empty rule set.
func NewFaults() *Faults { return &Faults{} }

// Add validates and adds a rule, giving it an id.
func (f *Faults) Add(r FaultRule) (FaultRule, error) {
	if effects(r) != 1 {
		return FaultRule{}, errors.New("a fault rule needs exactly one effect: apiError, associationError or importError")
	}
	if r.Operation != "" && api.Operations[r.Operation] == nil {
		return FaultRule{}, fmt.Errorf("operation %q is not an operation of the WorkSpaces API", r.Operation)
	}
	if e := r.APIError; e != nil {
		switch {
		case e.Code == "":
			return FaultRule{}, errors.New("apiError.code is required")
		case !errorCode().MatchString(e.Code):
			return FaultRule{}, fmt.Errorf("apiError.code %q must be an error name such as ThrottlingException (letters, digits, '.', '_', ':' or '-', at most 128)", e.Code)
		case e.Status != 0 && (e.Status < 400 || e.Status > 599):
			return FaultRule{}, fmt.Errorf("apiError.status %d must be an HTTP error status, 400 to 599 (or 0: 400, 500 for InternalFailure)", e.Status)
		}
	}
	if e := r.AssociationError; e != nil {
		switch {
		case e.Code == "":
			return FaultRule{}, errors.New("associationError.code is required")
		case !slices.Contains(api.AssociationErrorCode("").Values(), api.AssociationErrorCode(e.Code)):
			// The code becomes an association's StateReason.ErrorCode,
			// which the model and a snapshot import allow only from this list.
			codes := make([]string, 0, 16)
			for _, c := range api.AssociationErrorCode("").Values() {
				codes = append(codes, string(c))
			}
			return FaultRule{}, fmt.Errorf("associationError.code %q is not an AssociationErrorCode: one of %s", e.Code, strings.Join(codes, ", "))
		}
	}
	if err := checkImportError(r); err != nil {
		return FaultRule{}, err
	}
	if r.Count < 0 {
		return FaultRule{}, errors.New("count must be 0 (until removed) or more")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	r.ID = fmt.Sprintf("fault-%d", f.next)
	r.Fired = 0
	f.rules = append(f.rules, &r)
	return r, nil
}

// List returns a copy of the rules in force.
func (f *Faults) List() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FaultRule, 0, len(f.rules))
	for _, r := range f.rules {
		out = append(out, *r)
	}
	return out
}

// Clear removes every rule, or the one with the given id (false if none).
func (f *Faults) Clear(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == "" {
		f.rules = nil
		return true
	}
	for i, r := range f.rules {
		if r.ID == id {
			f.rules = append(f.rules[:i], f.rules[i+1:]...)
			return true
		}
	}
	return false
}

// fire returns the first matching rule with the wanted effect and counts
// it, in the Fires of ctx when it has one.
func (f *Faults) fire(ctx context.Context, match func(*FaultRule) bool) *FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.rules {
		if !match(r) {
			continue
		}
		r.Fired++
		out := *r
		if r.Count > 0 && r.Fired >= r.Count {
			f.rules = append(f.rules[:i], f.rules[i+1:]...)
			r.at, r.spent = i, true
		}
		if fs, ok := ctx.Value(firesKey{}).(*Fires); ok {
			fs.rules = append(fs.rules, r)
		}
		return &out
	}
	return nil
}

// Fires records the rules that fired in one write transaction. A
// transaction that is rolled back gives them back (Unfire), as a store
// may run a write again: a rule fires for what commits, once.
type Fires struct{ rules []*FaultRule }

type firesKey struct{}

// WithFires returns ctx, in which the rules that fire are recorded in fs.
func WithFires(ctx context.Context, fs *Fires) context.Context {
	return context.WithValue(ctx, firesKey{}, fs)
}

// Unfire gives back the fires recorded in fs, latest first, and forgets
// them: their transaction was rolled back. A rule its count removed is
// put back where it stood. A transaction that commits keeps its fires.
func (f *Faults) Unfire(fs *Fires) {
	if fs == nil || len(fs.rules) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(fs.rules) - 1; i >= 0; i-- {
		r := fs.rules[i]
		r.Fired--
		if r.spent {
			r.spent = false
			f.rules = slices.Insert(f.rules, min(r.at, len(f.rules)), r)
		}
	}
	fs.rules = fs.rules[:0]
}

// APIFault returns the API error to answer a call of operation with, if a
// rule says so. A rule's ids match when the request body names them.
func (f *Faults) APIFault(operation string, body []byte) *APIErrorEffect {
	r := f.fire(context.Background(), func(r *FaultRule) bool {
		return r.APIError != nil && (r.Operation == "" || r.Operation == operation) &&
			(r.ApplicationID == "" || strings.Contains(string(body), r.ApplicationID)) &&
			(r.ResourceID == "" || strings.Contains(string(body), r.ResourceID))
	})
	if r == nil {
		return nil
	}
	return r.APIError
}

// StepFault returns the reason a lifecycle step fails with, if a rule says
// so. operation is the call that started the lifecycle.
func (f *Faults) StepFault(ctx context.Context, operation, applicationID, resourceID string) *AssociationErrorEffect {
	return f.stepFault(ctx, operation, applicationID, resourceID, true)
}

// ApplicationStepFault is StepFault for the step of one application only:
// it matches the rules that name applicationID, not those for every step.
func (f *Faults) ApplicationStepFault(ctx context.Context, operation, applicationID, resourceID string) *AssociationErrorEffect {
	return f.stepFault(ctx, operation, applicationID, resourceID, false)
}

// stepFault fires the first association-error rule that matches; a rule
// without an application matches only when anyApplication is set.
func (f *Faults) stepFault(ctx context.Context, operation, applicationID, resourceID string, anyApplication bool) *AssociationErrorEffect {
	r := f.fire(ctx, func(r *FaultRule) bool {
		return r.AssociationError != nil && (r.Operation == "" || r.Operation == operation) &&
			(r.ApplicationID == applicationID || anyApplication && r.ApplicationID == "") &&
			(r.ResourceID == "" || r.ResourceID == resourceID)
	})
	if r == nil {
		return nil
	}
	return r.AssociationError
}
