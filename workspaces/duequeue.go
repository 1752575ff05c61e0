package workspaces

import (
	"container/heap"
	"context"
	"strings"
	"time"

	"github.com/wslocal/wslocal/store"
)

// dueQueue is one batch of due rows of a catch-up (advance), in the order
// their steps are applied: by due time; at one instant resources before
// associations (a WorkSpace becomes AVAILABLE before its applications'
// step looks at it), then by key (a resource by ID). It holds every row of
// its partition (p; nil: all) due up to upTo that is not quarantined, as a
// new read would find it: the steps' writes go through dueTx, which
// updates it.
type dueQueue struct {
	s    *Service
	p    *store.Partition
	upTo time.Time

	h     dueHeap
	byKey map[string]*dueEntry
	// byOwner lists the associations of a resource, for
	// DeleteAssociationsOf.
	byOwner map[string][]*dueEntry
}

// dueEntry is one row of the queue; dead when it was replaced or deleted.
type dueEntry struct {
	it   dueItem
	key  string // the row's identity
	sort string // its order among the rows due at the same instant
	dead bool
}

type dueHeap []*dueEntry

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].it.at.Equal(h[j].it.at) {
		return h[i].it.at.Before(h[j].it.at)
	}
	return h[i].sort < h[j].sort
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(*dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// Len is how many entries (live or dead) the queue holds.
func (q *dueQueue) Len() int { return len(q.h) }

func resourceKey(p store.Partition, kind, id string) string {
	return strings.Join([]string{"r", p.Account, p.Region, kind, id}, "\x00")
}

func associationKey(p store.Partition, k store.AssociationKey) string {
	return strings.Join([]string{"a", p.Account, p.Region, k.ApplicationID, k.ResourceType, k.ResourceID}, "\x00")
}

func ownerKey(p store.Partition, resourceType, resourceID string) string {
	return strings.Join([]string{p.Account, p.Region, resourceType, resourceID}, "\x00")
}

// entry makes the queue entry of a due item.
func (q *dueQueue) entry(it dueItem) *dueEntry {
	if r := it.res; r != nil {
		return &dueEntry{it: it, key: resourceKey(r.Partition, r.Kind, r.ID),
			sort: strings.Join([]string{"0", r.ID, r.Account, r.Region, r.Kind}, "\x00")}
	}
	a := it.assoc
	k := associationKey(a.Partition, store.AssociationKey{ApplicationID: a.ApplicationID, ResourceType: a.ResourceType, ResourceID: a.ResourceID})
	return &dueEntry{it: it, key: k, sort: "1" + k}
}

// reset makes items (steppable) the queue, complete up to upTo.
func (q *dueQueue) reset(items []dueItem, upTo time.Time) {
	q.upTo = upTo
	q.h = make(dueHeap, 0, len(items))
	q.byKey = make(map[string]*dueEntry, len(items))
	q.byOwner = map[string][]*dueEntry{}
	for _, it := range items {
		q.add(q.entry(it))
	}
	heap.Init(&q.h)
}

// add indexes e and appends it to the heap, without fixing the heap.
func (q *dueQueue) add(e *dueEntry) {
	if old := q.byKey[e.key]; old != nil {
		old.dead = true
	}
	q.byKey[e.key] = e
	if a := e.it.assoc; a != nil {
		k := ownerKey(a.Partition, a.ResourceType, a.ResourceID)
		q.byOwner[k] = append(q.byOwner[k], e)
	}
	q.h = append(q.h, e)
}

// popInstant removes and returns the live items due at the earliest
// instant, in order.
func (q *dueQueue) popInstant() []dueItem {
	var out []dueItem
	for len(q.h) > 0 {
		e := q.h[0]
		if e.dead {
			heap.Pop(&q.h)
			continue
		}
		if len(out) > 0 && !e.it.at.Equal(out[0].at) {
			break
		}
		heap.Pop(&q.h)
		e.dead = true
		delete(q.byKey, e.key)
		out = append(out, e.it)
	}
	return out
}

// in reports whether a row of partition p belongs to the queue's scope.
func (q *dueQueue) in(p store.Partition) bool { return q.p == nil || *q.p == p }

// remove drops the row key from the queue.
func (q *dueQueue) remove(key string) {
	if e := q.byKey[key]; e != nil {
		e.dead = true
		delete(q.byKey, key)
	}
}

// due reports whether a row written with due time at belongs to the queue:
// stored in milliseconds, due no later than upTo.
func (q *dueQueue) due(at time.Time) (time.Time, bool) {
	at = store.FromUnixMilli(store.UnixMilli(at))
	return at, !at.IsZero() && !at.After(q.upTo)
}

// putResource updates the queue with a resource written.
func (q *dueQueue) putResource(r *store.Resource) {
	if !q.in(r.Partition) {
		return
	}
	key := resourceKey(r.Partition, r.Kind, r.ID)
	q.remove(key)
	at, ok := q.due(r.DueAt)
	if !ok {
		return
	}
	// The row as a read of the store returns it.
	c := *r
	c.DueAt = at
	c.Created = store.FromUnixMilli(store.UnixMilli(r.Created))
	c.Doc = append([]byte(nil), r.Doc...)
	q.push(dueItem{at: at, res: &c})
}

// putAssociation updates the queue with an association written.
func (q *dueQueue) putAssociation(a *store.Association) {
	if !q.in(a.Partition) {
		return
	}
	key := associationKey(a.Partition, store.AssociationKey{ApplicationID: a.ApplicationID, ResourceType: a.ResourceType, ResourceID: a.ResourceID})
	q.remove(key)
	at, ok := q.due(a.DueAt)
	if !ok {
		return
	}
	c := *a
	c.DueAt = at
	c.Created = store.FromUnixMilli(store.UnixMilli(a.Created))
	c.Updated = store.FromUnixMilli(store.UnixMilli(a.Updated))
	q.push(dueItem{at: at, assoc: &c})
}

// push adds a due item written by a step, unless it is quarantined or
// not a valid row (then it is quarantined, as a read would).
func (q *dueQueue) push(it dueItem) {
	items := q.s.steppable([]dueItem{it})
	if len(items) == 0 {
		return
	}
	q.add(q.entry(items[0]))
	heap.Fix(&q.h, len(q.h)-1)
}

// deleteAssociationsOf drops the associations of a resource.
func (q *dueQueue) deleteAssociationsOf(p store.Partition, resourceType, resourceID string) {
	k := ownerKey(p, resourceType, resourceID)
	for _, e := range q.byOwner[k] {
		if !e.dead {
			q.remove(e.key)
		}
	}
	delete(q.byOwner, k)
}

// dueTx is the transaction the steps of a catch-up write through: it keeps
// the catch-up's queue as the store's rows.
type dueTx struct {
	store.Tx
	q *dueQueue
}

func (t *dueTx) PutResource(ctx context.Context, r *store.Resource) error {
	if err := t.Tx.PutResource(ctx, r); err != nil {
		return err
	}
	t.q.putResource(r)
	return nil
}

func (t *dueTx) DeleteResource(ctx context.Context, p store.Partition, kind, id string) error {
	if err := t.Tx.DeleteResource(ctx, p, kind, id); err != nil {
		return err
	}
	t.q.remove(resourceKey(p, kind, id))
	return nil
}

func (t *dueTx) PutAssociation(ctx context.Context, a *store.Association) error {
	if err := t.Tx.PutAssociation(ctx, a); err != nil {
		return err
	}
	t.q.putAssociation(a)
	return nil
}

func (t *dueTx) DeleteAssociation(ctx context.Context, p store.Partition, key store.AssociationKey) error {
	if err := t.Tx.DeleteAssociation(ctx, p, key); err != nil {
		return err
	}
	t.q.remove(associationKey(p, key))
	return nil
}

func (t *dueTx) DeleteAssociationsOf(ctx context.Context, p store.Partition, resourceType, resourceID string) error {
	if err := t.Tx.DeleteAssociationsOf(ctx, p, resourceType, resourceID); err != nil {
		return err
	}
	t.q.deleteAssociationsOf(p, resourceType, resourceID)
	return nil
}

func (t *dueTx) DeleteAll(ctx context.Context) error {
	if err := t.Tx.DeleteAll(ctx); err != nil {
		return err
	}
	t.q.reset(nil, t.q.upTo)
	return nil
}
