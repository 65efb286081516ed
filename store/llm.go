package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/llm"
)

// RecordCall logs one model call (llm.Recorder).
func (s *Store) RecordCall(ctx context.Context, c llm.Call) error {
	var project, run, user any
	if c.Meta.ProjectID != 0 {
		project = c.Meta.ProjectID
	}
	if c.Meta.RunID != 0 {
		run = c.Meta.RunID
	}
	if c.Meta.UserID != 0 {
		user = c.Meta.UserID
	}
	_, err := s.pool.Exec(context.WithoutCancel(ctx), `INSERT INTO llm_calls (purpose, model, project_id, run_kind, run_id, item_key, user_id,
			request, response, prompt_tokens, completion_tokens, latency_ms, attempts, cached, error, cost_usd)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		string(c.Meta.Purpose), c.Model, project, c.Meta.RunKind, run, c.Meta.ItemKey, user,
		nullJSON(c.Request), nullJSON(c.Response), c.PromptTokens, c.CompletionTokens,
		float64(c.Latency.Microseconds())/1000, c.Attempts, c.Cached, c.Error, c.CostUSD)
	return classify(err, "record llm call")
}

// GetResponse returns a cached model response (llm.Cache).
func (s *Store) GetResponse(ctx context.Context, key string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT response FROM llm_cache WHERE key = $1`, key).Scan(&b)
	ok, err := found(err, "llm cache get")
	return b, ok, err
}

// PutResponse caches a model response (llm.Cache); a second writer of the same key changes nothing.
func (s *Store) PutResponse(ctx context.Context, key, model string, response []byte) error {
	_, err := s.pool.Exec(context.WithoutCancel(ctx), `INSERT INTO llm_cache (key, model, response) VALUES ($1,$2,$3) ON CONFLICT (key) DO NOTHING`,
		key, model, response)
	return classify(err, "llm cache put")
}

// LLMSettings returns the admin's model settings (without the key) and their version; ok is false
// when an admin never saved any.
func (s *Store) LLMSettings(ctx context.Context) (set llm.Settings, version int, ok bool, err error) {
	var raw []byte
	err = s.pool.QueryRow(ctx, `SELECT settings, version FROM llm_settings WHERE id = 1`).Scan(&raw, &version)
	if ok, err = found(err, "llm settings"); !ok {
		return llm.Settings{}, 0, false, err
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return llm.Settings{}, 0, false, err
	}
	return set, version, true, nil
}

