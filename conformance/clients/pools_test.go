package clients_test

import "testing"

// TestBoto3Pools: a WorkSpaces Pool from a POOLS directory through every
// state on the manual clock, a session, and Terraform's terminate-and-poll.
func TestBoto3Pools(t *testing.T) { runPython(t, "python/pools.py") }
