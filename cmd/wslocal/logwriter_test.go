package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to write from the flusher while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every line written from many goroutines comes out whole, once, in the
// order each goroutine wrote it, by the time the writer is closed.
func TestLogWriterKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out)
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(lw, "w%d line %d %s\n", w, i, strings.Repeat("x", i%200))
			}
		})
	}
	wg.Wait()
	lw.Close()
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines out, want %d", len(got), writers*lines)
	}
	for _, line := range got {
		var w, i int
		if _, err := fmt.Sscanf(line, "w%d line %d", &w, &i); err != nil || i != next[w] {
			t.Fatalf("line %q out of order or torn (want line %d of w%d)", line, next[w], w)
		}
		next[w]++
	}
}

// A warning is written out at once, before any flush interval.
func TestLogHandlerFlushesWarnings(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out)
	defer lw.Close()
	log := slog.New(logHandler{slog.NewTextHandler(lw, nil), lw})
	log.Info("buffered")
	if strings.Contains(out.String(), "buffered") && !strings.Contains(out.String(), "warned") {
		t.Log("the info line was flushed by the ticker already")
	}
	log.Warn("warned")
	if s := out.String(); !strings.Contains(s, "buffered") || !strings.Contains(s, "warned") {
		t.Fatalf("after a warning the log holds %q, want both lines", s)
	}
}

// panicsOnce is a writer whose first write panics.
type panicsOnce struct {
	lockedBuffer
	mu       sync.Mutex
	panicked bool
}

func (p *panicsOnce) Write(b []byte) (int, error) {
	p.mu.Lock()
	first := !p.panicked
	p.panicked = true
	p.mu.Unlock()
	if first {
		panic("the disk caught fire")
	}
	return p.lockedBuffer.Write(b)
}

func (p *panicsOnce) hasPanicked() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.panicked
}

// A log output that panics loses one batch; the flusher goroutine (which
// the first write goes through here) and the process carry on.
func TestLogWriterSurvivesAPanickingOutput(t *testing.T) {
	out := &panicsOnce{}
	lw := newLogWriter(out)
	fmt.Fprintln(lw, "lost")
	// The flusher writes on its own ticker (the wall clock's: the log
	// writer has no simulated clock); wait for that write.
	deadline := time.Now().Add(10 * time.Second)
	for !out.hasPanicked() {
		if time.Now().After(deadline) {
			t.Fatal("the flusher never wrote")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Fprintln(lw, "kept")
	lw.Close()
	if got := out.String(); got != "kept\n" {
		t.Fatalf("log = %q, want %q", got, "kept\n")
	}
}
