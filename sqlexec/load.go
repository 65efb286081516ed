package sqlexec

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Target is where one target database lives: its schema and the role that may only read it.
type Target struct {
	Schema string `json:"schema"`
	Reader string `json:"reader"`
}

// TargetFor names the schema and reader role of the target database with id, in the PostgreSQL
// database named pgDatabase (the platform's, see CurrentDatabase). Schemas live inside one database,
// but roles belong to the whole cluster, so the role name carries a hash of the database name: two
// Goldset installations (or two test databases) in one cluster never share a reader. Both names are
// plain identifiers built from hex and digits, safe to put into SQL text.
func TargetFor(pgDatabase string, databaseID int64) Target {
	return Target{
		Schema: fmt.Sprintf("tdb_%d", databaseID),
		Reader: fmt.Sprintf("%stdb_%d_reader", readerPrefix(pgDatabase), databaseID),
	}
}

// CurrentDatabase is the name of the PostgreSQL database q is connected to, for TargetFor.
func CurrentDatabase(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (string, error) {
	var name string
	if err := q.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return "", fmt.Errorf("sqlexec: current database: %w", err)
	}
	return name, nil
}

// TableReport is what Load did with one table.
type TableReport struct {
	Name     string   `json:"name"`
	Rows     int64    `json:"rows"`
	Warnings []string `json:"warnings,omitempty"`
}

// LoadReport is what Load did.
type LoadReport struct {
	Tables   []TableReport `json:"tables"`
	Warnings []string      `json:"warnings,omitempty"`
}

// Rows is the total number of rows loaded.
func (r LoadReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Load creates the target's schema and reader role and every table, COPYs the rows, then adds the
// keys and grants SELECT to the reader, all inside tx: a failure anywhere leaves nothing behind.
// The reader is a login role (the sandbox connects as it) with no privilege but USAGE on the
// schema and SELECT on its tables; the platform's role is made a member of it, so the platform
// can stop its runaway queries (pg_terminate_backend).
//
// Keys are added after the data, each under a savepoint: a source whose declared primary or foreign
// key does not hold for its own data (SQLite does not enforce them) still imports, with a warning
// that the key is not enforced; the key stays in the table's metadata for people and the agent.
func Load(ctx context.Context, tx pgx.Tx, t Target, tables []*TableData) (LoadReport, error) {
	schema := pgx.Identifier{t.Schema}.Sanitize()
	reader := pgx.Identifier{t.Reader}.Sanitize()
	secret, err := readSecret(ctx, tx)
	if err != nil {
		return LoadReport{}, err
	}
	for _, q := range []string{"CREATE SCHEMA " + schema, "REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC"} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return LoadReport{}, fmt.Errorf("sqlexec: load %s: %s: %w", t.Schema, q, err)
		}
	}
	var rep LoadReport
	warning, err := makeReader(ctx, tx, t.Reader, secret, true)
	if err != nil {
		return LoadReport{}, fmt.Errorf("sqlexec: load %s: make its reader: %w", t.Schema, err)
	}
	if warning != "" {
		// Without it, work_mem and the statement timeout still bound a reader's queries.
		rep.Warnings = append(rep.Warnings, warning)
	}
	if _, err := tx.Exec(ctx, "GRANT USAGE ON SCHEMA "+schema+" TO "+reader); err != nil {
		return LoadReport{}, fmt.Errorf("sqlexec: load %s: grant usage: %w", t.Schema, err)
	}
	for _, td := range tables {
		tr, err := loadTable(ctx, tx, t.Schema, td)
		if err != nil {
			return LoadReport{}, err
		}
		rep.Tables = append(rep.Tables, tr)
	}
	// Every primary key before any foreign key: a foreign key needs the key it references.
	for i, td := range tables {
		rep.Tables[i].Warnings = append(rep.Tables[i].Warnings, addPrimaryKey(ctx, tx, t.Schema, td.Def)...)
	}
	for i, td := range tables {
		rep.Tables[i].Warnings = append(rep.Tables[i].Warnings, addForeignKeys(ctx, tx, t.Schema, td.Def)...)
	}
	if _, err := tx.Exec(ctx, "GRANT SELECT ON ALL TABLES IN SCHEMA "+schema+" TO "+reader); err != nil {
		return LoadReport{}, fmt.Errorf("sqlexec: grant on %s: %w", t.Schema, err)
	}
	for _, td := range tables {
		if _, err := tx.Exec(ctx, "ANALYZE "+pgx.Identifier{t.Schema, td.Def.Name}.Sanitize()); err != nil {
			return LoadReport{}, fmt.Errorf("sqlexec: analyze %s: %w", td.Def.Name, err)
		}
	}
	return rep, nil
}

