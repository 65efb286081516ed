package schemas

import (
	"context"
	"time"

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

// warmTimeout bounds building the indexes after an import or an edit.
const warmTimeout = 10 * time.Minute

// Warm builds the retrieval indexes of databases in the background (after an import, or an edit of
// a table), so the first search or agent question on them does not wait. A failure is left for
// that first use to report.
func (c *Cache) Warm(ctx context.Context, projectID int64, ids ...int64) {
	if len(ids) == 0 {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), warmTimeout)
		defer cancel()
		for _, id := range ids {
			_, _ = c.Index(ctx, projectID, id) // the first use reports what failed
		}
	}()
}
