package schemas

import (
	"context"
	"strings"
	"sync"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// SampleRows is how many rows of each table a rendered schema shows (the evaluated model's
// {schema}, the exports' system prompts).
const SampleRows = 3

// Database is a database version with its tables.
type Database struct {
	DB     store.Database
	Tables []store.DBTable
}

// Cache keeps the pipelines from reading the same database's tables for every item, and the
// evaluator from rendering the same {schema} for every pair. A database version's tables only
// change by a rename or a new summary: Forget drops it then.
type Cache struct {
	store *store.Store
	exec  *sqlexec.Executor

	indexes *retrieve.Indexes // the retrieval index of each version (see retrieval.go)

	mu       sync.Mutex
	dbs      map[int64]Database
	rendered map[int64]string // rendered {schema} by database id
}

// New makes an empty cache reading through st and, for sample rows, exec.
func New(st *store.Store, exec *sqlexec.Executor) *Cache {
	return &Cache{store: st, exec: exec, indexes: retrieve.NewIndexes(st.Pool()), dbs: map[int64]Database{}, rendered: map[int64]string{}}
}

// Database reads a database of a project with its tables (store.ErrNotFound when it is not the
// project's).
func (c *Cache) Database(ctx context.Context, projectID, id int64) (Database, error) {
	c.mu.Lock()
	d, ok := c.dbs[id]
	c.mu.Unlock()
	if ok && d.DB.ProjectID == projectID {
		return d, nil
	}
	db, err := c.store.Database(ctx, projectID, id)
	if err != nil {
		return d, err
	}
	tables, err := c.store.Tables(ctx, id)
	if err != nil {
		return d, err
	}
	d = Database{DB: db, Tables: tables}
	c.mu.Lock()
	c.dbs[id] = d
	c.mu.Unlock()
	return d, nil
}

// Rendered renders a database for a text-to-SQL prompt's {schema}: CREATE TABLE with keys and
// SampleRows sample rows, as the exports do; once per database, until Forget.
func (c *Cache) Rendered(ctx context.Context, d Database) (string, error) {
	c.mu.Lock()
	s, ok := c.rendered[d.DB.ID]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	blocks := make([]string, len(d.Tables))
	for i, t := range d.Tables {
		var err error
		if blocks[i], err = TableBlock(ctx, c.exec, d.DB, t, SampleRows); err != nil {
			return "", err
		}
	}
	s = strings.Join(blocks, "\n\n")
	c.mu.Lock()
	c.rendered[d.DB.ID] = s
	c.mu.Unlock()
	return s, nil
}

// Forget drops a database from the cache (after a table was renamed or described).
func (c *Cache) Forget(databaseID int64) {
	c.mu.Lock()
	delete(c.dbs, databaseID)
	delete(c.rendered, databaseID)
	c.mu.Unlock()
}
