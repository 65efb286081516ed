package store

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// The scopes of schema retrieval for questions that come with their own tables.
const (
	ScopeAuto     = "auto"     // WikiTableQuestions questions keep to their table; others search the database
	ScopeKnown    = "known"    // every question that names its tables keeps to them
	ScopeDatabase = "database" // the agent always searches the whole database (the known tables still come first)
)

// RetrievalSettings are a project's settings of schema retrieval (migration 00025).
type RetrievalSettings struct {
	TopK  int    `json:"top_k"` // tables the agent's prompt describes (foreign keys may add half as many)
	Scope string `json:"scope" tstype:"RetrievalScope"`
	// Version is 0 while the project keeps the defaults; a change must name the version it read.
	Version int `json:"version"`
}

// DefaultRetrieval are the settings of a project that saved none.
var DefaultRetrieval = RetrievalSettings{TopK: 8, Scope: ScopeAuto}

// RetrievalSettings reads a project's schema retrieval settings (the defaults when it saved none).
func (s *Store) RetrievalSettings(ctx context.Context, projectID int64) (RetrievalSettings, error) {
	r := DefaultRetrieval
	err := s.pool.QueryRow(ctx, `SELECT top_k, scope, version FROM project_retrieval WHERE project_id = $1`, projectID).
		Scan(&r.TopK, &r.Scope, &r.Version)
	_, err = found(err, "read retrieval settings")
	return r, err
}

// SetRetrievalSettings saves a project's schema retrieval settings; in.Version must be the version
// read (0 for the defaults), else *StaleVersionError.
func (s *Store) SetRetrievalSettings(ctx context.Context, a Actor, projectID int64, in RetrievalSettings) (RetrievalSettings, error) {
	v := Validator{}
	v.Check(in.TopK >= 1 && in.TopK <= 64, "top_k", "must be from 1 to 64")
	v.Check(in.Scope == ScopeAuto || in.Scope == ScopeKnown || in.Scope == ScopeDatabase, "scope", "must be auto, known or database")
	if err := v.Err(); err != nil {
		return RetrievalSettings{}, err
	}
	var after RetrievalSettings
	err := s.withTx(ctx, "save retrieval settings", func(tx pgx.Tx) error {
		before := DefaultRetrieval
		err := tx.QueryRow(ctx, `SELECT top_k, scope, version FROM project_retrieval WHERE project_id = $1 FOR UPDATE`, projectID).
			Scan(&before.TopK, &before.Scope, &before.Version)
		if _, err := found(err, "save retrieval settings"); err != nil {
			return err
		}
		if in.Version != before.Version {
			return &StaleVersionError{Object: "the project's retrieval settings", Current: before.Version}
		}
		after = RetrievalSettings{TopK: in.TopK, Scope: in.Scope, Version: before.Version + 1}
		// Two first saves race to the insert: the loser's conflict is a stale version.
		tag, err := tx.Exec(ctx, `INSERT INTO project_retrieval (project_id, top_k, scope, version, updated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (project_id) DO UPDATE SET top_k = $2, scope = $3, version = $4, updated_by = $5, updated_at = now()
			WHERE project_retrieval.version = $4 - 1`, projectID, after.TopK, after.Scope, after.Version, a.id())
		if err != nil {
			return classify(err, "save retrieval settings")
		}
		if tag.RowsAffected() != 1 {
			return &StaleVersionError{Object: "the project's retrieval settings", Current: after.Version}
		}
		return auditTx(ctx, tx, a, "project.retrieval", "project", projectID, &projectID, before, after)
	})
	if err != nil {
		return RetrievalSettings{}, err
	}
	return after, nil
}

// KnownTables are the tables a question came with, as its import recorded them in its origin
// ("table": a WikiTableQuestions context table; "tables": any importer's list), and whether the
// question is a WikiTableQuestions one.
func KnownTables(origin json.RawMessage) (tables []string, wtq bool) {
	var o struct {
		Kind   string   `json:"kind"`
		Table  string   `json:"table"`
		Tables []string `json:"tables"`
	}
	if len(origin) == 0 || json.Unmarshal(origin, &o) != nil {
		return nil, false
	}
	if o.Table != "" {
		tables = append(tables, o.Table)
	}
	tables = append(tables, o.Tables...)
	return tables, o.Kind == "wtq"
}

