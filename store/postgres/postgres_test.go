package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/store/storetest"
)

// URL is the database the tests use: WSLOCAL_TEST_POSTGRES, or the local
// server with trust auth and database test.
func URL() string {
	if u := os.Getenv("WSLOCAL_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// openSchema opens a store in a new schema, dropped when the test ends.
func openSchema(t testing.TB) store.Store {
	t.Helper()
	st, _ := openSchemaNamed(t)
	return st
}

// openSchemaNamed is openSchema, whose connections also carry the schema's
// name as their application_name; it returns the name.
func openSchemaNamed(t testing.TB) (store.Store, string) {
	return openWith(t, "")
}

// openWith opens a store in a new schema, named also by its connections'
// application_name, with the URL's further parameters params
// ("&name=value..."); the schema is dropped when the test ends.
func openWith(t testing.TB, params string) (*postgres.Store, string) {
	t.Helper()
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	url := URL() + "&search_path=" + schema + "&application_name=" + schema + params
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v (start it, or set WSLOCAL_TEST_POSTGRES)", URL(), err)
	}
	t.Cleanup(func() {
		st.Close()
		if err := postgres.DropSchema(context.Background(), URL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return st, schema
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openSchema(t) })
}

// TestPartitionLocks runs the writes of each test on their own schema,
// under an application_name of their own, by which pg_locks shows those
// waiting.
func TestPartitionLocks(t *testing.T) {
	db, err := sql.Open("pgx", URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var app string
	var last *postgres.Store
	open := func(t *testing.T) store.Store {
		last, app = openWith(t, "")
		return last
	}
	// The writes waiting for a lock, in PostgreSQL, or on the store behind
	// a write of their partition (combine.go).
	waiters := func(t *testing.T) int {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = $1`, app).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n + postgres.QueuedAll(last)
	}
	storetest.RunPartitionLocks(t, open, waiters)
}

// TestReplicasCreateOneSchemaTogether: replicas started at once on a
// schema that does not exist yet all open it. CREATE SCHEMA IF NOT EXISTS
// is not safe against itself: the loser of the race fails on
// pg_namespace's unique index.
func TestReplicasCreateOneSchemaTogether(t *testing.T) {
	ctx := context.Background()
	const replicas, rounds = 8, 5 // the race is lost often, not always
	for range rounds {
		schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
		url := URL() + "&search_path=" + schema
		errs := make(chan error, replicas)
		start := make(chan struct{})
		for range replicas {
			go func() {
				<-start
				st, err := postgres.Open(ctx, url)
				if err == nil {
					st.Close()
				}
				errs <- err
			}()
		}
		close(start)
		for range replicas {
			if err := <-errs; err != nil {
				t.Errorf("a replica did not open the new schema: %v", err)
			}
		}
		if err := postgres.DropSchema(ctx, URL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	}
}

func TestReplicasShareOneSchema(t *testing.T) {
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	url := URL() + "&search_path=" + schema
	ctx := context.Background()
	a, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, url) // migrations already applied: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	defer postgres.DropSchema(ctx, URL(), schema)
	p := store.Partition{Account: "111111111111", Region: "us-east-1"}
	if err := a.Write(ctx, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "image", ID: "wsi-1", State: "PENDING", Doc: []byte("{}")})
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Read(ctx, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, p, "image", "wsi-1")
		return err
	}); err != nil {
		t.Fatalf("replica b does not see replica a's write: %v", err)
	}
}

// TestURLSettingsReachTheSession: a setting the URL names is the
// session's (docs/performance.md: synchronous_commit=off for throughput
// over the last commits), except the bounds wslocal sets itself.
func TestURLSettingsReachTheSession(t *testing.T) {
	st, schema := openWith(t, "&synchronous_commit=off&statement_timeout=1")
	want := map[string]string{
		"synchronous_commit": "off",
		"statement_timeout":  "30s", // --pg-statement-timeout's default wins
		"search_path":        schema,
	}
	for name, v := range want {
		got, err := postgres.Setting(st, name)
		if err != nil || got != v {
			t.Errorf("%s = %q (%v), want %q", name, got, err, v)
		}
	}
}
