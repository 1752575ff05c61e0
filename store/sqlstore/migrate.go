package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Migrate applies, in name order and each in its own transaction begun by
// begin, the migrations/*.sql files of fsys that the database has not
// recorded in schema_migrations (which it creates if needed).
func Migrate(ctx context.Context, fsys fs.FS, begin func(context.Context) (*sql.Tx, error)) error {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	inTx := func(fn func(*sql.Tx) error) error {
		tx, err := begin(ctx)
		if err != nil {
			return err
		}
		return Run(tx, fn)
	}
	err = inTx(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`)
		return err
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		base := path.Base(name)
		err = inTx(func(tx *sql.Tx) error {
			var seen int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, base).Scan(&seen); err != nil || seen > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}
