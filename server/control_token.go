package server

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
)

// requireToken guards the control API: reset, the clock and fault rules
// would let anyone who reaches the port rewrite every account's state.
// GET /_wslocal/health stays open, so liveness probes and start-up waits
// need no secret; it tells only the version, store kind and clock. The
// client branding logos stay open too: AWS serves them to any login page.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicControl(r) {
			next.ServeHTTP(w, r)
			return
		}
		if !TokenGiven(r, token) {
			RefuseWithoutToken(w, "the control API")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RefuseWithoutToken answers 401 for what (the control API, the profiler)
// to a request without the control token. Basic too: a browser asks for
// it, so the dashboard works (any user name, the token as the password).
func RefuseWithoutToken(w http.ResponseWriter, what string) {
	w.Header().Add("WWW-Authenticate", `Bearer realm="wslocal `+strings.TrimPrefix(what, "the ")+`"`)
	w.Header().Add("WWW-Authenticate", `Basic realm="wslocal `+strings.TrimPrefix(what, "the ")+`", charset="UTF-8"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"error": what + " needs the header Authorization: Bearer <the --control-token of this wslocal>"})
}

// TokenGiven reports whether r carries the token, as "Bearer <token>" or
// as the password of HTTP Basic authentication.
func TokenGiven(r *http.Request, token string) bool {
	got := ""
	if _, pass, ok := r.BasicAuth(); ok {
		got = pass
	} else if scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " "); strings.EqualFold(scheme, "Bearer") {
		// The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
		got = rest
	} else {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
