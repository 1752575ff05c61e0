// Package control is wslocal's own API under /_wslocal/: health, reset and
// the clock. It speaks plain JSON, not the AWS protocol.
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/workspaces"
)

// Prefix is where the control API lives.
const Prefix = "/_wslocal/"

// Handler serves the control API.
type Handler struct {
	Version   string
	StoreKind string
	Clock     sim.Clock
	// Reset empties every store of state.
	Reset func(context.Context) error
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

func writeErr(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// maxHealthQuarantined bounds the quarantined rows health lists.
const maxHealthQuarantined = 100

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{
		"status": "ok", "version": h.Version, "store": h.StoreKind,
		"clock": h.clockMode(), "now": h.Clock.Now().Format(time.RFC3339Nano),
		"quarantined": []workspaces.QuarantinedRow{}, "quarantinedCount": 0,
	}
	if h.Service != nil {
		// Rows whose lifecycle step this process does not apply: the
		// server serves on, so the status stays "ok"; the list (the oldest
		// maxHealthQuarantined) says what to fix, or to re-import.
		q := h.Service.Quarantined()
		out["quarantinedCount"] = len(q)
		out["quarantined"] = q[:min(len(q), maxHealthQuarantined)]
	}
	writeJSON(w, http.StatusOK, out)
}

// stats answers what this process has done: the lifecycle steps it
// applied, by kind. Replicas on one database each count their own.
func (h *Handler) stats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"lifecycleSteps": h.Service.StepsApplied()})
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	if err := h.Reset(r.Context()); err != nil {
		writeErr(w, http.StatusInternalServerError, err)
		return
	}
	if h.Service != nil {
		h.Service.ClearQuarantine()
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset": true})
}

// decodeBody reads a small JSON body strictly: one JSON value of v's shape
// (no unknown fields) and nothing after it but white space. Every control
// API body but a snapshot's (DecodeSnapshot, as strict) is read with it.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("the body has data after its JSON value")
		}
		return err
	}
	return nil
}
