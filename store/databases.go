package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/sqlexec"
)

// Database is one version of a target database: the data questions are asked about.
type Database struct {
	ID         int64           `json:"id"`
	ProjectID  int64           `json:"project_id"`
	Name       string          `json:"name"`
	Version    int             `json:"version"`
	Kind       string          `json:"kind"` // csv | sqlite
	Source     json.RawMessage `json:"source" tstype:"{ files?: string[] | null; hash?: string } | null"`
	SchemaName string          `json:"schema_name"`
	ReaderRole string          `json:"-"`
	SchemaHash string          `json:"schema_hash"`
	TableCount int             `json:"table_count"`
	RowCount   int64           `json:"row_count"`
	Report     json.RawMessage `json:"report" tstype:"{ tables?: TableReport[] | null } | null"`
	CreatedBy  *int64          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	Latest     bool            `json:"latest"`
}

// Target is where the database's tables live and the role that may read them: what the sandbox needs.
func (d Database) Target() sqlexec.Target {
	return sqlexec.Target{Schema: d.SchemaName, Reader: d.ReaderRole}
}

// DBTable is one table of a target database, with the metadata people and the agent read.
type DBTable struct {
	ID         int64           `json:"id"`
	DatabaseID int64           `json:"database_id"`
	Position   int             `json:"position"`
	Name       string          `json:"name"`
	Original   string          `json:"original"`
	Summary    string          `json:"summary"`
	RowCount   int64           `json:"row_count"`
	Columns    json.RawMessage `json:"columns" tstype:"DbColumn[] | null"`
	PrimaryKey []string        `json:"primary_key"`
	// ScanOrder: the columns whose order is the source's row order (see migration 00018).
	ScanOrder   []string        `json:"scan_order,omitempty"`
	ForeignKeys json.RawMessage `json:"foreign_keys" tstype:"ForeignKey[] | null"`
	Warnings    []string        `json:"warnings"`
}

// NextDatabaseID reserves the id of a database about to be imported; its schema is named after it.
func NextDatabaseID(ctx context.Context, tx pgx.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT nextval('databases_id_seq')").Scan(&id)
	return id, classify(err, "reserve database id")
}

