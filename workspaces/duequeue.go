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
	// from is the instant reads start at (zero: the first due row).
	from time.Time

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
// the catch-up's queue as the store's rows. When the store can
// (store.RowWriter), it holds the steps' puts and deletes of resources and
// associations and writes them in a few statements (flush): before a read
// that they could change, every flushAt rows, and before the catch-up's
// transaction commits. Rows of no foreign key or trigger tie the tables, so
// only the last write of each row matters, and a read of another row or
// table need not wait for them.
type dueTx struct {
	store.Tx
	q *dueQueue
	// rw is Tx as a RowWriter; nil: every write goes through at once.
	rw store.RowWriter

	// The writes held, in order, each row's last only (live).
	res    []heldResource
	assocs []heldAssociation
	live   map[string]int // a row's key -> its write in res or assocs
	// nres and nassocs count the rows of each table in live.
	nres, nassocs int
}

type heldResource struct {
	put *store.Resource // nil: a delete
	del store.ResourceRef
	key string
}

type heldAssociation struct {
	put *store.Association // nil: a delete
	del store.AssociationRef
	key string
}

// flushAt is how many held writes a flush waits for: few enough that one
// flush is a small part of the catch-up's time bound (catchUpTime).
const flushAt = 64

func newDueTx(tx store.Tx, q *dueQueue) *dueTx {
	t := &dueTx{Tx: tx, q: q}
	if rw, ok := tx.(store.RowWriter); ok {
		t.rw = rw
		t.live = map[string]int{}
	}
	return t
}

// flush writes the held writes.
func (t *dueTx) flush(ctx context.Context) error {
	if len(t.live) == 0 {
		return nil
	}
	var w store.RowWrites
	for i := range t.res {
		h := &t.res[i]
		switch {
		case t.live[h.key] != i:
		case h.put != nil:
			w.Resources = append(w.Resources, h.put)
		default:
			w.DeleteResources = append(w.DeleteResources, h.del)
		}
	}
	for i := range t.assocs {
		h := &t.assocs[i]
		switch {
		case t.live[h.key] != i:
		case h.put != nil:
			w.Associations = append(w.Associations, h.put)
		default:
			w.DeleteAssociations = append(w.DeleteAssociations, h.del)
		}
	}
	t.discard()
	return t.rw.WriteRows(ctx, &w)
}

// discard forgets the held writes.
func (t *dueTx) discard() {
	clear(t.live)
	t.res, t.assocs = t.res[:0], t.assocs[:0]
	t.nres, t.nassocs = 0, 0
}

// holdResource holds a write of the resource key.
func (t *dueTx) holdResource(ctx context.Context, h heldResource) error {
	if _, ok := t.live[h.key]; !ok {
		t.nres++
	}
	t.live[h.key] = len(t.res)
	t.res = append(t.res, h)
	return t.held(ctx)
}

// holdAssociation holds a write of the association key.
func (t *dueTx) holdAssociation(ctx context.Context, h heldAssociation) error {
	if _, ok := t.live[h.key]; !ok {
		t.nassocs++
	}
	t.live[h.key] = len(t.assocs)
	t.assocs = append(t.assocs, h)
	return t.held(ctx)
}

// flushResources flushes when resource writes are held.
func (t *dueTx) flushResources(ctx context.Context) error {
	if t.nres == 0 {
		return nil
	}
	return t.flush(ctx)
}

// flushAssociations flushes when association writes are held.
func (t *dueTx) flushAssociations(ctx context.Context) error {
	if t.nassocs == 0 {
		return nil
	}
	return t.flush(ctx)
}

// held flushes once enough writes are held.
func (t *dueTx) held(ctx context.Context) error {
	if len(t.live) >= flushAt {
		return t.flush(ctx)
	}
	return nil
}

func (t *dueTx) PutResource(ctx context.Context, r *store.Resource) error {
	if t.rw == nil {
		if err := t.Tx.PutResource(ctx, r); err != nil {
			return err
		}
		t.q.putResource(r)
		return nil
	}
	key := resourceKey(r.Partition, r.Kind, r.ID)
	c := *r
	c.Doc = append([]byte(nil), r.Doc...)
	t.q.putResource(r)
	return t.holdResource(ctx, heldResource{put: &c, key: key})
}

func (t *dueTx) DeleteResource(ctx context.Context, p store.Partition, kind, id string) error {
	key := resourceKey(p, kind, id)
	if t.rw == nil {
		if err := t.Tx.DeleteResource(ctx, p, kind, id); err != nil {
			return err
		}
		t.q.remove(key)
		return nil
	}
	t.q.remove(key)
	return t.holdResource(ctx, heldResource{del: store.ResourceRef{Partition: p, Kind: kind, ID: id}, key: key})
}

