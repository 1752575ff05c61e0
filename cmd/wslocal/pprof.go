package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/wslocal/wslocal/server"
)

// servePprof serves Go's profiler on its own address, apart from the API,
// for as long as the process lives. With a token, every profiler request
// must carry it, as the control API's do.
func servePprof(addr, token string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	var h http.Handler = mux
	if token != "" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !server.TokenGiven(r, token) {
				server.RefuseWithoutToken(w, "the profiler")
				return
			}
			mux.ServeHTTP(w, r)
		})
	}
	log.Info("profiler listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	go func() {
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		_ = hs.Serve(ln)
	}()
	return nil
}

// cmdline is pprof's /debug/pprof/cmdline without secrets: the control
// token and the password of a postgres:// store are redacted.
func cmdline(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, strings.Join(redactArgs(os.Args), "\x00"))
}

// redactArgs hides the values of --control-token and the password in a
// --store URL, in every spelling the flag package accepts.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	secret := map[string]func(string) string{
		"control-token": func(string) string { return "REDACTED" },
		"store":         redact,
	}
	for i := 1; i < len(out); i++ {
		name := strings.TrimLeft(out[i], "-")
		if name == out[i] || strings.HasPrefix(out[i], "---") {
			continue
		}
		if out[i] == "--" {
			break
		}
		n, v, hasValue := strings.Cut(name, "=")
		hide, ok := secret[n]
		switch {
		case !ok:
		case hasValue:
			out[i] = out[i][:len(out[i])-len(v)] + hide(v)
		case i+1 < len(out):
			out[i+1] = hide(out[i+1])
			i++
		}
	}
	return out
}
