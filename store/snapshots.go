package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// SnapshotSource selects the accepted pairs a snapshot may be cut from. Empty lists select all.
type SnapshotSource struct {
	Stages      []string
	DatabaseIDs []int64
	CreatedFrom *time.Time // questions created at or after
	CreatedTo   *time.Time // questions created before
	// ReviewStatus lists how the pairs came to be accepted: ReviewAgreed, ReviewReviewed, ReviewImported.
	ReviewStatus []string
}

// How an accepted pair came to be accepted, as the review_status filter names it. A pair accepted
// another way (set by hand in the database) is none of them.
const (
	// ReviewAgreed: its gold took part in a matching agent-versus-annotator comparison, and no
	// reviewer decided it.
	ReviewAgreed = "agreed"
	// ReviewReviewed: the newest review of the question accepted it (accept, accept_a, accept_b or edit).
	ReviewReviewed = "reviewed"
	// ReviewImported: its gold is the imported SQL, nobody annotated the question and no reviewer decided it.
	ReviewImported = "imported"
)

// ReviewStatuses lists the review statuses, in the order the API documents them.
var ReviewStatuses = []string{ReviewAgreed, ReviewReviewed, ReviewImported}

// SnapshotPair is one question with its gold SQL as a snapshot holds it.
type SnapshotPair struct {
	NLQID             int64  `json:"nlq_id"`
	CandidateID       int64  `json:"candidate_id"`
	Split             string `json:"split"`
	Stage             string `json:"stage"`
	Question          string `json:"question"`
	Evidence          string `json:"evidence,omitempty"`   // the question's external knowledge (BIRD)
	Difficulty        string `json:"difficulty,omitempty"` // its benchmark's label (BIRD)
	SQL               string `json:"sql"`
	OriginalSQL       string `json:"original_sql,omitempty"`
	DatabaseID        *int64 `json:"database_id"`
	DatabaseName      string `json:"database_name"`
	DatabaseVersion   *int   `json:"database_version"`
	SchemaHash        string `json:"schema_hash"`
	ResultFingerprint string `json:"result_fingerprint"`
	Hardness          string `json:"hardness"`
	GuidelineVersion  *int   `json:"guideline_version"`
	// AcceptedBy is how the pair was accepted: agreed, reviewed or imported (ReviewStatuses).
	AcceptedBy string `json:"accepted_by"`
	// Lineage is the question the pair descends from through generating pipelines (its own id when
	// it has no parent): pairs of one lineage are paraphrases or variants of each other.
	Lineage int64 `json:"-"`
}

// snapshotPairColumns are the stored pair's columns but accepted_by, which the files a snapshot is
// exported to and the evaluations do not carry.
const snapshotPairColumns = `nlq_id, candidate_id, split, stage, question, sql, original_sql, database_id, database_name,
	database_version, schema_hash, result_fingerprint, hardness, guideline_version, evidence, difficulty`

func snapshotPairFields(p *SnapshotPair) []any {
	return []any{&p.NLQID, &p.CandidateID, &p.Split, &p.Stage, &p.Question, &p.SQL, &p.OriginalSQL, &p.DatabaseID, &p.DatabaseName,
		&p.DatabaseVersion, &p.SchemaHash, &p.ResultFingerprint, &p.Hardness, &p.GuidelineVersion, &p.Evidence, &p.Difficulty}
}

