package postgres_test

import (
	"context"
	"crypto/rand"
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
func openSchema(t *testing.T) store.Store {
	t.Helper()
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	url := URL() + "&search_path=" + schema
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
	return st
}

func TestStore(t *testing.T) {
	storetest.Run(t, openSchema)
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
