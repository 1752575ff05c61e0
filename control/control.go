// Package control is wslocal's own API under /_wslocal/: health, reset and
// the clock. It speaks plain JSON, not the AWS protocol.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/workspaces"
)

// Prefix is where the control API lives.
const Prefix = "/_wslocal/"

// Handler serves the control API.
type Handler struct {
	Version   string
	StoreKind string
	// Ping reports whether the store can be reached (nil: always).
	Ping  func(context.Context) error
	Clock sim.Clock
	// Reset empties every store of state.
	Reset func(context.Context) error
	// Seed is the seed wslocal started with (--seed), which
	// POST /_wslocal/reset {"seed": true} applies again; nil without one.
	Seed *workspaces.Seed
	// Sweep applies the lifecycle steps due on the clock.
	Sweep func(context.Context) error
	// Faults are the fault rules in force.
	Faults *sim.Faults
	// Service owns the lifecycle step durations.
	Service *workspaces.Service
	// Requests is the log of the latest AWS API requests.
	Requests *RequestLog

	mux *http.ServeMux
}

// New returns the control API handler.
func New(h Handler) *Handler {
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET "+Prefix+"health", h.health)
	h.mux.HandleFunc("GET "+Prefix+"stats", h.stats)
	h.mux.HandleFunc("POST "+Prefix+"reset", h.reset)
	h.mux.HandleFunc("GET "+Prefix+"clock", h.getClock)
	h.mux.HandleFunc("POST "+Prefix+"clock", h.moveClock)
	h.mux.HandleFunc("GET "+Prefix+"faults", h.listFaults)
	h.mux.HandleFunc("POST "+Prefix+"faults", h.addFault)
	h.mux.HandleFunc("DELETE "+Prefix+"faults", h.clearFaults)
	h.mux.HandleFunc("DELETE "+Prefix+"faults/{id}", h.clearFaults)
	h.mux.HandleFunc("GET "+Prefix+"durations", h.getDurations)
	h.mux.HandleFunc("PUT "+Prefix+"durations", h.setDurations)
	h.mux.HandleFunc("GET "+Prefix+"state", h.getState)
	h.mux.HandleFunc("PUT "+Prefix+"state", h.putState)
	h.mux.HandleFunc("GET "+Prefix+"applications", h.getApplications)
	h.mux.HandleFunc("GET "+Prefix+"requests", h.getRequests)
	h.mux.HandleFunc("POST "+Prefix+"pools/{poolId}/sessions", h.startPoolSession)
	h.mux.HandleFunc("GET "+brandingPattern, h.brandingLogo)
	registerUI(h.mux)
	return &h
}

// ServeHTTP serves a control request. A panic in a handler answers a 500
// naming it (net/http would only drop the connection); the server goes on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeErr(w, http.StatusInternalServerError, fmt.Errorf("%s %s panicked: %v", r.Method, r.URL.Path, v))
		}
	}()
	h.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErr answers {"error": ...}. A failure of wslocal's (500) that is the
// store not answering in time is a 503: retry it.
func writeErr(w http.ResponseWriter, status int, err error) {
	if status == http.StatusInternalServerError && errors.Is(err, store.ErrUnavailable) {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// maxHealthQuarantined bounds the quarantined rows health lists.
const maxHealthQuarantined = 100

// healthTimeout bounds the store's answer to a health check: a store that
// takes longer is reported unavailable.
const healthTimeout = 2 * time.Second

// health answers 200 {"status": "ok"} while the store can be reached, and
// 503 {"status": "unavailable", "reason": ...} when it cannot, so that an
// orchestrator stops sending traffic to a replica that cannot serve it.
// Both list the rows this process quarantined.
func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{
		"status": "ok", "version": h.Version, "store": h.StoreKind,
		"clock": h.clockMode(), "now": h.Clock.Now().Format(time.RFC3339Nano),
		"quarantined": []workspaces.QuarantinedRow{}, "quarantinedCount": 0,
	}
	if h.Service != nil {
		// Rows whose lifecycle step this process does not apply: the
		// server serves on, so they do not change the status; the list
		// (the oldest maxHealthQuarantined) says what to fix, or to
		// re-import.
		q := h.Service.Quarantined()
		body["quarantinedCount"] = len(q)
		body["quarantined"] = q[:min(len(q), maxHealthQuarantined)]
	}
	status := http.StatusOK
	if h.Ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		err := h.Ping(ctx)
		cancel()
		if err != nil {
			status = http.StatusServiceUnavailable
			body["status"] = "unavailable"
			body["reason"] = err.Error()
		}
	}
	writeJSON(w, status, body)
}

// stats answers what this process has done: the lifecycle steps it
// applied, by kind. Replicas on one database each count their own.
func (h *Handler) stats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"lifecycleSteps": h.Service.StepsApplied()})
}

// resetRequest is the optional body of POST /_wslocal/reset.
type resetRequest struct {
	// Seed applies the --seed file again, in the same transaction as the
	// reset.
	Seed bool `json:"seed"`
}

// reset answers POST /_wslocal/reset: without a body (or with
// {"seed": false}) it deletes all state; with {"seed": true} it deletes all
// state and applies the start-up seed again in one transaction, a 400 when
// wslocal started without --seed. Other fields are ignored, as the whole
// body was before "seed" existed; the answer says whether it seeded.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	var req resetRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<16))
	if err == nil && len(bytes.TrimSpace(body)) > 0 {
		err = decodeJSON(bytes.NewReader(body), &req, false)
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`the body of a reset is empty or {"seed": true|false}; nothing was reset: %w`, err))
		return
	}
	if req.Seed && h.Seed == nil {
		writeErr(w, http.StatusBadRequest, errors.New(`{"seed": true} re-applies the --seed file, and this wslocal started without --seed: nothing was reset`))
		return
	}
	if req.Seed {
		err = h.Service.ResetAndSeed(r.Context(), h.Seed)
	} else {
		err = h.Reset(r.Context())
	}
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err)
		return
	}
	if h.Service != nil {
		h.Service.ClearQuarantine() // the rows it named are gone
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset": true, "seeded": req.Seed})
}

// decodeBody reads a small JSON body strictly: one JSON value of v's shape
// (no unknown fields) and nothing after it but white space. Every control
// API body but a snapshot's (DecodeSnapshot, as strict) and a reset's
// (optional, unknown fields ignored) is read with it.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSON(http.MaxBytesReader(w, r.Body, 1<<16), v, true)
}

// decodeJSON reads one JSON value into v and refuses anything after it
// but white space; strict refuses unknown fields too.
func decodeJSON(body io.Reader, v any, strict bool) error {
	dec := json.NewDecoder(body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("data after the JSON object")
		}
		return err
	}
	return nil
}
