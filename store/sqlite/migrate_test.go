package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/wslocal/wslocal/store/sqlstore"
	"github.com/wslocal/wslocal/store/storetest"
)

// TestSharesMigration: a database of the schema before the shares table
// keeps what it shared, in the shares table and the global scope.
func TestSharesMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
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
	for _, stmt := range storetest.LegacyShareRows(func(doc string) string { return "CAST('" + doc + "' AS BLOB)" }) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckLegacySharesMigrated(t, st)
}
