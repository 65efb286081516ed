package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// MetricInput is one question as the metrics read it: its text and the SQL that stands for it (the
// accepted gold, else its best candidate that ran: a person's, then imported, then the agent's, then
// generated; newest first within each).
type MetricInput struct {
	NLQID       int64  `json:"nlq_id"`
	DatabaseID  *int64 `json:"database_id"`
	Stage       string `json:"stage"`
	Question    string `json:"question"`
	CandidateID *int64 `json:"candidate_id"`
	SQL         string `json:"sql"`
	OriginalSQL string `json:"original_sql,omitempty"` // the SQLite SQL was translated from, for imported gold
}

// MetricInputs returns the project's questions (of one stage, or all with stage ""), rejected ones
// left out, in stage order (each stage's first question), then by id.
func (s *Store) MetricInputs(ctx context.Context, projectID int64, stage string) ([]MetricInput, error) {
	rows, err := s.pool.Query(ctx, `
		WITH stages AS (SELECT stage, min(id) AS first FROM nlqs WHERE project_id = $1 GROUP BY stage)
		SELECT n.id, n.database_id, n.stage, n.question, c.id, coalesce(c.sql, ''), coalesce(c.original_sql, '')
		FROM nlqs n JOIN stages s ON s.stage = n.stage
		LEFT JOIN LATERAL (
			(SELECT g.id, g.sql, g.original_sql FROM sql_candidates g WHERE g.id = n.gold_candidate_id)
			UNION ALL
			(SELECT b.id, b.sql, b.original_sql FROM sql_candidates b WHERE b.nlq_id = n.id AND b.error IS NULL
				ORDER BY CASE b.source WHEN 'human' THEN 0 WHEN 'import' THEN 1 WHEN 'agent' THEN 2 ELSE 3 END, b.id DESC LIMIT 1)
			LIMIT 1) c ON true
		WHERE n.project_id = $1 AND n.status <> 'rejected' AND ($2 = '' OR n.stage = $2)
		ORDER BY s.first, n.id`, projectID, stage)
	return collect(rows, err, "metric inputs", func(row pgx.CollectableRow) (MetricInput, error) {
		var in MetricInput
		err := row.Scan(&in.NLQID, &in.DatabaseID, &in.Stage, &in.Question, &in.CandidateID, &in.SQL, &in.OriginalSQL)
		return in, err
	})
}

// Metric run triggers.
const (
	MetricsManual   = "manual"   // a lead asked in the UI or API
	MetricsPipeline = "pipeline" // after a pipeline run finished
	MetricsCLI      = "cli"      // goldset metrics
)

// MetricRun is one computation of a project's metrics.
type MetricRun struct {
	ID            int64           `json:"id"`
	ProjectID     int64           `json:"project_id"`
	Status        string          `json:"status"`
	Trigger       string          `json:"trigger"`
	PipelineRunID *int64          `json:"pipeline_run_id"`
	Stage         *string         `json:"stage"`
	Embedding     string          `json:"embedding"`
	Params        json.RawMessage `json:"params" tstype:"{ stage?: string; embedding?: string } | null"`
	Error         string          `json:"error"`
	NLQs          int             `json:"nlqs"`
	InputsHash    string          `json:"inputs_hash"`
	StartedBy     *int64          `json:"started_by"`
	CreatedAt     time.Time       `json:"created_at"`
	FinishedAt    *time.Time      `json:"finished_at"`
	Results       []MetricResult  `json:"results,omitempty"`
}

// MetricResult is the report over one stage's questions, or over the dataset up to that stage
// (Cumulative), or over the whole project (Stage "").
type MetricResult struct {
	Position   int             `json:"position"`
	Stage      string          `json:"stage"`
	Cumulative bool            `json:"cumulative"`
	NLQs       int             `json:"nlqs"`
	Report     json.RawMessage `json:"report" tstype:"MetricReport"`
}

const metricRunColumns = `id, project_id, status, trigger, pipeline_run_id, stage, embedding, params, error, nlqs, inputs_hash,
	started_by, created_at, finished_at`

func metricRunFields(r *MetricRun) []any {
	return []any{&r.ID, &r.ProjectID, &r.Status, &r.Trigger, &r.PipelineRunID, &r.Stage, &r.Embedding, &r.Params, &r.Error,
		&r.NLQs, &r.InputsHash, &r.StartedBy, &r.CreatedAt, &r.FinishedAt}
}

