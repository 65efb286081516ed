package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AgentRun is one agent trajectory.
type AgentRun struct {
	ID               int64           `json:"id"`
	ProjectID        int64           `json:"project_id"`
	DatabaseID       int64           `json:"database_id"`
	NLQID            *int64          `json:"nlq_id"`
	PipelineRunID    *int64          `json:"pipeline_run_id"`
	Question         string          `json:"question"`
	Status           string          `json:"status" tstype:"AgentRunStatus"` // running, answered, budget, loop, error, cancelled
	StopDetail       string          `json:"stop_detail"`
	SQL              string          `json:"sql"`
	Explanation      string          `json:"explanation"`
	Warnings         json.RawMessage `json:"warnings" tstype:"RuleWarning[] | null"`
	Confidence       *float64        `json:"confidence"`
	Samples          int             `json:"samples"`
	PromptVersion    string          `json:"prompt_version"`
	GuidelineVersion *int            `json:"guideline_version"`
	Model            string          `json:"model"`
	PromptTokens     int             `json:"prompt_tokens"`
	CompletionTokens int             `json:"completion_tokens"`
	StartedBy        *int64          `json:"started_by"`
	StartedAt        time.Time       `json:"started_at"`
	FinishedAt       *time.Time      `json:"finished_at"`
	// Retrieval is what the prompt showed of the schema (null while the run prepares its prompt).
	Retrieval *PromptTables `json:"retrieval"`
	Steps     []AgentStep   `json:"steps,omitempty"`
}

// AgentStep is one step of a trajectory: a model turn or a tool call with its result.
type AgentStep struct {
	Sample           int             `json:"sample"`
	Index            int             `json:"index"`
	Kind             string          `json:"kind"`
	Content          string          `json:"content"`
	Tool             string          `json:"tool"`
	Args             json.RawMessage `json:"args" tstype:"Record<string, unknown> | null"`
	Result           string          `json:"result"`
	SQL              string          `json:"sql"`
	SQLResult        json.RawMessage `json:"sql_result" tstype:"ResultPreview | null"`
	PromptTokens     int             `json:"prompt_tokens"`
	CompletionTokens int             `json:"completion_tokens"`
	LatencyMS        float64         `json:"latency_ms"`
	Error            string          `json:"error"`
	At               time.Time       `json:"at"`
}

