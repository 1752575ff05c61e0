package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ImportErrorEffect ends a custom image import (ImportCustomWorkspaceImage)
// in ERROR with these ErrorDetails. The import fails in Stage, one of the
// stages it passes through (PENDING ... PUBLISHING); an empty Stage fails it
// in the first stage the rule sees.
type ImportErrorEffect struct {
	Code    string `json:"code"` // ErrorDetails[0].ErrorCode
	Message string `json:"message,omitempty"`
	Stage   string `json:"stage,omitempty"`
}

// ImportStages are the stages of a custom image import, in order, before
// COMPLETED; an import fails in one of them.
var ImportStages = []string{"PENDING", "IN_PROGRESS", "PROCESSING_SOURCE_IMAGE", "IMAGE_TESTING_START",
	"UPDATING_OPERATING_SYSTEM", "IMAGE_COMPATIBILITY_CHECKING", "IMAGE_TESTING_GENERALIZATION",
	"CREATING_TEST_INSTANCE", "INSTALLING_COMPONENTS", "GENERALIZING", "VALIDATING", "PUBLISHING"}

// effects counts the effects a rule sets.
func effects(r FaultRule) int {
	n := 0
	for _, set := range []bool{r.APIError != nil, r.AssociationError != nil, r.ImportError != nil} {
		if set {
			n++
		}
	}
	return n
}

// checkImportError validates an importError effect. ErrorCode and
// ErrorMessage are 1 to 256 and 1 to 2048 characters in the model.
func checkImportError(r FaultRule) error {
	e := r.ImportError
	if e == nil {
		return nil
	}
	switch {
	case e.Code == "":
		return errors.New("importError.code is required")
	case len(e.Code) > 256:
		return errors.New("importError.code must be at most 256 characters (the model's ErrorCode)")
	case len(e.Message) > 2048:
		return errors.New("importError.message must be at most 2048 characters (the model's ImageErrorMessage)")
	case e.Stage != "" && !slices.Contains(ImportStages, e.Stage):
		return fmt.Errorf("importError.stage %q must be one of %v", e.Stage, ImportStages)
	case r.ApplicationID != "":
		return errors.New("an importError rule cannot match an applicationId: a custom image import has no applications")
	}
	return nil
}

// ImportFault returns the error a custom image import ends with in stage,
// if a rule says so. operation is the call that started the import.
func (f *Faults) ImportFault(ctx context.Context, operation, resourceID, stage string) *ImportErrorEffect {
	r := f.fire(ctx, func(r *FaultRule) bool {
		return r.ImportError != nil && (r.Operation == "" || r.Operation == operation) &&
			(r.ResourceID == "" || r.ResourceID == resourceID) &&
			(r.ImportError.Stage == "" || r.ImportError.Stage == stage)
	})
	if r == nil {
		return nil
	}
	return r.ImportError
}
