package store

import "context"

// BatchItemQuery selects one page of an agent batch's trajectories in the order they started:
// those after id After (0: from the first), of one outcome (an agent run status; "" for all).
type BatchItemQuery struct {
	ProjectID int64
	RunID     int64
	Outcome   string
	After     int64
	Limit     int
}

// BatchItems is a page of a batch's trajectories, the cursor of the next page (nil on the last) and
// how many trajectories of the batch ended each way, for the page's outcome filter.
type BatchItems struct {
	Items     []AgentRun     `json:"items"`
	NextAfter *int64         `json:"next_after"`
	Outcomes  map[string]int `json:"outcomes" tstype:"Partial<Record<AgentRunStatus, number>>"`
}

// BatchItems returns a page of the batch's trajectories (keyset pagination on the id, so a page
// costs the same wherever it is in a batch of any size) with the batch's counts by outcome.
func (s *Store) BatchItems(ctx context.Context, q BatchItemQuery) (BatchItems, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	// One row past the page tells whether another page follows.
	items, err := queryAll(ctx, s.pool, "batch items", agentRunFields, `SELECT `+agentRunColumns+` FROM agent_runs
		WHERE pipeline_run_id = $1 AND project_id = $2 AND ($3 = '' OR status = $3) AND id > $4 ORDER BY id LIMIT $5`,
		q.RunID, q.ProjectID, q.Outcome, q.After, q.Limit+1)
	if err != nil {
		return BatchItems{}, err
	}
	out := BatchItems{Items: items}
	if len(out.Items) > q.Limit {
		out.Items = out.Items[:q.Limit]
		next := out.Items[q.Limit-1].ID
		out.NextAfter = &next
	}
	counts, err := s.pool.Query(ctx, `SELECT status, count(*) FROM agent_runs WHERE pipeline_run_id = $1 AND project_id = $2 GROUP BY status`,
		q.RunID, q.ProjectID)
	if out.Outcomes, err = collectMap(counts, err, "batch outcomes", map[string]int{}); err != nil {
		return BatchItems{}, err
	}
	return out, nil
}
