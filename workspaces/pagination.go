package workspaces

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// defaultPageSize is the page size when a request sets no MaxResults.
const defaultPageSize = 25

// A page token is opaque to clients: the operation it belongs to and the
// key of the last item returned, so a page starts after it even while items
// are added or removed.
type pageToken struct {
	Op  string   `json:"o"`
	Key []string `json:"k"`
}

func encodeToken(op string, key ...string) *string {
	b, _ := json.Marshal(pageToken{Op: op, Key: key})
	return api.String(base64.RawURLEncoding.EncodeToString(b))
}

// decodeToken returns the key of a token made by encodeToken for op, nil
// when there is no token, or InvalidParameterValuesException (also for a
// key with U+0000, which no identifier holds: the token was forged).
func decodeToken(op string, token *string, keyLen int) ([]string, error) {
	if token == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*token)
	var t pageToken
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Op != op || len(t.Key) != keyLen || slices.ContainsFunc(t.Key, func(k string) bool { return strings.ContainsRune(k, 0) }) {
		return nil, invalidParameter("The NextToken %q is not valid for %s.", *token, op)
	}
	return t.Key, nil
}

func pageSize(max *int32) int {
	return int(api.ToInt32(max, defaultPageSize))
}

// errPageFull ends a listing once its page is full.
var errPageFull = errors.New("the page is full")

// page is one page of a Describe: items in key order, at most limit, and
// the token of the next page when more follow. The listing that fills it
// starts after the key of its token (after) and stops at errPageFull.
type page[T any] struct {
	op    string
	after []string // the last key of the previous page; nil on the first
	limit int
	items []T
	last  []string
	next  *string
	// lastKey holds last for keys of up to two parts.
	lastKey [2]string
}

// newPage reads op's page token (keys of keyLen parts).
func newPage[T any](op string, token *string, keyLen, limit int) (*page[T], error) {
	after, err := decodeToken(op, token, keyLen)
	if err != nil {
		return nil, err
	}
	return &page[T]{op: op, after: after, limit: limit, items: []T{}}, nil
}

// start is the one-part key the page starts after, "" on the first page.
func (pg *page[T]) start() string {
	if pg.after == nil {
		return ""
	}
	return pg.after[0]
}

// past reports whether an item with a one-part key belongs after the
// previous page.
func (pg *page[T]) past(key string) bool { return pg.after == nil || key > pg.after[0] }

// add puts an item, whose key follows every key added before, on the
// page; once the page is full it sets the next token and returns
// errPageFull instead.
func (pg *page[T]) add(item T, key ...string) error {
	if len(pg.items) == pg.limit {
		pg.next = encodeToken(pg.op, pg.last...)
		return errPageFull
	}
	// key is copied, so that a caller's variadic list need not escape.
	pg.items, pg.last = append(pg.items, item), append(pg.lastKey[:0], key...)
	return nil
}

// end is the error of a listing that filled the page: errPageFull is none.
func (pg *page[T]) end(err error) error {
	if errors.Is(err, errPageFull) {
		return nil
	}
	return err
}

// describe is the skeleton of a paged Describe of p: it reads op's page
// token, fills the page with list in a view of p, and returns the page's
// items and the token of the next page.
func describe[T any](s *Service, ctx context.Context, p store.Partition, op string, token *string, keyLen, limit int,
	list func(tx store.Tx, now time.Time, pg *page[T]) error) ([]T, *string, error) {
	pg, err := newPage[T](op, token, keyLen, limit)
	if err != nil {
		return nil, nil, err
	}
	err = s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		pg.items, pg.last, pg.next = pg.items[:0], nil, nil // view may run list again
		return pg.end(list(tx, now, pg))
	})
	if err != nil {
		return nil, nil, err
	}
	return pg.items, pg.next, nil
}

// maxBatch bounds how many rows eachResource reads in one query.
const maxBatch = 1024

// eachResource calls fn with the resources of kind in p that follow the
// page's start, in ID order, until fn returns an error (errPageFull when
// the page is full) or they run out. The store reads them after the start
// key, limit+1 rows at first and more each time when fn keeps few, so a
// page costs about one page, not the whole kind. With ids (a request's
// list of IDs, nil for none) it reads those resources by key instead.
func eachResource[T any](ctx context.Context, tx store.Tx, p store.Partition, kind string, ids []string, pg *page[T],
	fn func(r *store.Resource) error) error {
	if ids != nil {
		sorted := slices.Sorted(slices.Values(ids))
		for _, id := range slices.Compact(sorted) {
			if !pg.past(id) {
				continue
			}
			r, err := tx.GetResource(ctx, p, kind, id)
			if isNotFound(err) {
				continue // ids that name nothing are left out
			}
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	from, batch := pg.start(), pg.limit+1
	for {
		rs, err := tx.ListResources(ctx, p, kind, from, batch)
		if err != nil {
			return err
		}
		for i := range rs {
			if err := fn(&rs[i]); err != nil {
				return err
			}
		}
		if len(rs) < batch {
			return nil
		}
		from, batch = rs[len(rs)-1].ID, min(2*batch, maxBatch)
	}
}

// describeKind is describe over the resources of one kind with their
// documents: keep says which go on the page, and as what.
func describeKind[D, T any](s *Service, ctx context.Context, p store.Partition, op string, token *string, limit int,
	kind string, ids []string, keep func(r *store.Resource, d *D) (T, bool)) ([]T, *string, error) {
	return describe(s, ctx, p, op, token, 1, limit, func(tx store.Tx, now time.Time, pg *page[T]) error {
		return eachResource(ctx, tx, p, kind, ids, pg, func(r *store.Resource) error {
			d, err := loadDoc[D](r)
			if err != nil {
				return err
			}
			if item, ok := keep(r, d); ok {
				return pg.add(item, r.ID)
			}
			return nil
		})
	})
}

// eachOwnAndShared is eachResource over p's own resources of kind merged,
// in ID order, with those shared with p (shared, in any order): own gets
// the rows of p, other the shares, each past the page's start. The own
// rows are read a page at a time, or by key with ids, as eachResource
// reads them; the shares
// are few (a share is one row per grantee) and all go through the merge.
func eachOwnAndShared[T any](ctx context.Context, tx store.Tx, p store.Partition, kind string, ids []string, pg *page[T], shared []store.Share,
	own func(r *store.Resource) error, other func(sh store.Share) error) error {
	var past []store.Share
	for _, sh := range shared {
		if pg.past(sh.ID) {
			past = append(past, sh)
		}
	}
	slices.SortStableFunc(past, func(a, b store.Share) int { return strings.Compare(a.ID, b.ID) })
	i := 0
	err := eachResource(ctx, tx, p, kind, ids, pg, func(r *store.Resource) error {
		for ; i < len(past) && past[i].ID < r.ID; i++ {
			if err := other(past[i]); err != nil {
				return err
			}
		}
		return own(r)
	})
	if err != nil {
		return err
	}
	for ; i < len(past); i++ {
		if err := other(past[i]); err != nil {
			return err
		}
	}
	return nil
}
