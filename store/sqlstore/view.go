package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wslocal/wslocal/store"
)

// The view queries number their parameters ($1, ...), which both SQLite
// and PostgreSQL understand, so that a value used several times is bound
// once.

// viewQuery reads a resource, its associations of one type and when the
// earliest step of its partition is due (from each table; the partial
// index on due_at makes each one probe), in one statement: the statement's
// snapshot makes it consistent without a transaction. The due times and
// the resource repeat on every association row; with no association there is
// one row, and with no resource either its columns are empty. It starts
// with the columns of the versions (noVersion or withVersion).
const viewQuery = `
	(SELECT COALESCE(MIN(due_at), 0) FROM resources WHERE due_at > 0 AND account = $1 AND region = $2),
	(SELECT COALESCE(MIN(due_at), 0) FROM associations WHERE due_at > 0 AND account = $1 AND region = $2),
	COALESCE(r.id, ''), COALESCE(r.state, ''), COALESCE(r.created_at, 0), COALESCE(r.due_at, 0), r.doc,
	COALESCE(a.application_id, ''), COALESCE(a.state, ''), COALESCE(a.reason_code, ''), COALESCE(a.reason_message, ''),
	COALESCE(a.created_at, 0), COALESCE(a.updated_at, 0), COALESCE(a.due_at, 0), COALESCE(a.failed_step, '')
FROM (SELECT 1 AS one) base
LEFT JOIN resources r ON r.account = $1 AND r.region = $2 AND r.kind = $3 AND r.id = $4
LEFT JOIN associations a ON a.account = r.account AND a.region = r.region AND a.resource_type = $5 AND a.resource_id = r.id
ORDER BY a.application_id`

// viewKindQuery reads every resource of a kind in a partition, when its
// earliest step is due and whether resources of the kind are shared with
// it, in one statement; with no resource there is one row with empty
// columns. It starts with the columns of the versions.
const viewKindQuery = `
	(SELECT COALESCE(MIN(due_at), 0) FROM resources WHERE due_at > 0 AND account = $1 AND region = $2),
	(SELECT COALESCE(MIN(due_at), 0) FROM associations WHERE due_at > 0 AND account = $1 AND region = $2),
	EXISTS (SELECT 1 FROM shares WHERE grantee = $1 AND region = $2 AND kind = $3),
	COALESCE(r.id, ''), COALESCE(r.state, ''), COALESCE(r.created_at, 0), COALESCE(r.due_at, 0), r.doc
FROM (SELECT 1 AS one) base
LEFT JOIN resources r ON r.account = $1 AND r.region = $2 AND r.kind = $3
ORDER BY r.id`

// noVersion and withVersion are the first columns of a view: the
// versions of the writes it reflects (Version), read by the view's own
// statement, thus of its snapshot. A database that keeps no versions
// (SQLite) reads zeros.
const (
	noVersion   = `SELECT 0, 0,`
	withVersion = `SELECT (SELECT version FROM global_version),
	COALESCE((SELECT version FROM partition_versions WHERE account = $1 AND region = $2), 0),`
)

// Version names the state of a partition's rows as of a snapshot: All
// counts the writes of every partition, Partition those of the partition
// (they include writes of its shares as a grantee). Both only grow, and
// each write raises one of them in its own transaction, so a view read
// with the same Version as the database's now is the view a new statement
// would read (store/postgres keeps them).
type Version struct{ All, Partition int64 }

// DB is what a backend gives ViewResource: its pool, with the statement
// cache of its transactions.
type DB struct {
	DB    *sql.DB
	Stmts *Stmts
	// Detach runs the statement with a context that is never canceled (see
	// Tx.Detach).
	Detach bool
	// Versioned reads the Version of each view, from the tables
	// global_version and partition_versions.
	Versioned bool
	// Timeout, when set, bounds each view's statement (and only the
	// statement: a view a cache answers costs no timer).
	Timeout time.Duration
}

// bound is ctx under d's Timeout.
func (d *DB) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if d.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d.Timeout)
}

