package store

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Settle gathers, for one request, until when its answer must wait after
// the writes it committed. A store whose replicas may answer a read from
// versions checked a moment before the read (PostgreSQL's read window)
// makes a write wait that moment out before the client hears of it; with
// a Settle in the context it only pushes the Settle's time on, and the
// request waits once, before its answer, however many transactions it
// committed (a lifecycle catch-up commits many).
type Settle struct {
	mu    sync.Mutex
	until time.Time
}

type settleKey struct{}

// WithSettle returns a context that carries a new Settle.
func WithSettle(ctx context.Context) (context.Context, *Settle) {
	s := new(Settle)
	return context.WithValue(ctx, settleKey{}, s), s
}

// SettleFrom returns the Settle of ctx, or nil.
func SettleFrom(ctx context.Context) *Settle {
	s, _ := ctx.Value(settleKey{}).(*Settle)
	return s
}

// Until makes the answer wait until t at least.
func (s *Settle) Until(t time.Time) {
	s.mu.Lock()
	if t.After(s.until) {
		s.until = t
	}
	s.mu.Unlock()
}

// Wait waits until the time the writes asked for, or until ctx is done.
func (s *Settle) Wait(ctx context.Context) {
	s.mu.Lock()
	d := time.Until(s.until)
	s.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// SettleHTTP serves h with a Settle in each request's context, and holds
// the answer's first byte (its header) until the Settle's time.
func SettleHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, s := WithSettle(r.Context())
		h.ServeHTTP(&settleWriter{ResponseWriter: w, s: s, ctx: ctx}, r.WithContext(ctx))
	})
}

// settleWriter waits for its Settle before the header goes out.
type settleWriter struct {
	http.ResponseWriter
	s       *Settle
	ctx     context.Context
	settled bool
}

func (w *settleWriter) settle() {
	if !w.settled {
		w.settled = true
		w.s.Wait(w.ctx)
	}
}

func (w *settleWriter) WriteHeader(code int) {
	w.settle()
	w.ResponseWriter.WriteHeader(code)
}

func (w *settleWriter) Write(b []byte) (int, error) {
	w.settle()
	return w.ResponseWriter.Write(b)
}

// Flush passes a flush on (after settling), for streamed answers.
func (w *settleWriter) Flush() {
	w.settle()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *settleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
