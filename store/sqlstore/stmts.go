package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Stmts caches the prepared statements of one *sql.DB, so that a query is
// parsed and planned once per connection rather than on every call: with
// the pure-Go SQLite, preparing was a third of the CPU of a read.
//
// A statement is prepared on the pool the first time its query is seen,
// in the background: preparing inside a transaction could wait forever for
// a connection when the transactions hold them all (the write pool has
// one). Until it is ready the query runs unprepared. A transaction then
// binds the statement to its own connection (sql.Tx.StmtContext), which
// prepares it there once and reuses it afterwards.
type Stmts struct {
	db     *sql.DB
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.RWMutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
}

// maxStmts bounds the cache; the store's queries are a few dozen shapes.
const maxStmts = 256

// NewStmts returns an empty cache for db.
func NewStmts(db *sql.DB) *Stmts {
	ctx, cancel := context.WithCancel(context.Background())
	return &Stmts{db: db, ctx: ctx, cancel: cancel, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// lookup returns the prepared statement of query, or nil while it is not
// ready (then it starts preparing it). A nil cache caches nothing.
func (c *Stmts) lookup(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.stmts[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.stmts[query]; st != nil || c.pending[query] || c.closed || len(c.stmts)+len(c.pending) >= maxStmts {
		return st
	}
	c.pending[query] = true
	c.wg.Go(func() {
		st, err := c.db.PrepareContext(c.ctx, query)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, query)
		switch {
		case err != nil:
			// The query runs unprepared, and reports its own error.
		case c.closed:
			_ = st.Close()
		default:
			c.stmts[query] = st
		}
	})
	return nil
}

// Queries returns the queries the cache has seen (prepared, or being
// prepared), in no order: what a test checks the plans of.
func (c *Stmts) Queries() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.stmts)+len(c.pending))
	for q := range c.stmts {
		out = append(out, q)
	}
	for q := range c.pending {
		out = append(out, q)
	}
	return out
}

// Close stops the preparations in flight and closes every statement;
// call it before closing the database.
func (c *Stmts) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// txStmts are the statements bound to one transaction, reused within it.
type txStmts struct {
	n    int
	from [8]*sql.Stmt
	to   [8]*sql.Stmt
}

// stmt returns the statement of query bound to the transaction, or nil
// when it is not prepared yet.
func (t *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	st := t.Stmts.lookup(query)
	tx, ok := t.Tx.(*sql.Tx)
	if st == nil || !ok {
		return nil
	}
	b := &t.bound
	for i := range b.n {
		if b.from[i] == st {
			return b.to[i]
		}
	}
	ts := tx.StmtContext(ctx, st)
	if b.n < len(b.from) {
		b.from[b.n], b.to[b.n] = st, ts
		b.n++
	}
	return ts
}

// stmtCtx is the context a statement runs with: ctx, or, with Detach, one
// that is never canceled.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	t.watch()
	if t.Detach {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// query runs a query written with ? placeholders, prepared when it can be.
func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.stmtCtx(ctx)
	query = t.q(query)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// queryRow is query for one row.
func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.stmtCtx(ctx)
	query = t.q(query)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// rebound memoises RebindDollar (up to a bound): the store's queries are a
// few dozen shapes.
var (
	rebound      sync.Map // string -> string
	reboundCount atomic.Int64
)

// RebindDollar turns ? placeholders into $1, $2, ... (PostgreSQL).
func RebindDollar(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if reboundCount.Add(1) <= 1024 {
		rebound.Store(query, out)
	}
	return out
}

// watch tells the backend that a statement starts (Tx.Watch).
func (t *Tx) watch() {
	if t.Watch != nil {
		t.Watch()
	}
}
