package workspaces

import (
	"slices"
	"testing"

	"github.com/wslocal/wslocal/sim"
)

// The stages a fault rule may name (sim.ImportStages) are the stages the
// transition table lets an import fail in, in the same order.
func TestImportStagesAgree(t *testing.T) {
	var failing []string
	for _, st := range customImportStages {
		if to, err := next(kindCustomImport, "wsi-1", st, evStepFailed); err == nil && to == ciError {
			failing = append(failing, st)
		}
	}
	if !slices.Equal(failing, sim.ImportStages) {
		t.Errorf("stages that can fail = %v, sim.ImportStages = %v", failing, sim.ImportStages)
	}
}

// ProgressPercentage rises with every stage, from 0 to 100, and an ERROR
// import keeps the share of the stage it failed in.
func TestCustomImportProgress(t *testing.T) {
	last := int32(-1)
	for _, st := range customImportStages {
		got := (&customImport{State: st}).progress()
		if got <= last {
			t.Errorf("%s: progress %d, not above %d", st, got, last)
		}
		last = got
	}
	if first, end := (&customImport{State: ciPending}).progress(), (&customImport{State: ciCompleted}).progress(); first != 0 || end != 100 {
		t.Errorf("progress PENDING %d, COMPLETED %d; want 0 and 100", first, end)
	}
	if got, want := (&customImport{State: ciError, FailedStage: ciGeneralizing}).progress(), (&customImport{State: ciGeneralizing}).progress(); got != want {
		t.Errorf("ERROR in GENERALIZING: progress %d, want %d", got, want)
	}
}
