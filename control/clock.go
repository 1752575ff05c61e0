package control

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wslocal/wslocal/sim"
)

// movableClock is a clock the control API can move and switch
// (sim.SwitchableClock); a plain sim.Clock can only be read.
type movableClock interface {
	sim.Clock
	Mode() string
	SetMode(mode string) (time.Time, error)
	Advance(d time.Duration) (time.Time, error)
	Set(t time.Time) (time.Time, error)
}

func (h *Handler) clockMode() string {
	switch c := h.Clock.(type) {
	case movableClock:
		return c.Mode()
	}
	return sim.ModeReal
}

type clockState struct {
	Mode string `json:"mode"`
	Now  string `json:"now"`
}

// getClock answers GET /_wslocal/clock: {"mode": "manual", "now": "<RFC 3339>"}.
func (h *Handler) getClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, clockState{Mode: h.clockMode(), Now: h.Clock.Now().Format(time.RFC3339Nano)})
}

// moveClock answers POST /_wslocal/clock with exactly one of
// {"advance": "90s"}, {"set": "2026-01-02T03:04:05Z"} or
// {"mode": "manual" | "real"}. It applies what has become due before
// answering, so the next request already sees it.
func (h *Handler) moveClock(w http.ResponseWriter, r *http.Request) {
	clock, ok := h.Clock.(movableClock)
	if !ok {
		writeErr(w, http.StatusBadRequest, sim.ErrNotManual)
		return
	}
	var req struct {
		Advance string `json:"advance"`
		Set     string `json:"set"`
		Mode    string `json:"mode"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(
			`the body must be {"advance": "90s"}, {"set": "<RFC 3339 time>"} or {"mode": "manual" | "real"}: %w`, err))
		return
	}
	given := 0
	for _, v := range []string{req.Advance, req.Set, req.Mode} {
		if v != "" {
			given++
		}
	}
	var err error
	switch {
	case given != 1:
		err = errors.New(`give exactly one of "advance", "set" and "mode"`)
	case req.Mode == "" && clock.Mode() != sim.ModeManual:
		// Moving a real clock would surprise whoever shares this server;
		// switching to manual first says so.
		err = fmt.Errorf(`%w, or switch it first with {"mode": "manual"}`, sim.ErrNotManual)
	case req.Advance != "":
		var d time.Duration
		if d, err = time.ParseDuration(req.Advance); err != nil {
			err = fmt.Errorf(`advance %q is not a duration such as "90s" or "1h30m"`, req.Advance)
		} else {
			_, err = clock.Advance(d)
		}
	case req.Set != "":
		var t time.Time
		if t, err = time.Parse(time.RFC3339Nano, req.Set); err != nil {
			err = fmt.Errorf(`set %q is not an RFC 3339 time such as "2026-01-02T03:04:05Z"`, req.Set)
		} else {
			_, err = clock.Set(t)
		}
	default:
		_, err = clock.SetMode(req.Mode)
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if err := h.Sweep(r.Context()); err != nil {
		writeErr(w, http.StatusInternalServerError, fmt.Errorf("apply the lifecycle steps now due: %w", err))
		return
	}
	h.getClock(w, r)
}