func (t *dueTx) PutAssociation(ctx context.Context, a *store.Association) error {
	if t.rw == nil {
		if err := t.Tx.PutAssociation(ctx, a); err != nil {
			return err
		}
		t.q.putAssociation(a)
		return nil
	}
	key := associationKey(a.Partition, assocKey(a))
	c := *a
	t.q.putAssociation(a)
	return t.holdAssociation(ctx, heldAssociation{put: &c, key: key})
}

func (t *dueTx) DeleteAssociation(ctx context.Context, p store.Partition, k store.AssociationKey) error {
	key := associationKey(p, k)
	if t.rw == nil {
		if err := t.Tx.DeleteAssociation(ctx, p, k); err != nil {
			return err
		}
		t.q.remove(key)
		return nil
	}
	t.q.remove(key)
	return t.holdAssociation(ctx, heldAssociation{del: store.AssociationRef{Partition: p, AssociationKey: k}, key: key})
}

func (t *dueTx) DeleteAssociationsOf(ctx context.Context, p store.Partition, resourceType, resourceID string) error {
	if err := t.flushAssociations(ctx); err != nil {
		return err
	}
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
	t.discard()
	t.q.reset(nil, t.q.upTo)
	return nil
}

// The reads that held writes could change flush them first.

func (t *dueTx) GetResource(ctx context.Context, p store.Partition, kind, id string) (*store.Resource, error) {
	if _, ok := t.live[resourceKey(p, kind, id)]; ok {
		if err := t.flush(ctx); err != nil {
			return nil, err
		}
	}
	return t.Tx.GetResource(ctx, p, kind, id)
}

func (t *dueTx) ListResources(ctx context.Context, p store.Partition, kind, afterID string, limit int) ([]store.Resource, error) {
	if err := t.flushResources(ctx); err != nil {
		return nil, err
	}
	return t.Tx.ListResources(ctx, p, kind, afterID, limit)
}

func (t *dueTx) CountResources(ctx context.Context, p store.Partition, kind string) (int, error) {
	if err := t.flushResources(ctx); err != nil {
		return 0, err
	}
	return t.Tx.CountResources(ctx, p, kind)
}

func (t *dueTx) AllResources(ctx context.Context) ([]store.Resource, error) {
	if err := t.flushResources(ctx); err != nil {
		return nil, err
	}
	return t.Tx.AllResources(ctx)
}

func (t *dueTx) Associations(ctx context.Context, q store.AssociationQuery) ([]store.Association, error) {
	if err := t.flushAssociations(ctx); err != nil {
		return nil, err
	}
	return t.Tx.Associations(ctx, q)
}

func (t *dueTx) AllAssociations(ctx context.Context) ([]store.Association, error) {
	if err := t.flushAssociations(ctx); err != nil {
		return nil, err
	}
	return t.Tx.AllAssociations(ctx)
}

func (t *dueTx) CountAssociations(ctx context.Context) ([]store.AssociationCount, error) {
	if err := t.flushAssociations(ctx); err != nil {
		return nil, err
	}
	return t.Tx.CountAssociations(ctx)
}

func (t *dueTx) AnyDue(ctx context.Context, p *store.Partition, now time.Time) (bool, error) {
	if err := t.flush(ctx); err != nil {
		return false, err
	}
	return t.Tx.AnyDue(ctx, p, now)
}

func (t *dueTx) DueResources(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Resource, error) {
	if err := t.flushResources(ctx); err != nil {
		return nil, err
	}
	return t.Tx.DueResources(ctx, p, now, limit)
}

func (t *dueTx) AnyDueFrom(ctx context.Context, p *store.Partition, from, now time.Time) (bool, error) {
	if err := t.flush(ctx); err != nil {
		return false, err
	}
	if fr, ok := t.Tx.(store.DueFromReader); ok {
		return fr.AnyDueFrom(ctx, p, from, now)
	}
	return t.Tx.AnyDue(ctx, p, now)
}

func (t *dueTx) DueResourcesFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Resource, error) {
	if err := t.flushResources(ctx); err != nil {
		return nil, err
	}
	if fr, ok := t.Tx.(store.DueFromReader); ok {
		return fr.DueResourcesFrom(ctx, p, from, now, limit)
	}
	return t.Tx.DueResources(ctx, p, now, limit)
}

func (t *dueTx) DueAssociationsFrom(ctx context.Context, p *store.Partition, from, now time.Time, limit int) ([]store.Association, error) {
	if err := t.flushAssociations(ctx); err != nil {
		return nil, err
	}
	if fr, ok := t.Tx.(store.DueFromReader); ok {
		return fr.DueAssociationsFrom(ctx, p, from, now, limit)
	}
	return t.Tx.DueAssociations(ctx, p, now, limit)
}

func (t *dueTx) DueAssociations(ctx context.Context, p *store.Partition, now time.Time, limit int) ([]store.Association, error) {
	if err := t.flushAssociations(ctx); err != nil {
		return nil, err
	}
	return t.Tx.DueAssociations(ctx, p, now, limit)
}
