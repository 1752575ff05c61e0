package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wslocal/wslocal/store"
)

var _ store.RowWriter = (*Tx)(nil)

// maxRowsPerStatement bounds the rows of one statement of WriteRows: 256
// associations are 3,072 parameters, well under SQLite's 32,766 and
// PostgreSQL's 65,535.
const maxRowsPerStatement = 256

// WriteRows implements store.RowWriter: the rows of each table are put in
// one INSERT ... ON CONFLICT and deleted in one DELETE per chunk, so that a
// catch-up on PostgreSQL makes a round trip per chunk rather than per step.
// Chunks are powers of two long, so that a few statement shapes serve
// every batch (and stay in the statement caches).
func (t *Tx) WriteRows(ctx context.Context, w *store.RowWrites) error {
	if err := t.takeRows(ctx, w); err != nil {
		return err
	}
	for i := range w.Resources {
		if err := refuseResourceNUL(w.Resources[i]); err != nil {
			return err
		}
	}
	for i := range w.Associations {
		if err := refuseAssociationNUL(w.Associations[i]); err != nil {
			return err
		}
	}
	// As PutResource and PutAssociation: a step scheduled lowers its
	// partition's due-time bound.
	for i := range w.Resources {
		t.scheduled(w.Resources[i].Partition, w.Resources[i].DueAt)
		t.touch(w.Resources[i].Partition, w.Resources[i].ID)
	}
	for i := range w.Associations {
		t.scheduled(w.Associations[i].Partition, w.Associations[i].DueAt)
		t.touch(w.Associations[i].Partition, w.Associations[i].ResourceID)
	}
	err := chunks(len(w.Resources), func(lo, n int) error {
		args := make([]any, 0, resourceArity*n)
		for i := lo; i < lo+n; i++ {
			args = resourceArgs(args, w.Resources[i])
		}
		return t.exec(ctx, upsertResources(n), args...)
	})
	if err != nil {
		return err
	}
	err = chunks(len(w.Associations), func(lo, n int) error {
		args := make([]any, 0, assocArity*n)
		for i := lo; i < lo+n; i++ {
			args = associationArgs(args, w.Associations[i])
		}
		return t.exec(ctx, upsertAssociations(n), args...)
	})
	if err != nil {
		return err
	}
	// A key with U+0000 names no row (as DeleteResource).
	var dr []store.ResourceRef
	for _, r := range w.DeleteResources {
		if !hasNUL(r.Account, r.Region, r.Kind, r.ID) {
			dr = append(dr, r)
			t.touch(r.Partition, r.ID)
		}
	}
	err = chunks(len(dr), func(lo, n int) error {
		args := make([]any, 0, 4*n)
		for _, r := range dr[lo : lo+n] {
			args = append(args, r.Account, r.Region, r.Kind, r.ID)
		}
		return t.exec(ctx, `DELETE FROM resources WHERE (account, region, kind, id) IN (VALUES `+tuples(n, 4)+`)`, args...)
	})
	if err != nil {
		return err
	}
	var da []store.AssociationRef
	for _, a := range w.DeleteAssociations {
		if !hasNUL(a.Account, a.Region, a.ApplicationID, a.ResourceType, a.ResourceID) {
			da = append(da, a)
			t.touch(a.Partition, a.ResourceID)
		}
	}
	return chunks(len(da), func(lo, n int) error {
		args := make([]any, 0, 5*n)
		for _, a := range da[lo : lo+n] {
			args = append(args, a.Account, a.Region, a.ApplicationID, a.ResourceType, a.ResourceID)
		}
		return t.exec(ctx, `DELETE FROM associations WHERE (account, region, application_id, resource_type, resource_id) IN (VALUES `+
			tuples(n, 5)+`)`, args...)
	})
}

// takeRows takes the partitions of the rows of w (Tx.Take).
func (t *Tx) takeRows(ctx context.Context, w *store.RowWrites) error {
	if t.Take == nil {
		return nil
	}
	seen := map[store.Partition]bool{}
	take := func(p store.Partition) error {
		if seen[p] {
			return nil
		}
		seen[p] = true
		return t.take(ctx, &p)
	}
	for _, r := range w.Resources {
		if err := take(r.Partition); err != nil {
			return err
		}
	}
	for _, r := range w.DeleteResources {
		if err := take(r.Partition); err != nil {
			return err
		}
	}
	for _, a := range w.Associations {
		if err := take(a.Partition); err != nil {
			return err
		}
	}
	for _, a := range w.DeleteAssociations {
		if err := take(a.Partition); err != nil {
			return err
		}
	}
	return nil
}

