// Command wslocal-bench measures an awsJson1.1 WorkSpaces endpoint (wslocal,
// moto's server, or its own bare net/http baseline) under load, and fills a
// wslocal with data to measure against.
//
//	wslocal-bench --url http://127.0.0.1:4599 --op DescribeImageAssociations --c 8 --d 10s
//	wslocal-bench --url http://127.0.0.1:4599 --compare http://127.0.0.1:4600 --op DescribeImageAssociations
//	wslocal-bench --baseline 127.0.0.1:4600          # serve the bare net/http handler
//	wslocal-bench --url http://127.0.0.1:4599 --populate 1000
//	wslocal-bench --populate-store sqlite:/tmp/1m.db --populate 1000000
//
// Every request is SigV4-signed by aws-sdk-go-v2's signer, once per body
// (and again every minute); a worker per connection sends it over a
// keep-alive connection and reads the whole answer. See docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "wslocal-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	url, compare      string
	op, body          string
	conns             int
	duration, window  time.Duration
	warmup            time.Duration
	account, region   string
	accounts          int
	baseline          string
	populate          int
	populateStore     string
	seedImages        int
	pid               int
	jsonOut           bool
	verbose           bool
	populateBatchSize int
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("wslocal-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:4599", "endpoint under load (A); several URLs separated by commas (replicas) share the workers out")
	fs.StringVar(&o.compare, "compare", "", "a second endpoint (B): the load alternates A, B, A, B in windows and the ratio is printed")
	fs.StringVar(&o.op, "op", "DescribeImageAssociations", "operation to send: "+strings.Join(defaultBodyOps(), ", ")+", or any other with --body")
	fs.StringVar(&o.body, "body", "", "JSON body to send (default: a body built for --op, discovering ids through the API)")
	fs.IntVar(&o.conns, "c", 8, "concurrent connections, one worker each")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to load each endpoint")
	fs.DurationVar(&o.window, "window", time.Second, "with --compare, how long each turn of an endpoint lasts")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "load before measuring, on each endpoint")
	fs.StringVar(&o.account, "account", "000000000000", "access key, which wslocal takes as the account id when it has 12 digits")
	fs.IntVar(&o.accounts, "accounts", 1, "load this many accounts, --account and the next ones: worker i uses account i and URL i (modulo their number)")
	fs.StringVar(&o.region, "region", "us-east-1", "region the requests are signed for")
	fs.StringVar(&o.baseline, "baseline", "", "instead of measuring, serve the bare net/http baseline on this address (e.g. 127.0.0.1:4600)")
	fs.IntVar(&o.populate, "populate", 0, "instead of measuring, create about N associations (images, bundles, WorkSpaces) through the API of --url, or in --populate-store")
	fs.StringVar(&o.populateStore, "populate-store", "", "with --populate: write into this wslocal store (sqlite:<path> or postgres://...) directly instead of through --url; for millions of rows")
	fs.IntVar(&o.populateBatchSize, "populate-batch", 20000, "with --populate-store: rows per transaction")
	fs.IntVar(&o.seedImages, "seed-images", 0, "instead of measuring, import N images (without applications) through the API of --url (wslocal)")
	fs.IntVar(&o.pid, "pid", 0, "after the load, report VmRSS and VmHWM of this process (the server)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the results as JSON")
	fs.BoolVar(&o.verbose, "v", false, "print the bodies sent and the first answer of each endpoint")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "wslocal-bench: load an awsJson1.1 WorkSpaces endpoint and report throughput and latency.\n\nUsage: wslocal-bench [flags]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if o.conns <= 0 || o.duration <= 0 || o.window <= 0 || o.accounts <= 0 {
		return nil, errors.New("--c, --d, --window and --accounts must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	switch {
	case o.baseline != "":
		return serveBaseline(ctx, o.baseline, stderr)
	case o.populate > 0 && o.populateStore != "":
		return populateStore(ctx, o, stdout)
	case o.populate > 0:
		_, err := populateAPI(ctx, newAPI(o.url, o.account, o.region), o.populate, o.conns, stdout)
		return err
	case o.seedImages > 0:
		return seedImages(ctx, newAPI(o.url, o.account, o.region), o.seedImages, stdout)
	}
	return measure(ctx, o, stdout)
}
