package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wslocal/wslocal/store/sqlstore"
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
	old := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_deployments_and_sharing.sql", "0003_partition_indexes.sql"} {
		b, err := fs.ReadFile(migrations, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		old["migrations/"+name] = &fstest.MapFile{Data: b}
	}
	if err := sqlstore.Migrate(ctx, old, func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) }); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range storetest.LegacyShareRows(func(doc string) string { return "convert_to('" + doc + "', 'UTF8')" }) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckLegacySharesMigrated(t, st)
}
