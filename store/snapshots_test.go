package store_test

import (
	"testing"
	"time"

	"github.com/goldset/goldset/store"
)

// Only accepted questions with gold SQL are snapshot material; filters narrow them; each carries the
// guideline version of its newest annotation.
func TestAcceptedPairs_FiltersAndGuidelineVersion(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	ctx, st := q.ctx, q.st
	add := func(stage, status string, created time.Time, gold bool) int64 {
		t.Helper()
		nlq := insertID(t, st, `INSERT INTO nlqs (project_id, question, stage, status, created_at) VALUES ($1, 'Q', $2, $3, $4)
			RETURNING id`, q.project, stage, status, created)
		cand := insertID(t, st, `INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'human', 'SELECT 1') RETURNING id`, nlq)
		if gold {
			mustExec(t, st, `UPDATE nlqs SET gold_candidate_id = $2 WHERE id = $1`, nlq, cand)
		}
		return nlq
	}
	jan, feb := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	seedJan := add("human-seed", "accepted", jan, true)
	parFeb := add("+paraphrase", "accepted", feb, true)
	add("human-seed", "accepted", jan, false)    // no gold
	add("human-seed", "needs_review", jan, true) // not accepted
	for i, v := range []int{2, 3} {
		item := insertID(t, st, `INSERT INTO annotation_items (project_id, nlq_id, slot) VALUES ($1, $2, $3) RETURNING id`,
			q.project, seedJan, i+1)
		mustExec(t, st, `INSERT INTO annotations (item_id, nlq_id, guideline_version, created_at) VALUES ($1, $2, $3, $4)`,
			item, seedJan, v, jan.Add(time.Duration(i)*time.Hour))
	}
	mar := feb.AddDate(0, 1, 0)
	for _, tc := range []struct {
		name string
		src  store.SnapshotSource
		want []int64
	}{
		{"all", store.SnapshotSource{}, []int64{seedJan, parFeb}},
		{"one stage", store.SnapshotSource{Stages: []string{"+paraphrase"}}, []int64{parFeb}},
		{"created from", store.SnapshotSource{CreatedFrom: &feb}, []int64{parFeb}},
		{"created before", store.SnapshotSource{CreatedTo: &feb}, []int64{seedJan}},
		{"a window", store.SnapshotSource{CreatedFrom: &jan, CreatedTo: &mar}, []int64{seedJan, parFeb}},
		{"another database", store.SnapshotSource{DatabaseIDs: []int64{-1}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.AcceptedPairs(ctx, q.project, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("pairs %+v, want %v", got, tc.want)
			}
			for i, p := range got {
				if p.NLQID != tc.want[i] {
					t.Errorf("pair %d: %d, want %d", i, p.NLQID, tc.want[i])
				}
				if p.NLQID == seedJan && (p.GuidelineVersion == nil || *p.GuidelineVersion != 3) {
					t.Errorf("guideline version %v, want the newest annotation's 3", p.GuidelineVersion)
				}
			}
		})
	}
}