// CreateAgentRun starts a trajectory record.
func (s *Store) CreateAgentRun(ctx context.Context, a Actor, r *AgentRun) error {
	if r.Samples == 0 {
		r.Samples = 1
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO agent_runs (project_id, database_id, nlq_id, pipeline_run_id, question, samples,
			prompt_version, guideline_version, model, started_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, status, started_at`,
		r.ProjectID, r.DatabaseID, r.NLQID, r.PipelineRunID, r.Question, r.Samples, r.PromptVersion, r.GuidelineVersion, r.Model, a.id()).
		Scan(&r.ID, &r.Status, &r.StartedAt)
	return classify(err, "create agent run")
}

// AddAgentStep persists a step as it happens.
func (s *Store) AddAgentStep(ctx context.Context, runID int64, st AgentStep) error {
	_, err := s.pool.Exec(context.WithoutCancel(ctx), `INSERT INTO agent_steps (run_id, sample, idx, kind, content, tool, args, result, sql,
			sql_result, prompt_tokens, completion_tokens, latency_ms, error)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
		ON CONFLICT (run_id, sample, idx) DO NOTHING`,
		runID, st.Sample, st.Index, st.Kind, st.Content, st.Tool, nullJSON(st.Args), st.Result, st.SQL, nullJSON(st.SQLResult),
		st.PromptTokens, st.CompletionTokens, st.LatencyMS, st.Error)
	return classify(err, "add agent step")
}

// FinishAgentRun records how a trajectory ended, with what its prompt showed (r.Retrieval) in the
// same write: a reader that sees the run finished sees that too.
func (s *Store) FinishAgentRun(ctx context.Context, r *AgentRun) error {
	if r.Warnings == nil {
		r.Warnings = json.RawMessage("[]")
	}
	err := s.pool.QueryRow(context.WithoutCancel(ctx), `UPDATE agent_runs SET status = $2, stop_detail = $3, sql = $4, explanation = $5,
			warnings = $6, confidence = $7, prompt_tokens = $8, completion_tokens = $9, retrieval = $10, finished_at = now()
		WHERE id = $1 RETURNING finished_at`,
		r.ID, r.Status, r.StopDetail, r.SQL, r.Explanation, r.Warnings, r.Confidence, r.PromptTokens, r.CompletionTokens, r.Retrieval).Scan(&r.FinishedAt)
	return classify(err, "finish agent run")
}

const agentRunColumns = `id, project_id, database_id, nlq_id, pipeline_run_id, question, status, stop_detail, sql, explanation, warnings,
	confidence, samples, prompt_version, guideline_version, model, prompt_tokens, completion_tokens, started_by, started_at, finished_at, retrieval`

func agentRunFields(r *AgentRun) []any {
	return []any{&r.ID, &r.ProjectID, &r.DatabaseID, &r.NLQID, &r.PipelineRunID, &r.Question, &r.Status, &r.StopDetail, &r.SQL,
		&r.Explanation, &r.Warnings, &r.Confidence, &r.Samples, &r.PromptVersion, &r.GuidelineVersion, &r.Model, &r.PromptTokens,
		&r.CompletionTokens, &r.StartedBy, &r.StartedAt, &r.FinishedAt, &r.Retrieval}
}

// AgentRunWithSteps returns a trajectory with its steps in order.
func (s *Store) AgentRunWithSteps(ctx context.Context, projectID, id int64) (AgentRun, error) {
	r, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+agentRunColumns+` FROM agent_runs WHERE project_id = $1 AND id = $2`, projectID, id),
		agentRunFields)
	if err != nil {
		return AgentRun{}, classifyRow(err, "get agent run", "no agent run %d in this project", id)
	}
	r.Steps, err = queryAll(ctx, s.pool, "agent steps", agentStepFields, `SELECT sample, idx, kind, content, tool, args, result, sql,
		sql_result, prompt_tokens, completion_tokens, latency_ms, error, at FROM agent_steps WHERE run_id = $1 ORDER BY sample, idx`, id)
	if err != nil {
		return AgentRun{}, err
	}
	return r, nil
}

func agentStepFields(st *AgentStep) []any {
	return []any{&st.Sample, &st.Index, &st.Kind, &st.Content, &st.Tool, &st.Args, &st.Result, &st.SQL, &st.SQLResult,
		&st.PromptTokens, &st.CompletionTokens, &st.LatencyMS, &st.Error, &st.At}
}

// AgentRunQuery selects trajectories of a project, newest first.
type AgentRunQuery struct {
	ProjectID     int64
	PipelineRunID int64
	Status        string
	Before        int64
	Limit         int
}

// ListAgentRuns returns trajectories without their steps.
func (s *Store) ListAgentRuns(ctx context.Context, q AgentRunQuery) ([]AgentRun, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	return queryAll(ctx, s.pool, "list agent runs", agentRunFields, `SELECT `+agentRunColumns+` FROM agent_runs
		WHERE project_id = $1 AND ($2 = 0 OR pipeline_run_id = $2) AND ($3 = '' OR status = $3) AND ($4 = 0 OR id < $4)
		ORDER BY id DESC LIMIT $5`, q.ProjectID, q.PipelineRunID, q.Status, q.Before, q.Limit)
}

// AbandonAgentRuns ends trajectories that were left running by a process that died: those of a batch
// run (batch != nil), or tries started longer ago than olderThan. It returns how many it ended.
func (s *Store) AbandonAgentRuns(ctx context.Context, batch *int64, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE agent_runs SET status = 'cancelled', stop_detail = 'the process running it stopped',
		finished_at = now() WHERE status = 'running' AND (($1::bigint IS NOT NULL AND pipeline_run_id = $1)
		OR ($1::bigint IS NULL AND pipeline_run_id IS NULL AND started_at < now() - $2::interval))`,
		batch, fmt.Sprintf("%d seconds", int(olderThan.Seconds())))
	return tag.RowsAffected(), classify(err, "abandon agent runs")
}
