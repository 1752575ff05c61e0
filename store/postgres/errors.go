package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wslocal/wslocal/store"
)

// unavailableError is an error of the database's answering (or not) in
// time, rather than of the statement: it wraps store.ErrUnavailable.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "the store is unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() []error {
	return []error{store.ErrUnavailable, e.err}
}

// unavailable wraps err in store.ErrUnavailable when it says that the
// database could not be reached, did not answer in time, refused to wait
// for a lock, or ended the session: what a retry may cure.
func unavailable(err error) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) || !transient(err) {
		return err
	}
	return &unavailableError{err}
}

// transient reports whether err is one of the errors unavailable wraps.
func transient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "55P03", // lock_not_available: lock_timeout
			"57014", // query_canceled: statement_timeout
			"25P03", // idle_in_transaction_session_timeout
			"40001", // serialization_failure
			"40P01", // deadlock_detected
			"53300", // too_many_connections
			"57P01", // admin_shutdown
			"57P02", // crash_shutdown
			"57P03": // cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection_exception
	}
	if errors.Is(err, context.Canceled) {
		return false // the caller gave up: not the database's doing
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &netErr) || errors.As(err, &connectErr) || pgconn.Timeout(err) || pgconn.SafeToRetry(err)
}
