package workspaces

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A row whose lifecycle step cannot be applied (it is not a valid row of
// its kind, or its step fails or panics on what it holds) is quarantined:
// it is left as it is in the store, skipped by every later sweep and
// catch-up of this process, logged once and listed by Quarantined (the
// control API's health). The other rows keep moving, and reads of its
// partition answer from the stored state.
//
// The list is this process's, in memory: each replica of a shared
// database finds the row and quarantines it on its own (one failed attempt
// each, rolled back). An entry names the row's state and due time, so a
// row that is changed (re-imported, re-seeded, replaced) is a new row and
// is stepped again; an import or a reset empties the list.

// QuarantinedRow is a row whose step is not applied.
type QuarantinedRow struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Kind is the resource kind, or "association" for an application's
	// association (ID is then application/resourceType/resourceId).
	Kind   string    `json:"kind"`
	ID     string    `json:"id"`
	State  string    `json:"state"`
	DueAt  time.Time `json:"dueAt"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

type quarantine struct {
	mu   sync.Mutex
	rows map[string]QuarantinedRow
	// parts counts the entries of each partition, so that a partition
	// without any costs one map lookup.
	parts map[store.Partition]int
}

// rowKey names a due row as it was before its step.
type rowKey struct {
	p               store.Partition
	kind, id, state string
	due             time.Time
}

func (k rowKey) String() string {
	b, _ := json.Marshal([]any{k.p.Account, k.p.Region, k.kind, k.id, k.state, k.due.UnixNano()})
	return string(b)
}

// key names a due item for the quarantine.
func (it *dueItem) key() rowKey {
	if it.res != nil {
		return rowKey{it.res.Partition, it.res.Kind, it.res.ID, it.res.State, it.res.DueAt}
	}
	a := it.assoc
	return rowKey{a.Partition, kindAssociation, a.ApplicationID + "/" + a.ResourceType + "/" + a.ResourceID, a.State, a.DueAt}
}

func (q *quarantine) has(k rowKey) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.rows[k.String()]
	return ok
}

// any reports whether p (nil: any partition) has quarantined rows.
func (q *quarantine) any(p *store.Partition) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if p == nil {
		return len(q.rows) > 0
	}
	return q.parts[*p] > 0
}

// count is how many rows of p (nil: of every partition) are quarantined.
func (q *quarantine) count(p *store.Partition) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if p == nil {
		return len(q.rows)
	}
	return q.parts[*p]
}

// add quarantines the row of it; false if it already was.
func (q *quarantine) add(key rowKey, reason string, now time.Time) bool {
	k := key.String()
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.rows[k]; ok {
		return false
	}
	if q.rows == nil {
		q.rows, q.parts = map[string]QuarantinedRow{}, map[store.Partition]int{}
	}
	q.rows[k] = QuarantinedRow{Account: key.p.Account, Region: key.p.Region, Kind: key.kind, ID: key.id,
		State: key.state, DueAt: key.due, Reason: reason, Since: now}
	q.parts[key.p]++
	return true
}

func (q *quarantine) clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.rows, q.parts = nil, nil
}

// Quarantined lists the rows whose lifecycle step this process does not
// apply, oldest first.
func (s *Service) Quarantined() []QuarantinedRow {
	s.quarantine.mu.Lock()
	out := make([]QuarantinedRow, 0, len(s.quarantine.rows))
	for _, r := range s.quarantine.rows {
		out = append(out, r)
	}
	s.quarantine.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		return fmt.Sprint(out[i]) < fmt.Sprint(out[j])
	})
	return out
}

// ClearQuarantine empties the quarantine, after the state was replaced.
func (s *Service) ClearQuarantine() { s.quarantine.clear() }

// quarantineRow records it and logs it with the row's key, once.
func (s *Service) quarantineRow(k rowKey, reason string) {
	if s.quarantine.add(k, reason, s.clock.Now()) {
		s.log.Error("lifecycle step quarantined: the row is left as it is and not stepped again",
			"account", k.p.Account, "region", k.p.Region, "kind", k.kind, "id", k.id, "state", k.state, "dueAt", k.due, "reason", reason)
	}
}

// stepFailed aborts the transaction of a step that failed on what the row
// holds; write quarantines the row and runs the transaction again.
type stepFailed struct {
	row    rowKey
	reason string
}

func (e *stepFailed) Error() string {
	return fmt.Sprintf("the step of %s %s (%s) failed: %s", e.row.kind, e.row.id, e.row.state, e.reason)
}

// dataError reports whether a step's error comes from what the rows hold
// (a document that does not decode, a state without the edge, a refusal)
// rather than from the store (which may succeed on a retry).
func dataError(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var apiErr api.Error
	var bad *rowProblem
	var noEdge *noTransition
	return errors.As(err, &syntax) || errors.As(err, &typ) || errors.As(err, &apiErr) ||
		errors.As(err, &bad) || errors.As(err, &noEdge) || errors.Is(err, store.ErrNotFound)
}

// step applies the step of one due item, turning a panic or an error that
// comes from the row's data into *stepFailed.
func (s *Service) step(ctx context.Context, tx store.Tx, it *dueItem) (err error) {
	k := it.key()
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("lifecycle step panicked", "kind", k.kind, "id", k.id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = &stepFailed{row: k, reason: fmt.Sprintf("panic: %v", v)}
		}
	}()
	if it.res != nil {
		err = s.stepResource(ctx, tx, it.res)
	} else {
		err = s.stepAnyAssociation(ctx, tx, it.assoc)
	}
	if err != nil && ctx.Err() == nil && dataError(err) {
		return &stepFailed{row: k, reason: err.Error()}
	}
	return err
}
