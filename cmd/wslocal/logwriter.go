package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// logWriter buffers the log, which has a line per request, and writes it
// out every flushEvery, when the buffer fills, after a warning or an error
// (logHandler), and at exit: one write per batch instead of a system call
// per request. A batch is written outside the lock that Write takes, so
// requests logging meanwhile do not wait for the write.
type logWriter struct {
	out io.Writer

	mu    sync.Mutex
	buf   []byte // being filled
	spare []byte // the last batch written, reused

	flushMu sync.Mutex // one batch written at a time, in order

	stop chan struct{}
	done chan struct{}
}

const (
	flushEvery = 100 * time.Millisecond
	flushAt    = 64 << 10 // bytes
)

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{out: w, buf: make([]byte, 0, flushAt), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-lw.stop:
				return
			case <-t.C:
				lw.Flush()
			}
		}
	}()
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	lw.buf = append(lw.buf, p...)
	full := len(lw.buf) >= flushAt
	lw.mu.Unlock()
	if full {
		lw.Flush()
	}
	return len(p), nil
}

// Flush writes out what is buffered.
func (lw *logWriter) Flush() {
	lw.flushMu.Lock()
	defer lw.flushMu.Unlock()
	lw.mu.Lock()
	batch := lw.buf
	lw.buf = lw.spare[:0]
	lw.mu.Unlock()
	if len(batch) > 0 {
		lw.write(batch)
	}
	lw.mu.Lock()
	lw.spare = batch
	lw.mu.Unlock()
}

// write writes a batch out. A writer that panics loses the batch, says so
// on standard error, and the process (and the flusher) carry on: the log
// must not be what stops the server.
func (lw *logWriter) write(batch []byte) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "wslocal: writing the log panicked, %d bytes of log lost: %v\n", len(batch), v)
		}
	}()
	_, _ = lw.out.Write(batch)
}

// Close stops the flusher and flushes.
func (lw *logWriter) Close() {
	close(lw.stop)
	<-lw.done
	lw.Flush()
}

// logHandler flushes the logWriter after a record of level Warn or above,
// so that problems show at once.
type logHandler struct {
	slog.Handler
	w *logWriter
}

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.w.Flush()
	}
	return err
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs), h.w}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{h.Handler.WithGroup(name), h.w}
}
