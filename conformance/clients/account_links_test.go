package clients_test

import "testing"

// TestBoto3AccountLinks: the account link invitation flow between two
// accounts, a third that sees nothing, and the modelled exceptions.
func TestBoto3AccountLinks(t *testing.T) { runPython(t, "python/account_links.py") }