func loadTable(ctx context.Context, tx pgx.Tx, schema string, td *TableData) (TableReport, error) {
	def := td.Def
	if len(def.Columns) == 0 {
		return TableReport{}, fmt.Errorf("sqlexec: table %s has no columns", def.Name)
	}
	cols := make([]string, len(def.Columns))
	names := make([]string, len(def.Columns))
	for i, c := range def.Columns {
		cols[i] = pgx.Identifier{c.Name}.Sanitize() + " " + string(c.Type)
		if c.Type == TypeText {
			// Byte order, whatever the server's locale: the same order SQLite (and so Spider's gold
			// results) use, and the same on every installation.
			cols[i] += ` COLLATE "C"`
		}
		names[i] = c.Name
	}
	ident := pgx.Identifier{schema, def.Name}
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", ident.Sanitize(), strings.Join(cols, ", "))); err != nil {
		return TableReport{}, fmt.Errorf("sqlexec: create table %s: %w", def.Name, err)
	}
	if def.Original != "" && def.Original != def.Name {
		if _, err := tx.Exec(ctx, fmt.Sprintf("COMMENT ON TABLE %s IS %s", ident.Sanitize(), quoteLiteral(def.Original))); err != nil {
			return TableReport{}, fmt.Errorf("sqlexec: comment on %s: %w", def.Name, err)
		}
	}
	src := &copySource{rows: td.Rows, types: def.Columns}
	n, err := tx.CopyFrom(ctx, ident, names, src)
	if err != nil {
		return TableReport{}, fmt.Errorf("sqlexec: copy into %s (row %d): %w", def.Name, src.i, err)
	}
	return TableReport{Name: def.Name, Rows: n, Warnings: td.Warnings}, nil
}

// copySource feeds COPY, converting decimal strings of numeric columns to pgtype.Numeric.
type copySource struct {
	rows  [][]any
	types []ColumnDef
	i     int
	err   error
	cur   []any
}

func (s *copySource) Next() bool {
	if s.i >= len(s.rows) {
		return false
	}
	row := s.rows[s.i]
	s.i++
	if len(row) != len(s.types) {
		s.err = fmt.Errorf("row %d has %d values for %d columns", s.i, len(row), len(s.types))
		return false
	}
	s.cur = row
	copied := false
	for j, c := range s.types {
		if c.Type != TypeNumeric {
			continue
		}
		var str string
		switch v := row[j].(type) {
		case string:
			str = v
		case float64:
			if math.IsInf(v, 0) || math.IsNaN(v) {
				s.err = fmt.Errorf("row %d column %s: %v does not fit numeric", s.i, c.Name, v)
				return false
			}
			str = strconv.FormatFloat(v, 'f', -1, 64) // the shortest digits that read back as v
		default:
			continue
		}
		n, err := parseDecimal(str)
		if err != nil {
			s.err = fmt.Errorf("row %d column %s: %q is not a number: %w", s.i, c.Name, str, err)
			return false
		}
		if !copied { // never change the caller's rows
			s.cur, copied = append([]any(nil), row...), true
		}
		s.cur[j] = n
	}
	return true
}

// parseDecimal reads a decimal number, with or without an exponent ("2.07e+08"), exactly.
func parseDecimal(str string) (pgtype.Numeric, error) {
	t := strings.TrimSpace(str)
	mant, expText, hasExp := strings.Cut(strings.ToLower(t), "e")
	exp := int64(0)
	if hasExp {
		var err error
		if exp, err = strconv.ParseInt(expText, 10, 32); err != nil {
			return pgtype.Numeric{}, err
		}
	}
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimLeft(mant, "+-")
	whole, frac, _ := strings.Cut(mant, ".")
	digits := whole + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return pgtype.Numeric{}, fmt.Errorf("not a decimal number")
	}
	i, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return pgtype.Numeric{}, fmt.Errorf("not a decimal number")
	}
	if neg {
		i.Neg(i)
	}
	e := exp - int64(len(frac))
	if e < math.MinInt32 || e > math.MaxInt32 {
		return pgtype.Numeric{}, fmt.Errorf("exponent out of range")
	}
	return pgtype.Numeric{Int: i, Exp: int32(e), Valid: true}, nil
}

func (s *copySource) Values() ([]any, error) { return s.cur, nil }
func (s *copySource) Err() error             { return s.err }

func addPrimaryKey(ctx context.Context, tx pgx.Tx, schema string, def TableDef) []string {
	if len(def.PrimaryKey) == 0 {
		return nil
	}
	q := fmt.Sprintf("ALTER TABLE %s ADD PRIMARY KEY (%s)", pgx.Identifier{schema, def.Name}.Sanitize(), identList(def.PrimaryKey))
	if err := withSavepoint(ctx, tx, q); err != nil {
		return []string{fmt.Sprintf("primary key (%s) is not enforced: the data breaks it (%s)", strings.Join(def.PrimaryKey, ", "), pgMessage(err))}
	}
	return nil
}

func addForeignKeys(ctx context.Context, tx pgx.Tx, schema string, def TableDef) []string {
	var warnings []string
	table := pgx.Identifier{schema, def.Name}.Sanitize()
	for _, fk := range def.ForeignKeys {
		q := fmt.Sprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (%s)", table, identList(fk.Columns),
			pgx.Identifier{schema, fk.RefTable}.Sanitize(), identList(fk.RefColumns))
		if err := withSavepoint(ctx, tx, q); err != nil {
			warnings = append(warnings, fmt.Sprintf("foreign key (%s) → %s(%s) is not enforced: %s",
				strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "), pgMessage(err)))
		}
	}
	return warnings
}

// withSavepoint runs q under a savepoint of tx, so a refusal leaves the transaction usable.
func withSavepoint(ctx context.Context, tx pgx.Tx, q string) error {
	// Begin on a transaction makes a savepoint; BeginFunc rolls back to it when q fails.
	return pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
		_, err := sp.Exec(ctx, q)
		return err
	})
}

func identList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{n}.Sanitize()
	}
	return strings.Join(out, ", ")
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
