package server

import (
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/wslocal/wslocal/control"
)

// guardControl keeps the control API from being a cross-site target. A
// web page the user visits can send the browser to 127.0.0.1: a form or a
// no-cors fetch POSTs cross-site without asking (reset, fault rules), and
// a page whose name is rebound to 127.0.0.1 reads the answers as its own.
// So, before the control API sees a request:
//
//   - Host must name this machine's loopback (localhost, *.localhost,
//     127.0.0.0/8, ::1) or the host of the configured address, unless a
//     token guards the API (a rebound page cannot send the token; a
//     deployment reached under any name needs one anyway). Defeats DNS
//     rebinding. GET /_wslocal/health is exempt, for probes, and so are
//     the client branding logos (control.IsBrandingLogo), which are public.
//   - A request that changes state (any method but GET and HEAD) is refused
//     when the browser says it is cross-origin: Sec-Fetch-Site other than
//     same-origin or none, or an Origin that is not this server's. Clients
//     that are not browsers send neither header. A cross-site GET is
//     refused too unless it is a navigation (a link to the dashboard) or
//     a branding logo (an <img> on a login page anywhere).
//   - A request that changes state must say Content-Type: application/json,
//     which a page cannot send cross-origin without a CORS preflight that
//     wslocal never grants.
//
// The dashboard is same-origin: its reads and writes pass.
//
// Before all of this, a token (--control-token) guards the control API:
// reset, the clock and fault rules would let anyone who reaches the port
// rewrite every account's state. GET /_wslocal/health stays open, so
// liveness probes and start-up waits need no secret; it tells only the
// version, store kind and clock. The client branding logos stay open too:
// AWS serves them to any login page.
func guardControl(addr, token string, next http.Handler) http.Handler {
	// The configured host counts as local unless it is unspecified
	// (0.0.0.0, ::): decided once here, not per request.
	configured := ""
	if h, _, err := net.SplitHostPort(addr); err == nil && !unspecified(h) {
		configured = strings.ToLower(h)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		public := publicControl(r)
		if token != "" && !public && !TokenGiven(r, token) {
			RefuseWithoutToken(w, "the control API")
			return
		}
		if token == "" && !public && !localHost(r.Host, configured) {
			refuse(w, http.StatusForbidden, "the control API answers only requests for this machine's loopback "+
				"(Host: 127.0.0.1, localhost or ::1) or the address wslocal listens on; "+
				"Host "+quoteClip(r.Host)+" is another name (set --control-token to reach it under any name)")
			return
		}
		site := r.Header.Get("Sec-Fetch-Site")
		crossSite := site != "" && site != "same-origin" && site != "none"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page elsewhere may link to the dashboard (a navigation),
			// not embed or fetch the control API's answers.
			if crossSite && !public && r.Header.Get("Sec-Fetch-Mode") != "navigate" {
				refuse(w, http.StatusForbidden, "the control API refuses cross-site requests (Sec-Fetch-Site: "+quoteClip(site)+
					") other than following a link")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if crossSite {
			refuse(w, http.StatusForbidden, "the control API refuses cross-site requests (Sec-Fetch-Site: "+quoteClip(site)+")")
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			refuse(w, http.StatusForbidden, "the control API refuses cross-origin requests (Origin: "+quoteClip(origin)+")")
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			refuse(w, http.StatusUnsupportedMediaType, "a control request that changes state must be sent with "+
				"Content-Type: application/json (got "+quoteClip(r.Header.Get("Content-Type"))+")")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// publicControl reports whether r asks for a part of the control API that
// needs neither the token nor a loopback Host: GET /_wslocal/health and the
// client branding logos.
func publicControl(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == control.Prefix+"health" || control.IsBrandingLogo(r)
}

// localHost reports whether the Host header names this machine's loopback
// or the configured listen host (empty when that is unspecified).
func localHost(hostport, configured string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "":
		// HTTP/1.0 without Host: no browser sends that.
		return true
	case host == "localhost", strings.HasSuffix(host, ".localhost"):
		return true
	case configured != "" && host == configured:
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func unspecified(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
}

// sameOrigin reports whether an Origin header names this server as the
// request reached it.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // "null" included: sandboxed frames, file: pages
	}
	return strings.EqualFold(u.Host, host)
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// quoteClip quotes a client's header for a message, clipped.
func quoteClip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return "'" + s + "'"
}
