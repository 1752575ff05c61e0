// Package awsjson is the awsJson1.1 protocol: it routes a POST by its
// X-Amz-Target header to an operation of the model, decodes and validates
// the body, calls the service, and writes the output or the error envelope
// AWS clients expect. It knows nothing of what operations do.
package awsjson

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// AccessLog, when set, writes the line per request in place of an
	// Info record "request" on Log (same bytes, less work). Set it only
	// when Log's level lets Info through.
	AccessLog *AccessLog
	// MaxBodyBytes bounds a request body (DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// Auth decides who sent a request and what they may do; nil is
	// auth.Accept, so a handler built without thought is not open.
	Auth *auth.Authenticator
	// Faults, when set, may answer a request with an injected error.
	Faults *sim.Faults
	// Recorder, when set, is told of every request once it is answered
	// (the request log and the metrics).
	Recorder func(Record)
}

// MaxLoggedField bounds, in bytes, each field of a request that the access
// log and the Recorder keep; a longer one (an unknown operation's name) is
// kept cut, marked with "...". Real values are far shorter: the longest
// operation name has 45 bytes.
const MaxLoggedField = 128

// ClipLogged bounds a field a client chose to MaxLoggedField bytes, cut
// between runes and marked "...": for the access log and whatever else
// keeps such fields (the control API's request log). A cut field is a
// copy, never a substring keeping the whole original alive.
func ClipLogged(s string) string { return clip(s, MaxLoggedField) }

// Record is what the handler tells its Recorder about one request.
type Record struct {
	Time      time.Time // when the request arrived, on the wall clock
	RequestID string
	Operation string // as the X-Amz-Target named it, even if unknown (clipped to MaxLoggedField)
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

// serviceUnavailable is the answer when the store did not answer in time:
// retryable, as AWS's own 503.
func serviceUnavailable() error {
	return &frameworkError{http.StatusServiceUnavailable, "ServiceUnavailable",
		"The service is unavailable: the state store did not answer in time. Try again."}
}

func internalFailure() error {
	return &frameworkError{http.StatusInternalServerError, "InternalFailure",
		"The request processing has failed because of an unknown error, exception or failure."}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serveChecked(w, r, h.checkHeaders(r))
}

// headerCheck is what a request's headers alone decide, before its body
// is read: a refusal (err), or the authentication to finish on the body.
type headerCheck struct {
	pending auth.Pending
	err     error
	// authErr: err is the auth layer's refusal, answered with the body
	// left unread.
	authErr bool
}

// checkHeaders decides what the headers decide: the method, the content
// type and what authentication can tell without the body. Throttle calls
// it to let a refused request through without a slot, and passes its
// answer on, so that the headers are checked once per request.
func (h *Handler) checkHeaders(r *http.Request) headerCheck {
	if r.Method != http.MethodPost {
		return headerCheck{err: unknownOperation(fmt.Sprintf("%s is not supported: send POST with an X-Amz-Target header.", r.Method))}
	}
	if err := checkContentType(header(r, "Content-Type")); err != nil {
		return headerCheck{err: err}
	}
	pending, err := h.Auth.CheckHeaders(r)
	if err != nil {
		return headerCheck{err: fromAuth(err), authErr: true}
	}
	return headerCheck{pending: pending}
}

// serveChecked serves r, whose headers hc has checked.
func (h *Handler) serveChecked(w http.ResponseWriter, r *http.Request, hc headerCheck) {
	start := time.Now()
	reqID := newRequestID()
	// The header values of the answer and the operation's context are one
	// allocation; the keys are in canonical form, as Header.Set would
	// write them, without its canonicalization per call.
	st := new(requestState)
	vals := &st.vals
	vals[0] = reqID
	hdr := w.Header()
	hdr["X-Amzn-Requestid"] = vals[0:1:1]
	hdr["Date"] = httpDate(start)
	op, status, code := "", http.StatusOK, ""
	// caller is known once the request is authenticated; a refused
	// request is logged and recorded without an account.
	var caller auth.Caller
	// buf holds the body once read; it goes back to its pool once the
	// answer is written.
	var buf *[]byte
	defer func() {
		if p := recover(); p != nil {
			h.logger().Error("panic in handler", "operation", op, "request_id", reqID, "panic", p, "stack", string(debug.Stack()))
			status, code = h.writeError(w, internalFailure())
		}
		putBody(buf)
		latency := time.Since(start)
		// What the client chose is kept bounded: a 60 KB X-Amz-Target
		// must not become 60 KB of every log line and request log entry.
		op, code := ClipLogged(op), ClipLogged(code)
		account, region := ClipLogged(caller.Account), ClipLogged(caller.Region)
		if h.AccessLog != nil {
			h.AccessLog.Log(start.Add(latency), op, status, code, account, region, reqID, latency)
		} else {
			// LogAttrs: typed attributes, without the boxing of Info's ...any.
			h.logger().LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("operation", op), slog.Int("status", status),
				slog.String("error", code), slog.String("account", account), slog.String("region", region),
				slog.String("request_id", reqID), slog.Duration("duration", latency))
		}
		if h.Recorder != nil {
			h.Recorder(Record{Time: start, RequestID: reqID, Operation: op, Account: account, Region: region,
				Status: status, Latency: latency, ErrorCode: code})
		}
	}()
	target := header(r, "X-Amz-Target")
	op = strings.TrimPrefix(target, api.TargetPrefix+".")
	out, err := h.serve(w, r, target, op, hc, &caller, &buf, &st.ctx)
	if err != nil {
		status, code = h.writeError(w, err)
		return
	}
	if v := reflect.ValueOf(out); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		// A service that answers (nil, nil) still gets an object on the wire.
		out = struct{}{}
	}
	body, obuf, err := marshalOutput(out)
	if err != nil {
		h.logger().Error("encode output", "operation", op, "err", err)
		status, code = h.writeError(w, internalFailure())
		return
	}
	vals[1] = strconv.Itoa(len(body))
	hdr["Content-Type"] = contentTypeValue
	hdr["Content-Length"] = vals[1:2:2]
	_, _ = w.Write(body)
	releaseOutput(obuf, body)
}

