package workspaces

import (
	"fmt"
	"slices"

	"github.com/wslocal/wslocal/api"
)

func notFound(id, format string, args ...any) error {
	return &api.ResourceNotFoundException{Message: api.String(fmt.Sprintf(format, args...)), ResourceId: api.String(id)}
}

func invalidParameter(format string, args ...any) error {
	return &api.InvalidParameterValuesException{Message: api.String(fmt.Sprintf(format, args...))}
}

// notSupported is OperationNotSupportedException; an empty reason leaves
// the member out.
func notSupported(reason, format string, args ...any) error {
	e := &api.OperationNotSupportedException{Message: api.String(fmt.Sprintf(format, args...))}
	if reason != "" {
		e.Reason = api.String(reason)
	}
	return e
}

func limitExceeded(format string, args ...any) error {
	return &api.ResourceLimitExceededException{Message: api.String(fmt.Sprintf(format, args...))}
}

func alreadyExists(format string, args ...any) error {
	return &api.ResourceAlreadyExistsException{Message: api.String(fmt.Sprintf(format, args...))}
}

func invalidState(format string, args ...any) error {
	return &api.InvalidResourceStateException{Message: api.String(fmt.Sprintf(format, args...))}
}

// distinct refuses an empty list or one with a value twice: the model allows
// both, but they make no sense as a filter.
func distinct[T ~string](member string, vals []T) error {
	if vals != nil && len(vals) == 0 {
		return invalidParameter("%s must contain at least one value.", member)
	}
	// A short list (an enum's few values, a page of ids) is checked by
	// comparing each value with those before it, which costs less than a
	// map per request; a long one with a map, so that it costs linear time.
	if len(vals) <= 32 {
		for i, v := range vals {
			if slices.Contains(vals[:i], v) {
				return invalidParameter("%s contains the value %s more than once.", member, v)
			}
		}
		return nil
	}
	seen := map[T]bool{}
	for _, v := range vals {
		if seen[v] {
			return invalidParameter("%s contains the value %s more than once.", member, v)
		}
		seen[v] = true
	}
	return nil
}

func inUse(id, format string, args ...any) error {
	return &api.ResourceInUseException{Message: api.String(fmt.Sprintf(format, args...)), ResourceId: api.String(id)}
}

func associated(format string, args ...any) error {
	return &api.ResourceAssociatedException{Message: api.String(fmt.Sprintf(format, args...))}
}

func unavailable(id, format string, args ...any) error {
	return &api.ResourceUnavailableException{Message: api.String(fmt.Sprintf(format, args...)), ResourceId: api.String(id)}
}

func unsupportedConfig(format string, args ...any) error {
	return &api.UnsupportedWorkspaceConfigurationException{Message: api.String(fmt.Sprintf(format, args...))}
}

// validation is ValidationException, the invalid-input error of the newer
// operations (account links) in place of InvalidParameterValuesException.
func validation(format string, args ...any) error {
	return &api.ValidationException{Message: api.String(fmt.Sprintf(format, args...))}
}

// asValidation turns an InvalidParameterValuesException of a shared helper
// (a page token, a filter list) into ValidationException, for the
// operations whose model lists only the latter.
func asValidation(err error) error {
	if e, ok := err.(*api.InvalidParameterValuesException); ok {
		return &api.ValidationException{Message: e.Message}
	}
	return err
}

func conflict(format string, args ...any) error {
	return &api.ConflictException{Message: api.String(fmt.Sprintf(format, args...))}
}

func accessDenied(format string, args ...any) error {
	return &api.AccessDeniedException{Message: api.String(fmt.Sprintf(format, args...))}
}

func inProgress(format string, args ...any) error {
	return &api.OperationInProgressException{Message: api.String(fmt.Sprintf(format, args...))}
}
