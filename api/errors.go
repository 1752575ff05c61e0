package api

import "fmt"

// Error is an error that travels on the wire as {"__type": ErrorCode(), ...}:
// every generated error shape is one.
type Error interface {
	error
	ErrorCode() string
}

// NotImplementedError answers an operation that wslocal has no behaviour for yet.
type NotImplementedError struct {
	Operation string
}

func (e *NotImplementedError) Error() string {
	return fmt.Sprintf("wslocal does not implement %s.%s yet", TargetPrefix, e.Operation)
}

// ErrorCode is the __type of the error on the wire.
func (e *NotImplementedError) ErrorCode() string { return "NotImplementedException" }

func errorString(code, msg string) string {
	if msg == "" {
		return code
	}
	return code + ": " + msg
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
