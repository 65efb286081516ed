-- +goose Up
-- People count runs per kind ("Evaluation #1", "Paraphrase #3"), not by the id all kinds share. The
-- next number of each (project, kind) is a counter row, updated in the transaction that creates the
-- run: two runs created at once queue on the row and get consecutive numbers.
ALTER TABLE pipeline_runs ADD COLUMN number integer;
UPDATE pipeline_runs r SET number = n.number
FROM (SELECT id, row_number() OVER (PARTITION BY project_id, kind ORDER BY id) AS number FROM pipeline_runs) n WHERE n.id = r.id;
ALTER TABLE pipeline_runs ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX pipeline_runs_number ON pipeline_runs (project_id, kind, number);

CREATE TABLE run_numbers (
    project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind       text NOT NULL,
    last       integer NOT NULL,
    PRIMARY KEY (project_id, kind)
);
INSERT INTO run_numbers (project_id, kind, last) SELECT project_id, kind, max(number) FROM pipeline_runs GROUP BY project_id, kind;

-- +goose Down
DROP TABLE run_numbers;
ALTER TABLE pipeline_runs DROP COLUMN number;
