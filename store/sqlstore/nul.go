package sqlstore

import (
	"fmt"
	"strings"

	"github.com/wslocal/wslocal/store"
)

// A key or text column cannot hold U+0000 in PostgreSQL, where SQLite
// would keep it: both backends run this code, so both refuse such a write
// (store.ErrNUL) and find nothing under such a key, and answer alike.

// hasNUL reports whether any of ss holds U+0000.
func hasNUL(ss ...string) bool {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return true
		}
	}
	return false
}

// partitionNUL is hasNUL for an optional partition.
func partitionNUL(p *store.Partition) bool { return p != nil && hasNUL(p.Account, p.Region) }

// refuseNUL returns an error wrapping store.ErrNUL that names the first of
// the columns (name, value, name, value, ...) of a row that holds U+0000.
func refuseNUL(row string, cols ...string) error {
	for i := 0; i+1 < len(cols); i += 2 {
		if hasNUL(cols[i+1]) {
			return fmt.Errorf("%s %s %q: %w", row, cols[i], cols[i+1], store.ErrNUL)
		}
	}
	return nil
}
