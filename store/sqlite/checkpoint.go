package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// SQLite's automatic checkpoint (wal_autocheckpoint, every 1,000 pages of
// WAL) runs inside the COMMIT of whichever write crosses the threshold:
// the one write connection stays busy while it copies 4 MB of WAL into the
// database file and syncs both, and every writer queued behind it waits.
// During a long catch-up that was one commit in a few hundred taking
// 80-390 ms (docs/performance.md, "SQLite's checkpoints off the write
// path"). The write connection therefore has wal_autocheckpoint(0), and a
// connection of its own checkpoints in the background: a PASSIVE
// checkpoint takes no lock a writer or reader waits for.
//
// The WAL starts over from its beginning only when a write transaction
// begins with every frame copied, which a background checkpoint racing a
// stream of writes rarely achieves: the WAL would grow for as long as the
// writes go on (260 MB over a 200,000-step catch-up). Once it holds
// walRestartPages and the background has copied all it saw, one PASSIVE
// checkpoint on the write connection copies the few frames written since:
// the next write then starts the WAL over.

const (
	// checkpointEvery is how often the background checkpoint runs.
	checkpointEvery = 100 * time.Millisecond
	// walRestartPages is the size of WAL (40 MB in 4 KB pages) past which
	// the write connection finishes a checkpoint, so that the WAL
	// starts over.
	walRestartPages = 10000
	// autoCheckpointOff is the pragma of the write connection's DSN.
	autoCheckpointOff = "&_pragma=wal_autocheckpoint(0)"
)

// checkpointer checkpoints a database's WAL in the background.
type checkpointer struct {
	db   *sql.DB
	stop context.CancelFunc
	done sync.WaitGroup
}

// startCheckpoints opens a connection to the database at dsn and
// checkpoints its WAL every checkpointEvery until stopped; write is the
// pool of the write connection.
func startCheckpoints(dsn string, write *sql.DB) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, stop: stop}
	c.done.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// An error (the database busy or closing) leaves the frames
			// to the next tick, or to the checkpoint at Close.
			var busy, log, copied int
			err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied)
			if err == nil && log >= walRestartPages && copied == log {
				write.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	})
	return c, nil
}

// close stops the checkpoints and closes their connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.stop()
	c.done.Wait()
	return c.db.Close()
}
