package store

import (
	"context"
	"encoding/json"
	"time"
)

// Export records one file taken from a snapshot: who, when, which format and split, and the sha256
// of its bytes. Status is running while it streams, then done or failed.
type Export struct {
	ID         int64      `json:"id"`
	ProjectID  int64      `json:"project_id"`
	SnapshotID int64      `json:"snapshot_id"`
	Format     string     `json:"format"`
	Split      string     `json:"split"`
	Status     string     `json:"status"`
	Rows       int        `json:"rows"`
	Bytes      int64      `json:"bytes"`
	SHA256     string     `json:"sha256"`
	Error      string     `json:"error,omitempty"`
	CreatedBy  *int64     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// ErrorRate is the snapshot's estimated error rate when the export was written (JSON).
	ErrorRate json.RawMessage `json:"error_rate,omitempty" tstype:"ErrorRate"`
}

const exportColumns = `id, project_id, snapshot_id, format, split, status, rows, bytes, sha256, error, created_by, created_at, finished_at, error_rate`

func exportFields(e *Export) []any {
	return []any{&e.ID, &e.ProjectID, &e.SnapshotID, &e.Format, &e.Split, &e.Status, &e.Rows, &e.Bytes, &e.SHA256, &e.Error,
		&e.CreatedBy, &e.CreatedAt, &e.FinishedAt, &e.ErrorRate}
}

// StartExport records an export about to stream, as running; FinishExport closes it.
func (s *Store) StartExport(ctx context.Context, a Actor, e *Export) error {
	got, err := scanRow(s.pool.QueryRow(ctx, `INSERT INTO exports (project_id, snapshot_id, format, split, created_by, error_rate)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+exportColumns, e.ProjectID, e.SnapshotID, e.Format, e.Split, a.id(), e.ErrorRate),
		exportFields)
	if err != nil {
		return classify(err, "start export")
	}
	*e = got
	return nil
}

// FinishExport closes a running export with what was written: done when failure is "", else failed
// with that reason.
func (s *Store) FinishExport(ctx context.Context, e *Export, rows int, bytes int64, sha256, failure string) error {
	status := "done"
	if failure != "" {
		status = "failed"
	}
	got, err := scanRow(s.pool.QueryRow(ctx, `UPDATE exports SET status = $2, rows = $3, bytes = $4, sha256 = $5, error = $6,
		finished_at = now() WHERE id = $1 RETURNING `+exportColumns, e.ID, status, rows, bytes, sha256, failure), exportFields)
	if err != nil {
		return classify(err, "finish export")
	}
	*e = got
	return nil
}

// ListExports returns the project's exports, newest first, at most 1000.
func (s *Store) ListExports(ctx context.Context, projectID int64) ([]Export, error) {
	return queryAll(ctx, s.pool, "list exports", exportFields, `SELECT `+exportColumns+` FROM exports WHERE project_id = $1
		ORDER BY id DESC LIMIT 1000`, projectID)
}

// EachSnapshotPair calls fn with the snapshot's pairs of one split ("" for all), by question id, as
// they arrive from the server: memory stays constant however large the snapshot. The pair passed
// to fn is reused for the next row, so fn must not keep it. An error from fn stops the walk and is
// returned as is.
func (s *Store) EachSnapshotPair(ctx context.Context, snapshotID int64, split string, fn func(*SnapshotPair) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+snapshotPairColumns+` FROM snapshot_pairs WHERE snapshot_id = $1 AND ($2 = '' OR split = $2)
		ORDER BY nlq_id`, snapshotID, split)
	if err != nil {
		return classify(err, "snapshot pairs")
	}
	defer rows.Close()
	var p SnapshotPair
	for rows.Next() {
		p = SnapshotPair{}
		if err := rows.Scan(snapshotPairFields(&p)...); err != nil {
			return classify(err, "snapshot pairs")
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return classify(rows.Err(), "snapshot pairs")
}
