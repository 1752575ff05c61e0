package auth

import "fmt"

// Mode says how much of a request's SigV4 signature wslocal checks.
type Mode string

const (
	// Off needs no Authorization header: an unsigned request is the default
	// account in the default region, as hand-written curl calls expect.
	Off Mode = "off"
	// Accept needs a well-formed SigV4 Authorization header and takes the
	// account and region from it, without checking the signature: any SDK
	// with any credentials works, and an unsigned request is refused the way
	// AWS refuses it.
	Accept Mode = "accept"
	// Strict verifies every signature against the keys of a credentials
	// file, checks the request time, and applies each key's allow and deny
	// lists.
	Strict Mode = "strict"
)

// ParseMode reads an --auth value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Off, Accept, Strict:
		return m, nil
	}
	return "", fmt.Errorf("--auth %q: use off, accept or strict", s)
}
