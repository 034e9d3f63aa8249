package web

import (
	"container/list"
	"sync"
)

// sizedCache keeps values by key up to a total size, the least recently
// used going first: the rendered part of the plan and target pages by the
// fingerprint of their data, and their answers as sent (speed, issue 16).
type sizedCache struct {
	mu    sync.Mutex
	max   int // bytes
	size  int
	order *list.List // of *sizedEntry, most recent first
	byKey map[string]*list.Element
}

type sizedEntry struct {
	key  string
	val  any
	size int
}

func newSizedCache(max int) *sizedCache {
	return &sizedCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the value kept under key; it must not be changed.
func (c *sizedCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*sizedEntry).val, true
}

// put keeps val, of size bytes, under key (nothing bigger than a quarter
// of the cache).
func (c *sizedCache) put(key string, val any, size int) {
	n := len(key) + size
	if n > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.size -= e.Value.(*sizedEntry).size
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&sizedEntry{key, val, n})
	c.size += n
	for c.size > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		se := last.Value.(*sizedEntry)
		delete(c.byKey, se.key)
		c.size -= se.size
	}
}