// contentTypeValue is the Content-Type of every answer, shared: net/http
// only reads it, and Header.Set or Add would replace or copy it.
var contentTypeValue = []string{ContentType}

// dateHeader is the Date header of the answers of one second: net/http
// formats one for every answer whose handler did not set it.
type dateHeader struct {
	sec   int64
	value []string
}

var lastDate atomic.Pointer[dateHeader]

// httpDate is the Date header for an answer at t, in net/http's format,
// formatted once a second and shared, as contentTypeValue is.
func httpDate(t time.Time) []string {
	sec := t.Unix()
	if d := lastDate.Load(); d != nil && d.sec == sec {
		return d.value
	}
	d := &dateHeader{sec: sec, value: []string{t.UTC().Format(http.TimeFormat)}}
	lastDate.Store(d)
	return d.value
}

// header is r.Header.Get for a key in canonical form, without
// canonicalizing it again.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// serve answers a refusal of the request's framing (hc, checked before
// the body is read), reads the body once, authenticates it, then decodes,
// validates and calls the operation named by the target. It sets *caller
// as soon as it is known, for the access log.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, target, name string, hc headerCheck, caller *auth.Caller, buf **[]byte, rc *requestContext) (any, error) {
	// What the headers decide is decided before the body is read: a
	// request refused here costs no wait for a body a client may trickle.
	if hc.err != nil {
		if hc.authErr && r.ContentLength != 0 {
			// The body is left unread: the connection cannot be reused.
			w.Header().Set("Connection", "close")
		}
		return nil, hc.err
	}
	bp, err := h.readBody(w, r, name)
	if err != nil {
		return nil, err
	}
	*buf = bp
	body := *bp
	c, err := hc.pending.Finish(r, body)
	if err != nil {
		return nil, fromAuth(err)
	}
	*caller = c
	op, ok := api.Operations[name]
	if !ok || !strings.HasPrefix(target, api.TargetPrefix+".") {
		if target == "" {
			return nil, unknownOperation("Missing X-Amz-Target header.")
		}
		return nil, unknownOperation(fmt.Sprintf("Unknown operation %s.", clip(target, 128)))
	}
	if err := h.Auth.Authorize(c, name); err != nil {
		return nil, fromAuth(err)
	}
	if h.Faults != nil {
		if f := h.Faults.APIFault(name, body); f != nil {
			return nil, injected(f)
		}
	}
	in := op.NewInput()
	nulls, err := decodeInput(body, in)
	if err != nil {
		return nil, err
	}
	if err := api.ValidateWithNulls(in, nulls); err != nil {
		return nil, err
	}
	*rc = requestContext{Context: r.Context(), caller: c, r: r}
	return op.Call(rc, h.Service, in)
}