// AcceptedPairs returns the project's accepted questions that have a gold candidate and match src,
// by question id, with the guideline version of the newest review or annotation of each (Split and
// Hardness are left for the caller).
func (s *Store) AcceptedPairs(ctx context.Context, projectID int64, src SnapshotSource) ([]SnapshotPair, error) {
	if src.Stages == nil {
		src.Stages = []string{}
	}
	if src.DatabaseIDs == nil {
		src.DatabaseIDs = []int64{}
	}
	if src.ReviewStatus == nil {
		src.ReviewStatus = []string{}
	}
	rows, err := s.pool.Query(ctx, `
		SELECT n.id, c.id, n.stage, n.question, c.sql, coalesce(c.original_sql, ''), n.database_id, coalesce(d.name, ''), d.version,
			coalesce(d.schema_hash, ''), coalesce(c.result_fingerprint, ''), g.version, coalesce(rs.status, ''), lin.root,
			n.evidence, n.difficulty
		FROM nlqs n JOIN sql_candidates c ON c.id = n.gold_candidate_id
		LEFT JOIN LATERAL (
			WITH RECURSIVE up(id, parent, depth) AS (
				SELECT n.id, n.parent_id, 0
				UNION ALL
				SELECT p.id, p.parent_id, up.depth + 1 FROM nlqs p JOIN up ON p.id = up.parent WHERE up.depth < 100)
			SELECT id AS root FROM up ORDER BY depth DESC LIMIT 1) lin ON true
		LEFT JOIN databases d ON d.id = n.database_id
		LEFT JOIN LATERAL (
			SELECT v.version FROM (
				(SELECT r.guideline_version AS version, r.created_at FROM reviews r JOIN review_items i ON i.id = r.review_item_id
					WHERE i.nlq_id = n.id AND r.guideline_version IS NOT NULL)
				UNION ALL
				(SELECT a.guideline_version, a.created_at FROM annotations a WHERE a.nlq_id = n.id AND a.guideline_version IS NOT NULL)
			) v ORDER BY v.created_at DESC LIMIT 1) g ON true
		LEFT JOIN LATERAL (
			SELECT CASE
				WHEN (SELECT r.decision IN ('accept', 'accept_a', 'accept_b', 'edit') FROM reviews r JOIN review_items i ON i.id = r.review_item_id
					WHERE i.nlq_id = n.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) THEN 'reviewed'
				WHEN EXISTS (SELECT 1 FROM comparisons m WHERE m.nlq_id = n.id AND m.match AND c.id IN (m.candidate_a, m.candidate_b)) THEN 'agreed'
				WHEN c.source = 'import' AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.nlq_id = n.id) THEN 'imported'
			END AS status) rs ON true
		WHERE n.project_id = $1 AND n.status = 'accepted'
			AND (cardinality($2::text[]) = 0 OR n.stage = ANY($2))
			AND (cardinality($3::bigint[]) = 0 OR n.database_id = ANY($3))
			AND ($4::timestamptz IS NULL OR n.created_at >= $4)
			AND ($5::timestamptz IS NULL OR n.created_at < $5)
			AND (cardinality($6::text[]) = 0 OR rs.status = ANY($6))
		ORDER BY n.id`, projectID, src.Stages, src.DatabaseIDs, src.CreatedFrom, src.CreatedTo, src.ReviewStatus)
	return collect(rows, err, "accepted pairs", func(row pgx.CollectableRow) (SnapshotPair, error) {
		var p SnapshotPair
		err := row.Scan(&p.NLQID, &p.CandidateID, &p.Stage, &p.Question, &p.SQL, &p.OriginalSQL, &p.DatabaseID, &p.DatabaseName,
			&p.DatabaseVersion, &p.SchemaHash, &p.ResultFingerprint, &p.GuidelineVersion, &p.AcceptedBy, &p.Lineage, &p.Evidence, &p.Difficulty)
		return p, err
	})
}

