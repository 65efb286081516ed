package retrieve

import (
	"context"
	"sync"
	"time"

	"github.com/goldset/goldset/store"
)

// DefaultCached is how many database versions' indexes a process keeps.
const DefaultCached = 16

// Indexes keeps the index of each database version a process uses. A version's rows never change,
// so its values are read once; its registry changes by a rename or a summary, and the index is
// rebuilt (from the values already read) when the tables' fingerprint differs.
type Indexes struct {
	q         Querier
	perColumn int
	max       int

	mu      sync.Mutex
	entries map[int64]*entry
}

type entry struct {
	mu     sync.Mutex // one build of a version at a time
	values map[int]Values
	ix     *Index
	used   time.Time
	stats  BuildStats
}

// BuildStats says what building a version's index cost.
type BuildStats struct {
	Tables     int           `json:"tables"`
	Values     int           `json:"values"`      // distinct values indexed
	ReadValues time.Duration `json:"read_values"` // reading them from the target schema
	Build      time.Duration `json:"build"`       // tokenizing and indexing
}

// NewIndexes makes an empty cache reading values through q (the platform pool).
func NewIndexes(q Querier) *Indexes {
	return &Indexes{q: q, perColumn: ValuesPerColumn, max: DefaultCached, entries: map[int64]*entry{}}
}

// For returns the index of a database version described by tables, building it when the version
// is new to this process or its tables were edited since.
func (c *Indexes) For(ctx context.Context, db store.Database, tables []store.DBTable) (*Index, error) {
	e := c.entry(db.ID)
	e.mu.Lock()
	defer e.mu.Unlock()
	fp := Fingerprint(tables)
	if e.ix != nil && e.ix.fingerprint == fp {
		return e.ix, nil
	}
	if e.values == nil {
		start := time.Now()
		v, err := ReadValues(ctx, c.q, db.SchemaName, tables, c.perColumn)
		if err != nil {
			return nil, err
		}
		e.values, e.stats.ReadValues = v, time.Since(start)
	}
	start := time.Now()
	ix, err := Build(tables, e.values)
	if err != nil {
		return nil, err
	}
	e.ix = ix
	e.stats.Build, e.stats.Tables = time.Since(start), len(tables)
	e.stats.Values = 0
	for _, v := range e.values {
		for _, vs := range v {
			e.stats.Values += len(vs)
		}
	}
	return ix, nil
}

// Stats is what building a version's index cost, if this process built it.
func (c *Indexes) Stats(databaseID int64) (BuildStats, bool) {
	c.mu.Lock()
	e, ok := c.entries[databaseID]
	c.mu.Unlock()
	if !ok {
		return BuildStats{}, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats, e.ix != nil
}

// Forget drops a version's index (its database was deleted).
func (c *Indexes) Forget(databaseID int64) {
	c.mu.Lock()
	delete(c.entries, databaseID)
	c.mu.Unlock()
}

func (c *Indexes) entry(id int64) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok {
		if len(c.entries) >= c.max {
			var oldest int64
			var at time.Time
			for k, x := range c.entries {
				if at.IsZero() || x.used.Before(at) {
					oldest, at = k, x.used
				}
			}
			delete(c.entries, oldest)
		}
		e = &entry{}
		c.entries[id] = e
	}
	e.used = time.Now()
	return e
}
