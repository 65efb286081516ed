package spider

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/sqlexec"
)

// TestReadSQLite_AnyValuesRoundTripThroughPostgreSQL generates SQLite tables whose columns hold
// what SQLite's dynamic typing allows (integers in text columns, text in integer columns, huge,
// tiny and infinite floats in DECIMAL columns, integers beyond 2^53 beside floats, blobs, NULLs),
// reads them, loads them into PostgreSQL, and checks that every value arrives: the same integer,
// the same double (in text columns: digits that read back as it, in the notation SQLite uses), other
// text equal to SQLite's CAST(x AS TEXT) — and that every widened column is a
// warning.
func TestReadSQLite_AnyValuesRoundTripThroughPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := newTestPG(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("generator seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>7))
	for round := range 8 {
		path, decls := writeRandomSQLite(t, rng)
		tables, err := ReadSQLite(ctx, path)
		if err != nil {
			t.Fatalf("round %d: read: %v", round, err)
		}
		target := sqlexec.TargetFor(pg.name, int64(round+1))
		if _, err := pg.load(ctx, target, tables); err != nil {
			t.Fatalf("round %d: load (declared %v): %v", round, decls, err)
		}
		lite, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		compareRoundTrip(t, ctx, lite, pg.admin, target.Schema, tables[0], decls)
		lite.Close()
	}
}

var randomDecls = []string{"INTEGER", "INT", "REAL", "DOUBLE", "DECIMAL(19,4)", "NUMERIC", "TEXT", "VARCHAR(20)", "BLOB", "", "BOOLEAN", "DATETIME"}

// writeRandomSQLite writes one table t(id, c0..c5) with random declared types and random values.
func writeRandomSQLite(t *testing.T, rng *rand.Rand) (string, []string) {
	ncol := 6
	decls := make([]string, ncol)
	cols := []string{"id INTEGER PRIMARY KEY"}
	for j := range decls {
		decls[j] = randomDecls[rng.IntN(len(randomDecls))]
		cols = append(cols, fmt.Sprintf("c%d %s", j, decls[j]))
	}
	stmts := []string{"CREATE TABLE t (" + strings.Join(cols, ", ") + ")"}
	for r := range 40 {
		vals := []string{strconv.Itoa(r + 1)}
		for j := range ncol {
			// Each column leans to one kind of value, with strays of every other kind.
			kind := (j + r*rng.IntN(2)*rng.IntN(3)) % 7
			vals = append(vals, randomSQLiteValue(rng, kind))
		}
		stmts = append(stmts, "INSERT INTO t VALUES ("+strings.Join(vals, ", ")+")")
	}
	return writeSQLite(t, stmts...), decls
}

func randomSQLiteValue(rng *rand.Rand, kind int) string {
	switch kind {
	case 0:
		return "NULL"
	case 1:
		return strconv.FormatInt(rng.Int64N(1<<62)-(1<<61), 10)
	case 2: // floats from tiny to huge, in exponent notation as SQL literals allow
		e := rng.IntN(600) - 300
		return strconv.FormatFloat((rng.Float64()*2-1)*math.Pow(10, float64(e)), 'e', -1, 64)
	case 3:
		return strconv.FormatFloat(rng.NormFloat64()*1e8, 'g', -1, 64)
	case 4:
		words := []string{"Alan Turing", "12", "3.5", "2017-12-18 08:54:38", "", " 7 ", "1e5", "ünï"}
		return "'" + words[rng.IntN(len(words))] + "'"
	case 5:
		b := make([]byte, 1+rng.IntN(6))
		for k := range b {
			b[k] = byte(rng.IntN(256))
		}
		return fmt.Sprintf("X'%x'", b)
	default:
		return []string{"1e999", "-1e999", "0.1", "9007199254740993", "1", "0"}[rng.IntN(6)]
	}
}

// compareRoundTrip checks every value of td's table in PostgreSQL against SQLite.
func compareRoundTrip(t *testing.T, ctx context.Context, lite *sql.DB, pg *pgxpool.Pool, schema string, td *sqlexec.TableData, decls []string) {
	t.Helper()
	for j, c := range td.Def.Columns[1:] {
		orig := fmt.Sprintf("c%d", j)
		liteRows, err := lite.QueryContext(ctx, fmt.Sprintf("SELECT id, +%s, CAST(%s AS TEXT), typeof(%s) FROM t ORDER BY id", orig, orig, orig))
		if err != nil {
			t.Fatal(err)
		}
		pgRows, err := pg.Query(ctx, fmt.Sprintf("SELECT id, %s::text FROM %s.t ORDER BY id", c.Name, schema))
		if err != nil {
			t.Fatal(err)
		}
		widened := false
		for _, w := range td.Warnings {
			widened = widened || strings.HasPrefix(w, "column "+orig+":")
		}
		kinds := map[string]bool{}
		for liteRows.Next() {
			var id int64
			var v any
			var asText sql.NullString
			var typ string
			if err := liteRows.Scan(&id, &v, &asText, &typ); err != nil {
				t.Fatal(err)
			}
			kinds[typ] = true
			if !pgRows.Next() {
				t.Fatalf("%s: PostgreSQL has fewer rows", orig)
			}
			var pid int64
			var got *string
			if err := pgRows.Scan(&pid, &got); err != nil {
				t.Fatal(err)
			}
			if pid != id {
				t.Fatalf("%s: row %d arrived as %d", orig, id, pid)
			}
			if v == nil || got == nil {
				if (v == nil) != (got == nil) {
					t.Errorf("%s (declared %q, loaded %s) row %d: SQLite %v, PostgreSQL %v", orig, decls[j], c.Type, id, v, got)
				}
				continue
			}
			if !sameValue(c.Type, v, asText.String, *got) {
				t.Errorf("%s (declared %q, loaded %s) row %d: SQLite %T %v (as text %q), PostgreSQL %q", orig, decls[j], c.Type, id, v, v, asText.String, *got)
			}
		}
		liteRows.Close()
		pgRows.Close()
		delete(kinds, "null")
		if want := declaredType(decls[j]); len(kinds) > 1 && want != "" && want != sqlexec.TypeText && c.Type != want && !widened {
			t.Errorf("%s declared %q holds %v, loaded as %s without a warning", orig, decls[j], kinds, c.Type)
		}
	}
}

// sameValue says whether PostgreSQL's text of a value of type typ is SQLite's value v.
func sameValue(typ sqlexec.ColumnType, v any, liteText, pgText string) bool {
	switch typ {
	case sqlexec.TypeInteger:
		n, ok := v.(int64)
		return ok && strconv.FormatInt(n, 10) == pgText
	case sqlexec.TypeFloat, sqlexec.TypeNumeric:
		switch n := v.(type) {
		case int64:
			if typ == sqlexec.TypeNumeric {
				return strconv.FormatInt(n, 10) == pgText
			}
			f, err := strconv.ParseFloat(pgText, 64)
			return err == nil && f == float64(n)
		case float64:
			f, err := strconv.ParseFloat(strings.Replace(pgText, "Infinity", "Inf", 1), 64)
			return err == nil && f == n
		}
		return false
	default: // text: SQLite's own text of the value, blobs that are not UTF-8 as \x hex
		if b, ok := v.([]byte); ok && !utf8Valid(b) {
			return pgText == fmt.Sprintf(`\x%x`, b)
		}
		if f, ok := v.(float64); ok {
			g, err := strconv.ParseFloat(pgText, 64)
			return err == nil && g == f && !strings.Contains(liteText, "e") == !strings.Contains(pgText, "e")
		}
		return pgText == strings.ReplaceAll(liteText, "\x00", "")
	}
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }
