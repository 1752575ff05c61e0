// Package postgres is the shared store: several wslocal replicas on one
// PostgreSQL database, through pgx. It runs the same SQL as the SQLite
// store (store/sqlstore) with numbered placeholders.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockKey is the schema's advisory lock. A write of every partition
// (Write, Reset, an import, the lifecycle sweep) holds it exclusively; a
// write of some partitions (WriteIn) holds it shared, and the key of each
// of its partitions (partitionKey) exclusively. Writes of one partition,
// and writes of every partition, are serialised across all replicas of one
// schema, so a lifecycle step is read and applied by one transaction at a
// time and never twice; writes of different partitions do not wait for
// each other. The key is the FNV-1a hash (64 bits, as a signed bigint) of
// "wslocal:" and the schema's name, so that deployments on different
// schemas of one database never wait for each other.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("wslocal:" + schema))
	return int64(h.Sum64())
}

// partitionKey is the advisory lock of one partition of a schema: the
// FNV-1a hash of "wslocal:", the schema, the account and the region,
// separated by U+0000 (which none of them holds).
func partitionKey(schema string, p store.Partition) int64 {
	h := fnv.New64a()
	h.Write([]byte("wslocal:" + schema + "\x00" + p.Account + "\x00" + p.Region))
	return int64(h.Sum64())
}

// Options bound how long a session may wait or stay silent. Zero turns a
// bound off, as it does in PostgreSQL.
type Options struct {
	// LockTimeout bounds the wait for the schema's or a partition's write
	// lock (and any other lock): PostgreSQL's lock_timeout. A write that
	// waits longer fails with store.ErrUnavailable.
	LockTimeout time.Duration
	// StatementTimeout bounds one statement: statement_timeout.
	StatementTimeout time.Duration
	// IdleInTransactionTimeout is how long a session may stay idle inside
	// a transaction before PostgreSQL ends it, releasing its locks:
	// idle_in_transaction_session_timeout. It frees the write locks of a
	// replica whose connection went silent mid-transaction.
	IdleInTransactionTimeout time.Duration
	// ReadWindow is how long ago the check that a kept view is still
	// current may have been sent, and how long a write waits after it
	// committed before it returns: a read sees every write that returned
	// before the read began, on any replica, and a replica under load
	// checks its views in the background instead of once per read. 0:
	// every read of a kept view waits for a check sent after it began,
	// and writes return at once.
	ReadWindow time.Duration
}

// DefaultOptions are the bounds of --pg-lock-timeout, --pg-statement-timeout
// and --pg-idle-in-transaction-timeout. wslocal's transactions take
// milliseconds: a session idle in one for 5 s is stuck. A write waits up
// to 10 s for the lock, longer than it takes PostgreSQL to end a stuck
// holder, so that a replica that went silent delays the others' writes
// but does not fail them.
func DefaultOptions() Options {
	return Options{LockTimeout: 10 * time.Second, StatementTimeout: 30 * time.Second, IdleInTransactionTimeout: 5 * time.Second,
		ReadWindow: DefaultReadWindow}
}

// DefaultReadWindow is the ReadWindow of --pg-read-window: many round
// trips of an idle PostgreSQL, so that the background checks keep up, and
// short beside a write, whose answer it delays: 8 clients writing one
// partition wait 3 ms each after their writes, which bounds them to about
// 2,000 writes/s (docs/performance.md).
const DefaultReadWindow = 3 * time.Millisecond

// Keepalives, on both ends of every connection: a peer that vanished is
// noticed in about 30 s instead of the hours of TCP's defaults.
const (
	keepaliveIdle     = 15 * time.Second
	keepaliveInterval = 5 * time.Second
	keepaliveCount    = 3
)

