package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/store"
)

// ViewCache keeps the views the Describe operations read most. A view
// holds while no write has changed its partition and until the earliest
// step of its partition comes due; both are checked on every lookup, so a
// cached view is what the statement would read.
//
// A store that sees every write made to its database (SQLite: one process
// owns it) counts its writes (Invalidate) and checks nothing else. A
// store shared by processes (PostgreSQL) sets Versions: each view keeps
// the Version its statement read, and a lookup serves it only if the
// database's Version, read after the lookup began, is the same.
//
// Clients poll (DescribeImageAssociations until an install is COMPLETED):
// between two writes and two due steps, each poll is the same statement
// with the same answer.
//
// Views returned are shared between callers and must not be changed.
type ViewCache struct {
	// Versions, when set, reads a partition's Version from a snapshot
	// taken after it was called; views are then read with DB.Versioned.
	Versions func(ctx context.Context, p store.Partition) (Version, error)
	// Saw, when set with Versions, learns the Version a view's statement
	// sent at at read.
	Saw func(p store.Partition, v Version, at time.Time)
	// Served, when set with Versions, is called with the Version of
	// each view before it is returned, and may hold it back (or fail).
	Served func(ctx context.Context, p store.Partition, v Version) error

	// gen counts writes; Invalidate raises it after each (without
	// Versions).
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
	ver     Version
	nextDue int64 // milliseconds; 0: nothing scheduled
	view    V
}

// viewCacheSize bounds each map; when one is full it starts again empty.
const viewCacheSize = 4096

// Invalidate drops every view: a store without Versions calls it after
// every write it commits (or tries to), and after a reset.
func (c *ViewCache) Invalidate() { c.gen.Add(1) }

// ViewResource answers from the cache or through d.
func (c *ViewCache) ViewResource(ctx context.Context, d *DB, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	return lookup(ctx, c, &c.one, oneKey{p, kind, id, resourceType}, p, now, func() (store.ResourceView, Version, int64, error) {
		v, ver, err := d.viewResource(ctx, p, kind, id, resourceType, now)
		return v, ver, keep(v.Due, v.NextDue), err
	})
}

// ViewResources answers from the cache or through d.
func (c *ViewCache) ViewResources(ctx context.Context, d *DB, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	return lookup(ctx, c, &c.kind, kindKey{p, kind}, p, now, func() (store.ResourcesView, Version, int64, error) {
		v, ver, err := d.viewResources(ctx, p, kind, now)
		return v, ver, keep(v.Due, v.NextDue), err
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

// lookup answers k, of partition p, from m while it is fresh, and
// otherwise reads it and keeps what read says may be kept.
//
// Without Versions, the write count read before the lookup stands for the
// view's Version: a view stored with the count read before its statement
// ran is never newer than the database at that count; a write that
// committed meanwhile raised the count, and the view is dropped at the
// next lookup. With Versions, the view's Version is its statement's own,
// and the current one is read after the lookup began: equal, no write of
// the partition committed between the view's snapshot and that read.
func lookup[K comparable, V any](ctx context.Context, c *ViewCache, m *map[K]cached[V], k K, p store.Partition, now time.Time, read func() (V, Version, int64, error)) (V, error) {
	var ver Version
	if c.Versions == nil {
		ver.All = int64(c.gen.Load())
	}
	c.mu.RLock()
	e, ok := (*m)[k]
	c.mu.RUnlock()
	if ok && e.holds(now) {
		if c.Versions != nil {
			var err error
			if ver, err = c.Versions(ctx, p); err != nil {
				var zero V
				return zero, err
			}
		}
		if e.ver == ver {
			return e.view, c.served(ctx, p, ver)
		}
	}
	at := time.Now()
	v, readVer, until, err := read()
	if c.Versions == nil {
		readVer = ver
	} else if err == nil && c.Saw != nil && readVer != (Version{}) {
		c.Saw(p, readVer, at)
	}
	if err == nil && until >= 0 {
		c.mu.Lock()
		if *m == nil || len(*m) >= viewCacheSize {
			*m = make(map[K]cached[V])
		}
		// A slower statement of an older snapshot does not replace a
		// newer view.
		if old, ok := (*m)[k]; !ok || !readVer.Before(old.ver) {
			(*m)[k] = cached[V]{readVer, until, v}
		}
		c.mu.Unlock()
	}
	if err == nil {
		err = c.served(ctx, p, readVer)
	}
	return v, err
}

func (c *ViewCache) served(ctx context.Context, p store.Partition, v Version) error {
	if c.Served == nil || v == (Version{}) {
		return nil
	}
	return c.Served(ctx, p, v)
}

// Before reports whether v is older than w: both counts only grow.
func (v Version) Before(w Version) bool {
	return v != w && v.All <= w.All && v.Partition <= w.Partition
}

// holds reports whether the view's partition has no step due at now.
func (e *cached[V]) holds(now time.Time) bool {
	return e.nextDue == 0 || store.UnixMilli(now) < e.nextDue
}