// StartMetricRun records a computation that is beginning (status running).
func (s *Store) StartMetricRun(ctx context.Context, a Actor, r *MetricRun) error {
	if r.Params == nil {
		r.Params = json.RawMessage("{}")
	}
	got, err := scanRow(s.pool.QueryRow(ctx, `INSERT INTO metric_runs (project_id, trigger, pipeline_run_id, stage, params, started_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+metricRunColumns,
		r.ProjectID, r.Trigger, r.PipelineRunID, r.Stage, r.Params, a.id()), metricRunFields)
	if err != nil {
		return classify(err, "start metric run")
	}
	*r = got
	return nil
}

// FinishMetricRun stores a computation's results with exactly what it read, in one transaction.
func (s *Store) FinishMetricRun(ctx context.Context, runID int64, embedding, inputsHash string, inputs []MetricInput, results []MetricResult) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"metric_run_inputs"}, []string{"run_id", "nlq_id", "candidate_id"},
			pgx.CopyFromSlice(len(inputs), func(i int) ([]any, error) {
				return []any{runID, inputs[i].NLQID, inputs[i].CandidateID}, nil
			})); err != nil {
			return err
		}
		for _, r := range results {
			if _, err := tx.Exec(ctx, `INSERT INTO metric_results (run_id, position, stage, cumulative, nlqs, report)
				VALUES ($1, $2, $3, $4, $5, $6)`, runID, r.Position, r.Stage, r.Cumulative, r.NLQs, r.Report); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE metric_runs SET status = 'succeeded', embedding = $2, inputs_hash = $3, nlqs = $4, finished_at = now()
			WHERE id = $1`, runID, embedding, inputsHash, len(inputs))
		return err
	}), "finish metric run")
}

// FailMetricRun records why a computation failed.
func (s *Store) FailMetricRun(ctx context.Context, runID int64, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE metric_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, runID, reason)
	return classify(err, "fail metric run")
}

// ListMetricRuns returns a project's metric runs, newest first, without their results.
func (s *Store) ListMetricRuns(ctx context.Context, projectID int64, limit int) ([]MetricRun, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return queryAll(ctx, s.pool, "list metric runs", metricRunFields, `SELECT `+metricRunColumns+` FROM metric_runs WHERE project_id = $1
		ORDER BY id DESC LIMIT $2`, projectID, limit)
}

// MetricRunResults returns one run of the project with its results (id 0: the newest that succeeded).
func (s *Store) MetricRunResults(ctx context.Context, projectID, id int64) (MetricRun, error) {
	r, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+metricRunColumns+` FROM metric_runs
		WHERE project_id = $1 AND (id = $2 OR ($2 = 0 AND status = 'succeeded')) ORDER BY id DESC LIMIT 1`, projectID, id), metricRunFields)
	if err != nil && id == 0 {
		return r, classifyRow(err, "metric run", "no metrics computed for this project yet")
	}
	if err != nil {
		return r, classifyRow(err, "metric run", "no metric run %d in this project", id)
	}
	r.Results, err = queryAll(ctx, s.pool, "metric results", func(m *MetricResult) []any {
		return []any{&m.Position, &m.Stage, &m.Cumulative, &m.NLQs, &m.Report}
	}, `SELECT position, stage, cumulative, nlqs, report FROM metric_results WHERE run_id = $1 ORDER BY position, cumulative`, r.ID)
	return r, err
}

// MetricRunInputs returns what a run read, by question.
func (s *Store) MetricRunInputs(ctx context.Context, runID int64) (map[int64]*int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT nlq_id, candidate_id FROM metric_run_inputs WHERE run_id = $1`, runID)
	return collectMap(rows, err, "metric run inputs", map[int64]*int64{})
}

// AbandonMetricRuns marks a project's computations still running after age as failed: the process
// computing them stopped. It returns how many.
func (s *Store) AbandonMetricRuns(ctx context.Context, projectID int64, age time.Duration) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE metric_runs SET status = 'failed', error = 'the process computing it stopped', finished_at = now()
		WHERE project_id = $1 AND status = 'running' AND created_at < now() - make_interval(secs => $2)`, projectID, age.Seconds())
	return int(tag.RowsAffected()), classify(err, "abandon metric runs")
}
