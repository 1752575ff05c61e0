package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/storetest"
)

// TestNoStatementScansATable: every statement the store conformance suite
// makes the store prepare reads or writes through a key or an index, none
// by scanning a table (but those that read a whole table by design), and
// none that names one resource or application by searching its whole
// partition. SQLite plans without statistics, so the plan is the
// same at a hundred rows as at a million: a scan here is a request that
// takes seconds on a large store (a partition's page, a resource's view).
func TestNoStatementScansATable(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		t.Cleanup(func() {
			mu.Lock()
			defer mu.Unlock()
			for _, q := range append(st.writeStmts.Queries(), st.readStmts.Queries()...) {
				seen[q] = true
			}
		})
		return st
	})
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tables := map[string]bool{}
	for _, row := range column(t, st.write, `SELECT name FROM sqlite_schema WHERE type = 'table'`) {
		tables[row] = true
	}
	wholeTable := map[string]bool{
		// AllShares: an export reads every share.
		`SELECT account, region, kind, id, grantee FROM shares WHERE 1 = 1 ORDER BY account, kind, id, grantee`: true,
	}
	scan := regexp.MustCompile(`^SCAN (\w+)`)
	partition := regexp.MustCompile(`^SEARCH \w+ USING .*\(account=\? AND region=\?\)$`)
	pins := regexp.MustCompile(`\b(id|resource_id|application_id) = `)
	alias := regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)`)
	t.Logf("%d statements", len(seen))
	for _, q := range slices.Sorted(maps.Keys(seen)) {
		named := map[string]string{}
		for _, m := range alias.FindAllStringSubmatch(q, -1) {
			named[m[2]] = m[1]
		}
		// EXPLAIN QUERY PLAN's last column is the detail.
		lines := column(t, st.write, `EXPLAIN QUERY PLAN `+q, make([]any, params(q))...)
		for _, l := range lines {
			if m := scan.FindStringSubmatch(l); m != nil && (tables[m[1]] || tables[named[m[1]]]) && !wholeTable[q] {
				t.Errorf("scans a table:\n%s\nplan:\n%s", q, strings.Join(lines, "\n"))
				break
			}
			if partition.MatchString(l) && pins.MatchString(q) {
				t.Errorf("searches a whole partition for one resource or application:\n%s\nplan:\n%s", q, strings.Join(lines, "\n"))
				break
			}
		}
	}
}

// column runs query on db and returns its last column.
func column(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(any)
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(*dest[len(dest)-1].(*any)))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

var dollar = regexp.MustCompile(`\$(\d+)`)

// params is how many parameters q has: its highest $n, or its ?s.
func params(q string) int {
	n := strings.Count(q, "?")
	for _, m := range dollar.FindAllStringSubmatch(q, -1) {
		if i, _ := strconv.Atoi(m[1]); i > n {
			n = i
		}
	}
	return n
}
