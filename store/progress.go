package store

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Progress is a lead's view of a project's work: questions per stage and status, each person's
// annotation output, and how much waits in the queues.
type Progress struct {
	Stages     []StageProgress     `json:"stages" tstype:"StageProgress[]"`
	Annotators []AnnotatorProgress `json:"annotators" tstype:"AnnotatorProgress[]"`
	Queues     QueueSizes          `json:"queues"`
}

// StageProgress counts a stage's questions by status.
type StageProgress struct {
	Stage    string         `json:"stage"`
	NLQs     int            `json:"nlqs"`
	ByStatus map[string]int `json:"by_status" tstype:"Record<string, number>"`
}

// AnnotatorProgress is one person's annotation work.
type AnnotatorProgress struct {
	UserID        int64    `json:"user_id"`
	Email         string   `json:"email"`
	Annotated     int      `json:"annotated"`
	Skipped       int      `json:"skipped"`
	Pending       int      `json:"pending"`  // items they hold claimed now
	Compared      int      `json:"compared"` // with the agent
	AgreedAgent   int      `json:"agreed_with_agent"`
	AgreementRate *float64 `json:"agreement_with_agent"` // nil until compared
	// With other annotators of the same questions (dual annotation with annotators_per_item > 1).
	ComparedPeople  int      `json:"compared_with_people"`
	AgreedPeople    int      `json:"agreed_with_people"`
	PeopleAgreement *float64 `json:"agreement_with_people"` // nil until compared
	MedianSeconds   *float64 `json:"median_seconds"`        // per submitted item
}

// QueueSizes is what waits to be done.
type QueueSizes struct {
	AnnotationPending int `json:"annotation_pending"`
	AnnotationClaimed int `json:"annotation_claimed"`
	ReviewPending     int `json:"review_pending"`
	ReviewClaimed     int `json:"review_claimed"`
}

// ProjectProgress computes the lead's view. Its three parts read different tables: asked at once,
// the page waits for the slowest of them rather than for their sum.
func (s *Store) ProjectProgress(ctx context.Context, projectID int64) (Progress, error) {
	p := Progress{Stages: []StageProgress{}, Annotators: []AnnotatorProgress{}}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		p.Stages, err = s.stageProgress(gctx, projectID)
		return err
	})
	g.Go(func() (err error) {
		p.Annotators, err = s.annotatorProgress(gctx, projectID)
		return err
	})
	g.Go(func() error {
		return s.pool.QueryRow(gctx, `SELECT
			(SELECT count(*) FROM annotation_items WHERE project_id = $1 AND status = 'pending'),
			(SELECT count(*) FROM annotation_items WHERE project_id = $1 AND status = 'claimed'),
			(SELECT count(*) FROM review_items WHERE project_id = $1 AND status = 'pending'),
			(SELECT count(*) FROM review_items WHERE project_id = $1 AND status = 'claimed')`, projectID).
			Scan(&p.Queues.AnnotationPending, &p.Queues.AnnotationClaimed, &p.Queues.ReviewPending, &p.Queues.ReviewClaimed)
	})
	err := g.Wait()
	return p, classify(err, "progress")
}

// stageProgress counts the project's questions by stage and status.
func (s *Store) stageProgress(ctx context.Context, projectID int64) ([]StageProgress, error) {
	out := []StageProgress{}
	rows, err := s.pool.Query(ctx, `SELECT stage, status, count(*) FROM nlqs WHERE project_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, projectID)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for rows.Next() {
		var stage, status string
		var n int
		if err := rows.Scan(&stage, &status, &n); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := idx[stage]
		if !ok {
			i = len(out)
			idx[stage] = i
			out = append(out, StageProgress{Stage: stage, ByStatus: map[string]int{}})
		}
		out[i].NLQs += n
		out[i].ByStatus[status] = n
	}
	rows.Close()
	return out, rows.Err()
}

// annotatorProgress is each person's annotation work and agreement.
func (s *Store) annotatorProgress(ctx context.Context, projectID int64) ([]AnnotatorProgress, error) {
	out := []AnnotatorProgress{}
	// Agreement: the comparisons in which one side is the person's SQL, by what the other side is.
	rows, err := s.pool.Query(ctx, `
		WITH pairs AS (
			-- One pass over the project's comparisons, grouped by who and what was compared (a few hundred
			-- groups), with the sources and authors each was recorded with (migration 00026): no
			-- candidate is looked up.
			SELECT author_a, source_a, author_b, source_b, count(*) AS n, count(*) FILTER (WHERE match) AS agreed
			FROM comparisons WHERE project_id = $1 AND candidate_a <> candidate_b GROUP BY 1, 2, 3, 4
		), agreement AS (
			-- Each group from the side of each person in it.
			SELECT side.user_id, sum(p.n) FILTER (WHERE side.other = 'agent')::bigint AS agent,
				sum(p.agreed) FILTER (WHERE side.other = 'agent')::bigint AS agent_agreed,
				sum(p.n) FILTER (WHERE side.other <> 'agent')::bigint AS people,
				sum(p.agreed) FILTER (WHERE side.other <> 'agent')::bigint AS people_agreed
			FROM pairs p CROSS JOIN LATERAL (VALUES (p.author_a, p.source_a, p.source_b), (p.author_b, p.source_b, p.source_a)) side(user_id, source, other)
			WHERE side.source = 'human' GROUP BY side.user_id
		), work AS (
			-- Per person before any join, on the three columns counted: sorting whole joined rows for the
			-- median spilled to disk at 75,000 annotations. An annotation's item names its project.
			SELECT user_id, count(*) FILTER (WHERE done) AS annotated, count(*) FILTER (WHERE NOT done) AS skipped,
				percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE done AND ms IS NOT NULL) / 1000 AS median
			FROM (SELECT a.user_id, a.skipped_reason IS NULL AS done, a.elapsed_ms AS ms
				FROM annotations a JOIN annotation_items i ON i.id = a.item_id WHERE i.project_id = $1) mine
			GROUP BY user_id
		)
		SELECT u.id, u.email, w.annotated, w.skipped,
			(SELECT count(*) FROM annotation_items i WHERE i.project_id = $1 AND i.claimed_by = u.id AND i.status = 'claimed'),
			coalesce(g.agent, 0), coalesce(g.agent_agreed, 0), coalesce(g.people, 0), coalesce(g.people_agreed, 0), w.median
		FROM work w JOIN users u ON u.id = w.user_id
		LEFT JOIN agreement g ON g.user_id = u.id
		ORDER BY u.email`, projectID)
	if err != nil {
		return nil, err
	}
	rate := func(agreed, compared int) *float64 {
		if compared == 0 {
			return nil
		}
		r := float64(agreed) / float64(compared)
		return &r
	}
	for rows.Next() {
		var ap AnnotatorProgress
		if err := rows.Scan(&ap.UserID, &ap.Email, &ap.Annotated, &ap.Skipped, &ap.Pending, &ap.Compared, &ap.AgreedAgent,
			&ap.ComparedPeople, &ap.AgreedPeople, &ap.MedianSeconds); err != nil {
			rows.Close()
			return nil, err
		}
		ap.AgreementRate, ap.PeopleAgreement = rate(ap.AgreedAgent, ap.Compared), rate(ap.AgreedPeople, ap.ComparedPeople)
		out = append(out, ap)
	}
	rows.Close()
	return out, rows.Err()
}