// SaveLLMSettings stores the model settings if they are still at version (0: none saved yet).
func (s *Store) SaveLLMSettings(ctx context.Context, a Actor, set llm.Settings, version int) (int, error) {
	set.APIKey = ""
	raw, err := json.Marshal(set)
	if err != nil {
		return 0, err
	}
	var current int
	err = s.withTx(ctx, "save llm settings", func(tx pgx.Tx) error {
		var before []byte
		err := tx.QueryRow(ctx, `SELECT settings, version FROM llm_settings WHERE id = 1 FOR UPDATE`).Scan(&before, &current)
		if _, err := found(err, "save llm settings"); err != nil {
			return err
		}
		if current != version {
			return &StaleVersionError{Object: "language model settings", Current: current}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO llm_settings (id, settings, version, updated_by, updated_at) VALUES (1, $1, 1, $2, now())
			ON CONFLICT (id) DO UPDATE SET settings = $1, version = llm_settings.version + 1, updated_by = $2, updated_at = now()`,
			raw, a.id()); err != nil {
			return classify(err, "save llm settings")
		}
		return auditTx(ctx, tx, a, "llm_settings.update", "llm_settings", 1, nil, nullJSON(before), json.RawMessage(raw))
	})
	if err != nil {
		return 0, err
	}
	return current + 1, nil
}

// LLMCall is a logged call as people read it.
type LLMCall struct {
	ID               int64           `json:"id"`
	At               time.Time       `json:"at"`
	Purpose          string          `json:"purpose"`
	Model            string          `json:"model"`
	RunKind          string          `json:"run_kind"`
	RunID            *int64          `json:"run_id"`
	ItemKey          string          `json:"item_key"`
	Request          json.RawMessage `json:"request,omitempty"`
	Response         json.RawMessage `json:"response,omitempty"`
	PromptTokens     int             `json:"prompt_tokens"`
	CompletionTokens int             `json:"completion_tokens"`
	LatencyMS        float64         `json:"latency_ms"`
	Attempts         int             `json:"attempts"`
	Cached           bool            `json:"cached"`
	Error            string          `json:"error"`
	CostUSD          float64         `json:"cost_usd"`
}

// CallQuery selects logged calls of a project, newest first.
type CallQuery struct {
	ProjectID  int64
	RunKind    string
	RunID      int64
	Before     int64
	Limit      int
	WithBodies bool // include request and response JSON
}

// LLMUsage totals calls.
type LLMUsage struct {
	Calls            int     `json:"calls"`
	CachedCalls      int     `json:"cached_calls"`
	FailedCalls      int     `json:"failed_calls"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
}

// ListLLMCalls returns logged calls and the totals over everything the query selects (not only the page).
func (s *Store) ListLLMCalls(ctx context.Context, q CallQuery) ([]LLMCall, LLMUsage, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	// Only the conditions asked for, so that a prepared (generic) plan still looks a run's calls up in
	// llm_calls_usage; the totals are read from that index alone (migration 00026).
	where, args := `project_id = $1`, []any{q.ProjectID}
	if q.RunKind != "" {
		args = append(args, q.RunKind)
		where += fmt.Sprintf(` AND run_kind = $%d`, len(args))
	}
	if q.RunID != 0 {
		args = append(args, q.RunID)
		where += fmt.Sprintf(` AND run_id = $%d`, len(args))
	}
	var u LLMUsage
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE cached), count(*) FILTER (WHERE error <> ''),
		COALESCE(sum(prompt_tokens), 0), COALESCE(sum(completion_tokens), 0), COALESCE(sum(cost_usd), 0)
		FROM llm_calls WHERE `+where, args...).
		Scan(&u.Calls, &u.CachedCalls, &u.FailedCalls, &u.PromptTokens, &u.CompletionTokens, &u.CostUSD)
	if err != nil {
		return nil, u, classify(err, "llm usage")
	}
	bodies := "NULL::jsonb, NULL::jsonb"
	if q.WithBodies {
		bodies = "request, response"
	}
	if q.Before != 0 {
		args = append(args, q.Before)
		where += fmt.Sprintf(` AND id < $%d`, len(args))
	}
	args = append(args, q.Limit)
	rows, err := s.pool.Query(ctx, `SELECT id, at, purpose, model, run_kind, run_id, item_key, `+bodies+`, prompt_tokens, completion_tokens,
		latency_ms, attempts, cached, error, cost_usd FROM llm_calls WHERE `+where+fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)),
		args...)
	if err != nil {
		return nil, u, classify(err, "list llm calls")
	}
	defer rows.Close()
	out := []LLMCall{}
	for rows.Next() {
		var c LLMCall
		if err := rows.Scan(&c.ID, &c.At, &c.Purpose, &c.Model, &c.RunKind, &c.RunID, &c.ItemKey, &c.Request, &c.Response,
			&c.PromptTokens, &c.CompletionTokens, &c.LatencyMS, &c.Attempts, &c.Cached, &c.Error, &c.CostUSD); err != nil {
			return nil, u, classify(err, "list llm calls")
		}
		out = append(out, c)
	}
	return out, u, classify(rows.Err(), "list llm calls")
}

// CallTotals sums the logged calls of one item of a run (itemKey "" for the whole run).
func (s *Store) CallTotals(ctx context.Context, runKind string, runID int64, itemKey string) (LLMUsage, error) {
	var u LLMUsage
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE cached), count(*) FILTER (WHERE error <> ''),
		COALESCE(sum(prompt_tokens), 0), COALESCE(sum(completion_tokens), 0), COALESCE(sum(cost_usd), 0)
		FROM llm_calls WHERE run_kind = $1 AND run_id = $2 AND ($3 = '' OR item_key = $3)`, runKind, runID, itemKey).
		Scan(&u.Calls, &u.CachedCalls, &u.FailedCalls, &u.PromptTokens, &u.CompletionTokens, &u.CostUSD)
	return u, classify(err, "llm call totals")
}
