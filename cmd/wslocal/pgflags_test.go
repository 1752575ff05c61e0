package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store/postgres"
)

// The PostgreSQL session bounds come from their flags, or WSLOCAL_<NAME>,
// with the defaults of postgres.DefaultOptions; 0 turns one off, and a
// negative one is refused.
func TestPostgresTimeoutFlags(t *testing.T) {
	o, err := parseFlags(nil, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.pg != postgres.DefaultOptions() || o.pg != (postgres.Options{LockTimeout: 10 * time.Second,
		StatementTimeout: 30 * time.Second, IdleInTransactionTimeout: 5 * time.Second, ReadWindow: 3 * time.Millisecond}) {
		t.Errorf("defaults %+v", o.pg)
	}
	env := map[string]string{"WSLOCAL_PG_LOCK_TIMEOUT": "2s", "WSLOCAL_PG_IDLE_IN_TRANSACTION_TIMEOUT": "0"}
	o, err = parseFlags([]string{"--pg-lock-timeout", "3s", "--pg-statement-timeout", "1m"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (postgres.Options{LockTimeout: 3 * time.Second, StatementTimeout: time.Minute, ReadWindow: 3 * time.Millisecond}); o.pg != want {
		t.Errorf("flags and environment: %+v; want %+v", o.pg, want)
	}
	_, err = parseFlags([]string{"--pg-statement-timeout", "-1s"}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--pg-statement-timeout -1s: must be 0 (no bound) or positive") {
		t.Errorf("negative timeout: %v", err)
	}
}
