package sim

import (
	"errors"
	"testing"
	"time"
)

// fakeWall is a wall clock the test moves, forward or back.
type fakeWall struct{ t time.Time }

func (w *fakeWall) now() time.Time { return w.t }

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newTestClock(t *testing.T, mode string, start time.Time) (*SwitchableClock, *fakeWall) {
	t.Helper()
	w := &fakeWall{t: t0}
	c, err := newSwitchable(mode, start, w.now)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

func TestSwitchableManualStandsStill(t *testing.T) {
	start := t0.Add(-time.Hour)
	c, w := newTestClock(t, ModeManual, start)
	w.t = w.t.Add(time.Minute)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("manual Now = %v, want %v", got, start)
	}
	if got, err := c.Advance(90 * time.Second); err != nil || !got.Equal(start.Add(90*time.Second)) {
		t.Fatalf("Advance = %v, %v", got, err)
	}
	if _, err := c.Advance(-time.Second); !errors.Is(err, ErrBackwards) {
		t.Fatalf("negative Advance: %v, want ErrBackwards", err)
	}
	if _, err := c.Set(start); !errors.Is(err, ErrBackwards) {
		t.Fatalf("Set into the past: %v, want ErrBackwards", err)
	}
	later := start.Add(2 * time.Hour)
	if got, err := c.Set(later); err != nil || !got.Equal(later) {
		t.Fatalf("Set = %v, %v", got, err)
	}
}

func TestSwitchableRealFollowsTheWallWithItsOffset(t *testing.T) {
	c, w := newTestClock(t, ModeReal, time.Time{})
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("real Now = %v, want the wall's %v", got, t0)
	}
	if got, err := c.Advance(time.Hour); err != nil || !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("real Advance = %v, %v", got, err)
	}
	w.t = w.t.Add(time.Second)
	if got := c.Now(); !got.Equal(t0.Add(time.Hour + time.Second)) {
		t.Fatalf("after the wall moved 1s: %v", got)
	}
	w.t = w.t.Add(-time.Minute) // the wall clock steps back (NTP)
	if got := c.Now(); !got.Equal(t0.Add(time.Hour + time.Second)) {
		t.Fatalf("the clock went back with the wall: %v", got)
	}
}

func TestSwitchingModes(t *testing.T) {
	c, w := newTestClock(t, ModeReal, time.Time{})
	// real -> manual freezes at now.
	if got, err := c.SetMode(ModeManual); err != nil || !got.Equal(t0) || c.Mode() != ModeManual {
		t.Fatalf("to manual = %v, %v, mode %s", got, err, c.Mode())
	}
	w.t = t0.Add(time.Minute)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("manual clock moved with the wall: %v", got)
	}
	// manual behind real -> real continues from real time.
	if got, err := c.SetMode(ModeReal); err != nil || !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("to real (manual behind) = %v, %v", got, err)
	}
	// manual ahead of real -> real continues from the manual time.
	if _, err := c.SetMode(ModeManual); err != nil {
		t.Fatal(err)
	}
	ahead := t0.Add(24 * time.Hour)
	if _, err := c.Set(ahead); err != nil {
		t.Fatal(err)
	}
	if got, err := c.SetMode(ModeReal); err != nil || !got.Equal(ahead) || c.Mode() != ModeReal {
		t.Fatalf("to real (manual ahead) = %v, %v", got, err)
	}
	w.t = w.t.Add(5 * time.Second)
	if got := c.Now(); !got.Equal(ahead.Add(5 * time.Second)) {
		t.Fatalf("real clock after 5s of wall time = %v, want the offset kept", got)
	}
	if _, err := c.SetMode("sundial"); err == nil {
		t.Fatal("an unknown mode was accepted")
	}
}

func TestNewSwitchableClock(t *testing.T) {
	if _, err := NewSwitchableClock("fast", time.Time{}); err == nil {
		t.Fatal("an unknown mode was accepted")
	}
	c, err := NewSwitchableClock(ModeManual, t0)
	if err != nil || !c.Now().Equal(t0) || c.Mode() != ModeManual {
		t.Fatalf("manual clock = %v, %v", c.Now(), err)
	}
}
