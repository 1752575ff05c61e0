package server

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
)

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