// ScopeOnly reports whether the agent keeps to a question's known tables under these settings.
func (r RetrievalSettings) ScopeOnly(known []string, wtq bool) bool {
	switch {
	case len(known) == 0:
		return false
	case r.Scope == ScopeKnown:
		return true
	case r.Scope == ScopeAuto:
		return wtq
	}
	return false
}

// PromptTables is what an agent run's prompt showed of its database (agent_runs.retrieval).
type PromptTables struct {
	// Method says how the tables were chosen: "all", "scope", "lexical" or "hybrid".
	Method string   `json:"method"`
	Tables []string `json:"tables"`           // the tables the prompt described, in schema order
	Known  []string `json:"known,omitempty"`  // of Tables, those the question came with
	Joined []string `json:"joined,omitempty"` // of Tables, those added along foreign keys
	// Total is how many tables the database has (0 in runs recorded before it was kept).
	Total int `json:"total,omitempty"`
	// FirstPromptTokens is the first request's prompt tokens as the endpoint reported them.
	FirstPromptTokens int `json:"first_prompt_tokens"`
}

// RetrievalCase is a question whose tables are known, by its import or by its gold SQL.
type RetrievalCase struct {
	NLQID      int64           `json:"nlq_id"`
	DatabaseID int64           `json:"database_id"`
	Question   string          `json:"question"`
	Origin     json.RawMessage `json:"origin"`
	// GoldSQL is the question's gold candidate's SQL, else its newest imported SQL that ran.
	GoldSQL string `json:"gold_sql"`
	// Retrieval is what an agent run's prompt showed (only for a batch's runs).
	Retrieval *PromptTables `json:"retrieval,omitempty"`
}

const goldSQLExpr = `COALESCE((SELECT c.sql FROM sql_candidates c WHERE c.id = n.gold_candidate_id),
	(SELECT c.sql FROM sql_candidates c WHERE c.nlq_id = n.id AND c.source = 'import' AND c.error IS NULL ORDER BY c.id DESC LIMIT 1), '')`

// RetrievalCases lists a project's questions (of one database when databaseID is not 0) that
// name their tables or have gold SQL.
func (s *Store) RetrievalCases(ctx context.Context, projectID, databaseID int64) ([]RetrievalCase, error) {
	rows, err := s.pool.Query(ctx, `SELECT * FROM (SELECT n.id, n.database_id, n.question, n.origin, `+goldSQLExpr+` AS gold
		FROM nlqs n WHERE n.project_id = $1 AND n.database_id IS NOT NULL AND ($2 = 0 OR n.database_id = $2)) q
		WHERE gold <> '' OR origin ? 'table' OR origin ? 'tables' ORDER BY id`, projectID, databaseID)
	return collect(rows, err, "list retrieval cases", func(r pgx.CollectableRow) (RetrievalCase, error) {
		var c RetrievalCase
		err := r.Scan(&c.NLQID, &c.DatabaseID, &c.Question, &c.Origin, &c.GoldSQL)
		return c, err
	})
}

// BatchRetrievalCases lists the agent runs of a batch that recorded their retrieval, with their
// question's origin and gold SQL.
func (s *Store) BatchRetrievalCases(ctx context.Context, batchID int64) ([]RetrievalCase, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.database_id, n.question, n.origin, `+goldSQLExpr+`, r.retrieval
		FROM agent_runs r JOIN nlqs n ON n.id = r.nlq_id
		WHERE r.pipeline_run_id = $1 AND r.retrieval IS NOT NULL ORDER BY r.id`, batchID)
	return collect(rows, err, "list batch retrieval", func(r pgx.CollectableRow) (RetrievalCase, error) {
		var c RetrievalCase
		err := r.Scan(&c.NLQID, &c.DatabaseID, &c.Question, &c.Origin, &c.GoldSQL, &c.Retrieval)
		return c, err
	})
}

// WideDatabases lists the latest version of each database with more than minTables tables, newest
// first, at most limit: those whose prompts need retrieval, whose indexes a starting server builds
// before the first question asks.
func (s *Store) WideDatabases(ctx context.Context, minTables, limit int) ([]Database, error) {
	return queryAll(ctx, s.pool, "list wide databases", databaseFields, `SELECT `+databaseColumns+` FROM databases d WHERE d.table_count > $1
		AND d.version = (SELECT max(version) FROM databases x WHERE x.project_id = d.project_id AND x.name = d.name)
		ORDER BY d.created_at DESC, d.id DESC LIMIT $2`, minTables, limit)
}
