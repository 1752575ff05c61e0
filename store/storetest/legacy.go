package storetest

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// LegacyShareDatabase brings db to the schema of the migrations of
// migrations up to 0003 (before the shares table) and writes
// LegacyShareRows in it.
func LegacyShareDatabase(t *testing.T, db *sql.DB, migrations fs.FS, blob func(doc string) string) {
	t.Helper()
	ctx := context.Background()
	if err := MigrateDB(ctx, db, Migrations(t, migrations, "0004")); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range LegacyShareRows(blob) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// Migrations copies the migrations/*.sql files of fsys whose names sort
// before the prefix before ("" for every one): the schema of an older
// build, for a test of what opening it does.
func Migrations(t testing.TB, fsys fs.FS, before string) fstest.MapFS {
	t.Helper()
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, name := range names {
		if before != "" && path.Base(name) >= before {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: b}
	}
	return out
}

// MigrateDB applies the migrations of fsys to db.
func MigrateDB(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return sqlstore.Migrate(ctx, fsys, func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) })
}

// LegacyShareRows are rows of the schema before the shares table (the
// migrations up to 0003): an image shared in image_shares, a connection
// alias shared by a row of the grantee's partition naming its owner, and a
// connection string reserved in the made-up partition 000000000000/global;
// the alias's document listed its shares too.
// blob writes a JSON document as the backend's literal for the doc column.
func LegacyShareRows(blob func(doc string) string) []string {
	return []string{
		`INSERT INTO image_shares (account, region, image_id, shared_account) VALUES ('111111111111', 'us-east-1', 'wsi-a', '222222222222')`,
		`INSERT INTO resources (account, region, kind, id, state, created_at, due_at, doc) VALUES
			('222222222222', 'us-east-1', 'connection-alias-share', 'wsca-a', 'CREATED', 0, 0, ` + blob(`{"Owner":"111111111111"}`) + `)`,
		`INSERT INTO resources (account, region, kind, id, state, created_at, due_at, doc) VALUES
			('111111111111', 'us-east-1', 'connection-alias', 'wsca-a', 'CREATED', 0, 0, ` + blob(`{"AliasId":"wsca-a","SharedWith":["222222222222"]}`) + `)`,
		`INSERT INTO resources (account, region, kind, id, state, created_at, due_at, doc) VALUES
			('000000000000', 'global', 'connection-string', 'www.example.com', 'RESERVED', 0, 0, ` + blob(`{"Account":"111111111111"}`) + `)`,
	}
}

// CheckLegacySharesMigrated checks that a store opened on LegacyShareRows
// has them as shares and in the global scope.
func CheckLegacySharesMigrated(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	err := st.Read(ctx, func(tx store.Tx) error {
		shares, err := tx.AllShares(ctx)
		if err != nil {
			return err
		}
		owner := store.Partition{Account: "111111111111", Region: "us-east-1"}
		want := []store.Share{{Partition: owner, Kind: "connection-alias", ID: "wsca-a", Grantee: "222222222222"},
			{Partition: owner, Kind: "image", ID: "wsi-a", Grantee: "222222222222"}}
		if len(shares) != 2 || shares[0] != want[0] || shares[1] != want[1] {
			t.Errorf("shares after the migration = %+v, want %+v", shares, want)
		}
		rs, err := tx.AllResources(ctx)
		if err != nil {
			return err
		}
		if len(rs) != 2 || rs[0].Kind != "connection-alias" || strings.Contains(string(rs[0].Doc), "SharedWith") ||
			!strings.Contains(string(rs[0].Doc), "wsca-a") {
			t.Errorf("resources after the migration = %+v, want the alias without its SharedWith", rs)
		} else if rs[1].Partition != store.Global || rs[1].Kind != "connection-string" || string(rs[1].Doc) != `{"Account":"111111111111"}` {
			t.Errorf("resources after the migration = %+v, want the reservation in the global scope", rs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