// watchdogMargin is what the watchdog (see inTx) allows beyond the
// server's own bounds, for the network.
const watchdogMargin = time.Second

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	db *sql.DB
	// health has one connection of its own, so that a pool busy with
	// writes waiting for the lock does not make the database look down.
	health *sql.DB
	// lock is the schema's write lock (lockKey).
	lock int64
	// schema names the schema, for partitionKey.
	schema string
	// silence is how long a transaction's connection may stay silent
	// before wslocal gives it up: longer than any statement plus the idle
	// time PostgreSQL allows after it (0: never).
	silence time.Duration
	// viewLimit bounds the one-statement views the same way.
	viewLimit time.Duration
	// views keeps the Describe views; a kept one is served after the
	// fence has read that no write changed its partition since.
	// dues bounds the partitions' due times for AnyDue, each at the
	// version of the write that kept it.
	dues   *sqlstore.Dues
	views  *sqlstore.ViewCache
	reader sqlstore.DB
	fence  fence
	// settled and skipped count the writes that waited out the read
	// window and those that found no other replica keeping views.
	settled, skipped atomic.Int64
	// piggybacked and misguessed count the writes that sent their lock
	// statement with their first statement, and those whose guess of
	// their versions was wrong (pipeline.go).
	piggybacked, misguessed atomic.Int64
	// rerun counts the wrong guesses after which a step the write had
	// trusted was not due turned out due: the write ran again.
	rerun atomic.Int64
	// writers combine the writes of one partition (combine.go).
	writers writers
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.ResourceViewer = (*Store)(nil)
)

// Open connects to the database the URL names (postgres://...; a
// search_path parameter selects a schema, created if missing) with
// DefaultOptions and applies the migrations it lacks.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenWith(ctx, url, DefaultOptions())
}

// OpenWith is Open with the session bounds of opts, which override any the
// URL sets.
func OpenWith(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.LockTimeout < 0 || opts.StatementTimeout < 0 || opts.IdleInTransactionTimeout < 0 || opts.ReadWindow < 0 {
		return nil, errors.New("the PostgreSQL timeouts cannot be negative")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	params := cfg.RuntimeParams
	params["lock_timeout"] = millis(opts.LockTimeout)
	params["statement_timeout"] = millis(opts.StatementTimeout)
	params["idle_in_transaction_session_timeout"] = millis(opts.IdleInTransactionTimeout)
	params["tcp_keepalives_idle"] = strconv.Itoa(int(keepaliveIdle / time.Second))
	params["tcp_keepalives_interval"] = strconv.Itoa(int(keepaliveInterval / time.Second))
	params["tcp_keepalives_count"] = strconv.Itoa(keepaliveCount)
	if params["application_name"] == "" {
		params["application_name"] = "wslocal"
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	dialer := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{
		Enable: true, Idle: keepaliveIdle, Interval: keepaliveInterval, Count: keepaliveCount}}
	cfg.DialFunc = dialer.DialContext

	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	health := stdlib.OpenDB(*cfg)
	health.SetMaxOpenConns(1)
	health.SetMaxIdleConns(1)
	s := &Store{db: db, health: health}
	s.fence.s = s
	s.fence.window = opts.ReadWindow
	s.fence.lease = newLease()
	s.dues = &sqlstore.Dues{Versioned: true}
	s.views = &sqlstore.ViewCache{Versions: s.fence.versions, Saw: s.fence.saw, Served: s.fence.served}
	s.reader = sqlstore.DB{DB: db, Versioned: true}
	if opts.StatementTimeout > 0 && opts.IdleInTransactionTimeout > 0 {
		s.silence = opts.StatementTimeout + opts.IdleInTransactionTimeout + watchdogMargin
	}
	if opts.StatementTimeout > 0 {
		s.viewLimit = opts.StatementTimeout + watchdogMargin
		s.reader.Timeout = s.viewLimit
	}
	if err := db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// millis is a duration as PostgreSQL's milliseconds, rounded up so that a
// bound below a millisecond does not turn into 0, "no bound".
func millis(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Millisecond-1)/time.Millisecond), 10)
}

// migrate applies the embedded migrations in order, under a session lock
// so that replicas starting together do not race.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	schema, err := workSchema(ctx, conn)
	if err != nil {
		return err
	}
	s.lock = lockKey(schema)
	s.schema = schema
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, s.lock); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, s.lock) //nolint:errcheck
	if err := sqlstore.Migrate(ctx, migrations, func(ctx context.Context) (*sql.Tx, error) { return conn.BeginTx(ctx, nil) }); err != nil {
		return err
	}
	// A migration may have changed rows that replicas running already
	// keep views of.
	_, err = conn.ExecContext(ctx, `WITH l AS (SELECT 1)`+bumpAll+` FROM l`)
	return err
}

