package workspaces

import (
	"errors"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/api"
)

// The pool's lifecycle of docs/behaviour.md ("WorkSpaces Pools"), written
// out independently of the transition table, joins the walk of
// lifecycle_test.go.
func init() {
	expected[kindPool] = map[string]map[event]string{
		none:         {evCreate: poolCreating},
		poolCreating: {evStepDone: poolRunning, evTerminate: poolStopping},
		poolRunning:  {evStop: poolStopping, evUpdate: poolUpdating, evTerminate: poolStopping},
		poolStopping: {evStepDone: poolStopped, evTerminate: sameAsStart},
		poolStopped:  {evStart: poolStarting, evUpdate: sameAsStart, evTerminate: poolDeleting},
		poolStarting: {evStepDone: poolRunning, evTerminate: poolStopping},
		poolUpdating: {evStepDone: poolRunning, evTerminate: poolStopping},
		poolDeleting: {evStepDone: none, evTerminate: sameAsStart},
	}
	apiEvents[kindPool] = map[event]bool{evStart: true, evStop: true, evUpdate: true, evTerminate: true}
	ended := map[event]string{evTerminate: none, evOwnerGone: none, evExpire: none}
	expected[kindPoolSession] = map[string]map[event]string{
		none:             {evCreate: sessionConnected},
		sessionConnected: ended,
		string(api.SessionConnectionStateNotConnected): ended,
	}
	apiEvents[kindPoolSession] = map[event]bool{evTerminate: true}
	allEvents = append(allEvents, evUpdate)
}

func TestPoolRefusalsAreInvalidResourceState(t *testing.T) {
	for _, c := range []struct {
		from string
		ev   event
	}{{poolRunning, evStart}, {poolCreating, evStop}, {poolStopped, evStop}, {poolUpdating, evUpdate}, {poolDeleting, evUpdate}} {
		_, err := next(kindPool, "wspool-123456789", c.from, c.ev)
		var apiErr api.Error
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidResourceStateException" ||
			!strings.Contains(err.Error(), "The WorkSpaces Pool wspool-123456789 is "+c.from+" and cannot "+string(c.ev)+".") {
			t.Errorf("pool %s on %s: %v, want InvalidResourceStateException naming the pool and its state", c.from, c.ev, err)
		}
	}
}
