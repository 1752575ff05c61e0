package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/store/storetest"
)

// TestSharesMigration: a database of the schema before the shares table
// keeps what it shared, in the shares table and the global scope.
func TestSharesMigration(t *testing.T) {
	ctx := context.Background()
	base := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	url := base + "&search_path=" + schema
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := DropSchema(ctx, base, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	}()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+quoteIdent(schema)); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", base, err)
	}
	storetest.LegacyShareDatabase(t, db, migrations, func(doc string) string { return "convert_to('" + doc + "', 'UTF8')" })
	db.Close()
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckLegacySharesMigrated(t, st)
}