// workSchema is the schema the search_path names first, created when it
// does not exist yet. After another session created it, this session
// has been seen (once, in CI, under load) to keep resolving its
// search_path without it; assigning search_path again makes PostgreSQL
// look the schemas up afresh, so it is reassigned and asked again, a
// few times.
func workSchema(ctx context.Context, conn *sql.Conn) (string, error) {
	if schema, err := currentSchema(ctx, conn); err != nil || schema != "" {
		return schema, err
	}
	var path string
	if err := conn.QueryRowContext(ctx, `SHOW search_path`).Scan(&path); err != nil {
		return "", err
	}
	name := strings.TrimSpace(strings.Split(path, ",")[0])
	if _, err := conn.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(name)); err != nil && !createdBeside(err) {
		return "", fmt.Errorf("create schema %s: %w", name, err)
	}
	for try := range 6 {
		time.Sleep(time.Duration(try) * 10 * time.Millisecond)
		if _, err := conn.ExecContext(ctx, `SELECT set_config('search_path', current_setting('search_path'), false)`); err != nil {
			return "", err
		}
		if schema, err := currentSchema(ctx, conn); err != nil || schema != "" {
			return schema, err
		}
	}
	return "", errors.New("no schema to work in (check search_path)")
}

// currentSchema is the session's current schema ("": none).
func currentSchema(ctx context.Context, conn *sql.Conn) (string, error) {
	var schema sql.NullString
	err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema)
	return schema.String, err
}

// createdBeside reports whether CREATE SCHEMA IF NOT EXISTS failed
// because a replica starting at the same time created the schema: the
// statement checks for the schema before it inserts, so the loser of the
// race fails on pg_namespace's unique index (23505) instead of skipping.
func createdBeside(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "23505" || pgErr.Code == "42P06") // unique_violation, duplicate_schema
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// inTx runs fn in a transaction, under the write locks l asks for (nil:
// none, a read). The errors of a database that does not answer in time
// wrap store.ErrUnavailable.
//
// A watchdog closes the transaction's connection when no statement has
// started for longer than one statement and the idle time after it may
// last (Store.silence). By then PostgreSQL has ended the session, on its
// side (statement_timeout, idle_in_transaction_session_timeout), which
// released the locks; a connection still waiting has gone silent (a
// network that drops everything, a proxy that stopped forwarding) and
// would hold the request until TCP gives up.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, l *locks, fn func(*sqlstore.Tx) error) error {
	return unavailable(s.runTx(ctx, opts, l, fn))
}

func (s *Store) runTx(ctx context.Context, opts *sql.TxOptions, l *locks, fn func(*sqlstore.Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var watch func()
	if s.silence > 0 {
		var pg net.Conn
		if err := conn.Raw(func(dc any) error {
			pg = dc.(*stdlib.Conn).Conn().PgConn().Conn()
			return nil
		}); err != nil {
			return err
		}
		var once sync.Once
		dog := time.AfterFunc(s.silence, func() { once.Do(func() { pg.Close() }) })
		defer dog.Stop()
		watch = func() { dog.Reset(s.silence) }
	}
	if l == nil {
		tx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return err
		}
		return sqlstore.Run(tx, func(tx *sql.Tx) error {
			return fn(&sqlstore.Tx{Tx: tx, Rebind: sqlstore.RebindDollar, Watch: watch})
		})
	}
	// A write begins its transaction in the round trip of its lock
	// statement (l.lock), and so runs on the connection rather than a
	// *sql.Tx: finish commits or rolls back.
	l.begin(conn, watch)
	return finish(ctx, conn, func() error {
		if err := l.lock(ctx); err != nil {
			return err
		}
		stx := &sqlstore.Tx{Tx: pipeConn{l}, Rebind: sqlstore.RebindDollar, Watch: watch}
		if !l.all {
			stx.Take = l.take
			stx.Dues, stx.Versions = s.dues, l.versions
			if l.guessing {
				// Only a guess can be wrong and call for these again.
				stx.Trusted = &l.trusted
			}
		}
		err := fn(stx)
		if err == nil {
			// A write that ran no statement still takes its locks and
			// raises its versions.
			err = l.flush(ctx)
		}
		if err == nil && !l.retry && !l.again {
			// Kept before the commit; a commit that fails leaves the
			// versions before them, which trust no bound kept here.
			stx.KeepDues()
		}
		if l.retry {
			// A partition it did not name was busy: roll back, whatever
			// fn made of the error, and run again.
			return errRetry
		}
		return l.outcome(err)
	})
}

