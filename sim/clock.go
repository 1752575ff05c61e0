// Package sim holds what wslocal simulates about the world: the clock that
// drives every lifecycle.
package sim

import (
	"errors"
	"time"
)

// Clock tells the time. Every lifecycle step is measured on it, so a test
// with a manual clock decides when anything moves.
type Clock interface {
	Now() time.Time
}

// ErrNotManual is returned when a real clock is asked to move.
var ErrNotManual = errors.New("the clock is real: start wslocal with --clock manual to move it")
