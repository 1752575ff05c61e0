package auth

import (
	"fmt"
	"strings"
)

// ServicePrefix is the IAM service prefix of WorkSpaces actions.
const ServicePrefix = "workspaces"

// Action is the IAM action name of an operation, e.g.
// "workspaces:DescribeImageAssociations".
func Action(operation string) string { return ServicePrefix + ":" + operation }

// checkAction accepts "*" and "workspaces:<name>" where name is letters,
// digits and the wildcards * and ?, as IAM writes actions.
func checkAction(a string) error {
	if a == "*" {
		return nil
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || name == "" {
		return fmt.Errorf("%q is not an action: write workspaces:<Operation>, with * and ? as wildcards", a)
	}
	if !strings.EqualFold(svc, ServicePrefix) {
		return fmt.Errorf("%q is not a WorkSpaces action: wslocal serves workspaces:* only", a)
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '*' || r == '?') {
			return fmt.Errorf("%q: an action name holds letters, digits, * and ? only", a)
		}
	}
	return nil
}

// Authorize refuses an operation the caller's key may not perform: a deny
// entry matches it, or an allow list is present and no entry matches. It
// allows everything outside strict mode, where callers have no key entry.
func (a *Authenticator) Authorize(c Caller, operation string) error {
	if a == nil || a.Mode != Strict {
		return nil
	}
	k, ok := a.Keys.Lookup(c.AccessKey)
	if !ok {
		// Authenticate lets no unknown key through; refuse rather than guess.
		return unrecognizedClient()
	}
	action := Action(operation)
	if matchesAny(k.Deny, action) || (k.Allow != nil && !matchesAny(k.Allow, action)) {
		return accessDenied(k.Account, k.AccessKey, action)
	}
	return nil
}

func matchesAny(patterns []string, action string) bool {
	for _, p := range patterns {
		if matchAction(p, action) {
			return true
		}
	}
	return false
}

// matchAction matches an IAM action pattern: case-insensitive, * any run of
// characters, ? any one character.
func matchAction(pattern, action string) bool {
	p, s := strings.ToLower(pattern), strings.ToLower(action)
	// Iterative wildcard matching with one backtrack point: linear in
	// practice, no recursion on hostile patterns.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
