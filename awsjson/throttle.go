package awsjson

import (
	"log/slog"
	"net/http"
)

// Throttle bounds how many requests next serves at once. A request beyond
// max is answered at once with ThrottlingException (HTTP 400, "Rate
// exceeded", as AWS words it), never queued: a client that floods wslocal
// sees the error its SDK already retries with backoff, and no request
// waits for an unbounded time. max <= 0 means no bound.
func Throttle(next http.Handler, max int, log *slog.Logger) http.Handler {
	if max <= 0 {
		return next
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h, _ := next.(*Handler)
	return &throttle{next: next, h: h, slots: make(chan struct{}, max), log: log}
}

type throttle struct {
	next  http.Handler
	h     *Handler // next, when it is a *Handler: its headers are checked here
	slots chan struct{}
	log   *slog.Logger
}

func (t *throttle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A request the handler refuses from its headers alone (an unsigned
	// one in strict mode) takes no slot: clients that cannot authenticate
	// must not hold the slots while trickling bodies and throttle every
	// signed request. The check is handed on, not made again.
	var hc headerCheck
	if t.h != nil {
		if hc = t.h.checkHeaders(r); hc.err != nil {
			t.h.serveChecked(w, r, hc)
			return
		}
	}
	select {
	case t.slots <- struct{}{}:
		defer func() { <-t.slots }()
		if t.h != nil {
			t.h.serveChecked(w, r, hc)
		} else {
			t.next.ServeHTTP(w, r)
		}
	default:
		id := newRequestID()
		w.Header().Set("x-amzn-RequestId", id)
		// Without this, net/http would read the unread body before
		// answering, and a client still sending one would wait for its
		// refusal; closing the connection answers at once.
		if r.ContentLength != 0 {
			w.Header().Set("Connection", "close")
		}
		writeEnvelope(w, &frameworkError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"})
		t.log.Warn("request", "status", http.StatusBadRequest, "error", "ThrottlingException",
			"in_flight", cap(t.slots), "request_id", id)
	}
}
