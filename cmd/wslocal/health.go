package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// health is `wslocal health`: it asks the wslocal listening on --addr for
// GET /_wslocal/health and fails unless the answer is 200 with status ok.
// It needs no shell, so a scratch container image can use it as its
// HEALTHCHECK. It reads WSLOCAL_ADDR as the server does; an unspecified
// host (0.0.0.0, ::, none) is asked on loopback.
func health(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wslocal health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := getenv("WSLOCAL_ADDR")
	if addr == "" {
		addr = "127.0.0.1:4599"
	}
	fs.StringVar(&addr, "addr", addr, "the address wslocal listens on (env WSLOCAL_ADDR)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wslocal health [--addr host:port] [--timeout 3s]\n\n"+
			"Exits 0 when GET /_wslocal/health answers 200, 1 otherwise.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("health: unexpected argument %q", fs.Arg(0))
	}
	url, err := healthURL(addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	// Health is open without the token; sent anyway in case a proxy in
	// front wants it.
	if tok := getenv("WSLOCAL_CONTROL_TOKEN"); tok != "" && tok != generateToken {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	var h struct {
		Status, Version, Store, Clock string
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: GET %s answered %s: %.200s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" {
		return fmt.Errorf("health: GET %s answered 200 but not {\"status\":\"ok\"}: %.200s", url, body)
	}
	fmt.Fprintf(stdout, "ok: wslocal %s at %s (store %s, clock %s)\n", h.Version, url, h.Store, h.Clock)
	return nil
}

func healthURL(addr string) (string, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", fmt.Errorf("health: --addr %q: %w", addr, err)
	}
	return "http://" + clientAddr(addr) + "/_wslocal/health", nil
}

// clientAddr is where a client on this machine reaches a server listening
// on addr: loopback for an unspecified host (0.0.0.0, ::, none).
func clientAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}
