package store

import "context"

// Progress is a lead's view of a project's work: questions per stage and status, each person's
// annotation output, and how much waits in the queues.
type Progress struct {
	Stages     []StageProgress     `json:"stages"`
	Annotators []AnnotatorProgress `json:"annotators"`
	Queues     QueueSizes          `json:"queues"`
}

// StageProgress counts a stage's questions by status.
type StageProgress struct {
	Stage    string         `json:"stage"`
	NLQs     int            `json:"nlqs"`
	ByStatus map[string]int `json:"by_status"`
}

// AnnotatorProgress is one person's annotation work.
type AnnotatorProgress struct {
	UserID        int64    `json:"user_id"`
	Email         string   `json:"email"`
	Annotated     int      `json:"annotated"`
	Skipped       int      `json:"skipped"`
	Pending       int      `json:"pending"` // items they hold claimed now
	Compared      int      `json:"compared"`
	AgreedAgent   int      `json:"agreed_with_agent"`
	AgreementRate *float64 `json:"agreement_with_agent"` // nil until compared
	MedianSeconds *float64 `json:"median_seconds"`       // per submitted item
}

// QueueSizes is what waits to be done.
type QueueSizes struct {
	AnnotationPending int `json:"annotation_pending"`
	AnnotationClaimed int `json:"annotation_claimed"`
	ReviewPending     int `json:"review_pending"`
	ReviewClaimed     int `json:"review_claimed"`
}

// ProjectProgress computes the lead's view.
func (s *Store) ProjectProgress(ctx context.Context, projectID int64) (Progress, error) {
	p := Progress{Stages: []StageProgress{}, Annotators: []AnnotatorProgress{}}
	rows, err := s.pool.Query(ctx, `SELECT stage, status, count(*) FROM nlqs WHERE project_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, projectID)
	if err != nil {
		return p, classify(err, "progress")
	}
	idx := map[string]int{}
	for rows.Next() {
		var stage, status string
		var n int
		if err := rows.Scan(&stage, &status, &n); err != nil {
			rows.Close()
			return p, classify(err, "progress")
		}
		i, ok := idx[stage]
		if !ok {
			i = len(p.Stages)
			idx[stage] = i
			p.Stages = append(p.Stages, StageProgress{Stage: stage, ByStatus: map[string]int{}})
		}
		p.Stages[i].NLQs += n
		p.Stages[i].ByStatus[status] = n
	}
	rows.Close()
	// Agreement with the agent: the comparisons made when a person's submission was checked against
	// the agent's SQL (candidate_b is the person's).
	rows, err = s.pool.Query(ctx, `
		SELECT u.id, u.email,
			count(a.*) FILTER (WHERE a.skipped_reason IS NULL),
			count(a.*) FILTER (WHERE a.skipped_reason IS NOT NULL),
			(SELECT count(*) FROM annotation_items i WHERE i.project_id = $1 AND i.claimed_by = u.id AND i.status = 'claimed'),
			(SELECT count(*) FROM comparisons c JOIN sql_candidates h ON h.id = c.candidate_b JOIN nlqs n ON n.id = c.nlq_id
				WHERE n.project_id = $1 AND h.created_by = u.id),
			(SELECT count(*) FROM comparisons c JOIN sql_candidates h ON h.id = c.candidate_b JOIN nlqs n ON n.id = c.nlq_id
				WHERE n.project_id = $1 AND h.created_by = u.id AND c.match),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY a.elapsed_ms) FILTER (WHERE a.skipped_reason IS NULL AND a.elapsed_ms IS NOT NULL) / 1000
		FROM annotations a JOIN nlqs n ON n.id = a.nlq_id JOIN users u ON u.id = a.user_id
		WHERE n.project_id = $1 GROUP BY u.id, u.email ORDER BY u.email`, projectID)
	if err != nil {
		return p, classify(err, "progress")
	}
	for rows.Next() {
		var ap AnnotatorProgress
		if err := rows.Scan(&ap.UserID, &ap.Email, &ap.Annotated, &ap.Skipped, &ap.Pending, &ap.Compared, &ap.AgreedAgent, &ap.MedianSeconds); err != nil {
			rows.Close()
			return p, classify(err, "progress")
		}
		if ap.Compared > 0 {
			r := float64(ap.AgreedAgent) / float64(ap.Compared)
			ap.AgreementRate = &r
		}
		p.Annotators = append(p.Annotators, ap)
	}
	rows.Close()
	err = s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM annotation_items WHERE project_id = $1 AND status = 'pending'),
			(SELECT count(*) FROM annotation_items WHERE project_id = $1 AND status = 'claimed'),
			(SELECT count(*) FROM review_items WHERE project_id = $1 AND status = 'pending'),
			(SELECT count(*) FROM review_items WHERE project_id = $1 AND status = 'claimed')`, projectID).
		Scan(&p.Queues.AnnotationPending, &p.Queues.AnnotationClaimed, &p.Queues.ReviewPending, &p.Queues.ReviewClaimed)
	return p, classify(err, "progress")
}
