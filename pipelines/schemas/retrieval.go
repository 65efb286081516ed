package schemas

import (
	"context"

	"github.com/goldset/goldset/agent/retrieve"
)

// Index is the retrieval index of a database of a project (store.ErrNotFound when it is not the
// project's): built on first use in this process, rebuilt after its tables were renamed or
// described (see retrieve.Indexes).
func (c *Cache) Index(ctx context.Context, projectID, id int64) (*retrieve.Index, error) {
	d, err := c.Database(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	return c.indexes.For(ctx, d.DB, d.Tables)
}

// Indexes is the cache of retrieval indexes the agent shares with people's searches.
func (c *Cache) Indexes() *retrieve.Indexes { return c.indexes }
