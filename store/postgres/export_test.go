package postgres

import (
	"context"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// Checks is how many version checks s has run.
func Checks(s *Store) int64 { return s.fence.checks.Load() }

// ViewStatement reads a view with its statement, never from the views s
// keeps.
func ViewStatement(s *Store, ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	d := sqlstore.DB{DB: s.db}
	return d.ViewResource(ctx, p, kind, id, resourceType, now)
}
