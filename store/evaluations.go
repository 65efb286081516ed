package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PromptTemplate is one version of a project's text-to-SQL prompt template. Version 0,
// with no id, is the built-in template in force before any version is saved.
type PromptTemplate struct {
	ID          *int64     `json:"id"`
	ProjectID   int64      `json:"project_id"`
	Version     int        `json:"version"`
	Body        string     `json:"body"`
	Note        string     `json:"note"`
	Source      string     `json:"source"` // builtin, manual or optimization
	RunID       *int64     `json:"run_id"`
	CandidateID *int64     `json:"candidate_id"`
	CreatedBy   *int64     `json:"created_by"`
	CreatedAt   *time.Time `json:"created_at"`
}

const promptColumns = `id, project_id, version, body, note, source, run_id, candidate_id, created_by, created_at`

func promptFields(p *PromptTemplate) []any {
	return []any{&p.ID, &p.ProjectID, &p.Version, &p.Body, &p.Note, &p.Source, &p.RunID, &p.CandidateID, &p.CreatedBy, &p.CreatedAt}
}

// PromptTemplates returns a project's saved versions, newest first.
func (s *Store) PromptTemplates(ctx context.Context, projectID int64) ([]PromptTemplate, error) {
	return queryAll(ctx, s.pool, "list prompt templates", promptFields, `SELECT `+promptColumns+` FROM prompt_templates
		WHERE project_id = $1 ORDER BY version DESC`, projectID)
}

// CurrentPromptTemplate returns a project's newest saved version; ok is false when there is none.
func (s *Store) CurrentPromptTemplate(ctx context.Context, projectID int64) (p PromptTemplate, ok bool, err error) {
	p, err = scanRow(s.pool.QueryRow(ctx, `SELECT `+promptColumns+` FROM prompt_templates WHERE project_id = $1
		ORDER BY version DESC LIMIT 1`, projectID), promptFields)
	ok, err = found(err, "current prompt template")
	return p, ok, err
}