// InsertDatabase records an imported database and its tables inside the import's transaction, so the
// registry and the loaded schema appear together or not at all. The version is the next one for
// (project, name).
func InsertDatabase(ctx context.Context, tx pgx.Tx, a Actor, d *Database, tables []DBTable) error {
	err := tx.QueryRow(ctx, `SELECT COALESCE(max(version), 0) + 1 FROM databases WHERE project_id = $1 AND name = $2`,
		d.ProjectID, d.Name).Scan(&d.Version)
	if err != nil {
		return classify(err, "database version")
	}
	if d.Source == nil {
		d.Source = json.RawMessage("{}")
	}
	if d.Report == nil {
		d.Report = json.RawMessage("{}")
	}
	err = tx.QueryRow(ctx, `INSERT INTO databases (id, project_id, name, version, kind, source, schema_name, reader_role,
			schema_hash, table_count, row_count, report, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING created_at`,
		d.ID, d.ProjectID, d.Name, d.Version, d.Kind, d.Source, d.SchemaName, d.ReaderRole,
		d.SchemaHash, d.TableCount, d.RowCount, d.Report, a.id()).Scan(&d.CreatedAt)
	if err != nil {
		return classify(err, "insert database")
	}
	for i := range tables {
		t := &tables[i]
		t.DatabaseID = d.ID
		if t.PrimaryKey == nil {
			t.PrimaryKey = []string{}
		}
		if t.Warnings == nil {
			t.Warnings = []string{}
		}
		if t.ForeignKeys == nil {
			t.ForeignKeys = json.RawMessage("[]")
		}
		if t.ScanOrder == nil {
			t.ScanOrder = []string{}
		}
		err := tx.QueryRow(ctx, `INSERT INTO db_tables (database_id, position, name, original, summary, row_count, columns,
				primary_key, foreign_keys, warnings, scan_order) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			d.ID, t.Position, t.Name, t.Original, t.Summary, t.RowCount, t.Columns, t.PrimaryKey, t.ForeignKeys, t.Warnings, t.ScanOrder).Scan(&t.ID)
		if err != nil {
			return classify(err, "insert table "+t.Name)
		}
	}
	after := map[string]any{"name": d.Name, "version": d.Version, "kind": d.Kind, "tables": d.TableCount, "rows": d.RowCount}
	return auditTx(ctx, tx, a, "database.import", "database", d.ID, &d.ProjectID, nil, after)
}

const databaseColumns = `d.id, d.project_id, d.name, d.version, d.kind, d.source, d.schema_name, d.reader_role, d.schema_hash,
	d.table_count, d.row_count, d.report, d.created_by, d.created_at,
	d.version = (SELECT max(version) FROM databases x WHERE x.project_id = d.project_id AND x.name = d.name) AS latest`

func databaseFields(d *Database) []any {
	return []any{&d.ID, &d.ProjectID, &d.Name, &d.Version, &d.Kind, &d.Source, &d.SchemaName, &d.ReaderRole, &d.SchemaHash,
		&d.TableCount, &d.RowCount, &d.Report, &d.CreatedBy, &d.CreatedAt, &d.Latest}
}

// ListDatabases returns a project's databases, latest version first within each name; with
// allVersions false only the latest version of each.
func (s *Store) ListDatabases(ctx context.Context, projectID int64, allVersions bool) ([]Database, error) {
	q := `SELECT ` + databaseColumns + ` FROM databases d WHERE d.project_id = $1`
	if !allVersions {
		q += ` AND d.version = (SELECT max(version) FROM databases x WHERE x.project_id = d.project_id AND x.name = d.name)`
	}
	return queryAll(ctx, s.pool, "list databases", databaseFields, q+` ORDER BY lower(d.name), d.version DESC`, projectID)
}

// Database returns one database version of a project.
func (s *Store) Database(ctx context.Context, projectID, id int64) (Database, error) {
	d, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+databaseColumns+` FROM databases d WHERE d.project_id = $1 AND d.id = $2`, projectID, id),
		databaseFields)
	return d, classifyRow(err, "get database", "no database %d in this project", id)
}

// DatabaseByName returns the latest version of a project's database called name.
func (s *Store) DatabaseByName(ctx context.Context, projectID int64, name string) (Database, error) {
	d, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+databaseColumns+` FROM databases d
		WHERE d.project_id = $1 AND lower(d.name) = lower($2) ORDER BY d.version DESC LIMIT 1`, projectID, name), databaseFields)
	return d, classifyRow(err, "get database by name", "no database named %q in this project", name)
}

// Tables returns a database's tables in import order.
func (s *Store) Tables(ctx context.Context, databaseID int64) ([]DBTable, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, database_id, position, name, original, summary, row_count, columns,
		primary_key, foreign_keys, warnings, scan_order FROM db_tables WHERE database_id = $1 ORDER BY position`, databaseID)
	return collect(rows, err, "list tables", func(row pgx.CollectableRow) (DBTable, error) {
		var t DBTable
		err := row.Scan(&t.ID, &t.DatabaseID, &t.Position, &t.Name, &t.Original, &t.Summary, &t.RowCount, &t.Columns,
			&t.PrimaryKey, &t.ForeignKeys, &t.Warnings, &t.ScanOrder)
		return t, err
	})
}

// validTableName: a lower-case identifier PostgreSQL needs no quotes for.
var validTableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// TablePatch changes a table's name or summary; nil fields stay.
type TablePatch struct {
	Name    *string
	Summary *string
}

// UpdateTable renames a table of a target database (in its schema and in the registry) and/or sets
// its summary, in one transaction.
func (s *Store) UpdateTable(ctx context.Context, a Actor, d Database, table string, p TablePatch) (DBTable, error) {
	v := Validator{}
	if p.Name != nil {
		v.Check(validTableName.MatchString(*p.Name), "name", "must be a lower-case identifier: letters, digits and _, not starting with a digit, at most 63 characters")
	}
	if p.Summary != nil {
		v.Check(utf8.RuneCountInString(*p.Summary) <= 1000, "summary", "must be at most 1000 characters")
	}
	if err := v.Err(); err != nil {
		return DBTable{}, err
	}
	var before DBTable
	if err := s.withTx(ctx, "update table", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, name, summary FROM db_tables WHERE database_id = $1 AND name = $2 FOR UPDATE`, d.ID, table).
			Scan(&before.ID, &before.Name, &before.Summary)
		if err != nil {
			return classifyRow(err, "update table", "no table %q in database %s", table, d.Name)
		}
		after := before
		if p.Name != nil && *p.Name != before.Name {
			// SQL already written against this version names the table; renaming would break it silently.
			var written int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM sql_candidates c JOIN nlqs n ON n.id = c.nlq_id WHERE n.database_id = $1`, d.ID).Scan(&written); err != nil {
				return classify(err, "update table")
			}
			if written > 0 {
				return &ConflictError{Msg: fmt.Sprintf("%d SQL queries were already written against database %s; renaming %s would break them. Rename tables before writing questions, or re-import under the new name", written, d.Name, before.Name)}
			}
			var taken bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM db_tables WHERE database_id = $1 AND name = $2)`, d.ID, *p.Name).Scan(&taken); err != nil {
				return classify(err, "update table")
			}
			if taken {
				return &ConflictError{Msg: fmt.Sprintf("database %s already has a table named %s", d.Name, *p.Name)}
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s RENAME TO %s",
				pgx.Identifier{d.SchemaName, before.Name}.Sanitize(), pgx.Identifier{*p.Name}.Sanitize())); err != nil {
				return classify(err, "rename table")
			}
			after.Name = *p.Name
		}
		if p.Summary != nil {
			after.Summary = strings.TrimSpace(*p.Summary)
		}
		if _, err := tx.Exec(ctx, `UPDATE db_tables SET name = $2, summary = $3 WHERE id = $1`, before.ID, after.Name, after.Summary); err != nil {
			return classify(err, "update table")
		}
		return auditTx(ctx, tx, a, "table.update", "db_table", before.ID, &d.ProjectID,
			map[string]any{"name": before.Name, "summary": before.Summary}, map[string]any{"name": after.Name, "summary": after.Summary})
	}); err != nil {
		return DBTable{}, err
	}
	ts, err := s.Tables(ctx, d.ID)
	if err != nil {
		return DBTable{}, err
	}
	for _, t := range ts {
		if t.ID == before.ID {
			return t, nil
		}
	}
	return DBTable{}, ErrNotFound
}
