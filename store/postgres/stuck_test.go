package postgres_test

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wslocal/wslocal/internal/tcpproxy"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
)

// newSchema names a schema for the test, dropped when it ends.
func newSchema(t *testing.T) string {
	t.Helper()
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), URL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// open opens a store on schema through the database URL u.
func open(t *testing.T, u, schema string, opts postgres.Options) *postgres.Store {
	t.Helper()
	st, err := postgres.OpenWith(context.Background(), u+"&search_path="+schema, opts)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", u, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// proxied starts a TCP proxy to the test's database and returns it with
// the database URL through it.
func proxied(t *testing.T) (*tcpproxy.Proxy, string) {
	t.Helper()
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatal(err)
	}
	p, err := tcpproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	u.Host = p.Addr
	return p, u.String()
}

func put(ctx context.Context, tx store.Tx, id string) error {
	return tx.PutResource(ctx, &store.Resource{Partition: p1, Kind: "image", ID: id, State: "AVAILABLE", Doc: []byte("{}")})
}

var p1 = store.Partition{Account: "111111111111", Region: "us-east-1"}

// sqlState is the SQLSTATE of err, or "".
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// A replica whose connection goes silent while it holds the write lock
// (a proxy that stops forwarding, mid-transaction) must not stop the other
// replica: its writes answer store.ErrUnavailable once lock_timeout has
// passed, PostgreSQL ends the silent session after
// idle_in_transaction_session_timeout, which frees the lock, and the
// other replica's writes go through again. The silent replica's write
// fails (its watchdog closes the connection) and leaves nothing.
func TestSilentReplicaDoesNotStopTheOthers(t *testing.T) {
	opts := postgres.Options{LockTimeout: 500 * time.Millisecond, StatementTimeout: time.Second, IdleInTransactionTimeout: 2 * time.Second}
	schema := newSchema(t)
	proxy, viaProxy := proxied(t)
	stuck := open(t, viaProxy, schema, opts)
	other := open(t, URL(), schema, opts)
	ctx := context.Background()

	holding, silent := make(chan struct{}), make(chan struct{})
	stuckErr := make(chan error, 1)
	go func() {
		stuckErr <- stuck.Write(ctx, func(tx store.Tx) error {
			if err := put(ctx, tx, "wsi-stuck1"); err != nil { // takes the lock, then writes
				return err
			}
			close(holding)
			<-silent
			return put(ctx, tx, "wsi-stuck2") // never answered
		})
	}()
	<-holding
	proxy.Blackhole()
	close(silent)
	silentSince := time.Now()

	// The other replica's first write waits for the lock, and gives up at
	// lock_timeout with a retryable error.
	start := time.Now()
	err := other.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-other0") })
	if !errors.Is(err, store.ErrUnavailable) || sqlState(err) != "55P03" {
		t.Fatalf("write while the lock is held by a silent replica: %v; want store.ErrUnavailable from lock_timeout (55P03)", err)
	}
	if waited := time.Since(start); waited > opts.StatementTimeout {
		t.Errorf("the write waited %v for the lock; lock_timeout is %v", waited, opts.LockTimeout)
	}

	// Once PostgreSQL has ended the silent session, writes go through.
	var attempts int
	for {
		attempts++
		err := other.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-other1") })
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("write %d: %v; want success or store.ErrUnavailable", attempts, err)
		}
		if time.Since(silentSince) > opts.IdleInTransactionTimeout+5*time.Second {
			t.Fatalf("the lock was not freed %v after the replica went silent (idle_in_transaction_session_timeout %v): %v",
				time.Since(silentSince), opts.IdleInTransactionTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if time.Since(silentSince) < opts.IdleInTransactionTimeout {
		t.Errorf("a write went through %v after the lock holder went silent, before PostgreSQL could end its session", time.Since(silentSince))
	}
	for i := range 5 {
		if err := other.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-after"+string(rune('a'+i))) }); err != nil {
			t.Fatalf("write after the silent session ended: %v", err)
		}
	}

	// The silent replica's write fails, retryable, and left nothing.
	if err := <-stuckErr; !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("the silent replica's write: %v; want store.ErrUnavailable", err)
	}
	if err := other.Read(ctx, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, p1, "image", "wsi-stuck1")
		return err
	}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the silent replica's first row: %v; want it rolled back", err)
	}

	// Its connection back, the replica writes again.
	proxy.Restore()
	if err := stuck.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-back") }); err != nil {
		t.Fatalf("write once the network is back: %v", err)
	}
}

// Deployments on different schemas of one database never wait for each
// other: each schema has its own write lock. Replicas of one schema do.
func TestSchemasDoNotShareTheWriteLock(t *testing.T) {
	opts := postgres.Options{LockTimeout: 300 * time.Millisecond, StatementTimeout: 5 * time.Second, IdleInTransactionTimeout: 10 * time.Second}
	schemaA, schemaB := newSchema(t), newSchema(t)
	a := open(t, URL(), schemaA, opts)
	a2 := open(t, URL(), schemaA, opts)
	b := open(t, URL(), schemaB, opts)
	ctx := context.Background()

	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- a.Write(ctx, func(tx store.Tx) error {
			if err := put(ctx, tx, "wsi-a"); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	if err := b.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-b") }); err != nil {
		t.Errorf("write on schema B while a write on schema A holds its lock: %v", err)
	}
	if err := a2.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-a2") }); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("write on schema A while another replica of A holds the lock: %v; want store.ErrUnavailable", err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := a2.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, "wsi-a2") }); err != nil {
		t.Errorf("write on schema A once the lock is free: %v", err)
	}
}

// Ping answers whether PostgreSQL can be reached, with the reason when it
// cannot, and recovers when it is back.
func TestPing(t *testing.T) {
	schema := newSchema(t)
	proxy, viaProxy := proxied(t)
	st := open(t, viaProxy, schema, postgres.DefaultOptions())
	ping := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		return st.Ping(ctx)
	}
	if err := ping(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	proxy.Down()
	err := ping()
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("ping while PostgreSQL is down: %v; want store.ErrUnavailable saying connection refused", err)
	}
	if strings.Contains(err.Error(), "postgres@") || strings.Contains(err.Error(), "user=") {
		t.Errorf("the reason %q shows the connection's details", err)
	}
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	if err := ping(); err != nil {
		t.Errorf("ping once PostgreSQL is back: %v", err)
	}
	proxy.Blackhole()
	if err := ping(); !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("ping while PostgreSQL is silent: %v; want store.ErrUnavailable saying it did not answer in time", err)
	}
	proxy.Restore()
	if err := ping(); err != nil {
		t.Errorf("ping once PostgreSQL answers again: %v", err)
	}
}
