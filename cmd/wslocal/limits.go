package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/wslocal/wslocal/auth"
)

// maxHeaderBytes bounds a request's headers. A SigV4 request's headers are
// well under 4 KiB; net/http's default of 1 MiB per request only helps
// a flood.
const maxHeaderBytes = 64 << 10

type limits struct {
	maxBody int64
}

// limitsOf checks the limit flags.
func limitsOf(o *options) (limits, error) {
	n, err := parseSize(o.maxBody)
	if err != nil || n <= 0 {
		return limits{}, fmt.Errorf("--max-body %q: give a positive size in bytes, KiB or MiB (e.g. 1MiB)", o.maxBody)
	}
	for _, d := range []struct {
		name string
		ok   bool
	}{
		{"--read-header-timeout", o.readHeader > 0},
		{"--read-timeout", o.readTimeout > 0},
		{"--idle-timeout", o.idleTimeout > 0},
	} {
		if !d.ok {
			return limits{}, fmt.Errorf("%s must be positive: without it a client that stops sending holds a connection forever", d.name)
		}
	}
	if o.maxInFlight < 1 {
		return limits{}, fmt.Errorf("--max-inflight %d: must be at least 1", o.maxInFlight)
	}
	return limits{maxBody: n}, nil
}

// parseSize reads "1048576", "1024KiB" or "1MiB".
func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "MiB"):
		s, mult = strings.TrimSuffix(s, "MiB"), 1<<20
	case strings.HasSuffix(s, "KiB"):
		s, mult = strings.TrimSuffix(s, "KiB"), 1<<10
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// authenticator builds the auth mode the flags ask for.
func authenticator(o *options) (auth.Authenticator, error) {
	mode, err := auth.ParseMode(o.auth)
	if err != nil {
		return auth.Authenticator{}, err
	}
	a := auth.Authenticator{Mode: mode}
	switch {
	case mode == auth.Strict && o.credentials == "":
		return a, fmt.Errorf("--auth strict needs --credentials FILE: a JSON or YAML list of {accessKey, secretKey, account, allow, deny}")
	case mode != auth.Strict && o.credentials != "":
		// A credentials file suggests the operator expects it enforced.
		return a, fmt.Errorf("--credentials is read only with --auth strict (now --auth %s): add --auth strict, or drop --credentials", mode)
	case mode == auth.Strict:
		if a.Keys, err = auth.LoadKeys(o.credentials); err != nil {
			return a, err
		}
	}
	return a, nil
}

// authBanner says in the banner what the auth mode means for a client.
func authBanner(a auth.Authenticator, credentials string) string {
	switch a.Mode {
	case auth.Off:
		return "off: unsigned requests are account " + auth.DefaultAccount + " in " + auth.DefaultRegion
	case auth.Strict:
		return fmt.Sprintf("strict: signatures verified against the %d keys of %s", a.Keys.Len(), credentials)
	default:
		return "accept: requests must be SigV4-signed, with any credentials (the signature is not checked)"
	}
}

// checkExposure refuses to serve the control API beyond this machine
// without a token: POST /_wslocal/reset deletes every account's state.
func checkExposure(addr, token string) error {
	if token != "" {
		return nil
	}
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if tcp.IP != nil && tcp.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %s is reachable from other machines, and the control API (/_wslocal/: reset, clock, faults) "+
		"would be open to all of them: set --control-token (or WSLOCAL_CONTROL_TOKEN) to a secret that control requests "+
		"must send as \"Authorization: Bearer <token>\", or listen on 127.0.0.1", addr)
}

// checkPprofExposure applies --addr's rule to --pprof: the profiler shows
// the process's memory, goroutines and command line, so it listens beyond
// loopback only when the token protects it.
func checkPprofExposure(addr, token string) error {
	if token != "" {
		return nil
	}
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: %w", addr, err)
	}
	if tcp.IP != nil && tcp.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--pprof %s is reachable from other machines, and the profiler would be open to all of them: "+
		"listen on 127.0.0.1 (e.g. --pprof 127.0.0.1:6060), or set --control-token-file (or WSLOCAL_CONTROL_TOKEN), "+
		"which the profiler then requires as \"Authorization: Bearer <token>\"", addr)
}
