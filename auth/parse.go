package auth

import (
	"fmt"
	"strings"
)

// Algorithm is the only signing algorithm the emulator accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// maxHeaderLen bounds the work done on hostile input; real headers are a few hundred bytes.
const maxHeaderLen = 8 << 10

// Credential is the parsed Authorization header of a SigV4 request.
type Credential struct {
	AccessKey, Date, Region, Service string // from Credential=AKID/20240101/us-east-1/workspaces/aws4_request
	SignedHeaders                    []string
	Signature                        string
}

// ParseError reports a malformed Authorization header. Message is worded
// like AWS's IncompleteSignatureException so it can be returned to clients as is.
type ParseError struct {
	Message string
}

func (e *ParseError) Error() string { return e.Message }

func parseErr(format string, args ...any) error {
	return &ParseError{Message: fmt.Sprintf(format, args...)}
}

// ParseAuthorization parses an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header value.
// It returns a *ParseError on malformed input.
func ParseAuthorization(header string) (Credential, error) {
	return parseAuthorization(header, true)
}

// parseAuthorization is ParseAuthorization; without splitSigned it checks
// SignedHeaders but leaves Credential.SignedHeaders nil, which accept mode
// does not read: the header is parsed without allocating.
func parseAuthorization(header string, splitSigned bool) (Credential, error) {
	var c Credential
	if len(header) > maxHeaderLen {
		return c, parseErr("Authorization header is too long: %d bytes exceeds the limit of %d.", len(header), maxHeaderLen)
	}
	alg, rest, _ := strings.Cut(strings.TrimLeft(header, " "), " ")
	if alg != Algorithm {
		return c, parseErr("Unsupported AWS 'algorithm': '%s'.", alg)
	}

	// Components are comma separated in any order; clients differ on spacing after commas.
	var cred, signed, sig string
	var seen [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.Trim(part, " \t")
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return c, parseErr("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, header)
		}
		var i int
		var dst *string
		switch key {
		case "Credential":
			i, dst = 0, &cred
		case "SignedHeaders":
			i, dst = 1, &signed
		case "Signature":
			i, dst = 2, &sig
		default:
			continue // AWS ignores unknown parameters too
		}
		// A repeated component makes it ambiguous which one was signed.
		if seen[i] {
			return c, parseErr("Authorization header has duplicate '%s' parameter. Authorization=%s", key, header)
		}
		seen[i], *dst = true, val
	}

	// Report every missing component at once, as AWS does.
	if cred == "" || sig == "" || signed == "" {
		var missing []string
		for _, m := range []struct{ name, val string }{{"Credential", cred}, {"Signature", sig}, {"SignedHeaders", signed}} {
			if m.val == "" {
				missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", m.name))
			}
		}
		return c, parseErr("%s Authorization=%s", strings.Join(missing, " "), header)
	}

	var scope [5]string
	n := 0
	for part := range strings.SplitSeq(cred, "/") {
		if n < len(scope) {
			scope[n] = part
		}
		n++
	}
	if n != 5 {
		return c, parseErr("Credential should be scoped to a valid region, and service and terminator: '%s' is not of the form <key>/<date>/<region>/<service>/aws4_request.", cred)
	}
	if scope[4] != "aws4_request" {
		return c, parseErr("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", scope[4])
	}
	if scope[0] == "" {
		return c, parseErr("Credential must have a non-empty access key: '%s'.", cred)
	}
	if !validRegion(scope[2]) {
		return c, parseErr("Credential should be scoped to a valid region, not '%s'.", scope[2])
	}
	for h := range strings.SplitSeq(signed, ";") {
		if h == "" {
			return c, parseErr("SignedHeaders must be a semicolon separated list of header names, not '%s'.", signed)
		}
	}
	var headers []string
	if splitSigned {
		headers = strings.Split(signed, ";")
	}

	c = Credential{
		AccessKey:     scope[0],
		Date:          scope[1],
		Region:        scope[2],
		Service:       scope[3],
		SignedHeaders: headers,
		Signature:     sig,
	}
	return c, nil
}

// validRegion accepts region-shaped names only, so a hostile scope cannot
// smuggle arbitrary text into the stored partition key.
func validRegion(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-') {
			return false
		}
	}
	return true
}
