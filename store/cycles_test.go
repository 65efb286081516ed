package store_test

import (
	"context"
	"testing"
)

// Cycles aggregate, per guideline version, the annotations, the agent-vs-human comparisons and the
// reviews; a version without activity is listed too.
func TestCycles_PerGuidelineVersion(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u := newUser(t, st, "lead@example.com")
	p := newProject(t, st, "Cycles", u.ID)
	nlq := insertID(t, st, `INSERT INTO nlqs (project_id, question) VALUES ($1, 'q') RETURNING id`, p.ID)
	cand := insertID(t, st, `INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'human', 'SELECT 1') RETURNING id`, nlq)
	for v := 1; v <= 3; v++ {
		mustExec(t, st, `INSERT INTO guidelines (project_id, version, markdown, summary, author_id) VALUES ($1, $2, '# G', $3, $4)`, p.ID, v, "change "+string(rune('0'+v)), u.ID)
	}
	// Cycle 1: 4 comparisons, 3 disagreements; cycle 2: 4 comparisons, 1 disagreement; cycle 3: nothing yet.
	for _, c := range []struct {
		version int
		match   bool
	}{{1, false}, {1, false}, {1, false}, {1, true}, {2, true}, {2, true}, {2, true}, {2, false}} {
		mustExec(t, st, `INSERT INTO comparisons (nlq_id, candidate_a, candidate_b, match, guideline_version) VALUES ($1, $2, $2, $3, $4)`, nlq, cand, c.match, c.version)
	}
	for slot, v := range []int{1, 1, 2} {
		item := insertID(t, st, `INSERT INTO annotation_items (project_id, nlq_id, slot, status) VALUES ($1, $2, $3, 'submitted') RETURNING id`,
			p.ID, nlq, slot+1)
		skipped := any(nil)
		if slot == 1 {
			skipped = "ambiguous"
		}
		mustExec(t, st, `INSERT INTO annotations (item_id, nlq_id, user_id, candidate_id, skipped_reason, guideline_version) VALUES ($1, $2, $3, $4, $5, $6)`,
			item, nlq, u.ID, cand, skipped, v)
	}
	ri := insertID(t, st, `INSERT INTO review_items (project_id, nlq_id, reason, status) VALUES ($1, $2, 'disagreement', 'resolved') RETURNING id`,
		p.ID, nlq)
	mustExec(t, st, `INSERT INTO reviews (review_item_id, reviewer_id, decision, error_type, rule_ids, guideline_version) VALUES
		($1, $2, 'accept_b', 'join', '{R1,R2}', 1), ($1, $2, 'accept_a', 'join', '{R2}', 1), ($1, $2, 'edit', 'filter_value', '{}', 2)`, ri, u.ID)

	cycles, err := st.Cycles(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cycles) != 3 {
		t.Fatalf("cycles: %+v", cycles)
	}
	c1, c2, c3 := cycles[0], cycles[1], cycles[2]
	if c1.GuidelineVersion != 1 || c1.Compared != 4 || c1.Disagreed != 3 || c1.DisagreementRate != 0.75 || c1.Annotated != 1 || c1.Skipped != 1 {
		t.Errorf("cycle 1: %+v", c1)
	}
	if c1.Reviews != 2 || c1.ByErrorType["join"] != 2 || c1.ByRule["R2"] != 2 || c1.ByRule["R1"] != 1 || c1.ByDecision["accept_b"] != 1 {
		t.Errorf("cycle 1 reviews: %+v", c1)
	}
	if c2.DisagreementRate != 0.25 || c2.AgreementRate != 0.75 || c2.Annotated != 1 || c2.ByErrorType["filter_value"] != 1 || c2.Summary != "change 2" {
		t.Errorf("cycle 2: %+v", c2)
	}
	if c3.GuidelineVersion != 3 || c3.Compared != 0 || c3.StartedAt == nil {
		t.Errorf("cycle 3: %+v", c3)
	}
}
