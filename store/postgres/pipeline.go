package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// A write's lock statement (locks.lock) answers with the versions it gives
// its partitions, which the write needs before its first statement only to
// trust a due-time bound (sqlstore.Dues: AnyDue, which most writes ask
// first). A replica that alone writes a partition knows that version
// before it asks: the one after its bound's (Dues.Predict). Such a write
// keeps its lock statement until its first statement and sends BEGIN, the
// lock statement and an Exec in one round trip (a query, which must be
// read through database/sql, goes after the lock statement's answer): two
// round trips a write of one statement instead of three. When the answer
// gives another version, a write of another replica came between: what
// AnyDue answered from the bound is asked again under the lock (recheck),
// and only if a step was due after all is the write rolled back and run
// again. The replica stops guessing the partition's version
// (Dues.Unsteady) until its writes again follow each other.

// guess fills the versions with the guessed ones, if it can guess every
// partition's, and reports whether it did.
func (l *locks) guess() bool {
	if l.all || len(l.parts) == 0 {
		return false
	}
	for _, p := range l.parts {
		v, ok := l.s.dues.Predict(p)
		if !ok {
			clear(l.versions)
			return false
		}
		l.versions[p] = v
	}
	l.guessing = true
	return true
}

// got records the version the lock statement gave p, and whether it is
// not the one guessed.
func (l *locks) got(p store.Partition, v int64) {
	if l.guessing && l.versions[p] != v {
		l.wrong = append(l.wrong, p)
		l.s.dues.Unsteady(p)
	}
	l.versions[p] = v
}

// guessed reports whether every guess was right.
func (l *locks) guessed() bool { return len(l.wrong) == 0 }

// recheck follows a wrong guess: another replica wrote a partition since
// this one kept its bound, and may have scheduled a step before it. Each
// answer AnyDue gave from the bound of such a partition is asked of the
// partition again, now that the transaction holds its lock; when a step
// was due after all, the write rolls back and runs again (errRetry,
// l.again). Otherwise what the write did stands.
func (l *locks) recheck(ctx context.Context, pc *pgx.Conn) error {
	l.s.misguessed.Add(1)
	wrong := l.wrong
	l.wrong = nil
	for _, p := range wrong {
		var at int64 = -1
		for _, t := range l.trusted {
			if t.Partition == p && t.At > at {
				at = t.At
			}
		}
		if at < 0 {
			continue // nothing was answered from its bound
		}
		l.tick()
		var r, a int64
		if err := pc.QueryRow(ctx, nextDue, p.Account, p.Region, p.Account, p.Region).Scan(&r, &a); err != nil {
			return fmt.Errorf("due: %w", err)
		}
		if sqlstore.EarliestDue(r, a) <= at {
			l.s.rerun.Add(1)
			l.again = true
			return errRetry
		}
	}
	return nil
}

// nextDue is sqlstore.NextDue with PostgreSQL's placeholders.
var nextDue = sqlstore.RebindDollar(sqlstore.NextDue)

// flush sends the lock statement if it is still waiting.
func (l *locks) flush(ctx context.Context) error {
	if !l.pending {
		return nil
	}
	_, err := l.send(ctx, "", nil)
	return err
}

// pipeConn runs a write's statements on its connection, the first one
// with the lock statement when that waits for it.
type pipeConn struct{ l *locks }

func (c pipeConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !c.l.pending {
		return c.l.conn.ExecContext(ctx, query, args...)
	}
	tag, err := c.l.send(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return rowsAffected(tag.RowsAffected()), nil
}

func (c pipeConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := c.l.flush(ctx); err != nil {
		return nil, err
	}
	return c.l.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs the query after the lock statement. When that
// failed, the query fails too (the transaction aborted, or the connection
// closed: send), or, after a wrong guess, runs in a transaction that
// will be rolled back: the write's error is the lock's, whatever fn
// makes of the row's (runTx, writeOne).
func (c pipeConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	_ = c.l.flush(ctx)
	return c.l.conn.QueryRowContext(ctx, query, args...)
}

// rowsAffected is the sql.Result of a statement sent in a batch.
type rowsAffected int64

func (r rowsAffected) LastInsertId() (int64, error) { return 0, errNoInsertID }
func (r rowsAffected) RowsAffected() (int64, error) { return int64(r), nil }

var errNoInsertID = errors.New("postgres: a batched statement has no LastInsertId")
