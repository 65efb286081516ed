package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Agreement by execution: every SQL written for a question (the agent's, each annotator's) is compared
// with those written before it, and the verdicts decide where the question goes. The comparisons are
// made while the question's row is locked, so two people submitting at once are still compared with
// each other.

// Verdict is an execution-match verdict of a new candidate against an earlier one of the question.
type Verdict struct {
	Against AuthoredCandidate
	Match   bool
	Reason  string
	Detail  any // stored with the comparison (JSON): what told them apart
}

// CompareFunc runs the new candidate's comparison with each earlier candidate it is given (in the
// sandbox: it runs while the question is locked, so it must not wait on anything else in store).
type CompareFunc func(earlier []AuthoredCandidate) ([]Verdict, error)

// earlierCandidates locks the question and returns what a new candidate is compared with: the agent's
// newest candidate (when withAgent) and every annotator's submitted SQL, oldest first.
func earlierCandidates(ctx context.Context, tx pgx.Tx, nlqID int64, withAgent bool) ([]AuthoredCandidate, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM nlqs WHERE id = $1 FOR UPDATE`, nlqID); err != nil {
		return nil, classify(err, "lock nlq")
	}
	rows, err := tx.Query(ctx, `
		(SELECT c.id, c.source, c.sql, c.created_by FROM sql_candidates c
			WHERE c.nlq_id = $1 AND c.source = 'agent' AND $2 ORDER BY c.id DESC LIMIT 1)
		UNION ALL
		(SELECT c.id, c.source, c.sql, c.created_by FROM annotations a JOIN sql_candidates c ON c.id = a.candidate_id
			WHERE a.nlq_id = $1 ORDER BY c.id)`, nlqID, withAgent)
	return collect(rows, err, "earlier candidates", func(row pgx.CollectableRow) (AuthoredCandidate, error) {
		c := AuthoredCandidate{Candidate: Candidate{NLQID: nlqID}}
		err := row.Scan(&c.ID, &c.Source, &c.SQL, &c.AuthorID)
		return c, err
	})
}

// Agreement is what the verdicts on a new candidate did.
type Agreement struct {
	Result      string       // ResultAgreed, ResultDisagreed or ResultNoAgent (nothing to compare with yet)
	Comparisons []Comparison // one per verdict
	ReviewItem  *int64       // a disagreement (new or joined) or an audit
	Audited     bool
	Awaiting    int // annotators of the question still to submit: it is accepted when the last one agrees
}

// applyVerdicts stores the comparisons of candidate c (written by author) and their effect. Any
// mismatch queues a "disagreement" review item between the first mismatching pair (or, when one is
// already open for the question, adds author to its authors so they never review it) and marks a new
// question needs_review. Otherwise the question is settled: accepted once nobody else still has to
// annotate it.
func applyVerdicts(ctx context.Context, tx pgx.Tx, a Actor, projectID int64, c Candidate, author *int64, vs []Verdict, gv *int) (Agreement, error) {
	out := Agreement{Result: ResultNoAgent, Comparisons: []Comparison{}}
	var mismatch *Verdict
	for i, v := range vs {
		// A is the agent's whenever the agent is one of the two: that is how reviewers read pairs.
		cmp := Comparison{NLQID: c.NLQID, CandidateA: v.Against.ID, CandidateB: c.ID, Match: v.Match, Reason: v.Reason, GuidelineVersion: gv}
		if c.Source == "agent" {
			cmp.CandidateA, cmp.CandidateB = c.ID, v.Against.ID
		}
		cmp.Against = "person"
		if v.Against.Source == "agent" {
			cmp.Against = "agent"
		}
		if v.Detail != nil {
			raw, err := json.Marshal(v.Detail)
			if err != nil {
				return out, fmt.Errorf("store: comparison detail: %w", err)
			}
			cmp.Detail = raw
		}
		if err := tx.QueryRow(ctx, `INSERT INTO comparisons (nlq_id, candidate_a, candidate_b, match, reason, detail, guideline_version)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, created_at`, cmp.NLQID, cmp.CandidateA, cmp.CandidateB, cmp.Match, cmp.Reason,
			cmp.Detail, gv).Scan(&cmp.ID, &cmp.CreatedAt); err != nil {
			return out, classify(err, "insert comparison")
		}
		out.Comparisons = append(out.Comparisons, cmp)
		if !v.Match && mismatch == nil {
			mismatch = &vs[i]
		}
	}
	if len(vs) == 0 {
		return out, nil
	}
	if mismatch == nil {
		out.Result = ResultAgreed
		return out, settle(ctx, tx, a, projectID, c.NLQID, &out)
	}
	out.Result = ResultDisagreed
	authors := []int64{}
	for _, id := range []*int64{author, mismatch.Against.AuthorID} {
		if id != nil {
			authors = append(authors, *id)
		}
	}
	var open int64
	err := tx.QueryRow(ctx, `UPDATE review_items SET authors = ARRAY(SELECT DISTINCT unnest(authors || $2::bigint[]))
		WHERE id = (SELECT id FROM review_items WHERE nlq_id = $1 AND reason = 'disagreement' AND status <> 'resolved' ORDER BY id LIMIT 1)
		RETURNING id`, c.NLQID, authors).Scan(&open)
	switch {
	case err == nil:
		out.ReviewItem = &open
	case errors.Is(err, pgx.ErrNoRows):
		ri := ReviewItem{ProjectID: projectID, NLQID: c.NLQID, Reason: "disagreement", CandidateA: &mismatch.Against.ID, CandidateB: &c.ID,
			GuidelineVersion: gv} // CreateReviewItem makes both candidates' writers its authors
		if c.Source == "agent" {
			ri.CandidateA, ri.CandidateB = &c.ID, &mismatch.Against.ID
		}
		if err := CreateReviewItem(ctx, tx, a, &ri); err != nil {
			return out, err
		}
		out.ReviewItem = &ri.ID
	default:
		return out, classify(err, "join open disagreement")
	}
	return out, MarkNeedsReview(ctx, tx, c.NLQID)
}

// settle accepts a question still new (a disagreement would have moved it to needs_review) once every
// annotator of it is done, with the newest annotator's SQL that took part in a match as gold; a deterministic
// audit_rate share of accepted questions also goes to review ("audit": the last matching pair).
func settle(ctx context.Context, tx pgx.Tx, a Actor, projectID, nlqID int64, out *Agreement) error {
	var status string
	var gold, pairA, pairB *int64
	err := tx.QueryRow(ctx, `
		SELECT n.status,
			(SELECT count(*) FROM annotation_items WHERE nlq_id = n.id AND status IN ('pending', 'claimed')),
			(SELECT max(c.id) FROM comparisons m JOIN sql_candidates c ON c.id IN (m.candidate_a, m.candidate_b)
				WHERE m.nlq_id = n.id AND m.match AND c.source = 'human'),
			last.candidate_a, last.candidate_b
		FROM nlqs n LEFT JOIN LATERAL (SELECT candidate_a, candidate_b FROM comparisons WHERE nlq_id = n.id AND match
			ORDER BY id DESC LIMIT 1) last ON true
		WHERE n.id = $1`, nlqID).Scan(&status, &out.Awaiting, &gold, &pairA, &pairB)
	if err != nil {
		return classify(err, "settle nlq")
	}
	if status != NLQNew || out.Awaiting > 0 || gold == nil {
		return nil
	}
	if err := setNLQStatus(ctx, tx, a, projectID, nlqID, NLQAccepted, gold, "agreement"); err != nil {
		return err
	}
	pol, err := loadPolicy(ctx, tx, projectID)
	if err != nil || !Sampled("audit", projectID, nlqID, pol.AuditRate) {
		return err
	}
	gv, err := GuidelineVersionTx(ctx, tx, projectID)
	if err != nil {
		return err
	}
	ri := ReviewItem{ProjectID: projectID, NLQID: nlqID, Reason: "audit", CandidateA: pairA, CandidateB: pairB, GuidelineVersion: gv}
	if err := CreateReviewItem(ctx, tx, a, &ri); err != nil {
		return err
	}
	out.ReviewItem, out.Audited = &ri.ID, true
	return nil
}
