package sqlexec

import (
	"container/list"
	"sync"
)

// checkCache remembers Check's verdict for recent (schema, SQL) pairs. Parsing and walking a
// statement costs about as much as running a small query, and the same statements come back again
// and again (a person re-running, the agent's self-consistency samples, evaluation loops), so the
// sandbox keeps the last few thousand verdicts. A verdict depends only on the SQL text and the schema
// name, never on data, so a cached verdict is always the one Check would give.
type checkCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent
	items map[checkKey]*list.Element
}

type checkKey struct{ schema, sql string }

type checkVerdict struct {
	key  checkKey
	stmt string
	err  error
}

func newCheckCache(size int) *checkCache {
	if size <= 0 {
		return nil
	}
	return &checkCache{max: size, order: list.New(), items: map[checkKey]*list.Element{}}
}

// check is Check through the cache; a nil cache checks every time.
func (c *checkCache) check(sql, schema string) (string, error) {
	if c == nil || len(sql) > MaxSQLBytes {
		return check(sql, schema)
	}
	k := checkKey{schema: schema, sql: sql}
	c.mu.Lock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		v := e.Value.(*checkVerdict)
		c.mu.Unlock()
		return v.stmt, v.err
	}
	c.mu.Unlock()
	stmt, err := check(sql, schema)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; !ok {
		c.items[k] = c.order.PushFront(&checkVerdict{key: k, stmt: stmt, err: err})
		if c.order.Len() > c.max {
			oldest := c.order.Back()
			c.order.Remove(oldest)
			delete(c.items, oldest.Value.(*checkVerdict).key)
		}
	}
	return stmt, err
}
