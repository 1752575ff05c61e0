package workspaces

import (
	"context"
	"fmt"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Lifecycle is data: a row in flight stores its state and when its next
// step is due. Whoever reads it after that time applies the step first
// (view/update), and the sweeper does the same in the background, so the
// outcome is the same with one process or several, and across restarts.

// event is what moves a state machine.
type event string

const (
	// stepDone: the step in progress finished (the due time passed).
	stepDone event = "step-done"
	// stepFailed: the step in progress failed.
	stepFailed event = "step-failed"
)

// transition is one edge of a state machine.
type transition struct {
	kind  string
	from  string
	event event
	to    string
}

// transitions is every allowed edge. What is not here is refused.
var transitions = []transition{
	{kindImage, string(api.WorkspaceImageStatePending), stepDone, string(api.WorkspaceImageStateAvailable)},
	{kindImage, string(api.WorkspaceImageStatePending), stepFailed, string(api.WorkspaceImageStateError)},
	{kindAssociation, string(api.AssociationStateInstalling), stepDone, string(api.AssociationStateCompleted)},
	{kindAssociation, string(api.AssociationStateInstalling), stepFailed, string(api.AssociationStateError)},
}

const kindAssociation = "association"

// next returns the state that ev moves a kind in state from to.
func next(kind, from string, ev event) (string, error) {
	for _, t := range transitions {
		if t.kind == kind && t.from == from && t.event == ev {
			return t.to, nil
		}
	}
	return "", fmt.Errorf("no %s transition from %s on %s", kind, from, ev)
}

// advance applies every lifecycle step due at now, in p or (nil) everywhere.
// Each step happens at its own due time, so catching up after a long pause
// gives the same timestamps as running live.
func (s *Service) advance(ctx context.Context, tx store.Tx, p *store.Partition, now time.Time) error {
	due, err := tx.DueResources(ctx, p, now)
	if err != nil {
		return err
	}
	for i := range due {
		r := &due[i]
		switch r.Kind {
		case kindImage:
			err = s.finishImport(ctx, tx, r)
		default:
			err = fmt.Errorf("resource %s of kind %s has a step due but no lifecycle", r.ID, r.Kind)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// finishImport completes an image import: the image becomes AVAILABLE and
// its applications COMPLETED, at the time the import was due.
func (s *Service) finishImport(ctx context.Context, tx store.Tx, r *store.Resource) error {
	at := r.DueAt
	state, err := next(kindImage, r.State, stepDone)
	if err != nil {
		return err
	}
	r.State, r.DueAt = state, time.Time{}
	if err := tx.PutResource(ctx, r); err != nil {
		return err
	}
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: r.Partition,
		ResourceType: string(api.ApplicationAssociatedResourceTypeImage), ResourceID: r.ID})
	if err != nil {
		return err
	}
	for i := range assocs {
		a := &assocs[i]
		to, err := next(kindAssociation, a.State, stepDone)
		if err != nil {
			continue // only the associations being installed move with the image
		}
		a.State, a.Updated = to, at
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Sweep applies every step that is due anywhere. The background sweeper
// calls it; so does the control API after the manual clock moves.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.clock.Now()
	var due bool
	err := s.store.Read(ctx, func(tx store.Tx) error {
		var err error
		due, err = tx.AnyDue(ctx, nil, now)
		return err
	})
	if err != nil || !due {
		return err
	}
	return s.store.Write(ctx, func(tx store.Tx) error {
		return s.advance(ctx, tx, nil, s.clock.Now())
	})
}

// RunSweeper calls Sweep every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("lifecycle sweep failed", "err", err)
			}
		}
	}
}
