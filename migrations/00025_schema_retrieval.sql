-- +goose Up
-- Schema retrieval (agent/retrieve). Per project: how many tables the agent's prompt describes
-- (top_k) and whether a question that comes with its own tables keeps the agent to them (scope:
-- 'auto' for WikiTableQuestions questions only, 'known' for every such question, 'database' never).
-- Per agent run: what the prompt showed (method, tables, known, joined, first_prompt_tokens), so a
-- batch's schema recall and prompt sizes can be read back. The index itself is not stored: it is
-- built in memory per database version (see docs/ARCHITECTURE.md, Schema retrieval).
CREATE TABLE project_retrieval (
    project_id bigint PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    top_k      integer NOT NULL DEFAULT 8 CHECK (top_k BETWEEN 1 AND 64),
    scope      text NOT NULL DEFAULT 'auto' CHECK (scope IN ('auto', 'known', 'database')),
    version    integer NOT NULL DEFAULT 1,
    updated_by bigint REFERENCES users(id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE agent_runs ADD COLUMN retrieval jsonb;

-- +goose Down
ALTER TABLE agent_runs DROP COLUMN retrieval;
DROP TABLE project_retrieval;
