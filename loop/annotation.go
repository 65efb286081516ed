package loop

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// The loop's routing: which questions also get human SQL, what goes to review, and what a decision
// does. The database work is in store; this file decides and
// runs SQL in the sandbox.

// lowConfidence is the self-consistency confidence under which an agent answer goes to review.
const lowConfidence = 0.67

// AgentAnswer is how an agent's run on a question of a batch ended.
type AgentAnswer struct {
	Candidate  *store.Candidate // nil: the agent gave no answer
	Confidence float64
	Samples    int
	Warnings   int // the rules checker's findings on the answer
	// Compare compares the answer with annotators' SQL written before it (nil: nobody to compare with).
	Compare store.CompareFunc
}

// RouteAgentAnswer runs inside the transaction that stores a batch item's result. When annotators
// already submitted SQL for the question (nothing to compare it with then), the answer is compared
// with theirs and the verdicts decide, as for a submission. Otherwise a question sampled
// for dual annotation (deterministically, by dual_share) gets annotators_per_item annotation items:
// the person's SQL will be compared with the agent's. Otherwise the agent's answer stands alone, and
// goes to review when the run was not clean: no answer (agent_failed), self-consistency below 0.67
// (low_confidence) or checker warnings (checker_warning). A failed run always goes to review: there is
// nothing for a person's SQL to agree with.
func RouteAgentAnswer(ctx context.Context, tx pgx.Tx, a store.Actor, projectID, nlqID int64, ans AgentAnswer) error {
	if ans.Candidate != nil && ans.Compare != nil {
		// People annotated the question before the agent answered: their verdicts decide.
		if compared, err := store.CompareAgentAnswer(ctx, tx, a, projectID, *ans.Candidate, ans.Compare); compared || err != nil {
			return err
		}
	}
	if ans.Candidate != nil {
		pol, err := store.PolicyTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if store.Sampled("dual", projectID, nlqID, pol.DualShare) {
			_, err := store.CreateAnnotationItems(ctx, tx, projectID, nlqID, pol.AnnotatorsPerItem)
			return err
		}
	}
	it := store.ReviewItem{ProjectID: projectID, NLQID: nlqID}
	switch {
	case ans.Candidate == nil:
		it.Reason = "agent_failed"
	case ans.Samples > 1 && ans.Confidence < lowConfidence:
		it.Reason = "low_confidence"
	case ans.Warnings > 0:
		it.Reason = "checker_warning"
	default:
		return nil // the question stays new
	}
	if ans.Candidate != nil {
		it.CandidateA = &ans.Candidate.ID
	}
	gv, err := store.GuidelineVersionTx(ctx, tx, projectID)
	if err != nil {
		return err
	}
	it.GuidelineVersion = gv
	if err := store.CreateReviewItem(ctx, tx, a, &it); err != nil {
		return err
	}
	return store.MarkNeedsReview(ctx, tx, nlqID)
}

// Loop is the people's side of the loop: planning annotation, annotating, deciding reviews.
type Loop struct {
	Store *store.Store
	Exec  *sqlexec.Executor
}

// PlanCounts says what a plan did.
type PlanCounts struct {
	Selected int     `json:"selected"` // questions considered
	Sampled  int     `json:"sampled"`  // of those, in the share
	Items    int     `json:"items"`    // annotation items created (existing ones are kept)
	Share    float64 `json:"share"`
}

