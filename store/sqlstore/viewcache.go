package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/store"
)

// ViewCache keeps the views the Describe operations read most, for a store
// that sees every write made to its database (one process owns it). A
// view holds until the next write and until the earliest step of its
// partition comes due; both are checked on every lookup, so a cached view
// is what the statement would read.
//
// Clients poll (DescribeImageAssociations until an install is COMPLETED):
// between two writes and two due steps, each poll is the same statement
// with the same answer.
//
// Views returned are shared between callers and must not be changed.
type ViewCache struct {
	// gen counts writes; Invalidate raises it after each.
	gen atomic.Uint64

	mu   sync.RWMutex
	one  map[oneKey]cached[store.ResourceView]
	kind map[kindKey]cached[store.ResourcesView]
}

type oneKey struct {
	p                      store.Partition
	kind, id, resourceType string
}

type kindKey struct {
	p    store.Partition
	kind string
}

type cached[V any] struct {
	gen     uint64
	nextDue int64 // milliseconds; 0: nothing scheduled
	view    V
}

// viewCacheSize bounds each map; when one is full it starts again empty.
const viewCacheSize = 4096

// Invalidate drops every view: the store calls it after every write it
// commits (or tries to), and after a reset.
func (c *ViewCache) Invalidate() { c.gen.Add(1) }

// ViewResource answers from the cache or through d.
func (c *ViewCache) ViewResource(ctx context.Context, d *DB, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	return lookup(c, &c.one, oneKey{p, kind, id, resourceType}, now, func() (store.ResourceView, int64, error) {
		v, err := d.ViewResource(ctx, p, kind, id, resourceType, now)
		return v, keep(v.Due, v.NextDue), err
	})
}

// ViewResources answers from the cache or through d.
func (c *ViewCache) ViewResources(ctx context.Context, d *DB, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	return lookup(c, &c.kind, kindKey{p, kind}, now, func() (store.ResourcesView, int64, error) {
		v, err := d.ViewResources(ctx, p, kind, now)
		return v, keep(v.Due, v.NextDue), err
	})
}

// keep is how long a view read may be kept: until nextDue in milliseconds
// (0: until the next write), or not at all (-1) when a step is due.
func keep(due bool, nextDue time.Time) int64 {
	if due {
		return -1
	}
	return store.UnixMilli(nextDue)
}

// lookup answers k from m while it is fresh, and otherwise reads it and
// keeps what read says may be kept.
func lookup[K comparable, V any](c *ViewCache, m *map[K]cached[V], k K, now time.Time, read func() (V, int64, error)) (V, error) {
	gen := c.gen.Load()
	c.mu.RLock()
	e, ok := (*m)[k]
	c.mu.RUnlock()
	if ok && e.fresh(gen, now) {
		return e.view, nil
	}
	v, until, err := read()
	if err == nil && until >= 0 {
		c.mu.Lock()
		if *m == nil || len(*m) >= viewCacheSize {
			*m = make(map[K]cached[V])
		}
		(*m)[k] = cached[V]{gen, until, v}
		c.mu.Unlock()
	}
	return v, err
}

// fresh reports whether the view still holds at now, gen being the write
// count read before the lookup. A view stored with the count read before
// its statement ran is never newer than the database at that count: a
// write that committed meanwhile raised the count, and the view is
// dropped at the next lookup.
func (e *cached[V]) fresh(gen uint64, now time.Time) bool {
	return e.gen == gen && (e.nextDue == 0 || store.UnixMilli(now) < e.nextDue)
}