// CreatePromptTemplate saves a new version (the next number, under a lock on the project's row, so
// two saves at once get two numbers), audited. p's Body, Note, Source, RunID and CandidateID are used.
func (s *Store) CreatePromptTemplate(ctx context.Context, a Actor, projectID int64, p PromptTemplate) (PromptTemplate, error) {
	var out PromptTemplate
	err := s.inTx(ctx, "create prompt template", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM projects WHERE id = $1 FOR UPDATE`, projectID); err != nil {
			return err
		}
		var err error
		out, err = scanRow(tx.QueryRow(ctx, `INSERT INTO prompt_templates (project_id, version, body, note, source, run_id, candidate_id, created_by)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM prompt_templates WHERE project_id = $1
			RETURNING `+promptColumns, projectID, p.Body, p.Note, p.Source, p.RunID, p.CandidateID, a.id()), promptFields)
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "prompt.create", "prompt_template", *out.ID, &projectID, nil,
			map[string]any{"version": out.Version, "source": out.Source, "run_id": out.RunID, "candidate_id": out.CandidateID})
	})
	return out, err
}

// SnapshotPair returns one pair of a snapshot.
func (s *Store) SnapshotPair(ctx context.Context, snapshotID, nlqID int64) (SnapshotPair, error) {
	p, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+snapshotPairColumns+` FROM snapshot_pairs WHERE snapshot_id = $1 AND nlq_id = $2`,
		snapshotID, nlqID), snapshotPairFields)
	return p, classifyRow(err, "snapshot pair", "question %d is not in snapshot %d", nlqID, snapshotID)
}

// EvalResult is one pair answered by a model with one prompt and checked by execution match.
type EvalResult struct {
	RunID        int64  `json:"-"`
	CandidateID  int64  `json:"candidate_id"`
	NLQID        int64  `json:"nlq_id"`
	Split        string `json:"split"`
	Question     string `json:"question"`
	DatabaseName string `json:"database_name"`
	Hardness     string `json:"hardness"`
	GoldSQL      string `json:"gold_sql"`
	SQL          string `json:"sql"`
	Correct      bool   `json:"correct"`
	// SuiteCorrect: the answer also matched the gold on every neighbour of the database (test-suite
	// accuracy; nil when not checked).
	SuiteCorrect     *bool           `json:"suite_correct"`
	Reason           string          `json:"reason"`
	Error            string          `json:"error"`
	Diff             json.RawMessage `json:"diff" tstype:"{ gold_rows: number; pred_rows: number; only_gold: unknown[][] | null; only_pred: unknown[][] | null } | null"`
	Judge            *bool           `json:"judge"`
	JudgeReason      string          `json:"judge_reason"`
	PromptTokens     int             `json:"prompt_tokens"`
	CompletionTokens int             `json:"completion_tokens"`
}

// SaveEvalResult stores a scored item once: a second save of the same (run, candidate, question) is
// ignored, so a step or item done again after a crash keeps the first score.
func SaveEvalResult(ctx context.Context, q execer, r EvalResult) error {
	_, err := q.Exec(ctx, `INSERT INTO eval_results (run_id, candidate_id, nlq_id, split, database_name, hardness, sql, correct, reason,
			error, diff, judge, judge_reason, prompt_tokens, completion_tokens, suite_correct)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT DO NOTHING`,
		r.RunID, r.CandidateID, r.NLQID, r.Split, r.DatabaseName, r.Hardness, r.SQL, r.Correct, r.Reason, r.Error, nullJSON(r.Diff),
		r.Judge, r.JudgeReason, r.PromptTokens, r.CompletionTokens, r.SuiteCorrect)
	return classify(err, "save eval result")
}

// SaveEvalResult stores a scored item outside any other transaction (see the function of that name).
func (s *Store) SaveEvalResult(ctx context.Context, r EvalResult) error {
	return SaveEvalResult(ctx, s.pool, r)
}

// Eval outcomes a result list can be narrowed to.
const (
	OutcomeCorrect = "correct"
	OutcomeWrong   = "wrong" // ran, other result
	OutcomeError   = "error" // no SQL, or it failed
)

// EvalResults pages through a run's results for one candidate by question id, with each question and
// gold SQL from the snapshot; outcome narrows them ("" for all).
func (s *Store) EvalResults(ctx context.Context, runID, candidateID, snapshotID int64, outcome string, after int64, limit int) ([]EvalResult, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.pool.Query(ctx, evalResultSelect+`
		WHERE r.run_id = $1 AND r.candidate_id = $2 AND r.nlq_id > $5
		  AND ($4 = '' OR ($4 = 'correct' AND r.correct) OR ($4 = 'wrong' AND NOT r.correct AND r.error = '')
		       OR ($4 = 'error' AND NOT r.correct AND r.error <> ''))
		ORDER BY r.nlq_id LIMIT $6`, runID, candidateID, snapshotID, outcome, after, limit)
	if err != nil {
		return nil, classify(err, "eval results")
	}
	return collectEvalResults(rows, runID)
}

// EvalOutcomes returns whether each scored question of a run's candidate was answered correctly.
func (s *Store) EvalOutcomes(ctx context.Context, runID, candidateID int64) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT nlq_id, correct FROM eval_results WHERE run_id = $1 AND candidate_id = $2`, runID, candidateID)
	return collectMap(rows, err, "eval outcomes", map[int64]bool{})
}

// EvalBucket counts the scored items of a group and the correct ones.
type EvalBucket struct {
	N        int     `json:"n"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
	// SuiteCorrect and SuiteAccuracy count the answers that also matched on every neighbour of the
	// database (test-suite accuracy), over the items where that was checked (SuiteN).
	SuiteN        int     `json:"suite_n"`
	SuiteCorrect  int     `json:"suite_correct"`
	SuiteAccuracy float64 `json:"suite_accuracy"`
}

func (b *EvalBucket) add(n, correct int) {
	b.N += n
	b.Correct += correct
	if b.N > 0 {
		b.Accuracy = float64(b.Correct) / float64(b.N)
	}
}

func (b *EvalBucket) addSuite(n, correct int) {
	b.SuiteN += n
	b.SuiteCorrect += correct
	if b.SuiteN > 0 {
		b.SuiteAccuracy = float64(b.SuiteCorrect) / float64(b.SuiteN)
	}
}

// EvalSummary is a run's accuracy for one candidate, overall and by group. Judge is the LLM judge's
// own accuracy over the items it judged (nil when none was), never mixed into Correct.
type EvalSummary struct {
	Scored   int     `json:"scored"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
	// Suite is test-suite accuracy: correct on the database and on each of its neighbours.
	Suite      EvalBucket             `json:"test_suite"`
	Errors     int                    `json:"errors"`
	ByHardness map[string]*EvalBucket `json:"by_hardness"`
	ByDatabase map[string]*EvalBucket `json:"by_database"`
	// ByDifficulty is accuracy by the benchmark's difficulty label of the pairs that have one
	// (BIRD: simple, moderate, challenging), as BIRD reports execution accuracy.
	ByDifficulty map[string]*EvalBucket `json:"by_difficulty,omitempty"`
	Judge        *EvalBucket            `json:"judge"`
}