// outcome is the error of a transaction whose fn returned err: errRetry
// after a wrong guess that must run the write again, the lock statement's
// error when that, sent with a statement of fn, failed; whatever fn made
// of either.
func (l *locks) outcome(err error) error {
	switch {
	case l.again:
		return errRetry
	case l.failed != nil:
		return l.failed
	}
	return err
}

// finish runs fn, which begins a transaction on conn, and ends it: fn's
// error (or panic) rolls it back, otherwise it commits. A COMMIT that
// PostgreSQL answers with ROLLBACK (the transaction had failed) is an
// error. A connection that cannot roll back is closed, never returned to
// the pool inside a transaction (stdlib discards it then anyway).
func finish(ctx context.Context, conn *sql.Conn, fn func() error) (err error) {
	end := func(query string) error {
		return conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			if pc.PgConn().TxStatus() == 'I' {
				return nil // BEGIN never ran
			}
			tag, err := pc.Exec(context.WithoutCancel(ctx), query)
			if err == nil && query == "commit" && tag.String() == "ROLLBACK" {
				err = pgx.ErrTxCommitRollback
			}
			if err != nil && pc.PgConn().TxStatus() != 'I' {
				pc.PgConn().Close(context.Background()) //nolint:errcheck
			}
			return err
		})
	}
	defer func() {
		if p := recover(); p != nil {
			_ = end("rollback")
			panic(p)
		}
	}()
	if err := fn(); err != nil {
		return errors.Join(err, end("rollback"))
	}
	return end("commit")
}

// errRetry ends a transaction that must run again with more partitions.
var errRetry = errors.New("the write needs partitions it did not name")

// maxRetries bounds how many times a write runs again with the partitions
// it found it needed, before it takes every partition.
const maxRetries = 3

// locks are the advisory locks of one write transaction.
type locks struct {
	s   *Store
	all bool // the schema's lock, exclusively
	// keys are the partitions' locks to take first, ascending.
	keys []int64
	held map[int64]bool
	// max is the greatest key held: a key above it is taken waiting (keys
	// are always waited for in ascending order, so waits form no cycle),
	// one below it only if it is free.
	max int64

	// parts are the partitions named, each once, whose versions the
	// first statement raises; bumped those raised so far.
	parts  []store.Partition
	bumped map[store.Partition]bool
	// versions are those the first statement gave parts: guessed until
	// it answers, when the write guessed them (pipeline.go).
	versions map[store.Partition]int64
	// query and args are the lock statement; pending, that it waits for
	// the write's first statement, or its end, to be sent.
	query   string
	args    []any
	pending bool
	// guessing: versions were guessed (until the lock statement answers);
	// wrong are the partitions guessed wrong. trusted are AnyDue's
	// answers from bounds (sqlstore.Tx.Trusted), checked again when a
	// guess was wrong.
	guessing bool
	wrong    []store.Partition
	trusted  []sqlstore.DueTrust
	// again is set when a guess was wrong and a step the write trusted
	// was not due is: the write runs again, naming the same partitions,
	// without guessing.
	again bool
	// failed is why the lock statement, sent with a statement of fn,
	// failed: the transaction's error, whatever fn made of it.
	failed error

	conn  *sql.Conn
	watch func()
	// others: the first statement found another replica's lease live
	// (keepers.go), and the write is to wait out the read window.
	others bool
	// retry is set when a partition the transaction did not name was
	// busy, or it needed every partition: it runs again, naming more.
	retry bool
	more  []store.Partition
}

func (s *Store) newLocks(ps []store.Partition) *locks {
	l := &locks{s: s, all: ps == nil}
	seen := map[int64]bool{}
	named := map[store.Partition]bool{}
	for _, p := range ps {
		if !named[p] {
			named[p] = true
			l.parts = append(l.parts, p)
		}
		k := partitionKey(s.schema, p)
		if !seen[k] {
			seen[k] = true
			l.keys = append(l.keys, k)
		}
	}
	slices.Sort(l.keys)
	return l
}

func (l *locks) begin(conn *sql.Conn, watch func()) {
	l.conn, l.watch = conn, watch
	l.held = make(map[int64]bool, len(l.keys)+1)
	l.bumped = make(map[store.Partition]bool, len(l.parts))
	l.retry, l.more = false, nil
	l.max = math.MinInt64
	l.versions = nil
	l.others = true
	l.pending, l.again, l.guessing, l.wrong, l.trusted, l.failed = false, false, false, nil, nil, nil
}

