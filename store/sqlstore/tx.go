// Package sqlstore is the SQL behind store.Tx, shared by the SQL backends.
// Queries are written with ? placeholders; a backend that numbers its
// placeholders supplies a Rebind.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/store"
)

// Tx implements store.Tx on a database/sql transaction.
type Tx struct {
	// Tx runs the statements: a *sql.Tx, or a *sql.Conn inside a
	// transaction its backend began itself (postgres begins one in the
	// round trip of its lock statement).
	Tx     Conn
	Rebind func(string) string // nil: ? placeholders as written
	// Stmts, when set, caches the prepared statements of the database the
	// transaction runs on (see Stmts).
	Stmts *Stmts
	// Detach runs the statements with contexts that are never canceled:
	// for short local reads, where the pure-Go SQLite driver would
	// otherwise start a goroutine per statement to watch the context.
	Detach bool
	// Watch, when set, is called as each statement starts: a backend that
	// watches its connection for silence (postgres) learns that the
	// transaction is still moving.
	Watch func()
	// Take, when set, is called before a statement reads or writes a
	// partition (nil: every partition): a backend that locks partitions
	// (postgres) takes the ones a write transaction did not name. Its
	// error ends the statement.
	Take func(ctx context.Context, p *store.Partition) error
	// Dues, when set, bounds the due times of the partitions (see Dues):
	// AnyDue of a partition answers from it when it can.
	Dues *Dues
	// Versions are the versions the transaction gives the partitions it
	// locked (postgres), for Dues.
	Versions map[store.Partition]int64
	// Trusted, when set, records each answer AnyDue gave from a bound
	// (Dues): nothing due in the partition at the instant. A store that
	// guessed Versions checks them again when a guess was wrong
	// (postgres).
	Trusted *[]DueTrust
	// Memo, when set, learns what the transaction writes (see Memo).
	Memo       *Memo
	remembered map[memoKey]any
	learned    []partitionDue
	bound      txStmts
}

// take asks the backend for the partition p (nil: every partition).
func (t *Tx) take(ctx context.Context, p *store.Partition) error {
	if t.Take == nil {
		return nil
	}
	return t.Take(ctx, p)
}

// takeShare takes the two partitions a share belongs to: its owner's, and
// its grantee's in the same region, whose SharedWith reads it.
func (t *Tx) takeShare(ctx context.Context, s store.Share) error {
	if err := t.take(ctx, &s.Partition); err != nil {
		return err
	}
	return t.take(ctx, &store.Partition{Account: s.Grantee, Region: s.Region})
}

var _ store.Tx = (*Tx)(nil)

// Conn runs statements: *sql.Tx and *sql.Conn are both one.
type Conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (t *Tx) q(query string) string {
	if t.Rebind == nil {
		return query
	}
	return t.Rebind(query)
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) error {
	ctx = t.stmtCtx(ctx)
	query = t.q(query)
	var err error
	if st := t.stmt(ctx, query); st != nil {
		_, err = st.ExecContext(ctx, args...)
	} else {
		_, err = t.Tx.ExecContext(ctx, query, args...)
	}
	return err
}

