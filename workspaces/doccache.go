package workspaces

import "sync"

// docCache keeps what was decoded from stored documents, keyed by the
// document's bytes: the same bytes decode alike, so an entry is never stale
// (a write that changes a document changes its key). What it returns is
// shared and must not be changed.
type docCache[T any] struct {
	mu sync.RWMutex
	m  map[string]T
}

// docCacheSize bounds a cache; when full it starts again empty.
const docCacheSize = 4096

// get answers doc's entry, or decodes it and keeps it.
func (c *docCache[T]) get(doc []byte, decode func() (T, error)) (T, error) {
	c.mu.RLock()
	v, ok := c.m[string(doc)]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := decode()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= docCacheSize {
		c.m = make(map[string]T)
	}
	c.m[string(doc)] = v
	c.mu.Unlock()
	return v, nil
}