func (l *locks) tick() {
	if l.watch != nil {
		l.watch()
	}
}

// The statements that raise the versions of the writes (0006) take the
// locks first, in a materialized CTE, which runs before the row it
// yields is used: the version rows are updated in lock order.
const (
	// bumpAll raises the version of the writes of every partition, and
	// each partition's (a partition's version alone then says whether any
	// write came between: Dues).
	bumpAll = `, p AS (UPDATE partition_versions SET version = version + 1 FROM l) UPDATE global_version SET version = version + 1`
	// upsertVersions raises the versions of the partitions $n::text[]
	// (accounts) and $n+1::text[] (regions), appended to the lock CTE.
	upsertVersions = ` INSERT INTO partition_versions AS v (account, region, version)
SELECT a, r, 1 FROM l, unnest($%d::text[], $%d::text[]) AS p(a, r)
ON CONFLICT (account, region) DO UPDATE SET version = v.version + 1`
	// takeWaiting takes a partition's lock ($1), waiting, and raises its
	// version ($2, $3).
	takeWaiting = `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1))
INSERT INTO partition_versions AS v (account, region, version) SELECT $2::text, $3::text, 1 FROM l
ON CONFLICT (account, region) DO UPDATE SET version = v.version + 1`
	// takeIfFree takes it only if it is free, and then raises its version.
	takeIfFree = `WITH l AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($1) AS ok),
b AS (INSERT INTO partition_versions AS v (account, region, version) SELECT $2::text, $3::text, 1 FROM l WHERE ok
	ON CONFLICT (account, region) DO UPDATE SET version = v.version + 1)
SELECT ok FROM l`
	// bumpOne raises one partition's version: one whose key another
	// partition's lock, held already, shares.
	bumpOne = `INSERT INTO partition_versions AS v (account, region, version) VALUES ($1, $2, 1)
ON CONFLICT (account, region) DO UPDATE SET version = v.version + 1`
)

// lock begins the transaction and, in the same round trip (BEGIN and the
// statement pipelined), takes the locks it starts with and raises the
// versions of what it writes: the schema's lock exclusively and the
// global version, or the schema's shared, then the partitions' in
// ascending order (a target list is evaluated left to right), and their
// versions. The statement also reads whether another replica keeps views
// (othersKeep). A write that can guess its versions (pipeline.go) sends
// all that with its first statement instead.
func (l *locks) lock(ctx context.Context) error {
	l.build()
	if l.guess() {
		l.pending = true
		return nil
	}
	_, err := l.send(ctx, "", nil)
	return err
}

// build writes the lock statement (l.query, l.args) and notes the locks
// and versions it takes.
func (l *locks) build() {
	var q strings.Builder
	var args []any
	if l.all {
		// Its one row padded to the partitions' row shape: one scan.
		q.WriteString(`WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1))` + bumpAll + ` FROM l RETURNING '', '', 0::bigint, ` +
			fmt.Sprintf(othersKeep, 2))
		args = []any{l.s.lock, l.s.fence.lease.id}
	} else {
		q.WriteString(`WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($1)`)
		args = []any{l.s.lock}
		for i, k := range l.keys {
			fmt.Fprintf(&q, `, pg_advisory_xact_lock($%d)`, i+2)
			args = append(args, k)
			l.held[k] = true
			l.max = k
		}
		q.WriteString(`)`)
		accounts := make([]string, len(l.parts))
		regions := make([]string, len(l.parts))
		for i, p := range l.parts {
			accounts[i], regions[i] = p.Account, p.Region
			l.bumped[p] = true
		}
		fmt.Fprintf(&q, upsertVersions, len(args)+1, len(args)+2)
		fmt.Fprintf(&q, ` RETURNING v.account, v.region, v.version, `+othersKeep, len(args)+3)
		args = append(args, accounts, regions, l.s.fence.lease.id)
	}
	l.query, l.args = q.String(), args
	// The versions this transaction gives its partitions: its Dues trust
	// a bound kept at the version before (the upsert reads the latest
	// committed row, whatever the statement's snapshot).
	l.versions = make(map[store.Partition]int64, len(l.parts))
}

