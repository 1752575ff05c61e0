// Command wslocal runs a local, wire-compatible Amazon WorkSpaces API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/server"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/workspaces"
)

func main() {
	tuneGC(os.Getenv)
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "wslocal:", err)
		os.Exit(1)
	}
}

type options struct {
	addr      string
	store     string
	clock     string
	step      time.Duration
	durations string
	quotas    string
	logLevel  string
	logFormat string
	seed      string

	auth         string
	credentials  string
	controlToken string
	// tokenInArgs: --control-token was given on the command line, where
	// ps and /proc show it to every user of the machine.
	tokenInArgs bool
	maxBody     string
	maxInFlight int
	readHeader  time.Duration
	readTimeout time.Duration
	idleTimeout time.Duration
	pprof       string
	version     bool

	pg postgres.Options
}

// parseFlags reads flags; each flag's default comes from WSLOCAL_<NAME>
// when that is set, so the flag wins over the environment.
func parseFlags(args []string, getenv func(string) string, out io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("wslocal", flag.ContinueOnError)
	fs.SetOutput(out)
	env := func(name, def string) string {
		if v := getenv("WSLOCAL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&o.addr, "addr", env("addr", "127.0.0.1:4599"), "address to listen on (env WSLOCAL_ADDR)")
	fs.StringVar(&o.store, "store", env("store", "sqlite:.wslocal/state.db"),
		"where state lives: sqlite:<path> (durable; one wslocal per file), memory, or postgres://... shared by replicas (env WSLOCAL_STORE)")
	fs.StringVar(&o.clock, "clock", env("clock", "real"),
		"real, or manual: lifecycles move only when POST /_wslocal/clock advances time (env WSLOCAL_CLOCK)")
	var envErrs []error
	duration := func(p *time.Duration, name, def, usage string) {
		d, err := time.ParseDuration(env(name, def))
		if err != nil {
			envErrs = append(envErrs, fmt.Errorf("WSLOCAL_%s: %w", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err))
		}
		fs.DurationVar(p, name, d, usage+" (env WSLOCAL_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")")
	}
	duration(&o.step, "step", "1s", "how long each lifecycle step takes on the clock")
	fs.StringVar(&o.durations, "durations", env("durations", ""),
		"per-step durations overriding --step, e.g. import=10s,deploy=2s,removed=1h (env WSLOCAL_DURATIONS);\nthe names and defaults, by the kind they time: "+workspaces.DurationsHelp())
	fs.StringVar(&o.quotas, "quotas", env("quotas", ""),
		"quotas, e.g. images=100,workspaces=5000 (env WSLOCAL_QUOTAS);\nthe names and defaults, by the kind they limit: "+workspaces.QuotasHelp())
	fs.StringVar(&o.logLevel, "log-level", env("log-level", "info"), "debug, info, warn or error (env WSLOCAL_LOG_LEVEL)")
	fs.StringVar(&o.seed, "seed", env("seed", ""),
		"a YAML or JSON file of directories, images, bundles and WorkSpaces applied at start\n(see docs/seed.example.yaml; env WSLOCAL_SEED)")
	fs.StringVar(&o.logFormat, "log-format", env("log-format", "text"),
		"text (key=value) or json (one object a line) for the access log (env WSLOCAL_LOG_FORMAT)")
	fs.StringVar(&o.auth, "auth", env("auth", string(auth.Accept)),
		"off: no signature needed; accept: a SigV4 Authorization header is required, its signature is not checked;\nstrict: signatures verified against --credentials (env WSLOCAL_AUTH)")
	fs.StringVar(&o.credentials, "credentials", env("credentials", ""),
		"for --auth strict: a JSON or YAML list of {accessKey, secretKey, account, allow, deny} (env WSLOCAL_CREDENTIALS)")
	fs.StringVar(&o.controlToken, "control-token", env("control-token", ""),
		"require \"Authorization: Bearer <token>\" on the control API /_wslocal/ (health excepted) and the profiler;\nneeded when --addr or --pprof is not a loopback address; \"generate\" makes a random one and prints it at start. Prefer --control-token-file or the environment:\nthe command line is visible to every user of the machine (env WSLOCAL_CONTROL_TOKEN)")
	var tokenFile string
	fs.StringVar(&tokenFile, "control-token-file", env("control-token-file", ""),
		"read the --control-token from this file (trailing newline ignored) (env WSLOCAL_CONTROL_TOKEN_FILE)")
	fs.StringVar(&o.maxBody, "max-body", env("max-body", "1MiB"), "largest request body, in bytes or with KiB/MiB (env WSLOCAL_MAX_BODY)")
	inFlight, err := strconv.Atoi(env("max-inflight", strconv.Itoa(server.DefaultMaxInFlight)))
	if err != nil {
		envErrs = append(envErrs, fmt.Errorf("WSLOCAL_MAX_INFLIGHT: %w", err))
	}
	fs.IntVar(&o.maxInFlight, "max-inflight", inFlight,
		"API requests served at once; beyond it ThrottlingException at once (env WSLOCAL_MAX_INFLIGHT)")
	duration(&o.readHeader, "read-header-timeout", "10s", "time allowed to send the request headers")
	duration(&o.readTimeout, "read-timeout", "60s", "time allowed to send a whole request, body included")
	duration(&o.idleTimeout, "idle-timeout", "120s", "how long an idle keep-alive connection stays open")
	pgDefaults := postgres.DefaultOptions()
	duration(&o.pg.LockTimeout, "pg-lock-timeout", pgDefaults.LockTimeout.String(),
		"PostgreSQL store: longest wait for a write lock, the schema's or a partition's (lock_timeout);\na write that waits longer answers ServiceUnavailable (HTTP 503, retryable); 0: no bound")
	duration(&o.pg.StatementTimeout, "pg-statement-timeout", pgDefaults.StatementTimeout.String(),
		"PostgreSQL store: longest statement (statement_timeout); 0: no bound")
	duration(&o.pg.IdleInTransactionTimeout, "pg-idle-in-transaction-timeout", pgDefaults.IdleInTransactionTimeout.String(),
		"PostgreSQL store: PostgreSQL ends a session idle this long inside a transaction, freeing the write lock\nof a replica whose connection went silent (idle_in_transaction_session_timeout); 0: no bound")
	duration(&o.pg.ReadWindow, "pg-read-window", pgDefaults.ReadWindow.String(),
		"PostgreSQL store: a replica serves a Describe view it keeps if a check sent at most this long before the request\nfound no write changed it, and a write answers this long after it committed while another replica keeps views,\nso that a read sees every write answered before it, on any replica; 0: check on every read, writes answer at once")
	fs.BoolVar(&o.version, "version", false, "print the version and build details, then exit")
	fs.StringVar(&o.pprof, "pprof", env("pprof", ""), "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; off when empty (env WSLOCAL_PPROF)")
	fs.Usage = func() {
		fmt.Fprintf(out, "wslocal: a local Amazon WorkSpaces API.\n\nUsage:\n  wslocal [flags]           serve\n  wslocal health [flags]    exit 0 if the wslocal at --addr answers its health check (see wslocal health -h)\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := errors.Join(envErrs...); err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see wslocal --help)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { o.tokenInArgs = o.tokenInArgs || f.Name == "control-token" })
	if tokenFile != "" {
		if o.controlToken != "" {
			return nil, errors.New("--control-token-file and --control-token (or WSLOCAL_CONTROL_TOKEN) both give the token: give one")
		}
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--control-token-file: %w", err)
		}
		if o.controlToken = strings.TrimRight(string(b), "\r\n"); strings.TrimSpace(o.controlToken) == "" {
			return nil, fmt.Errorf("--control-token-file %s: the file is empty", tokenFile)
		}
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"--pg-lock-timeout", o.pg.LockTimeout}, {"--pg-statement-timeout", o.pg.StatementTimeout},
		{"--pg-idle-in-transaction-timeout", o.pg.IdleInTransactionTimeout}, {"--pg-read-window", o.pg.ReadWindow}} {
		if f.d < 0 {
			return nil, fmt.Errorf("%s %v: must be 0 (no bound) or positive", f.name, f.d)
		}
	}
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "health" {
		return health(ctx, args[1:], getenv, stdout, stderr)
	}
	o, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.version {
		printVersion(stdout)
		return nil
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", o.logLevel)
	}
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	var log *slog.Logger
	switch opts := (&slog.HandlerOptions{Level: level}); o.logFormat {
	case "text":
		log = slog.New(logHandler{slog.NewTextHandler(logOut, opts), logOut})
	case "json":
		log = slog.New(logHandler{slog.NewJSONHandler(logOut, opts), logOut})
	default:
		return fmt.Errorf("--log-format %q: use text or json", o.logFormat)
	}
	// The line per request is written pre-formatted, in the same bytes as
	// log's handler would write it (awsjson.AccessLog), when its level lets
	// Info through.
	var accessLog *awsjson.AccessLog
	if level <= slog.LevelInfo {
		accessLog = awsjson.NewAccessLog(logOut, o.logFormat == "json")
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	cfg, err := serviceConfig(o)
	if err != nil {
		return err
	}
	lim, err := limitsOf(o)
	if err != nil {
		return err
	}
	authn, err := authenticator(o)
	if err != nil {
		return err
	}
	generated := o.controlToken == generateToken
	if generated {
		if o.controlToken, err = newControlToken(); err != nil {
			return err
		}
	}
	// Before listening: the control API must not be reachable even for a moment.
	if err := checkExposure(o.addr, o.controlToken); err != nil {
		return err
	}
	if o.pprof != "" {
		if err := checkPprofExposure(o.pprof, o.controlToken); err != nil {
			return err
		}
	}
	if o.tokenInArgs && !generated {
		log.Warn("--control-token on the command line is visible to every user of this machine (ps, /proc); " +
			"prefer --control-token-file or WSLOCAL_CONTROL_TOKEN")
	}
	// Listen first: a taken port is the commonest start-up failure, and
	// it should not wait for a store to open or a seed to be applied.
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another wslocal running? choose another with --addr or WSLOCAL_ADDR)", o.addr, err)
	}
	srv, err := server.New(ctx, server.Config{Store: o.store, Postgres: &o.pg, Clock: o.clock, Workspaces: cfg, Log: log, AccessLog: accessLog, SeedFile: o.seed,
		Auth: authn, ControlToken: o.controlToken, Addr: o.addr, MaxBodyBytes: lim.maxBody, MaxInFlight: o.maxInFlight})
	if err != nil {
		ln.Close()
		return err
	}
	endpoint := "http://" + ln.Addr().String()
	fmt.Fprintf(stderr, "wslocal %s listening on %s (store %s, clock %s)\n", server.VersionString(), endpoint, redact(o.store), o.clock)
	// Listening on all addresses (0.0.0.0, ::, a container's default),
	// clients on this machine use loopback: http://[::]:4599 is no endpoint.
	endpoint = "http://" + clientAddr(ln.Addr().String())
	fmt.Fprintf(stderr, "  auth %s\n", authBanner(authn, o.credentials))
	if o.seed != "" {
		fmt.Fprintf(stderr, "  seeded from %s\n", o.seed)
	}
	fmt.Fprintf(stderr, "  control %s/_wslocal/  metrics %s/metrics\n", endpoint, endpoint)
	if generated {
		fmt.Fprintf(stderr, "  control token %s (generated: send \"Authorization: Bearer <token>\" to /_wslocal/)\n", o.controlToken)
	}
	fmt.Fprintf(stderr, "  export AWS_ENDPOINT_URL=%s\n", endpoint)

	if o.pprof != "" {
		if err := servePprof(o.pprof, o.controlToken, log); err != nil {
			ln.Close()
			srv.Close()
			return err
		}
	}

	hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: o.readHeader, ReadTimeout: o.readTimeout,
		IdleTimeout: o.idleTimeout, MaxHeaderBytes: maxHeaderBytes}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	return errors.Join(err, srv.Close())
}

// tuneGC trades memory for CPU unless GOGC or GOMEMLIMIT say otherwise.
// wslocal's live heap is 2-3 MB and a request leaves about 6 KB of
// garbage. Go's default GOGC=100 collects every 2 MB of garbage or so,
// which once took 10-15% of the CPU under load. GOGC=250 collects every
// 8 MB or so: its heap goal (live heap and roots times 3.5, and at least
// 10 MB, Go's 4 MB floor scaled by GOGC) costs about 1% of the CPU more
// than GOGC=400 did and keeps 6 MB less resident: 38 MB instead of 44 MB
// after load (docs/performance.md, "Resident memory"). GOGC=400 buys that
// 1% back for those 6 MB. The soft limit keeps a large live heap (a big
// memory store) from growing to 3.5 times its size.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// The collector's settings when GOGC and GOMEMLIMIT are not set.
const (
	defaultGOGC        = 250
	defaultMemoryLimit = 128 << 20
)

// redact hides the password of a postgres:// store URL in what is printed.
func redact(store string) string {
	if u, err := url.Parse(store); err == nil && u.User != nil {
		return u.Redacted()
	}
	return store
}
