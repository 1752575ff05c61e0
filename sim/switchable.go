package sim

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock modes.
const (
	ModeReal   = "real"
	ModeManual = "manual"
)

// ErrBackwards is returned when the clock is asked to go back: lifecycle
// steps already applied cannot be undone.
var ErrBackwards = errors.New("the clock only moves forward")

// SwitchableClock is the clock wslocal runs on: real or manual, switchable
// while serving. In real mode it reads the wall clock plus an offset (moving
// the clock forward grows the offset); in manual mode it stands still until
// it is advanced or set. It never goes backwards, whatever the wall clock
// or the mode switches do, because every due step is computed from it.
type SwitchableClock struct {
	mu     sync.Mutex
	wall   func() time.Time
	manual bool
	frozen time.Time     // the time in manual mode
	offset time.Duration // real mode: how far ahead of the wall clock
	last   time.Time     // the latest time read: the floor of every reading
}

// NewSwitchableClock returns a clock in mode ("real" or "manual"); a manual
// clock starts at start, or at the wall clock's now when start is zero.
func NewSwitchableClock(mode string, start time.Time) (*SwitchableClock, error) {
	return newSwitchable(mode, start, time.Now)
}

func newSwitchable(mode string, start time.Time, wall func() time.Time) (*SwitchableClock, error) {
	c := &SwitchableClock{wall: wall}
	switch mode {
	case "", ModeReal:
		if !start.IsZero() {
			c.offset = start.Sub(wall())
		}
	case ModeManual:
		if start.IsZero() {
			start = wall()
		}
		c.manual, c.frozen = true, trunc(start)
	default:
		return nil, fmt.Errorf("clock mode %q: use real or manual", mode)
	}
	return c, nil
}

func trunc(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// now is the clock's reading; c.mu is held.
func (c *SwitchableClock) now() time.Time {
	t := c.frozen
	if !c.manual {
		t = trunc(c.wall().Add(c.offset))
	}
	if t.Before(c.last) {
		t = c.last
	}
	c.last = t
	return t
}

// Now returns the clock's time, truncated to milliseconds (the store's precision).
func (c *SwitchableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

// Mode returns "real" or "manual".
func (c *SwitchableClock) Mode() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.manual {
		return ModeManual
	}
	return ModeReal
}

// SetMode switches the clock. Real to manual freezes it at now; manual to
// real continues from the later of the manual time and the real time (so
// no step that was already due becomes undue) and then runs with the wall
// clock, keeping that offset.
func (c *SwitchableClock) SetMode(mode string) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch mode {
	case ModeManual:
		if !c.manual {
			c.frozen, c.manual = c.now(), true
		}
	case ModeReal:
		if c.manual {
			at := c.now()
			wall := c.wall()
			if real := trunc(wall.Add(c.offset)); at.After(real) {
				c.offset = at.Sub(wall)
			}
			c.manual = false
		}
	default:
		return time.Time{}, fmt.Errorf("clock mode %q: use real or manual", mode)
	}
	return c.now(), nil
}

// Advance moves the clock forward by d: the manual time, or in real mode
// the offset from the wall clock. A negative d is refused.
func (c *SwitchableClock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, ErrBackwards
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.moveTo(c.now().Add(d))
	return c.now(), nil
}

// Set moves the clock to t; a time before now is refused.
func (c *SwitchableClock) Set(t time.Time) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.now()
	if t.Before(cur) {
		return time.Time{}, fmt.Errorf("%w: %s is before the clock's %s", ErrBackwards,
			t.UTC().Format(time.RFC3339Nano), cur.Format(time.RFC3339Nano))
	}
	c.moveTo(t)
	return c.now(), nil
}

// moveTo makes the clock read t; c.mu is held and t is not before now.
func (c *SwitchableClock) moveTo(t time.Time) {
	if c.manual {
		c.frozen = trunc(t)
		return
	}
	c.offset = t.Sub(c.wall())
}
