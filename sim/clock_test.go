package sim

import (
	"testing"
	"time"
)

func TestManualClockMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewManualClock(start)
	if !c.Now().Equal(start) {
		t.Fatalf("Now = %v, want %v", c.Now(), start)
	}
	if got, err := c.Advance(90 * time.Second); err != nil || !got.Equal(start.Add(90*time.Second)) {
		t.Fatalf("Advance = %v, %v", got, err)
	}
	if _, err := c.Advance(-time.Second); err == nil {
		t.Fatal("a negative advance was accepted")
	}
	if _, err := c.Set(start); err == nil {
		t.Fatal("moving the clock backwards was accepted")
	}
	later := start.Add(time.Hour)
	if got, err := c.Set(later); err != nil || !got.Equal(later) {
		t.Fatalf("Set = %v, %v", got, err)
	}
}