// chunks calls fn for consecutive chunks [lo, lo+n) of n rows, each a power
// of two no longer than maxRowsPerStatement.
func chunks(total int, fn func(lo, n int) error) error {
	for lo := 0; lo < total; {
		n := maxRowsPerStatement
		for n > total-lo {
			n /= 2
		}
		if err := fn(lo, n); err != nil {
			return err
		}
		lo += n
	}
	return nil
}

// tuples is n parenthesised lists of cols placeholders, comma-separated.
func tuples(n, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	var b strings.Builder
	b.Grow(n * (len(one) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

var (
	_ store.DueFromReader      = (*Tx)(nil)
	_ store.DuePartitionLister = (*Tx)(nil)
)

// DuePartitions implements store.DuePartitionLister, in one query over the
// partial indexes on due_at.
func (t *Tx) DuePartitions(ctx context.Context, now time.Time) ([]store.Partition, error) {
	// It reads every partition (as AnyDue of nil).
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	at := store.UnixMilli(now)
	rows, err := t.query(ctx, `SELECT account, region FROM (
		SELECT account, region, due_at FROM resources WHERE due_at > 0 AND due_at <= ?
		UNION ALL
		SELECT account, region, due_at FROM associations WHERE due_at > 0 AND due_at <= ?
	) d GROUP BY account, region ORDER BY min(due_at)`, at, at)
	if err != nil {
		return nil, fmt.Errorf("due partitions: %w", err)
	}
	defer rows.Close()
	var out []store.Partition
	for rows.Next() {
		var p store.Partition
		if err := rows.Scan(&p.Account, &p.Region); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AnyDueFrom implements store.DueFromReader.
func (t *Tx) AnyDueFrom(ctx context.Context, p *store.Partition, from, now time.Time) (bool, error) {
	if err := t.take(ctx, p); err != nil {
		return false, err
	}
	if partitionNUL(p) {
		return false, nil
	}
	filter, pargs := partitionFilter(p)
	args := make([]any, 0, 8)
	for range 2 {
		args = append(append(args, dueFloor(from), store.UnixMilli(now)), pargs...)
	}
	var due bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM resources WHERE due_at > 0 AND due_at >= ? AND due_at <= ?`+filter+`)
		OR EXISTS (SELECT 1 FROM associations WHERE due_at > 0 AND due_at >= ? AND due_at <= ?`+filter+`)`, args...).Scan(&due)
	if err != nil {
		return false, fmt.Errorf("due: %w", err)
	}
	return due, nil
}

// DueResourcesFrom implements store.DueFromReader.
func (t *Tx) DueResourcesFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Resource, error) {
	if err := t.take(ctx, p); err != nil {
		return nil, err
	}
	if partitionNUL(p) {
		return nil, nil
	}
	filter, args := partitionFilter(p)
	lim, args := dueLimit(limit, args)
	rows, err := t.query(ctx, `SELECT `+resourceCols+` FROM resources WHERE due_at > 0 AND due_at >= ? AND due_at <= ?`+filter+` ORDER BY due_at`+lim,
		append([]any{dueFloor(from), store.UnixMilli(now)}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanResources(rows)
}

// DueAssociationsFrom implements store.DueFromReader.
func (t *Tx) DueAssociationsFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Association, error) {
	if err := t.take(ctx, p); err != nil {
		return nil, err
	}
	if partitionNUL(p) {
		return nil, nil
	}
	filter, args := partitionFilter(p)
	lim, args := dueLimit(limit, args)
	rows, err := t.query(ctx, `SELECT `+assocCols+` FROM associations WHERE due_at > 0 AND due_at >= ? AND due_at <= ?`+filter+` ORDER BY due_at`+lim,
		append([]any{dueFloor(from), store.UnixMilli(now)}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanAssociations(rows)
}

// dueFloor is the stored form of from. The queries keep "due_at > 0" as
// well: SQLite uses the partial indexes on due_at only for a WHERE that
// implies their "due_at > 0", which a bound parameter does not.
func dueFloor(from time.Time) int64 {
	return max(store.UnixMilli(from), 1)
}
