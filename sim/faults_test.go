package sim

import (
	"context"
	"testing"
)

// TestUnfireGivesBackWhatARolledBackWriteFired: a rule fired in a write
// that was rolled back fires again for the write's next run, in its place
// before the rules added after it; one fired in a write that committed
// (Kept) stays fired.
func TestUnfireGivesBackWhatARolledBackWriteFired(t *testing.T) {
	f := NewFaults()
	effect := &AssociationErrorEffect{Code: "DeploymentError.InternalServerError"}
	once, err := f.Add(FaultRule{ResourceID: "ws-1", AssociationError: effect, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Add(FaultRule{AssociationError: &AssociationErrorEffect{Code: "DeploymentError.WorkspaceUnreachable"}}); err != nil {
		t.Fatal(err)
	}
	fs := new(Fires)
	ctx := WithFires(context.Background(), fs)

	if e := f.StepFault(ctx, "", "wsa-1", "ws-1"); e == nil || e.Code != effect.Code {
		t.Fatalf("first fire: %+v, want the count-1 rule's", e)
	}
	if rules := f.List(); len(rules) != 1 {
		t.Fatalf("after its one fire the count-1 rule is still listed: %+v", rules)
	}
	f.Unfire(fs) // the write was rolled back
	rules := f.List()
	if len(rules) != 2 || rules[0].ID != once.ID || rules[0].Fired != 0 {
		t.Fatalf("after Unfire: %+v; want the count-1 rule back first, fired 0 times", rules)
	}

	// The next run records in a Fires of its own and commits: its fires
	// are kept, and what Unfire gave back before is not given back twice.
	if e := f.StepFault(WithFires(context.Background(), new(Fires)), "", "wsa-1", "ws-1"); e == nil || e.Code != effect.Code {
		t.Fatalf("the run after the rollback: %+v, want the count-1 rule's", e)
	}
	f.Unfire(fs)
	if rules := f.List(); len(rules) != 1 || rules[0].ID == once.ID {
		t.Fatalf("a fire that committed was given back: %+v", rules)
	}

	// Without Fires in the context nothing is recorded: Unfire of nil is a
	// no-op.
	f.StepFault(context.Background(), "", "wsa-1", "ws-2")
	f.Unfire(nil)
	if rules := f.List(); rules[0].Fired != 1 {
		t.Fatalf("the every-step rule fired %d times, want 1", rules[0].Fired)
	}
}
