package control

import (
	"embed"
	"io/fs"
	"net/http"
)

// uiFiles is the dashboard: plain HTML, JS and CSS with no build step, so
// the binary carries it and it works offline.
//
//go:embed ui/index.html ui/app.js ui/style.css
var uiFiles embed.FS

// uiCSP keeps the dashboard to its own origin: it loads nothing from a CDN
// and posts nowhere else, and a resource name that smuggles markup cannot
// run script.
const uiCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

// registerUI serves the dashboard at /_wslocal/ui and /_wslocal/ui/. It
// reads the state, catalogue and request log from the control API like
// any other client does.
func registerUI(mux *http.ServeMux) {
	sub, _ := fs.Sub(uiFiles, "ui") // cannot fail: "ui" is embedded above
	files := http.StripPrefix(Prefix+"ui/", http.FileServerFS(sub))
	serve := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", uiCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		// The files change with the binary; a stale cached app.js after an
		// upgrade would be confusing, and they are small.
		h.Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}
	index := func(w http.ResponseWriter, r *http.Request) {
		// FileServer would redirect /ui to /ui/; serving the page at both
		// keeps the URL people type working without a round trip.
		r2 := r.Clone(r.Context())
		r2.URL.Path = Prefix + "ui/"
		serve(w, r2)
	}
	mux.HandleFunc("GET "+Prefix+"ui", index)
	mux.HandleFunc("GET "+Prefix+"ui/{$}", index)
	mux.HandleFunc("GET "+Prefix+"ui/{file}", serve)
}
