package gosdk_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/wslocal/wslocal/wslocaltest"
)

// TestStatsCountTheAccountsSteps: GET /_wslocal/stats lists every kind
// with a lifecycle, the account's BYOL settings included, and counts a
// ModifyAccount's step there.
func TestStatsCountTheAccountsSteps(t *testing.T) {
	t.Parallel()
	srv := start(t, wslocaltest.WithClockStart(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)))
	var stats struct{ LifecycleSteps map[string]int64 }
	srv.Control("GET", "/_wslocal/stats", nil, &stats)
	zero := map[string]int64{"account": 0, "association": 0, "directory": 0, "image": 0, "workspace": 0, "pool": 0, "pool-session": 0}
	if !reflect.DeepEqual(stats.LifecycleSteps, zero) {
		t.Fatalf("a new server's lifecycleSteps = %v, want %v", stats.LifecycleSteps, zero)
	}
	if err := enableBYOL(client(srv), "10.2.0.0/16"); err != nil {
		t.Fatalf("ModifyAccount: %v", err)
	}
	srv.Advance(time.Minute)
	srv.Control("GET", "/_wslocal/stats", nil, &stats)
	want := map[string]int64{"account": 1, "association": 0, "directory": 0, "image": 0, "workspace": 0, "pool": 0, "pool-session": 0}
	if !reflect.DeepEqual(stats.LifecycleSteps, want) {
		t.Errorf("after the modification's step: lifecycleSteps = %v, want %v", stats.LifecycleSteps, want)
	}
}
