package api

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp member. awsJson1.1 sends timestamps as epoch seconds,
// a JSON number with an optional fraction (wslocal keeps milliseconds).
type Time time.Time

// T returns the value as a time.Time.
func (t Time) T() time.Time { return time.Time(t) }

// MarshalJSON writes epoch seconds with millisecond precision.
func (t Time) MarshalJSON() ([]byte, error) {
	return t.appendJSON(nil), nil
}

// UnmarshalJSON reads epoch seconds (integer or fractional).
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e13 {
		return fmt.Errorf("timestamp %s is not epoch seconds", b)
	}
	sec, frac := math.Modf(f)
	*t = Time(time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC())
	return nil
}
