package server

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wslocal/wslocal/control"
)

// requireToken guards the control API: reset, the clock and fault rules
// would let anyone who reaches the port rewrite every account's state.
// GET /_wslocal/health stays open, so liveness probes and start-up waits
// need no secret; it tells only the version, store kind and clock.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == control.Prefix+"health" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		// The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wslocal control API"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{
				"error": "the control API needs the header Authorization: Bearer <the --control-token of this wslocal>"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