// PlanAnnotation gives the sampled share of nlqIDs (the policy's dual_share unless share is set)
// annotators_per_item annotation items each, in one transaction. Sampling is the same deterministic
// hash the agent batches use, so planning before or after a batch picks the same questions, and
// planning twice creates nothing new.
func (l *Loop) PlanAnnotation(ctx context.Context, a store.Actor, projectID int64, nlqIDs []int64, share *float64) (PlanCounts, error) {
	pol, err := l.Store.Policy(ctx, projectID)
	if err != nil {
		return PlanCounts{}, err
	}
	out := PlanCounts{Selected: len(nlqIDs), Share: pol.DualShare}
	if share != nil {
		if *share < 0 || *share > 1 {
			return out, &store.ValidationError{Fields: map[string]string{"share": "must be from 0 to 1"}}
		}
		out.Share = *share
	}
	tx, err := l.Store.Pool().Begin(ctx)
	if err != nil {
		return out, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, id := range nlqIDs {
		if !store.Sampled("dual", projectID, id, out.Share) {
			continue
		}
		out.Sampled++
		n, err := store.CreateAnnotationItems(ctx, tx, projectID, id, pol.AnnotatorsPerItem)
		if err != nil {
			return out, err
		}
		out.Items += n
	}
	if err := store.AuditTx(ctx, tx, a, "annotation.plan", "project", projectID, &projectID, nil, out); err != nil {
		return out, err
	}
	return out, tx.Commit(ctx)
}

// PlanParams select the questions to plan annotation for: new questions of the project, optionally of
// one database or stage.
type PlanParams struct {
	DatabaseID int64    `json:"database_id,omitempty"`
	Stage      string   `json:"stage,omitempty"`
	Share      *float64 `json:"share,omitempty"`
}

// PlanSelection plans annotation for the new questions p selects.
func (l *Loop) PlanSelection(ctx context.Context, a store.Actor, projectID int64, p PlanParams) (PlanCounts, error) {
	ids, err := l.Store.NLQIDs(ctx, store.NLQQuery{ProjectID: projectID, DatabaseID: p.DatabaseID, Stage: p.Stage, Status: store.NLQNew})
	if err != nil {
		return PlanCounts{}, err
	}
	return l.PlanAnnotation(ctx, a, projectID, ids, p.Share)
}

// Next claims the user's next annotation item. The agent's SQL comes with it only when the policy is
// not blind.
func (l *Loop) Next(ctx context.Context, a store.Actor, projectID, userID int64) (store.AnnotationTask, error) {
	t, err := l.Store.ClaimAnnotationItem(ctx, a, projectID, userID)
	if err != nil || t.Blind {
		return t, err
	}
	c, err := l.Store.LatestAgentCandidate(ctx, t.Item.NLQID)
	if err != nil {
		return t, err
	}
	if c != nil {
		t.AgentSQL = &c.SQL
	}
	return t, nil
}

// SubmitResult is a stored submission with the agent's SQL, revealed now even in blind mode.
type SubmitResult struct {
	store.SubmitResult
	AgentSQL *string `json:"agent_sql,omitempty"`
}

// Submit runs the person's SQL on the question's database (a failing SQL is stored with its error;
// it never matches) and stores it (store.SubmitAnnotation), compared by execution match with the
// agent's newest SQL and every other annotator's.
func (l *Loop) Submit(ctx context.Context, a store.Actor, projectID, itemID, userID int64, version int, sql string, elapsedMS *int64, comment string) (SubmitResult, error) {
	v := store.Validator{}
	v.Check(len(comment) <= 10_000, "comment", "is longer than 10,000 bytes")
	v.Check(sql != "", "sql", "is required")
	v.Check(len(sql) <= 100_000, "sql", "is longer than 100,000 bytes")
	v.Check(elapsedMS == nil || *elapsedMS >= 0, "elapsed_ms", "must not be negative")
	if err := v.Err(); err != nil {
		return SubmitResult{}, err
	}
	_, n, err := l.Store.AnnotationItemNLQ(ctx, projectID, itemID)
	if err != nil {
		return SubmitResult{}, err
	}
	// The claim and version are checked in SubmitAnnotation's transaction, after the (read-only) run.
	target, err := l.target(ctx, projectID, n.NLQ)
	if err != nil {
		return SubmitResult{}, err
	}
	mine := l.Exec.Run(ctx, target, sql)
	tables, err := l.tables(ctx, *n.DatabaseID)
	if err != nil {
		return SubmitResult{}, err
	}
	sub := store.Submission{ProjectID: projectID, ItemID: itemID, UserID: userID, Version: version, ElapsedMS: elapsedMS,
		Candidate: store.Candidate{SQL: sql}, Comment: comment}
	candidate.SetOutcome(&sub.Candidate, mine)
	res, err := l.Store.SubmitAnnotation(ctx, a, sub, ExecutionVerdicts(ctx, l.Exec, target, tables, "this annotator", sql, mine))
	if err != nil {
		return SubmitResult{}, err
	}
	out := SubmitResult{SubmitResult: res}
	if agentC, err := l.Store.LatestAgentCandidate(ctx, n.ID); err != nil {
		return SubmitResult{}, err
	} else if agentC != nil {
		out.AgentSQL = &agentC.SQL
	}
	return out, nil
}

// ExecutionVerdicts compares sql (written by who: "the agent", "this annotator"), whose result is
// mine (nil: not run yet), with each earlier candidate of its question by running them on target.
// Neither side is gold: row order counts only when both have a top-level ORDER BY, as in the agent's
// self-consistency, and the reasons name the two sides. Two SQLs whose results are equal are then
// run on the database's neighbours (sqlexec.Distinguish, with the tables' keys): equal results that
// were a coincidence of today's rows become a disagreement that shows the rows telling them apart.
func ExecutionVerdicts(ctx context.Context, exec *sqlexec.Executor, target sqlexec.Target, tables []sqlexec.TableDef, who, sql string, mine *sqlexec.Result) store.CompareFunc {
	return func(earlier []store.AuthoredCandidate) ([]store.Verdict, error) {
		if mine == nil {
			mine = exec.Run(ctx, target, sql)
		}
		ordered, _ := sqlexec.HasTopLevelOrderBy(sql)
		out := make([]store.Verdict, 0, len(earlier))
		for _, c := range earlier {
			theirs := exec.Run(ctx, target, c.SQL)
			theirsOrdered, _ := sqlexec.HasTopLevelOrderBy(c.SQL)
			opt := sqlexec.MatchOptions{OrderMatters: ordered && theirsOrdered, Labels: [2]string{sideLabel(c), who}}
			m := sqlexec.Match(theirs, mine, opt)
			v := store.Verdict{Against: c, Match: m.Match, Reason: m.Reason}
			if m.Match && len(tables) > 0 {
				if d := exec.Distinguish(ctx, target, tables, c.SQL, sql, opt); !d.Same {
					v.Match, v.Detail = false, d
					v.Reason = fmt.Sprintf("equal on the database, but not on its %q neighbour: %s", d.Neighbour, d.Reason)
				}
			}
			out = append(out, v)
		}
		return out, nil
	}
}

// sideLabel names an earlier candidate in a comparison's reason.
func sideLabel(c store.AuthoredCandidate) string {
	switch c.Source {
	case "agent":
		return "the agent"
	case "import":
		return "the reference"
	}
	return "the other annotator"
}

// tables are the table definitions (columns and keys) of database id, for Distinguish.
func (l *Loop) tables(ctx context.Context, databaseID int64) ([]sqlexec.TableDef, error) {
	ts, err := l.Store.Tables(ctx, databaseID)
	if err != nil {
		return nil, err
	}
	return schemas.TableDefs(ts), nil
}

func (l *Loop) target(ctx context.Context, projectID int64, n store.NLQ) (sqlexec.Target, error) {
	if n.DatabaseID == nil {
		return sqlexec.Target{}, &store.ConflictError{Msg: fmt.Sprintf("question %d has no database to run SQL on", n.ID)}
	}
	d, err := l.Store.Database(ctx, projectID, *n.DatabaseID)
	if err != nil {
		return sqlexec.Target{}, err
	}
	return d.Target(), nil
}

// Decide records a review decision (store.DecideReviewItem). An edit's SQL is run in the sandbox
// first: one that fails is refused with its error, one that runs becomes the question's gold with its
// outcome.
func (l *Loop) Decide(ctx context.Context, a store.Actor, projectID, itemID, reviewerID int64, version int, d store.Decision) (store.Review, error) {
	if d.Decision == "edit" && d.FinalSQL != "" {
		nlqID, err := l.Store.ReviewItemNLQID(ctx, projectID, itemID)
		if err != nil {
			return store.Review{}, err
		}
		n, err := l.Store.NLQ(ctx, projectID, nlqID)
		if err != nil {
			return store.Review{}, err
		}
		target, err := l.target(ctx, projectID, n.NLQ)
		if err != nil {
			return store.Review{}, err
		}
		res := l.Exec.Run(ctx, target, d.FinalSQL)
		if !res.OK() {
			return store.Review{}, &store.ValidationError{Fields: map[string]string{"final_sql": "does not run: " + res.Error}}
		}
		d.FinalResult = &store.Candidate{}
		candidate.SetOutcome(d.FinalResult, res)
	}
	return l.Store.DecideReviewItem(ctx, a, projectID, itemID, reviewerID, version, d)
}

// QuestionDraft is a question a person writes about a database, with their SQL or none.
type QuestionDraft struct {
	DatabaseID int64  `json:"database_id"`
	Question   string `json:"question"`
	SQL        string `json:"sql"`
	Stage      string `json:"stage"`
}

// WriteQuestion runs the draft's SQL on its database (SQL that fails is refused with its error, so
// nothing is stored that could not be checked) and stores the question with it (store.WriteQuestion).
// It returns the question and what the SQL gave.
func (l *Loop) WriteQuestion(ctx context.Context, a store.Actor, projectID, userID int64, q QuestionDraft) (store.NLQ, *sqlexec.Result, error) {
	v := store.Validator{}
	v.Check(q.DatabaseID > 0, "database_id", "is required")
	v.Check(strings.TrimSpace(q.Question) != "", "question", "is required")
	v.Check(len(q.Question) <= 2_000, "question", "is longer than 2,000 bytes")
	v.Check(len(q.SQL) <= 100_000, "sql", "is longer than 100,000 bytes")
	v.Check(len(q.Stage) <= 100, "stage", "is longer than 100 bytes")
	if err := v.Err(); err != nil {
		return store.NLQ{}, nil, err
	}
	d, err := l.Store.Database(ctx, projectID, q.DatabaseID)
	if err != nil {
		return store.NLQ{}, nil, err
	}
	w := store.WrittenQuestion{ProjectID: projectID, DatabaseID: d.ID, UserID: userID, Question: q.Question, Stage: q.Stage}
	var res *sqlexec.Result
	if strings.TrimSpace(q.SQL) != "" {
		res = l.Exec.Run(ctx, d.Target(), q.SQL)
		if !res.OK() {
			return store.NLQ{}, res, &store.ValidationError{Fields: map[string]string{"sql": "does not run: " + res.Error}}
		}
		w.SQL = &store.Candidate{SQL: q.SQL}
		candidate.SetOutcome(w.SQL, res)
	}
	n, err := l.Store.WriteQuestion(ctx, a, w)
	return n, res, err
}