// requestState is what serveChecked allocates per request: the answer's
// header values and the operation's context.
type requestState struct {
	vals [2]string
	ctx  requestContext
}

// requestContext is the context of an operation: the request's, plus the
// caller (auth.CallerFrom) and the base URL (api.Endpoint), in one
// allocation. The URL is built only when an operation asks for it.
type requestContext struct {
	context.Context
	caller auth.Caller
	r      *http.Request
}

func (c *requestContext) Value(key any) any {
	switch key {
	case auth.CallerKey:
		return &c.caller
	case api.EndpointKey:
		return baseURL(c.r)
	}
	return c.Context.Value(key)
}

// readBody reads the whole body, refusing one over the limit before
// reading it when Content-Length announces it, and otherwise as soon as the
// limit is passed, so an oversized upload costs at most the limit. A body
// of announced length is read into a pooled buffer, which serveChecked
// returns once the answer is written: nothing may keep the body, or a
// slice of it, past its request (decoding copies what it keeps).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, op string) (*[]byte, error) {
	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	limit = max(limit, largeBodies[op])
	tooLarge := func() error {
		// The rest of the body is never read: the connection cannot be reused.
		w.Header().Set("Connection", "close")
		return serializationError(fmt.Sprintf("The request body is larger than %d bytes.", limit))
	}
	if r.ContentLength > limit {
		return nil, tooLarge()
	}
	if n := r.ContentLength; n >= 0 {
		// net/http's body ends after Content-Length bytes: exactly n are read.
		bp := getBody(int(n))
		if _, err := io.ReadFull(r.Body, *bp); err != nil {
			putBody(bp)
			return nil, serializationError("The request body could not be read.")
		}
		return bp, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tooLarge()
	case err != nil:
		return nil, serializationError("The request body could not be read.")
	}
	return &body, nil
}

// bodyBufs are buffers for request bodies of up to maxPooledBody bytes.
var bodyBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledBody = 64 << 10

// getBody returns a buffer of n bytes, pooled when n is small.
func getBody(n int) *[]byte {
	if n > maxPooledBody {
		b := make([]byte, n)
		return &b
	}
	bp := bodyBufs.Get().(*[]byte)
	if cap(*bp) < n {
		*bp = make([]byte, n, max(n, 1024))
	}
	*bp = (*bp)[:n]
	return bp
}

// putBody returns a buffer of getBody to the pool; nil does nothing.
func putBody(bp *[]byte) {
	if bp != nil && cap(*bp) <= maxPooledBody {
		bodyBufs.Put(bp)
	}
}

// largeBodies are the operations whose requests may be larger than the
// handler's limit, and by how much. ImportClientBranding carries logos: the
// API reference allows "up to 6 MB of data with each request", which is
// 8 MB as base64 in JSON.
var largeBodies = map[string]int64{"ImportClientBranding": 9 << 20}

// baseURL is the URL under which the client reached this server: the
// scheme of the connection and the request's Host.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fromAuth turns a refusal of the auth layer into a protocol error.
func fromAuth(err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		return &frameworkError{ae.Status, ae.Code, ae.Message}
	}
	return err
}

func (h *Handler) logger() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}
