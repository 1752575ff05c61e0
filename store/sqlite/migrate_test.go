package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

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
	storetest.LegacyShareDatabase(t, db, migrations, func(doc string) string { return "CAST('" + doc + "' AS BLOB)" })
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
