package store

import (
	"context"
	"sort"
	"time"
)

// Cycle is what happened under one guideline version (version 0: before the first guideline): how
// much was annotated, how often people and the agent agreed by execution, and why reviewers decided
// as they did. Falling disagreement from one cycle to the next is how a lead sees that a guideline
// change helped.
type Cycle struct {
	GuidelineVersion int            `json:"guideline_version"`
	StartedAt        *time.Time     `json:"started_at"` // when the version was saved (nil for 0)
	Summary          string         `json:"summary"`    // the author's note on what changed
	Annotated        int            `json:"annotated"`
	Skipped          int            `json:"skipped"`
	Compared         int            `json:"compared"`
	Agreed           int            `json:"agreed"`
	Disagreed        int            `json:"disagreed"`
	AgreementRate    float64        `json:"agreement_rate"`    // Agreed / Compared
	DisagreementRate float64        `json:"disagreement_rate"` // Disagreed / Compared
	Reviews          int            `json:"reviews"`
	ByDecision       map[string]int `json:"by_decision" tstype:"Record<string, number>"`
	ByErrorType      map[string]int `json:"by_error_type" tstype:"Record<string, number>"`
	ByRule           map[string]int `json:"by_rule" tstype:"Record<string, number>"` // cited rule id → reviews citing it
}

// Cycles returns a project's cycles in version order; a guideline version without any activity is
// still listed.
func (s *Store) Cycles(ctx context.Context, projectID int64) ([]Cycle, error) {
	by := map[int]*Cycle{}
	get := func(v int) *Cycle {
		c, ok := by[v]
		if !ok {
			c = &Cycle{GuidelineVersion: v, ByDecision: map[string]int{}, ByErrorType: map[string]int{}, ByRule: map[string]int{}}
			by[v] = c
		}
		return c
	}
	rows, err := s.pool.Query(ctx, `SELECT version, created_at, summary FROM guidelines WHERE project_id = $1`, projectID)
	if err != nil {
		return nil, classify(err, "cycles")
	}
	for rows.Next() {
		var v int
		var at time.Time
		var summary string
		if err := rows.Scan(&v, &at, &summary); err != nil {
			rows.Close()
			return nil, classify(err, "cycles")
		}
		c := get(v)
		c.StartedAt, c.Summary = &at, summary
	}
	rows.Close()
	counts := []struct {
		sql  string
		scan func(v int, a, b int)
	}{
		// An annotation's item names its project: a smaller table to join than the questions.
		{`SELECT COALESCE(a.guideline_version, 0), count(*) FILTER (WHERE a.skipped_reason IS NULL), count(*) FILTER (WHERE a.skipped_reason IS NOT NULL)
			FROM annotations a JOIN annotation_items i ON i.id = a.item_id WHERE i.project_id = $1 GROUP BY 1`,
			func(v, a, b int) { get(v).Annotated, get(v).Skipped = a, b }},
		{`SELECT COALESCE(c.guideline_version, 0), count(*) FILTER (WHERE c.match), count(*) FILTER (WHERE NOT c.match)
			FROM comparisons c WHERE c.project_id = $1 GROUP BY 1`,
			func(v, a, b int) { get(v).Agreed, get(v).Disagreed = a, b }},
	}
	for _, q := range counts {
		rows, err := s.pool.Query(ctx, q.sql, projectID)
		if err != nil {
			return nil, classify(err, "cycles")
		}
		for rows.Next() {
			var v, a, b int
			if err := rows.Scan(&v, &a, &b); err != nil {
				rows.Close()
				return nil, classify(err, "cycles")
			}
			q.scan(v, a, b)
		}
		rows.Close()
	}
	// Reviews by decision, error type and cited rule, in one pass over the project's reviews.
	// Counted in the database: the reviews of a large project are tens of thousands of rows, their
	// combinations of version, decision, error type and rules a few hundred.
	rows, err = s.pool.Query(ctx, `SELECT COALESCE(r.guideline_version, 0), r.decision, r.error_type, r.rule_ids, count(*)
		FROM reviews r JOIN review_items i ON i.id = r.review_item_id WHERE i.project_id = $1 GROUP BY 1, 2, 3, 4`, projectID)
	if err != nil {
		return nil, classify(err, "cycles")
	}
	for rows.Next() {
		var v, n int
		var decision, errType string
		var rules []string
		if err := rows.Scan(&v, &decision, &errType, &rules, &n); err != nil {
			rows.Close()
			return nil, classify(err, "cycles")
		}
		c := get(v)
		c.Reviews += n
		c.ByDecision[decision] += n
		c.ByErrorType[errType] += n
		for _, r := range rules {
			c.ByRule[r] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err, "cycles")
	}
	out := make([]Cycle, 0, len(by))
	for _, c := range by {
		c.Compared = c.Agreed + c.Disagreed
		if c.Compared > 0 {
			c.AgreementRate = float64(c.Agreed) / float64(c.Compared)
			c.DisagreementRate = float64(c.Disagreed) / float64(c.Compared)
		}
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GuidelineVersion < out[j].GuidelineVersion })
	return out, nil
}