// execCount is exec that returns the number of rows the statement wrote.
func (t *Tx) execCount(ctx context.Context, query string, args ...any) (int64, error) {
	ctx = t.stmtCtx(ctx)
	query = t.q(query)
	var res sql.Result
	var err error
	if st := t.stmt(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = t.Tx.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

const resourceCols = `account, region, kind, id, state, created_at, due_at, doc`

func scanResources(rows *sql.Rows) ([]store.Resource, error) {
	defer rows.Close()
	var out []store.Resource
	for rows.Next() {
		var r store.Resource
		var created, due int64
		if err := rows.Scan(&r.Account, &r.Region, &r.Kind, &r.ID, &r.State, &created, &due, &r.Doc); err != nil {
			return nil, err
		}
		r.Created, r.DueAt = store.FromUnixMilli(created), store.FromUnixMilli(due)
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetResource implements store.Tx.
func (t *Tx) GetResource(ctx context.Context, p store.Partition, kind, id string) (*store.Resource, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil, store.ErrNotFound
	}
	rows, err := t.query(ctx, `SELECT `+resourceCols+` FROM resources
		WHERE account = ? AND region = ? AND kind = ? AND id = ?`, p.Account, p.Region, kind, id)
	if err != nil {
		return nil, err
	}
	rs, err := scanResources(rows)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, store.ErrNotFound
	}
	return &rs[0], nil
}

// ListResources implements store.Tx.
func (t *Tx) ListResources(ctx context.Context, p store.Partition, kind, afterID string, limit int) ([]store.Resource, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, err
	}
	if hasNUL(p.Account, p.Region, kind, afterID) {
		return nil, nil
	}
	query := `SELECT ` + resourceCols + ` FROM resources WHERE account = ? AND region = ? AND kind = ? AND id > ? ORDER BY id`
	args := []any{p.Account, p.Region, kind, afterID}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanResources(rows)
}

// CountResources implements store.Tx.
func (t *Tx) CountResources(ctx context.Context, p store.Partition, kind string) (int, error) {
	if err := t.take(ctx, &p); err != nil {
		return 0, err
	}
	if hasNUL(p.Account, p.Region, kind) {
		return 0, nil
	}
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM resources WHERE account = ? AND region = ? AND kind = ?`,
		p.Account, p.Region, kind).Scan(&n)
	return n, err
}

// PutResource implements store.Tx.
func (t *Tx) PutResource(ctx context.Context, r *store.Resource) error {
	if err := t.take(ctx, &r.Partition); err != nil {
		return err
	}
	if err := refuseResourceNUL(r); err != nil {
		return err
	}
	t.scheduled(r.Partition, r.DueAt)
	t.touch(r.Partition, r.ID)
	return t.exec(ctx, upsertResource, resourceArgs(make([]any, 0, resourceArity), r)...)
}

// resourceArity is the number of columns of resourceCols.
const resourceArity = 8

// upsertResources puts n resources in one statement (their arguments in
// resourceArgs' order, one after the other).
func upsertResources(n int) string {
	return `INSERT INTO resources (` + resourceCols + `) VALUES ` + tuples(n, resourceArity) + `
		ON CONFLICT (account, region, kind, id) DO UPDATE SET
		state = excluded.state, created_at = excluded.created_at, due_at = excluded.due_at, doc = excluded.doc`
}

// upsertResource is upsertResources(1), made once: every write puts one.
var upsertResource = upsertResources(1)

// resourceArgs appends r's columns, in resourceCols' order.
func resourceArgs(args []any, r *store.Resource) []any {
	return append(args, r.Account, r.Region, r.Kind, r.ID, r.State, store.UnixMilli(r.Created), store.UnixMilli(r.DueAt), r.Doc)
}

func refuseResourceNUL(r *store.Resource) error {
	return refuseNUL("resource", "account", r.Account, "region", r.Region, "kind", r.Kind, "id", r.ID, "state", r.State)
}

// DeleteResource implements store.Tx.
func (t *Tx) DeleteResource(ctx context.Context, p store.Partition, kind, id string) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil
	}
	t.touch(p, id)
	return t.exec(ctx, `DELETE FROM resources WHERE account = ? AND region = ? AND kind = ? AND id = ?`,
		p.Account, p.Region, kind, id)
}

const assocCols = `account, region, application_id, resource_type, resource_id, state, reason_code, reason_message, created_at, updated_at, due_at, failed_step`

func scanAssociations(rows *sql.Rows) ([]store.Association, error) {
	defer rows.Close()
	var out []store.Association
	for rows.Next() {
		var a store.Association
		var created, updated, due int64
		if err := rows.Scan(&a.Account, &a.Region, &a.ApplicationID, &a.ResourceType, &a.ResourceID, &a.State,
			&a.ReasonCode, &a.ReasonMessage, &created, &updated, &due, &a.FailedStep); err != nil {
			return nil, err
		}
		a.Created, a.Updated, a.DueAt = store.FromUnixMilli(created), store.FromUnixMilli(updated), store.FromUnixMilli(due)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Associations implements store.Tx.
func (t *Tx) Associations(ctx context.Context, q store.AssociationQuery) ([]store.Association, error) {
	if err := t.take(ctx, &q.Partition); err != nil {
		return nil, err
	}
	if hasNUL(q.Account, q.Region, q.ResourceType, q.ResourceID, q.ApplicationID) || hasNUL(q.ResourceTypes...) ||
		q.After != nil && hasNUL(q.After.ApplicationID, q.After.ResourceType, q.After.ResourceID) {
		return nil, nil
	}
	var where strings.Builder
	where.WriteString(`account = ? AND region = ?`)
	args := []any{q.Account, q.Region}
	if q.ApplicationID != "" {
		where.WriteString(` AND application_id = ?`)
		args = append(args, q.ApplicationID)
	}
	if q.ResourceType != "" {
		where.WriteString(` AND resource_type = ?`)
		args = append(args, q.ResourceType)
	}
	if len(q.ResourceTypes) > 0 {
		where.WriteString(` AND resource_type IN (?` + strings.Repeat(`, ?`, len(q.ResourceTypes)-1) + `)`)
		for _, rt := range q.ResourceTypes {
			args = append(args, rt)
		}
	}
	if q.ResourceID != "" {
		where.WriteString(` AND resource_id = ?`)
		args = append(args, q.ResourceID)
	}
	if k := q.After; k != nil {
		where.WriteString(` AND (application_id > ? OR (application_id = ? AND (resource_type > ? OR (resource_type = ? AND resource_id > ?))))`)
		args = append(args, k.ApplicationID, k.ApplicationID, k.ResourceType, k.ResourceType, k.ResourceID)
	}
	query := `SELECT ` + assocCols + ` FROM associations WHERE ` + where.String() +
		` ORDER BY application_id, resource_type, resource_id`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAssociations(rows)
}

// GetResourceAssociations implements store.Tx: the resource's columns
// repeat on every association row; with no association there is one row.
func (t *Tx) GetResourceAssociations(ctx context.Context, p store.Partition, kind, id, resourceType string) (*store.Resource, []store.Association, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, nil, err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil, nil, store.ErrNotFound
	}
	if hasNUL(resourceType) {
		r, err := t.GetResource(ctx, p, kind, id)
		return r, nil, err
	}
	rows, err := t.query(ctx, `SELECT r.state, r.created_at, r.due_at, r.doc, a.application_id IS NOT NULL,
		COALESCE(a.application_id, ''), COALESCE(a.state, ''), COALESCE(a.reason_code, ''), COALESCE(a.reason_message, ''),
		COALESCE(a.created_at, 0), COALESCE(a.updated_at, 0), COALESCE(a.due_at, 0), COALESCE(a.failed_step, '')
		FROM resources r LEFT JOIN associations a
		ON a.account = r.account AND a.region = r.region AND a.resource_type = ? AND a.resource_id = r.id
		WHERE r.account = ? AND r.region = ? AND r.kind = ? AND r.id = ?
		ORDER BY a.application_id`, resourceType, p.Account, p.Region, kind, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var r *store.Resource
	var out []store.Association
	// Declared once: what Scan is given escapes, a heap allocation each.
	var rCreated, rDue, created, updated, due int64
	var doc sql.RawBytes
	var hasAssoc bool
	var a store.Association
	var res store.Resource
	for rows.Next() {
		a = store.Association{Partition: p, ResourceType: resourceType, ResourceID: id}
		res = store.Resource{Partition: p, Kind: kind, ID: id}
		if err := rows.Scan(&res.State, &rCreated, &rDue, &doc, &hasAssoc, &a.ApplicationID, &a.State, &a.ReasonCode,
			&a.ReasonMessage, &created, &updated, &due, &a.FailedStep); err != nil {
			return nil, nil, err
		}
		if r == nil {
			res.Created, res.DueAt = store.FromUnixMilli(rCreated), store.FromUnixMilli(rDue)
			res.Doc = append([]byte{}, doc...)
			kept := res
			r = &kept
		}
		if hasAssoc {
			a.Created, a.Updated, a.DueAt = store.FromUnixMilli(created), store.FromUnixMilli(updated), store.FromUnixMilli(due)
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, store.ErrNotFound
	}
	return r, out, nil
}

// GetResourceAssociationStates implements store.Tx: the resource's row,
// then one row of five columns per association (the pure-Go driver pays
// per column read, and for each copy of the document).
func (t *Tx) GetResourceAssociationStates(ctx context.Context, p store.Partition, kind, id, resourceType string) (*store.Resource, []store.Association, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, nil, err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil, nil, store.ErrNotFound
	}
	if hasNUL(resourceType) {
		r, err := t.GetResource(ctx, p, kind, id)
		return r, nil, err
	}
	// The resource's row has no application_id; no ORDER BY, which would
	// sort the union: the associations come in the index's order, checked
	// below.
	// Each argument boxed once (an allocation each), though given twice.
	account, region, rid := any(p.Account), any(p.Region), any(id)
	rows, err := t.query(ctx, `SELECT state, doc, NULL, created_at, due_at FROM resources
		WHERE account = ? AND region = ? AND kind = ? AND id = ?
		UNION ALL SELECT state, NULL, application_id, created_at, due_at FROM associations
		WHERE account = ? AND region = ? AND resource_type = ? AND resource_id = ?`,
		account, region, kind, rid, account, region, resourceType, rid)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var r *store.Resource
	var out []store.Association
	sorted := true
	// Declared once: what Scan is given escapes, a heap allocation each.
	var state string
	var doc sql.RawBytes
	var app sql.NullString
	var created, due int64
	for rows.Next() {
		if err := rows.Scan(&state, &doc, &app, &created, &due); err != nil {
			return nil, nil, err
		}
		if !app.Valid {
			r = &store.Resource{Partition: p, Kind: kind, ID: id, State: state,
				Created: store.FromUnixMilli(created), DueAt: store.FromUnixMilli(due), Doc: append([]byte{}, doc...)}
			continue
		}
		if n := len(out); n > 0 && out[n-1].ApplicationID > app.String {
			sorted = false
		} else if n == 0 {
			out = make([]store.Association, 0, 4) // a WorkSpace has a few
		}
		out = append(out, store.Association{Partition: p, ResourceType: resourceType, ResourceID: id,
			ApplicationID: app.String, State: state, Created: store.FromUnixMilli(created), DueAt: store.FromUnixMilli(due)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, store.ErrNotFound
	}
	if !sorted {
		slices.SortFunc(out, func(a, b store.Association) int { return strings.Compare(a.ApplicationID, b.ApplicationID) })
	}
	return r, out, nil
}

// PutAssociation implements store.Tx.
func (t *Tx) PutAssociation(ctx context.Context, a *store.Association) error {
	if err := t.take(ctx, &a.Partition); err != nil {
		return err
	}
	if err := refuseAssociationNUL(a); err != nil {
		return err
	}
	t.scheduled(a.Partition, a.DueAt)
	t.touch(a.Partition, a.ResourceID)
	return t.exec(ctx, upsertAssociation, associationArgs(make([]any, 0, assocArity), a)...)
}

// assocArity is the number of columns of assocCols.
const assocArity = 12

// upsertAssociations puts n associations in one statement (their
// arguments in associationArgs' order, one after the other).
func upsertAssociations(n int) string {
	return `INSERT INTO associations (` + assocCols + `) VALUES ` + tuples(n, assocArity) + `
		ON CONFLICT (account, region, application_id, resource_type, resource_id) DO UPDATE SET
		state = excluded.state, reason_code = excluded.reason_code, reason_message = excluded.reason_message,
		created_at = excluded.created_at, updated_at = excluded.updated_at, due_at = excluded.due_at,
		failed_step = excluded.failed_step`
}

// upsertAssociation is upsertAssociations(1), made once.
var upsertAssociation = upsertAssociations(1)

// associationArgs appends a's columns, in assocCols' order.
func associationArgs(args []any, a *store.Association) []any {
	return append(args, a.Account, a.Region, a.ApplicationID, a.ResourceType, a.ResourceID, a.State, a.ReasonCode, a.ReasonMessage,
		store.UnixMilli(a.Created), store.UnixMilli(a.Updated), store.UnixMilli(a.DueAt), a.FailedStep)
}

func refuseAssociationNUL(a *store.Association) error {
	return refuseNUL("association", "account", a.Account, "region", a.Region, "applicationId", a.ApplicationID,
		"resourceType", a.ResourceType, "resourceId", a.ResourceID, "state", a.State, "reasonCode", a.ReasonCode,
		"reasonMessage", a.ReasonMessage, "failedStep", a.FailedStep)
}

// DeleteAssociation implements store.Tx.
func (t *Tx) DeleteAssociation(ctx context.Context, p store.Partition, k store.AssociationKey) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if hasNUL(p.Account, p.Region, k.ApplicationID, k.ResourceType, k.ResourceID) {
		return nil
	}
	t.touch(p, k.ResourceID)
	return t.exec(ctx, `DELETE FROM associations WHERE account = ? AND region = ? AND application_id = ? AND resource_type = ? AND resource_id = ?`,
		p.Account, p.Region, k.ApplicationID, k.ResourceType, k.ResourceID)
}

// DeleteAssociationsOf implements store.Tx.
func (t *Tx) DeleteAssociationsOf(ctx context.Context, p store.Partition, resourceType, resourceID string) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if hasNUL(p.Account, p.Region, resourceType, resourceID) {
		return nil
	}
	t.touch(p, resourceID)
	return t.exec(ctx, `DELETE FROM associations WHERE account = ? AND region = ? AND resource_type = ? AND resource_id = ?`,
		p.Account, p.Region, resourceType, resourceID)
}

// Tags implements store.Tx.
func (t *Tx) Tags(ctx context.Context, p store.Partition, resourceID string) ([]store.Tag, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, err
	}
	if hasNUL(p.Account, p.Region, resourceID) {
		return nil, nil
	}
	rows, err := t.query(ctx, `SELECT key, value FROM tags WHERE account = ? AND region = ? AND resource_id = ? ORDER BY key`,
		p.Account, p.Region, resourceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Tag
	for rows.Next() {
		var tag store.Tag
		if err := rows.Scan(&tag.Key, &tag.Value); err != nil {
			return nil, err
		}
		out = append(out, tag)
	}
	return out, rows.Err()
}

// PutTags implements store.Tx: new keys are added, existing keys
// overwritten, in one statement.
func (t *Tx) PutTags(ctx context.Context, p store.Partition, resourceID string, tags []store.Tag) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if err := refuseTagNUL(p, resourceID, tags); err != nil || len(tags) == 0 {
		return err
	}
	tags = lastOfEachKey(tags)
	query, args := tagValues(`INSERT INTO tags (account, region, resource_id, key, value) VALUES `, `(?, ?, ?, ?, ?)`,
		tags, func(args []any, tag store.Tag) []any {
			return append(args, p.Account, p.Region, resourceID, tag.Key, tag.Value)
		})
	return t.exec(ctx, query+tagUpsert, args...)
}

// tagUpsert ends the statements that write tags: a key the resource has
// takes the new value.
const tagUpsert = ` ON CONFLICT (account, region, resource_id, key) DO UPDATE SET value = excluded.value`

// AddTags implements store.Tx: the resource's existence and its number of
// tags are conditions of the INSERT, which then writes every row or none.
func (t *Tx) AddTags(ctx context.Context, p store.Partition, kind, id string, tags []store.Tag, max int) (bool, error) {
	if err := t.take(ctx, &p); err != nil {
		return false, err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return false, nil // no such resource
	}
	if err := refuseTagNUL(p, id, tags); err != nil {
		return false, err
	}
	tags = lastOfEachKey(tags)
	// The tags the resource keeps besides these may number max-len(tags).
	keep := max - len(tags)
	if len(tags) == 0 || keep < 0 {
		return false, nil
	}
	query, args := tagValues(`INSERT INTO tags (account, region, resource_id, key, value) SELECT ?, ?, ?, v.column1, v.column2 FROM (VALUES `,
		`(?, ?)`, tags, func(args []any, tag store.Tag) []any { return append(args, tag.Key, tag.Value) })
	args = append([]any{p.Account, p.Region, id}, args...)
	args = append(args, p.Account, p.Region, kind, id, p.Account, p.Region, id)
	for _, tag := range tags {
		args = append(args, tag.Key)
	}
	args = append(args, keep)
	query += `) AS v
		WHERE EXISTS (SELECT 1 FROM resources WHERE account = ? AND region = ? AND kind = ? AND id = ?)
		AND (SELECT COUNT(*) FROM tags WHERE account = ? AND region = ? AND resource_id = ? AND key NOT IN (?` +
		strings.Repeat(`, ?`, len(tags)-1) + `)) <= ?` + tagUpsert
	n, err := t.execCount(ctx, query, args...)
	return n > 0, err
}

// refuseTagNUL refuses tags of which a column holds U+0000.
func refuseTagNUL(p store.Partition, resourceID string, tags []store.Tag) error {
	for _, tag := range tags {
		if err := refuseNUL("tag", "account", p.Account, "region", p.Region, "resourceId", resourceID, "key", tag.Key, "value", tag.Value); err != nil {
			return err
		}
	}
	return nil
}

// lastOfEachKey is tags with the last value given for each key, in the
// order of their first appearance: one statement cannot write a row twice.
func lastOfEachKey(tags []store.Tag) []store.Tag {
	for i := 1; i < len(tags); i++ {
		for j := range i {
			if tags[i].Key == tags[j].Key {
				out := make([]store.Tag, 0, len(tags))
				at := map[string]int{}
				for _, tag := range tags {
					if k, ok := at[tag.Key]; ok {
						out[k].Value = tag.Value
						continue
					}
					at[tag.Key] = len(out)
					out = append(out, tag)
				}
				return out
			}
		}
	}
	return tags
}

// tagValues is head followed by row once per tag, separated by commas,
// with the arguments add appends for each.
func tagValues(head, row string, tags []store.Tag, add func([]any, store.Tag) []any) (string, []any) {
	var b strings.Builder
	b.WriteString(head)
	args := make([]any, 0, 5*len(tags)+8)
	for i, tag := range tags {
		if i > 0 {
			b.WriteString(`, `)
		}
		b.WriteString(row)
		args = add(args, tag)
	}
	return b.String(), args
}

// DeleteTags implements store.Tx.
func (t *Tx) DeleteTags(ctx context.Context, p store.Partition, resourceID string, keys []string) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if hasNUL(p.Account, p.Region, resourceID) {
		return nil
	}
	for _, k := range keys {
		if hasNUL(k) {
			continue
		}
		if err := t.exec(ctx, `DELETE FROM tags WHERE account = ? AND region = ? AND resource_id = ? AND key = ?`,
			p.Account, p.Region, resourceID, k); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAllTags implements store.Tx.
func (t *Tx) DeleteAllTags(ctx context.Context, p store.Partition, resourceID string) error {
	if err := t.take(ctx, &p); err != nil {
		return err
	}
	if hasNUL(p.Account, p.Region, resourceID) {
		return nil
	}
	return t.exec(ctx, `DELETE FROM tags WHERE account = ? AND region = ? AND resource_id = ?`, p.Account, p.Region, resourceID)
}

// Shares implements store.Tx.
func (t *Tx) Shares(ctx context.Context, p store.Partition, kind, id string) ([]store.Share, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, err
	}
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil, nil
	}
	return t.shares(ctx, 0, `account = ? AND region = ? AND kind = ? AND id = ?`, p.Account, p.Region, kind, id)
}

// SharesAfter implements store.Tx.
func (t *Tx) SharesAfter(ctx context.Context, p store.Partition, kind, id, afterGrantee string, limit int) ([]store.Share, error) {
	if err := t.take(ctx, &p); err != nil {
		return nil, err
	}
	if hasNUL(p.Account, p.Region, kind, id, afterGrantee) {
		return nil, nil
	}
	return t.shares(ctx, limit, `account = ? AND region = ? AND kind = ? AND id = ? AND grantee > ?`,
		p.Account, p.Region, kind, id, afterGrantee)
}

// SharedWith implements store.Tx.
func (t *Tx) SharedWith(ctx context.Context, kind, account, region string) ([]store.Share, error) {
	if err := t.take(ctx, &store.Partition{Account: account, Region: region}); err != nil {
		return nil, err
	}
	if hasNUL(kind, account, region) {
		return nil, nil
	}
	return t.shares(ctx, 0, `grantee = ? AND region = ? AND kind = ?`, account, region, kind)
}

// shares lists the shares where says, ordered by their keys, at most
// limit of them (all when limit is 0).
func (t *Tx) shares(ctx context.Context, limit int, where string, args ...any) ([]store.Share, error) {
	query := `SELECT account, region, kind, id, grantee FROM shares WHERE ` + where + ` ORDER BY account, kind, id, grantee`
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Share
	for rows.Next() {
		var s store.Share
		if err := rows.Scan(&s.Account, &s.Region, &s.Kind, &s.ID, &s.Grantee); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PutShare implements store.Tx.
func (t *Tx) PutShare(ctx context.Context, s store.Share) error {
	if err := t.takeShare(ctx, s); err != nil {
		return err
	}
	if err := refuseNUL("share", "account", s.Account, "region", s.Region, "kind", s.Kind, "id", s.ID, "grantee", s.Grantee); err != nil {
		return err
	}
	return t.exec(ctx, `INSERT INTO shares (account, region, kind, id, grantee) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account, region, kind, id, grantee) DO NOTHING`, s.Account, s.Region, s.Kind, s.ID, s.Grantee)
}

// DeleteShare implements store.Tx.
func (t *Tx) DeleteShare(ctx context.Context, s store.Share) error {
	if err := t.takeShare(ctx, s); err != nil {
		return err
	}
	if hasNUL(s.Account, s.Region, s.Kind, s.ID, s.Grantee) {
		return nil
	}
	return t.exec(ctx, `DELETE FROM shares WHERE account = ? AND region = ? AND kind = ? AND id = ? AND grantee = ?`,
		s.Account, s.Region, s.Kind, s.ID, s.Grantee)
}

// DeleteSharesOf implements store.Tx.
func (t *Tx) DeleteSharesOf(ctx context.Context, p store.Partition, kind, id string) error {
	if hasNUL(p.Account, p.Region, kind, id) {
		return nil
	}
	if t.Take != nil {
		// The grantees' partitions read the shares (SharedWith).
		shares, err := t.Shares(ctx, p, kind, id)
		if err != nil {
			return err
		}
		for _, s := range shares {
			if err := t.takeShare(ctx, s); err != nil {
				return err
			}
		}
	}
	return t.exec(ctx, `DELETE FROM shares WHERE account = ? AND region = ? AND kind = ? AND id = ?`, p.Account, p.Region, kind, id)
}

func partitionFilter(p *store.Partition) (string, []any) {
	if p == nil {
		return "", nil
	}
	return ` AND account = ? AND region = ?`, []any{p.Account, p.Region}
}

// dueLimit is the LIMIT clause of a due query (none for limit 0), with its
// argument appended to args.
func dueLimit(limit int, args []any) (string, []any) {
	if limit <= 0 {
		return "", args
	}
	return ` LIMIT ?`, append(args, limit)
}

// AnyDue implements store.Tx, in one query.
func (t *Tx) AnyDue(ctx context.Context, p *store.Partition, now time.Time) (bool, error) {
	if err := t.take(ctx, p); err != nil {
		return false, err
	}
	if partitionNUL(p) {
		return false, nil
	}
	if t.Dues != nil && p != nil {
		return t.anyDueBounded(ctx, *p, now)
	}
	filter, pargs := partitionFilter(p)
	args := make([]any, 0, 6)
	for range 2 {
		args = append(append(args, store.UnixMilli(now)), pargs...)
	}
	var due bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM resources WHERE due_at > 0 AND due_at <= ?`+filter+`)
		OR EXISTS (SELECT 1 FROM associations WHERE due_at > 0 AND due_at <= ?`+filter+`)`, args...).Scan(&due)
	if err != nil {
		return false, fmt.Errorf("due: %w", err)
	}
	return due, nil
}

// DueResources implements store.Tx.
func (t *Tx) DueResources(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Resource, error) {
	if err := t.take(ctx, p); err != nil {
		return nil, err
	}
	if partitionNUL(p) {
		return nil, nil
	}
	filter, args := partitionFilter(p)
	lim, args := dueLimit(limit, args)
	rows, err := t.query(ctx, `SELECT `+resourceCols+` FROM resources WHERE due_at > 0 AND due_at <= ?`+filter+` ORDER BY due_at`+lim,
		append([]any{store.UnixMilli(now)}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanResources(rows)
}

// DueAssociations implements store.Tx.
func (t *Tx) DueAssociations(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Association, error) {
	if err := t.take(ctx, p); err != nil {
		return nil, err
	}
	if partitionNUL(p) {
		return nil, nil
	}
	filter, args := partitionFilter(p)
	lim, args := dueLimit(limit, args)
	rows, err := t.query(ctx, `SELECT `+assocCols+` FROM associations WHERE due_at > 0 AND due_at <= ?`+filter+` ORDER BY due_at`+lim,
		append([]any{store.UnixMilli(now)}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanAssociations(rows)
}
