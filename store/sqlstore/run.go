package sqlstore

import (
	"database/sql"
	"errors"
)

// Run finishes a transaction both SQL backends began: fn's error (or panic)
// rolls it back, otherwise it commits. A rollback of a transaction that is
// already done is not an error.
func Run(tx *sql.Tx, fn func(*sql.Tx) error) error {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		rb := tx.Rollback()
		if errors.Is(rb, sql.ErrTxDone) {
			rb = nil
		}
		return errors.Join(err, rb)
	}
	return tx.Commit()
}