// EvalSummary counts a run's results for one candidate.
func (s *Store) EvalSummary(ctx context.Context, runID, candidateID int64) (EvalSummary, error) {
	out := EvalSummary{ByHardness: map[string]*EvalBucket{}, ByDatabase: map[string]*EvalBucket{}}
	// The difficulty is the snapshot pair's: the run's params name the snapshot.
	rows, err := s.pool.Query(ctx, `SELECT r.hardness, r.database_name, coalesce(p.difficulty, ''), count(*), count(*) FILTER (WHERE r.correct),
			count(*) FILTER (WHERE NOT r.correct AND r.error <> ''), count(r.judge), count(*) FILTER (WHERE r.judge),
			count(r.suite_correct), count(*) FILTER (WHERE r.suite_correct)
		FROM eval_results r LEFT JOIN snapshot_pairs p ON p.nlq_id = r.nlq_id
			AND p.snapshot_id = (SELECT (params->>'snapshot_id')::bigint FROM pipeline_runs WHERE id = $1)
		WHERE r.run_id = $1 AND r.candidate_id = $2 GROUP BY 1, 2, 3`, runID, candidateID)
	if err != nil {
		return out, classify(err, "eval summary")
	}
	var hardness, database, difficulty string
	var n, correct, errs, judged, judgedOK, suiteN, suiteOK int
	var total, judge EvalBucket
	_, err = pgx.ForEachRow(rows, []any{&hardness, &database, &difficulty, &n, &correct, &errs, &judged, &judgedOK, &suiteN, &suiteOK}, func() error {
		total.add(n, correct)
		total.addSuite(suiteN, suiteOK)
		out.Errors += errs
		groups := []struct {
			m   map[string]*EvalBucket
			key string
		}{{out.ByHardness, hardness}, {out.ByDatabase, database}}
		if difficulty != "" {
			if out.ByDifficulty == nil {
				out.ByDifficulty = map[string]*EvalBucket{}
			}
			groups = append(groups, struct {
				m   map[string]*EvalBucket
				key string
			}{out.ByDifficulty, difficulty})
		}
		for _, g := range groups {
			if g.m[g.key] == nil {
				g.m[g.key] = &EvalBucket{}
			}
			g.m[g.key].add(n, correct)
			g.m[g.key].addSuite(suiteN, suiteOK)
		}
		judge.add(judged, judgedOK)
		return nil
	})
	out.Scored, out.Correct, out.Accuracy, out.Suite = total.N, total.Correct, total.Accuracy, total
	if judge.N > 0 {
		out.Judge = &judge
	}
	return out, classify(err, "eval summary")
}

// EvalTotals is EvalSummary without the breakdowns (its maps are empty): one pass over the run's
// results, without the snapshot's pairs, for lists of evaluations.
func (s *Store) EvalTotals(ctx context.Context, runID, candidateID int64) (EvalSummary, error) {
	out := EvalSummary{ByHardness: map[string]*EvalBucket{}, ByDatabase: map[string]*EvalBucket{}}
	var n, correct, judged, judgedOK, suiteN, suiteOK int
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE correct), count(*) FILTER (WHERE NOT correct AND error <> ''),
			count(judge), count(*) FILTER (WHERE judge), count(suite_correct), count(*) FILTER (WHERE suite_correct)
		FROM eval_results WHERE run_id = $1 AND candidate_id = $2`, runID, candidateID).
		Scan(&n, &correct, &out.Errors, &judged, &judgedOK, &suiteN, &suiteOK)
	if err != nil {
		return out, classify(err, "eval totals")
	}
	var total, judge EvalBucket
	total.add(n, correct)
	total.addSuite(suiteN, suiteOK)
	judge.add(judged, judgedOK)
	out.Scored, out.Correct, out.Accuracy, out.Suite = total.N, total.Correct, total.Accuracy, total
	if judge.N > 0 {
		out.Judge = &judge
	}
	return out, nil
}

// RunSpend is what a run's model calls cost so far; calls answered from the cache are free.
type RunSpend struct {
	Calls  int     `json:"calls"`
	Tokens int64   `json:"tokens"`
	Cost   float64 `json:"cost_usd"`
}

// RunSpend sums the model calls logged for a run that were not answered from the cache.
func (s *Store) RunSpend(ctx context.Context, runKind string, runID int64) (RunSpend, error) {
	var r RunSpend
	err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(sum(cost_usd), 0)
		FROM llm_calls WHERE run_kind = $1 AND run_id = $2 AND NOT cached`, runKind, runID).Scan(&r.Calls, &r.Tokens, &r.Cost)
	return r, classify(err, "run spend")
}

