package sqlstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/wslocal/wslocal/store"
)

// The whole-store queries below sort in Go as well as in SQL: PostgreSQL
// orders text by the database's collation, SQLite by bytes, and a snapshot
// must read the same from both.

// AllResources implements store.Tx.
func (t *Tx) AllResources(ctx context.Context) ([]store.Resource, error) {
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	t.watch()
	rows, err := t.Tx.QueryContext(ctx, `SELECT `+resourceCols+` FROM resources ORDER BY account, region, kind, id`)
	if err != nil {
		return nil, err
	}
	rs, err := scanResources(rows)
	slices.SortFunc(rs, func(a, b store.Resource) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return rs, err
}

// AllAssociations implements store.Tx.
func (t *Tx) AllAssociations(ctx context.Context) ([]store.Association, error) {
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	t.watch()
	rows, err := t.Tx.QueryContext(ctx, `SELECT `+assocCols+` FROM associations
		ORDER BY account, region, application_id, resource_type, resource_id`)
	if err != nil {
		return nil, err
	}
	as, err := scanAssociations(rows)
	slices.SortFunc(as, func(a, b store.Association) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.ApplicationID, b.ApplicationID), cmp.Compare(a.ResourceType, b.ResourceType),
			cmp.Compare(a.ResourceID, b.ResourceID))
	})
	return as, err
}

// AllTags implements store.Tx.
func (t *Tx) AllTags(ctx context.Context) ([]store.ResourceTag, error) {
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	t.watch()
	rows, err := t.Tx.QueryContext(ctx, `SELECT account, region, resource_id, key, value FROM tags
		ORDER BY account, region, resource_id, key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ResourceTag
	for rows.Next() {
		var tag store.ResourceTag
		if err := rows.Scan(&tag.Account, &tag.Region, &tag.ResourceID, &tag.Key, &tag.Value); err != nil {
			return nil, err
		}
		out = append(out, tag)
	}
	slices.SortFunc(out, func(a, b store.ResourceTag) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.ResourceID, b.ResourceID), cmp.Compare(a.Key, b.Key))
	})
	return out, rows.Err()
}

// AllShares implements store.Tx.
func (t *Tx) AllShares(ctx context.Context) ([]store.Share, error) {
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	out, err := t.shares(ctx, 0, `1 = 1`)
	slices.SortFunc(out, func(a, b store.Share) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Grantee, b.Grantee))
	})
	return out, err
}

// DeleteAll implements store.Tx.
func (t *Tx) DeleteAll(ctx context.Context) error {
	if err := t.take(ctx, nil); err != nil {
		return err
	}
	if t.Memo != nil {
		clear(t.remembered)
		t.Memo.touchAll()
	}
	for _, table := range []string{"shares", "tags", "associations", "resources"} {
		if err := t.exec(ctx, `DELETE FROM `+table); err != nil {
			return err
		}
	}
	return nil
}

// CountAssociations implements store.Tx.
func (t *Tx) CountAssociations(ctx context.Context) ([]store.AssociationCount, error) {
	if err := t.take(ctx, nil); err != nil {
		return nil, err
	}
	t.watch()
	rows, err := t.Tx.QueryContext(ctx, `SELECT state, resource_type, COUNT(*) FROM associations
		GROUP BY state, resource_type ORDER BY state, resource_type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AssociationCount
	for rows.Next() {
		var c store.AssociationCount
		if err := rows.Scan(&c.State, &c.ResourceType, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b store.AssociationCount) int {
		return cmp.Or(cmp.Compare(a.State, b.State), cmp.Compare(a.ResourceType, b.ResourceType))
	})
	return out, rows.Err()
}
