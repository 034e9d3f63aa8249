package web

import (
	"container/list"
	"sync"
)

// byteCache keeps byte strings by key up to a total size, the least
// recently used going first: the rendered part of the plan and target
// pages by the fingerprint of their data, and their compressed answers by
// ETag (speed, issue 16).
type byteCache struct {
	mu    sync.Mutex
	max   int // bytes
	size  int
	order *list.List // of *byteEntry, most recent first
	byKey map[string]*list.Element
}

type byteEntry struct {
	key string
	val []byte
}

func newByteCache(max int) *byteCache {
	return &byteCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the bytes kept under key; they must not be changed.
func (c *byteCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*byteEntry).val, true
}

// put keeps val under key (nothing bigger than a quarter of the cache).
func (c *byteCache) put(key string, val []byte) {
	n := len(key) + len(val)
	if n > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.size -= len(key) + len(e.Value.(*byteEntry).val)
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&byteEntry{key, val})
	c.size += n
	for c.size > c.max {
		last := c.order.Back()
		be := last.Value.(*byteEntry)
		c.order.Remove(last)
		delete(c.byKey, be.key)
		c.size -= len(be.key) + len(be.val)
	}
}