// LatestGuidelineVersion is the project's guideline version in force (0: none written yet).
func (s *Store) LatestGuidelineVersion(ctx context.Context, projectID int64) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM guidelines WHERE project_id = $1`, projectID).Scan(&v)
	return v, classify(err, "latest guideline version")
}

// Snapshot is an immutable golden set: its pairs are in snapshot_pairs.
type Snapshot struct {
	ID          int64           `json:"id"`
	ProjectID   int64           `json:"project_id"`
	Name        string          `json:"name"`
	Params      json.RawMessage `json:"params" tstype:"(SnapshotParams & { ratios?: SplitRatios }) | null"`
	ContentHash string          `json:"content_hash"`
	Pairs       int             `json:"pairs"`
	Manifest    json.RawMessage `json:"manifest" tstype:"Manifest"`
	CreatedBy   *int64          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
}

const snapshotColumns = `id, project_id, name, params, content_hash, pairs, manifest, created_by, created_at`

func snapshotFields(s *Snapshot) []any {
	return []any{&s.ID, &s.ProjectID, &s.Name, &s.Params, &s.ContentHash, &s.Pairs, &s.Manifest, &s.CreatedBy, &s.CreatedAt}
}

// CreateSnapshot stores a snapshot with its pairs, and the audit entry, in one transaction.
func (s *Store) CreateSnapshot(ctx context.Context, a Actor, snap *Snapshot, pairs []SnapshotPair) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		got, err := scanRow(tx.QueryRow(ctx, `INSERT INTO snapshots (project_id, name, params, content_hash, pairs, manifest, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+snapshotColumns,
			snap.ProjectID, snap.Name, snap.Params, snap.ContentHash, len(pairs), snap.Manifest, a.id()), snapshotFields)
		if err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"snapshot_pairs"}, []string{"snapshot_id", "nlq_id", "candidate_id", "split", "stage",
			"question", "sql", "original_sql", "database_id", "database_name", "database_version", "schema_hash", "result_fingerprint",
			"hardness", "guideline_version", "accepted_by", "evidence", "difficulty"},
			pgx.CopyFromSlice(len(pairs), func(i int) ([]any, error) {
				p := pairs[i]
				return []any{got.ID, p.NLQID, p.CandidateID, p.Split, p.Stage, p.Question, p.SQL, p.OriginalSQL, p.DatabaseID, p.DatabaseName,
					p.DatabaseVersion, p.SchemaHash, p.ResultFingerprint, p.Hardness, p.GuidelineVersion, p.AcceptedBy, p.Evidence, p.Difficulty}, nil
			})); err != nil {
			return err
		}
		*snap = got
		after := map[string]any{"name": got.Name, "pairs": got.Pairs, "content_hash": got.ContentHash, "params": got.Params}
		return auditTx(ctx, tx, a, "snapshot.create", "snapshot", got.ID, &got.ProjectID, nil, after)
	}), "create snapshot")
}

// ListSnapshots returns the project's snapshots with their manifests, newest first.
func (s *Store) ListSnapshots(ctx context.Context, projectID int64) ([]Snapshot, error) {
	return queryAll(ctx, s.pool, "list snapshots", snapshotFields, `SELECT `+snapshotColumns+` FROM snapshots WHERE project_id = $1
		ORDER BY id DESC`, projectID)
}

// GetSnapshot returns one snapshot of the project.
func (s *Store) GetSnapshot(ctx context.Context, projectID, id int64) (Snapshot, error) {
	snap, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+snapshotColumns+` FROM snapshots WHERE project_id = $1 AND id = $2`, projectID, id),
		snapshotFields)
	return snap, classifyRow(err, "snapshot", "no snapshot %d in this project", id)
}

// SnapshotPairs pages through a snapshot's pairs by question id: those after the given id, of one
// split ("" for all), at most limit (1..1000; 0 for all).
func (s *Store) SnapshotPairs(ctx context.Context, snapshotID int64, split string, after int64, limit int) ([]SnapshotPair, error) {
	if limit < 0 || limit > 1000 {
		limit = 1000
	}
	return queryAll(ctx, s.pool, "snapshot pairs", func(p *SnapshotPair) []any { return append(snapshotPairFields(p), &p.AcceptedBy) },
		`SELECT `+snapshotPairColumns+`, accepted_by FROM snapshot_pairs WHERE snapshot_id = $1 AND ($2 = '' OR split = $2) AND nlq_id > $3
		ORDER BY nlq_id LIMIT nullif($4, 0)`, snapshotID, split, after, limit)
}