// ReviewNote is a reviewer's verdict on a question, for an optimizer's critic to learn from.
type ReviewNote struct {
	NLQID     int64  `json:"nlq_id"`
	Question  string `json:"question"`
	Decision  string `json:"decision"`
	ErrorType string `json:"error_type"`
	Comment   string `json:"comment"`
}

// ReviewNotes returns reviewers' decisions on the given questions first, then on other questions of
// the given databases, newest first, at most limit.
func (s *Store) ReviewNotes(ctx context.Context, projectID int64, nlqIDs []int64, databaseNames []string, limit int) ([]ReviewNote, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.question, r.decision, r.error_type, r.comment
		FROM reviews r JOIN review_items i ON i.id = r.review_item_id JOIN nlqs n ON n.id = i.nlq_id
		LEFT JOIN databases d ON d.id = n.database_id
		WHERE i.project_id = $1 AND (n.id = ANY($2) OR d.name = ANY($3))
		ORDER BY n.id = ANY($2) DESC, r.created_at DESC, r.id DESC LIMIT $4`, projectID, nlqIDs, databaseNames, limit)
	return collect(rows, err, "review notes", func(row pgx.CollectableRow) (ReviewNote, error) {
		var n ReviewNote
		err := row.Scan(&n.NLQID, &n.Question, &n.Decision, &n.ErrorType, &n.Comment)
		return n, err
	})
}

// PromptCandidate is a prompt an optimization run tried, with what it scored.
type PromptCandidate struct {
	ID        int64     `json:"id"`
	RunID     int64     `json:"run_id"`
	Step      int       `json:"step"`
	Ordinal   int       `json:"ordinal"`
	ParentID  *int64    `json:"parent_id"`
	Origin    string    `json:"origin"`
	Prompt    string    `json:"prompt"`
	Critique  string    `json:"critique"`
	Score     *float64  `json:"score"`
	Scored    int       `json:"scored"`
	ValScore  *float64  `json:"val_score"`
	ValN      int       `json:"val_n"`
	TestScore *float64  `json:"test_score"`
	CreatedAt time.Time `json:"created_at"`
}

const candidateColumns = `id, run_id, step, ordinal, parent_id, origin, prompt, critique, score, scored, val_score, val_n, test_score, created_at`

func candidateFields(c *PromptCandidate) []any {
	return []any{&c.ID, &c.RunID, &c.Step, &c.Ordinal, &c.ParentID, &c.Origin, &c.Prompt, &c.Critique, &c.Score, &c.Scored,
		&c.ValScore, &c.ValN, &c.TestScore, &c.CreatedAt}
}

// AddPromptCandidate stores a candidate at its (step, ordinal) unless one is there already, and
// returns the stored one: a step done again after a crash keeps the prompts it wrote the first time.
func (s *Store) AddPromptCandidate(ctx context.Context, c PromptCandidate) (PromptCandidate, error) {
	got, err := scanRow(s.pool.QueryRow(ctx, `INSERT INTO prompt_candidates (run_id, step, ordinal, parent_id, origin, prompt, critique)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (run_id, step, ordinal) DO NOTHING RETURNING `+candidateColumns,
		c.RunID, c.Step, c.Ordinal, c.ParentID, c.Origin, c.Prompt, c.Critique), candidateFields)
	if errors.Is(err, pgx.ErrNoRows) {
		got, err = scanRow(s.pool.QueryRow(ctx, `SELECT `+candidateColumns+` FROM prompt_candidates
			WHERE run_id = $1 AND step = $2 AND ordinal = $3`, c.RunID, c.Step, c.Ordinal), candidateFields)
	}
	return got, classify(err, "add prompt candidate")
}

// PromptCandidates returns a run's candidates by id.
func (s *Store) PromptCandidates(ctx context.Context, runID int64) ([]PromptCandidate, error) {
	return queryAll(ctx, s.pool, "prompt candidates", candidateFields, `SELECT `+candidateColumns+` FROM prompt_candidates
		WHERE run_id = $1 ORDER BY id`, runID)
}

// Candidate scores SetCandidateScore can set.
const (
	ScoreStep = "score"      // on the step's validation items
	ScoreVal  = "val_score"  // on the whole validation split
	ScoreTest = "test_score" // on the test split
)

// SetCandidateScore records one of a candidate's scores over n items.
func (s *Store) SetCandidateScore(ctx context.Context, id int64, which string, score float64, n int) error {
	var q string
	switch which {
	case ScoreStep:
		q = `UPDATE prompt_candidates SET score = $2, scored = $3 WHERE id = $1`
	case ScoreVal:
		q = `UPDATE prompt_candidates SET val_score = $2, val_n = $3 WHERE id = $1`
	case ScoreTest:
		q = `UPDATE prompt_candidates SET test_score = $2 WHERE id = $1 AND $3 >= 0`
	default:
		return fmt.Errorf("store: unknown candidate score %q", which)
	}
	_, err := s.pool.Exec(ctx, q, id, score, n)
	return classify(err, "set candidate score")
}

// EvalResultsFor returns a run's results for one candidate on the given questions, by question id.
func (s *Store) EvalResultsFor(ctx context.Context, runID, candidateID, snapshotID int64, nlqIDs []int64) ([]EvalResult, error) {
	rows, err := s.pool.Query(ctx, evalResultSelect+`
		WHERE r.run_id = $1 AND r.candidate_id = $2 AND r.nlq_id = ANY($4) ORDER BY r.nlq_id`, runID, candidateID, snapshotID, nlqIDs)
	if err != nil {
		return nil, classify(err, "eval results")
	}
	return collectEvalResults(rows, runID)
}

// evalResultSelect reads results with their question and gold SQL from snapshot $3.
const evalResultSelect = `SELECT r.candidate_id, r.nlq_id, r.split, coalesce(p.question, ''), r.database_name, r.hardness,
		coalesce(p.sql, ''), r.sql, r.correct, r.reason, r.error, r.diff, r.judge, r.judge_reason, r.prompt_tokens, r.completion_tokens,
		r.suite_correct
	FROM eval_results r LEFT JOIN snapshot_pairs p ON p.snapshot_id = $3 AND p.nlq_id = r.nlq_id `

func collectEvalResults(rows pgx.Rows, runID int64) ([]EvalResult, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (EvalResult, error) {
		r := EvalResult{RunID: runID}
		err := row.Scan(&r.CandidateID, &r.NLQID, &r.Split, &r.Question, &r.DatabaseName, &r.Hardness, &r.GoldSQL, &r.SQL, &r.Correct,
			&r.Reason, &r.Error, &r.Diff, &r.Judge, &r.JudgeReason, &r.PromptTokens, &r.CompletionTokens, &r.SuiteCorrect)
		return r, err
	})
	return out, classify(err, "eval results")
}

// AcceptVerifiedImports accepts the project's new questions (of one database, or all for 0) whose
// imported gold SQL was verified by execution when it was imported (a benchmark's gold, translated
// and matched), with that SQL as gold, so a lead can cut a snapshot of an existing gold set without
// annotating it again. A question with annotation or review work open is left to it. Each question
// gets its own audit entry ("verified import"); the count is returned.
func (s *Store) AcceptVerifiedImports(ctx context.Context, a Actor, projectID, databaseID int64) (int, error) {
	var n int
	err := s.inTx(ctx, "accept verified imports", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `WITH pick AS (
				SELECT n.id, c.id AS gold FROM nlqs n
				JOIN LATERAL (SELECT id FROM sql_candidates c WHERE c.nlq_id = n.id AND c.source = 'import'
					AND c.verification->>'match' = 'true' ORDER BY c.id DESC LIMIT 1) c ON true
				WHERE n.project_id = $1 AND n.status = 'new' AND ($2 = 0 OR n.database_id = $2)
					AND NOT EXISTS (SELECT 1 FROM annotation_items i WHERE i.nlq_id = n.id AND i.status IN ('pending', 'claimed'))
					AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.nlq_id = n.id AND r.status <> 'resolved')
				FOR UPDATE OF n),
			accepted AS (
				UPDATE nlqs n SET status = 'accepted', gold_candidate_id = pick.gold, version = n.version + 1
				FROM pick WHERE n.id = pick.id RETURNING n.id, pick.gold),
			audited AS (
				INSERT INTO audit_log (actor_id, action, object_type, object_id, project_id, before, after, request_id)
				SELECT $3, 'nlq.status', 'nlq', id::text, $1, '{"status": "new"}',
					jsonb_build_object('status', 'accepted', 'gold_candidate_id', gold, 'why', 'verified import'), $4
				FROM accepted RETURNING 1)
			SELECT count(*) FROM audited`, projectID, databaseID, a.id(), a.RequestID).Scan(&n)
	})
	return n, err
}