// viewQueries are the whole statements, without and with the versions.
var viewQueries = [2]struct{ one, kind string }{
	{noVersion + viewQuery, noVersion + viewKindQuery},
	{withVersion + viewQuery, withVersion + viewKindQuery},
}

func (d *DB) queries() *struct{ one, kind string } {
	if d.Versioned {
		return &viewQueries[1]
	}
	return &viewQueries[0]
}

// query runs a query with numbered parameters on the pool, prepared when
// it can be.
func (d *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if d.Detach {
		ctx = context.WithoutCancel(ctx)
	}
	if st := d.Stmts.lookup(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

// ViewResources implements store.ResourceViewer.
func (d *DB) ViewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	v, _, err := d.viewResources(ctx, p, kind, now)
	return v, err
}

// viewResources is ViewResources with the Version of the view (zero
// without Versioned, or when a NUL means there is nothing to read).
func (d *DB) viewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, Version, error) {
	var v store.ResourcesView
	var ver Version
	if hasNUL(p.Account, p.Region, kind) {
		return v, ver, nil
	}
	ctx, cancel := d.bound(ctx)
	defer cancel()
	rows, err := d.query(ctx, d.queries().kind, p.Account, p.Region, kind)
	if err != nil {
		return v, ver, err
	}
	defer rows.Close()
	for rows.Next() {
		r := store.Resource{Partition: p, Kind: kind}
		var created, due, rNext, aNext int64
		if err := rows.Scan(&ver.All, &ver.Partition, &rNext, &aNext, &v.Shared, &r.ID, &r.State, &created, &due, &r.Doc); err != nil {
			return v, ver, err
		}
		v.NextDue, v.Due = nextDue(rNext, aNext, now)
		if r.ID != "" {
			r.Created, r.DueAt = store.FromUnixMilli(created), store.FromUnixMilli(due)
			v.Resources = append(v.Resources, r)
		}
	}
	return v, ver, rows.Err()
}

// ViewResource implements store.ResourceViewer.
func (d *DB) ViewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	v, _, err := d.viewResource(ctx, p, kind, id, resourceType, now)
	return v, err
}

// viewResource is ViewResource with the Version of the view.
func (d *DB) viewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, Version, error) {
	var v store.ResourceView
	var ver Version
	if hasNUL(p.Account, p.Region, kind, id, resourceType) {
		return v, ver, nil
	}
	ctx, cancel := d.bound(ctx)
	defer cancel()
	rows, err := d.query(ctx, d.queries().one, p.Account, p.Region, kind, id, resourceType)
	if err != nil {
		return v, ver, err
	}
	defer rows.Close()
	for rows.Next() {
		var r store.Resource
		var a store.Association
		var rNext, aNext, rCreated, rDue, aCreated, aUpdated, aDue int64
		if err := rows.Scan(&ver.All, &ver.Partition, &rNext, &aNext, &r.ID, &r.State, &rCreated, &rDue, &r.Doc,
			&a.ApplicationID, &a.State, &a.ReasonCode, &a.ReasonMessage, &aCreated, &aUpdated, &aDue, &a.FailedStep); err != nil {
			return v, ver, err
		}
		v.NextDue, v.Due = nextDue(rNext, aNext, now)
		if r.ID == "" {
			continue
		}
		if v.Resource == nil {
			r.Partition, r.Kind = p, kind
			r.Created, r.DueAt = store.FromUnixMilli(rCreated), store.FromUnixMilli(rDue)
			v.Resource = &r
		}
		if a.ApplicationID != "" {
			a.Partition, a.ResourceType, a.ResourceID = p, resourceType, id
			a.Created, a.Updated, a.DueAt = store.FromUnixMilli(aCreated), store.FromUnixMilli(aUpdated), store.FromUnixMilli(aDue)
			v.Associations = append(v.Associations, a)
		}
	}
	return v, ver, rows.Err()
}

// nextDue is the earlier of two due times in milliseconds (0: none), and
// whether it has come at now.
func nextDue(a, b int64, now time.Time) (time.Time, bool) {
	if a == 0 || b != 0 && b < a {
		a = b
	}
	return store.FromUnixMilli(a), a != 0 && a <= store.UnixMilli(now)
}