// send sends BEGIN and the lock statement, and after them the statement
// query, when there is one, in one round trip, and returns what query
// did. A lock statement that fails fails query too.
func (l *locks) send(ctx context.Context, query string, args []any) (tag pgconn.CommandTag, err error) {
	l.tick()
	l.pending = false
	err = l.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var b pgx.Batch
		b.Queue("begin")
		b.Queue(l.query, l.args...)
		if query != "" {
			b.Queue(query, args...)
		}
		br := pc.SendBatch(ctx, &b)
		err := l.read(br)
		if err == nil && query != "" {
			tag, err = br.Exec()
			err = errors.Join(err, br.Close())
		} else {
			err = errors.Join(err, br.Close())
			if err != nil {
				err = fmt.Errorf("take the write lock: %w", err)
			}
		}
		if err == nil && !l.guessed() {
			err = l.recheck(ctx, pc)
		}
		if err != nil && pc.PgConn().TxStatus() == 'I' {
			// BEGIN never ran: no statement of the write may run
			// outside its transaction.
			pc.PgConn().Close(context.Background()) //nolint:errcheck
		}
		return err
	})
	if query != "" {
		l.s.piggybacked.Add(1)
	}
	if err != nil {
		l.failed = err
	}
	return tag, err
}

// read reads the answers of BEGIN and the lock statement.
func (l *locks) read(br pgx.BatchResults) error {
	if _, err := br.Exec(); err != nil {
		return err
	}
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p store.Partition
		var v int64
		if err := rows.Scan(&p.Account, &p.Region, &v, &l.others); err != nil {
			return err
		}
		if !l.all {
			l.got(p, v)
		}
	}
	return rows.Err()
}

// take is sqlstore.Tx.Take: it takes a partition the transaction did not
// name, waiting for it only when its key is above every key held, and
// otherwise only if it is free; when it is not, or p is nil (every
// partition), the transaction is marked to run again.
func (l *locks) take(ctx context.Context, p *store.Partition) error {
	if l.retry {
		return errRetry
	}
	if p == nil {
		l.retry, l.more = true, nil
		return errRetry
	}
	if l.bumped[*p] {
		return nil
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	k := partitionKey(l.s.schema, *p)
	l.tick()
	if l.held[k] {
		if _, err := l.conn.ExecContext(ctx, bumpOne, p.Account, p.Region); err != nil {
			return err
		}
		l.bumped[*p] = true
		return nil
	}
	if k > l.max {
		if _, err := l.conn.ExecContext(ctx, takeWaiting, k, p.Account, p.Region); err != nil {
			return fmt.Errorf("take the write lock: %w", err)
		}
	} else {
		var ok bool
		if err := l.conn.QueryRowContext(ctx, takeIfFree, k, p.Account, p.Region).Scan(&ok); err != nil {
			return fmt.Errorf("take the write lock: %w", err)
		}
		if !ok {
			l.retry = true
			l.more = append(l.more, *p)
			return errRetry
		}
	}
	l.held[k] = true
	l.bumped[*p] = true
	l.max = max(l.max, k)
	return nil
}

// Read implements store.Store: a read-only snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, nil,
		func(tx *sqlstore.Tx) error { return fn(tx) })
}

// Write implements store.Store: a write of every partition.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

// WriteIn implements store.Store. A write that finds it needs a partition
// it did not name takes it on the way, or runs again naming it; after
// maxRetries, or when it needs every partition, it runs again as a write
// of every partition. The writes of one partition commit together when
// they queue behind each other (combine.go).
func (s *Store) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	if len(ps) == 1 {
		return s.writeOne(ctx, ps[0], fn)
	}
	return s.writeIn(ctx, ps, fn)
}

// writeIn is WriteIn without combining.
func (s *Store) writeIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	var last *locks
	err := s.run(ctx, ps, fn, func(l *locks) { last = l })
	if err == nil {
		s.settle(ctx, last)
	}
	return err
}

// run runs fn as WriteIn does, telling attempt the locks of each
// transaction it begins; the caller settles the write.
func (s *Store) run(ctx context.Context, ps []store.Partition, fn func(store.Tx) error, attempt func(*locks)) error {
	for n := 0; ; n++ {
		if n >= maxRetries {
			ps = nil
		}
		l := s.newLocks(ps)
		attempt(l)
		err := s.inTx(ctx, nil, l, func(tx *sqlstore.Tx) error { return fn(tx) })
		if !errors.Is(err, errRetry) {
			return err
		}
		if l.again {
			continue // the same partitions, no longer guessed
		}
		if l.more == nil {
			ps = nil
		} else {
			ps = append(slices.Clip(ps), l.more...)
		}
	}
}

