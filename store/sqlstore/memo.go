package sqlstore

import (
	"sync"

	"github.com/wslocal/wslocal/store"
)

// Memo keeps, for the next write, values computed from a resource's rows
// (its own and its associations') until a write changes them
// (store.Memoizer): an operation that decides by those rows then need not
// read them again in the writer's transaction, the store's bottleneck.
// Every write method of Tx that writes such rows names the resource
// (Tx.touch), and Publish ends each write transaction.
//
// It is sound only where one process makes every write of the database
// (SQLite with its lock file), one transaction at a time.
type Memo struct {
	mu sync.Mutex
	// kept holds the values of resources as of the last committed write.
	kept map[memoKey]any
	// What the write in progress has written (all: everything), committed
	// or not (a savepoint rolled back still counts), and the values it
	// remembered since.
	touched map[memoKey]struct{}
	all     bool
	values  map[memoKey]any
}

type memoKey struct {
	p  store.Partition
	id string
}

// maxMemo bounds kept: when full it is emptied, which costs the next write
// of each resource one read.
const maxMemo = 4096

// touch records that the write in progress writes the rows of k.
func (m *Memo) touch(k memoKey) {
	m.mu.Lock()
	if m.touched == nil {
		m.touched = map[memoKey]struct{}{}
	}
	m.touched[k] = struct{}{}
	delete(m.values, k)
	m.mu.Unlock()
}

// touchAll records that the write in progress writes every row.
func (m *Memo) touchAll() {
	m.mu.Lock()
	m.all = true
	clear(m.values)
	m.mu.Unlock()
}

// recall is the value of k as of the write in progress.
func (m *Memo) recall(k memoKey) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.values[k]; ok {
		return v, true
	}
	if _, ok := m.touched[k]; ok || m.all {
		return nil, false
	}
	v, ok := m.kept[k]
	return v, ok
}

// keep takes the values one write of the transaction remembered, once its
// work stands (its savepoint released, or before its commit).
func (m *Memo) keep(values map[memoKey]any) {
	if len(values) == 0 {
		return
	}
	m.mu.Lock()
	if m.values == nil {
		m.values = make(map[memoKey]any, len(values))
	}
	for k, v := range values {
		m.values[k] = v
	}
	m.mu.Unlock()
}

// Publish ends a write transaction: when it committed, what it remembered
// is kept and what else it wrote forgotten; when it did not, what it wrote
// is forgotten (a failed COMMIT may not have left the rows as they were).
func (m *Memo) Publish(committed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.all {
		clear(m.kept)
	}
	for k := range m.touched {
		delete(m.kept, k)
	}
	if committed && len(m.values) > 0 {
		if m.kept == nil || len(m.kept)+len(m.values) > maxMemo {
			m.kept = make(map[memoKey]any, len(m.values))
		}
		for k, v := range m.values {
			m.kept[k] = v
		}
	}
	clear(m.touched)
	clear(m.values)
	m.all = false
}

// touch records, for the Memo, that the transaction writes the rows of id
// in p.
func (t *Tx) touch(p store.Partition, id string) {
	if t.Memo != nil {
		k := memoKey{p, id}
		delete(t.remembered, k)
		t.Memo.touch(k)
	}
}

// Recall implements store.Memoizer.
func (t *Tx) Recall(p store.Partition, id string) (any, bool) {
	if t.Memo == nil {
		return nil, false
	}
	k := memoKey{p, id}
	if v, ok := t.remembered[k]; ok {
		return v, true
	}
	return t.Memo.recall(k)
}

// Remember implements store.Memoizer: the value is the Memo's once the
// write's work stands (KeepMemo).
func (t *Tx) Remember(p store.Partition, id string, v any) {
	if t.Memo == nil {
		return
	}
	if t.remembered == nil {
		t.remembered = map[memoKey]any{}
	}
	t.remembered[memoKey{p, id}] = v
}

// KeepMemo hands what the write remembered to the Memo; the store calls it
// when fn has succeeded (with KeepDues).
func (t *Tx) KeepMemo() {
	if t.Memo != nil {
		t.Memo.keep(t.remembered)
		t.remembered = nil
	}
}
