//go:build race

package main

// raceEnabled: the race detector's instrumentation allocates at init too.
const raceEnabled = true
