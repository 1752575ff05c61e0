// Package awsjson is the awsJson1.1 protocol: it routes a POST by its
// X-Amz-Target header to an operation of the model, decodes and validates
// the body, calls the service, and writes the output or the error envelope
// AWS clients expect. It knows nothing of what operations do.
package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
)

// ContentType is the media type of awsJson1.1 bodies.
const ContentType = "application/x-amz-json-1.1"

// DefaultMaxBodyBytes bounds a request body.
const DefaultMaxBodyBytes = 1 << 20

// Handler serves the WorkSpaces API over awsJson1.1.
type Handler struct {
	Service api.Service
	Log     *slog.Logger
	// MaxBodyBytes bounds a request body (DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// Caller resolves who sent a request (auth.FromRequest when nil).
	Caller func(*http.Request) auth.Caller
	// Faults, when set, may answer a request with an injected error.
	Faults *sim.Faults
	// Recorder, when set, is told of every request once it is answered
	// (the request log and the metrics).
	Recorder func(Record)
}

// Record is what the handler tells its Recorder about one request.
type Record struct {
	Time      time.Time // when the request arrived, on the wall clock
	RequestID string
	Operation string // as the X-Amz-Target named it, even if unknown
	Account   string
	Region    string
	Status    int
	Latency   time.Duration
	ErrorCode string // the error's __type; empty on success
}

// frameworkError is an error of the protocol itself rather than of an
// operation: it has a status other than 400 or no error shape in the model.
type frameworkError struct {
	status  int
	code    string
	message string
}

func (e *frameworkError) Error() string     { return e.code + ": " + e.message }
func (e *frameworkError) ErrorCode() string { return e.code }

// Errors of the protocol, by AWS's names.
func serializationError(msg string) error {
	return &frameworkError{http.StatusBadRequest, "SerializationException", msg}
}

func unknownOperation(msg string) error {
	return &frameworkError{http.StatusBadRequest, "UnknownOperationException", msg}
}

// injected is the error a fault rule answers with.
func injected(f *sim.APIErrorEffect) error {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
		if f.Code == "InternalFailure" || f.Code == "InternalServerError" || f.Code == "ServiceUnavailable" {
			status = http.StatusInternalServerError
		}
	}
	msg := f.Message
	if msg == "" {
		msg = "Injected by a wslocal fault rule."
	}
	return &frameworkError{status, f.Code, msg}
}

func internalFailure() error {
	return &frameworkError{http.StatusInternalServerError, "InternalFailure",
		"The request processing has failed because of an unknown error, exception or failure."}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	op, status, code := "", http.StatusOK, ""
	var who auth.Caller
	defer func() {
		if p := recover(); p != nil {
			h.logger().Error("panic in handler", "operation", op, "request_id", reqID, "panic", p, "stack", string(debug.Stack()))
			status, code = h.writeError(w, internalFailure())
		}
		latency := time.Since(start)
		h.logger().Info("request", "operation", op, "status", status, "error", code,
			"request_id", reqID, "duration", latency)
		if h.Recorder != nil {
			h.Recorder(Record{Time: start, RequestID: reqID, Operation: op, Account: who.Account, Region: who.Region,
				Status: status, Latency: latency, ErrorCode: code})
		}
	}()
	caller := auth.FromRequest
	if h.Caller != nil {
		caller = h.Caller
	}
	who = caller(r)
	ctx := auth.WithCaller(r.Context(), who)
	op = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), api.TargetPrefix+".")
	out, err := h.serve(ctx, r, op)
	if err != nil {
		status, code = h.writeError(w, err)
		return
	}
	if v := reflect.ValueOf(out); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		// A service that answers (nil, nil) still gets an object on the wire.
		out = struct{}{}
	}
	body, err := json.Marshal(out)
	if err != nil {
		h.logger().Error("encode output", "operation", op, "err", err)
		status, code = h.writeError(w, internalFailure())
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	_, _ = w.Write(body)
}

// serve decodes, validates and calls the operation named by the target.
func (h *Handler) serve(ctx context.Context, r *http.Request, name string) (any, error) {
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost {
		return nil, unknownOperation(fmt.Sprintf("%s is not supported: send POST with an X-Amz-Target header.", r.Method))
	}
	op, ok := api.Operations[name]
	if !ok || !strings.HasPrefix(target, api.TargetPrefix+".") {
		if target == "" {
			return nil, unknownOperation("Missing X-Amz-Target header.")
		}
		return nil, unknownOperation(fmt.Sprintf("Unknown operation %s.", target))
	}
	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, serializationError("The request body could not be read.")
	}
	if int64(len(body)) > limit {
		return nil, serializationError(fmt.Sprintf("The request body is larger than %d bytes.", limit))
	}
	if h.Faults != nil {
		if f := h.Faults.APIFault(name, body); f != nil {
			return nil, injected(f)
		}
	}
	in := op.NewInput()
	if err := decode(body, in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return op.Call(ctx, h.Service, in)
}

// decode reads a JSON object into in. An empty body is an empty object.
func decode(body []byte, in api.Input) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return serializationError("The request body must be a JSON object.")
	}
	err := json.Unmarshal(body, in)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "the request"
		}
		return serializationError(fmt.Sprintf("Unexpected JSON %s for %s: expected %s.", typeErr.Value, field, jsonKind(typeErr.Type)))
	case errors.As(err, &syntaxErr):
		return serializationError(fmt.Sprintf("The request body is not valid JSON: %v.", syntaxErr))
	default:
		return serializationError(fmt.Sprintf("The request body could not be decoded: %v.", err))
	}
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[api.Time]():
		return "a number (epoch seconds)"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a base64 string"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map:
		return "a map"
	case t.Kind() == reflect.Struct:
		return "an object"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uintptr:
		return "an integer"
	default:
		return "a number"
	}
}

func (h *Handler) logger() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}
