package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/storetest"
)

// TestSharesMigration: a database of the schema before the shares table
// keeps what it shared, in the shares table and the global scope.
func TestSharesMigration(t *testing.T) {
	db, path := rawDatabase(t)
	storetest.LegacyShareDatabase(t, db, migrations, func(doc string) string { return "CAST('" + doc + "' AS BLOB)" })
	st := reopen(t, db, path)
	storetest.CheckLegacySharesMigrated(t, st)
}

// TestAssociationsByResourceMigration: a database whose associations are
// a rowid table (the migrations up to 0007) keeps every row, every column
// as it was, in the WITHOUT ROWID table of 0008, and finds what is due
// through the indexes made again.
func TestAssociationsByResourceMigration(t *testing.T) {
	ctx := context.Background()
	db, path := rawDatabase(t)
	if err := storetest.MigrateDB(ctx, db, storetest.Migrations(t, migrations, "0008")); err != nil {
		t.Fatal(err)
	}
	p := store.Partition{Account: "111111111111", Region: "us-east-1"}
	want := []store.Association{
		{Partition: p, ResourceType: "IMAGE", ResourceID: "wsi-1", ApplicationID: "wsa-1", State: "COMPLETED",
			Created: time.UnixMilli(1000).UTC(), Updated: time.UnixMilli(2000).UTC()},
		{Partition: p, ResourceType: "WORKSPACE", ResourceID: "ws-1", ApplicationID: "wsa-1", State: "ERROR",
			ReasonCode: "InstallFailed", ReasonMessage: "it failed", Created: time.UnixMilli(3000).UTC(),
			Updated: time.UnixMilli(4000).UTC(), FailedStep: "INSTALLING"},
		{Partition: p, ResourceType: "WORKSPACE", ResourceID: "ws-1", ApplicationID: "wsa-2", State: "PENDING_INSTALL",
			Created: time.UnixMilli(5000).UTC(), Updated: time.UnixMilli(6000).UTC(), DueAt: time.UnixMilli(7000).UTC()},
	}
	for _, a := range want {
		if _, err := db.ExecContext(ctx, `INSERT INTO associations (account, region, application_id, resource_type, resource_id,
			state, reason_code, reason_message, created_at, updated_at, due_at, failed_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.Account, a.Region, a.ApplicationID, a.ResourceType, a.ResourceID, a.State, a.ReasonCode, a.ReasonMessage,
			a.Created.UnixMilli(), a.Updated.UnixMilli(), store.UnixMilli(a.DueAt), a.FailedStep); err != nil {
			t.Fatal(err)
		}
	}
	st := reopen(t, db, path)
	var got, due []store.Association
	if err := st.Read(ctx, func(tx store.Tx) error {
		var err error
		if got, err = tx.Associations(ctx, store.AssociationQuery{Partition: p}); err != nil {
			return err
		}
		due, err = tx.DueAssociations(ctx, &p, time.UnixMilli(7000), 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("associations after the migration:\n got %+v\nwant %+v", got, want)
	}
	if len(due) != 1 || due[0].ApplicationID != "wsa-2" {
		t.Errorf("due after the migration: %+v, want wsa-2's", due)
	}
	var ddl string
	if err := st.write.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'associations'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(ddl, "WITHOUT ROWID") {
		t.Errorf("associations after the migration: %s", ddl)
	}
}

// rawDatabase opens a new database file with no migration applied.
func rawDatabase(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	return db, path
}

// reopen closes db, made by older migrations, and opens the store on its
// file, which applies the rest.
func reopen(t *testing.T, db *sql.DB, path string) *Store {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestFailedMigrationLeavesTheStoreAsItWas: the migrations run in one
// transaction, so one that fails undoes those before it and the next start
// finds the file as it was.
func TestFailedMigrationLeavesTheStoreAsItWas(t *testing.T) {
	ctx := context.Background()
	db, _ := rawDatabase(t)
	defer db.Close()
	broken := storetest.Migrations(t, migrations, "")
	broken["migrations/9999_broken.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE later (a TEXT); SELECT no_such_function();")}
	err := storetest.MigrateDB(ctx, db, broken)
	if err == nil || !strings.Contains(err.Error(), "migration 9999_broken.sql") {
		t.Fatalf("Migrate = %v, want the error of migration 9999_broken.sql", err)
	}
	if tables := column(t, db, `SELECT name FROM sqlite_master`); len(tables) != 0 {
		t.Errorf("after a failed migration the file holds %v, want nothing", tables)
	}
}
