// Package sim holds what wslocal simulates about the world: the clock that
// drives every lifecycle.
package sim

import (
	"errors"
	"sync"
	"time"
)

// Clock tells the time. Every lifecycle step is measured on it, so a test
// with a manual clock decides when anything moves.
type Clock interface {
	Now() time.Time
}

// ErrNotManual is returned when a real clock is asked to move.
var ErrNotManual = errors.New("the clock is real: start wslocal with --clock manual to move it")

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current time, truncated to milliseconds (the store's precision).
func (RealClock) Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// ManualClock stands still until it is advanced or set.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a manual clock that reads start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start.UTC().Truncate(time.Millisecond)}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d; a negative d is refused.
func (c *ManualClock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, errors.New("the clock only moves forward")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d).Truncate(time.Millisecond)
	return c.now, nil
}

// Set moves the clock to t; moving it backwards is refused, since lifecycle
// steps already applied cannot be undone.
func (c *ManualClock) Set(t time.Time) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.now) {
		return time.Time{}, errors.New("the clock only moves forward")
	}
	c.now = t.UTC().Truncate(time.Millisecond)
	return c.now, nil
}