// ViewResource implements store.ResourceViewer: a view kept since a
// write of its partition last committed, after one version check shared
// with the reads waiting beside it (fence); otherwise one statement, one
// round trip, instead of a transaction's four.
func (s *Store) ViewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	// The statement is bounded (reader.Timeout) when it runs; a wait
	// for a version check by the check's own bound.
	v, err := s.views.ViewResource(ctx, &s.reader, p, kind, id, resourceType, now)
	return v, unavailable(err)
}

// ViewResources implements store.ResourceViewer.
func (s *Store) ViewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	// The statement is bounded (reader.Timeout) when it runs; a wait
	// for a version check by the check's own bound.
	v, err := s.views.ViewResources(ctx, &s.reader, p, kind, now)
	return v, unavailable(err)
}

// viewCtx bounds a view, one statement, as the watchdog bounds a
// transaction's silence.
func (s *Store) viewCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.viewLimit == 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.viewLimit)
}

// settle waits out the read window after a write committed, when
// another replica keeps views (l.others): it may serve a view checked up
// to the window before a read began, so a read that begins after the
// write returned was checked after it committed. A request with a
// store.Settle waits once, before its answer (store.SettleHTTP), rather
// than after each of its transactions. A write that finds no other
// replica keeping views returns at once, and its own replica's views of
// what it wrote are checked anew (fence.wrote).
func (s *Store) settle(ctx context.Context, l *locks) {
	if s.fence.window <= 0 {
		return
	}
	if !l.others {
		s.fence.wrote(l.all, l.bumped)
		s.skipped.Add(1)
		return
	}
	s.settled.Add(1)
	if st := store.SettleFrom(ctx); st != nil {
		st.Until(time.Now().Add(s.fence.window))
		return
	}
	t := time.NewTimer(s.fence.window)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Reset implements store.Store.
func (s *Store) Reset(ctx context.Context) error {
	l := s.newLocks(nil)
	err := s.inTx(ctx, nil, l, func(tx *sqlstore.Tx) error {
		if tx.Watch != nil {
			tx.Watch()
		}
		// In the order the views' statements lock the tables (resources,
		// associations, shares), so that a view read beside the reset
		// waits for it instead of deadlocking with it.
		_, err := tx.Tx.ExecContext(ctx, `TRUNCATE resources, associations, shares, tags`)
		return err
	})
	if err == nil {
		s.settle(ctx, l)
	}
	return err
}

// Ping implements store.Store, on a connection of its own. Its error says
// why without the connection's details (user, database, address): the
// health endpoint shows it to anyone.
func (s *Store) Ping(ctx context.Context) error {
	err := s.health.PingContext(ctx)
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	switch {
	case ctx.Err() != nil:
		err = errors.New("PostgreSQL did not answer in time")
	case errors.As(err, &pgErr):
		err = fmt.Errorf("PostgreSQL: %s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	default:
		err = fmt.Errorf("PostgreSQL cannot be reached: %v", innermost(err))
	}
	return &unavailableError{err}
}

// innermost is the last error of err's chain (the first branch of a join):
// the cause, as "connection refused", without the layers that name the
// user, the database and the address.
func innermost(err error) error {
	for {
		var next error
		switch e := err.(type) {
		case interface{ Unwrap() error }:
			next = e.Unwrap()
		case interface{ Unwrap() []error }:
			if errs := e.Unwrap(); len(errs) > 0 {
				next = errs[0]
			}
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// Kind implements store.Store.
func (s *Store) Kind() string { return "postgres" }

// SettlesWrites reports whether a write waits out the read window before
// it is answered (see settle): the server then gives each request a
// store.Settle, so that it waits once.
func (s *Store) SettlesWrites() bool { return s.fence.window > 0 }

// Close implements store.Store.
func (s *Store) Close() error {
	s.fence.stop()
	return errors.Join(s.db.Close(), s.health.Close())
}

// DropSchema drops a schema and everything in it: for tests that made
// their own.
func DropSchema(ctx context.Context, url, schema string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+quoteIdent(schema)+` CASCADE`)
	return err
}
