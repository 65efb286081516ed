package loop

import (
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// An agent answer is routed with its storage: sampled questions get annotation items, unclean runs
// not sampled go to review with their reason, clean ones stay new.
func TestRouteAgentAnswer_SamplesOrSendsUncleanRunsToReview(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	route := func(ans AgentAnswer, withCandidate bool) (nlqID int64) {
		t.Helper()
		tx, err := f.St.Pool().Begin(f.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(f.Ctx)
		n := store.NLQ{ProjectID: f.Project.ID, Question: "How many?"}
		if _, err := store.InsertNLQ(f.Ctx, tx, store.System, &n); err != nil {
			t.Fatal(err)
		}
		if withCandidate {
			c := store.Candidate{NLQID: n.ID, Source: "agent", SQL: "SELECT 1"}
			if err := store.InsertCandidate(f.Ctx, tx, store.System, &c); err != nil {
				t.Fatal(err)
			}
			ans.Candidate = &c
		}
		if err := RouteAgentAnswer(f.Ctx, tx, store.System, f.Project.ID, n.ID, ans); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(f.Ctx); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	state := func(nlqID int64) (status string, reasons []string, items int) {
		t.Helper()
		if err := f.St.Pool().QueryRow(f.Ctx, `SELECT n.status, ARRAY(SELECT reason FROM review_items WHERE nlq_id = n.id),
			(SELECT count(*) FROM annotation_items WHERE nlq_id = n.id) FROM nlqs n WHERE n.id = $1`, nlqID).Scan(&status, &reasons, &items); err != nil {
			t.Fatal(err)
		}
		return
	}
	setShare := func(share float64) {
		t.Helper()
		pol, err := f.St.Policy(f.Ctx, f.Project.ID)
		if err != nil {
			t.Fatal(err)
		}
		pol.DualShare, pol.AnnotatorsPerItem = share, 2
		if _, err := f.St.SavePolicy(f.Ctx, store.System, f.Project.ID, pol); err != nil {
			t.Fatal(err)
		}
	}

	setShare(0)
	for _, tc := range []struct {
		name     string
		ans      AgentAnswer
		answered bool
		status   string
		reason   string
	}{
		{"a clean answer stands alone", AgentAnswer{Confidence: 1, Samples: 1}, true, store.NLQNew, ""},
		{"no answer", AgentAnswer{Samples: 1}, false, store.NLQNeedsReview, "agent_failed"},
		{"low self-consistency", AgentAnswer{Confidence: 0.6, Samples: 5}, true, store.NLQNeedsReview, "low_confidence"},
		{"one sample has no confidence to judge", AgentAnswer{Confidence: 0.2, Samples: 1}, true, store.NLQNew, ""},
		{"checker warnings", AgentAnswer{Confidence: 1, Samples: 1, Warnings: 2}, true, store.NLQNeedsReview, "checker_warning"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, reasons, items := state(route(tc.ans, tc.answered))
			if status != tc.status || items != 0 || (tc.reason == "" && len(reasons) != 0) || (tc.reason != "" && (len(reasons) != 1 || reasons[0] != tc.reason)) {
				t.Fatalf("status %q, reasons %v, %d annotation items", status, reasons, items)
			}
		})
	}

	setShare(1)
	t.Run("with dual_share 1 every answer gets annotators_per_item items, even a warned one", func(t *testing.T) {
		for _, ans := range []AgentAnswer{{Confidence: 1, Samples: 1}, {Confidence: 1, Samples: 1, Warnings: 1}} {
			status, reasons, items := state(route(ans, true))
			if status != store.NLQNew || len(reasons) != 0 || items != 2 {
				t.Fatalf("status %q, reasons %v, %d annotation items", status, reasons, items)
			}
		}
	})
}

// Sampling is a deterministic hash: the same question always gets the same answer, shares 0 and 1 are
// exact, and a share in between samples about that share.
func TestSampled_DeterministicAndProportional(t *testing.T) {
	t.Parallel()
	n := 0
	for id := int64(1); id <= 10000; id++ {
		if store.Sampled("dual", 7, id, 0) || !store.Sampled("dual", 7, id, 1) {
			t.Fatal("shares 0 and 1 must be exact")
		}
		if store.Sampled("dual", 7, id, 0.2) != store.Sampled("dual", 7, id, 0.2) {
			t.Fatal("not deterministic")
		}
		if store.Sampled("dual", 7, id, 0.2) {
			n++
		}
	}
	if n < 1800 || n > 2200 {
		t.Fatalf("share 0.2 sampled %d of 10000", n)
	}
}
