package sqlexec

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// deniedCalls are calls the guard must refuse wherever they stand: they run SQL given as text, read
// files, change settings, sleep, lock, reach other backends or look names up in the catalogs. The
// function's name is the call's first word, which spellings rewrites.
var deniedCalls = []string{
	"pg_sleep(1)", "pg_read_file('/etc/passwd')", "set_config('role', 'goldset', false)",
	"current_setting('data_directory')", "lo_import('/etc/passwd')",
	"query_to_xml('select * from public.users', true, true, '')", "pg_terminate_backend(1)",
	"pg_advisory_lock(1)", "txid_current()", "nextval('s')", "to_regclass('pg_authid')",
	"pg_ls_dir('.')", "dblink('host=x', 'select 1')", "version()", "pg_notify('c', 'p')",
	"ts_stat('select to_tsvector(email) from public.users')", "pg_stat_file('postmaster.pid')",
}

// spellings are the ways a function's name can be written in SQL and still name it: as is, in
// upper case, quoted, qualified by pg_catalog (quoted or not), Unicode-escaped, or split from its
// parentheses by a comment (PostgreSQL documentation, "Lexical Structure", 4.1.1).
var spellings = []func(name string) string{
	func(n string) string { return n },
	strings.ToUpper,
	func(n string) string { return `"` + n + `"` },
	func(n string) string { return "pg_catalog." + n },
	func(n string) string { return `"pg_catalog"."` + n + `"` },
	func(n string) string { return `U&"` + strings.ReplaceAll(n, "_", `\005f`) + `"` },
	func(n string) string { return n + " /* ( */ " },
}

// admittedQueries are real analytical queries the guard admits: the sample's Spider gold SQL (as its
// annotators wrote it) and the queries of the allow-list test.
func admittedQueries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../testdata/sample/spider/dev.json")
	if err != nil {
		t.Fatal(err)
	}
	var questions []struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(raw, &questions); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range questions {
		if Check(q.Query, "tdb_1") == nil {
			out = append(out, q.Query)
		}
	}
	out = append(out,
		"SELECT name, rank() OVER (PARTITION BY age ORDER BY id DESC ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) FROM singer",
		"WITH t AS (SELECT * FROM singer) SELECT coalesce(name, 'x'), CASE WHEN age > 1 THEN 'a' ELSE 'b' END FROM t",
		"SELECT * FROM singer AS s JOIN generate_series(1, 3) g ON g = s.id WHERE s.name IN (SELECT name FROM singer) AND s.age BETWEEN 1 AND 2",
		"SELECT age, count(*) FILTER (WHERE id > 1) FROM singer GROUP BY GROUPING SETS ((age), ()) HAVING count(*) > 0 ORDER BY 1 LIMIT 3 OFFSET 1",
		"SELECT x FROM singer, LATERAL (SELECT name || 'x' AS x) y WHERE EXISTS (SELECT 1 FROM singer z WHERE z.id = singer.id)",
		"SELECT array_length(ARRAY[1, 2], 1), '{\"a\": 1}'::jsonb -> 'a', name::text FROM singer UNION SELECT 1, NULL, 'x'",
	)
	if len(out) < 100 {
		t.Fatalf("only %d of the sample's queries are admitted", len(out))
	}
	return out
}

// valueSlots lists the places in m where a column reference or a constant stands — each a place a
// value expression may take — as setters that put another expression there.
func valueSlots(m protoreflect.Message) []func(*pg_query.Node) {
	var slots []func(*pg_query.Node)
	isValue := func(v protoreflect.Value) bool {
		n, ok := v.Message().Interface().(*pg_query.Node)
		return ok && (n.GetColumnRef() != nil || n.GetAConst() != nil)
	}
	RangeFields(m, func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				if isValue(l.Get(i)) {
					slots = append(slots, func(n *pg_query.Node) { l.Set(i, protoreflect.ValueOfMessage(n.ProtoReflect())) })
				} else {
					slots = append(slots, valueSlots(l.Get(i).Message())...)
				}
			}
		case fd.Message() != nil && !fd.IsMap():
			if isValue(v) {
				slots = append(slots, func(n *pg_query.Node) { m.Set(fd, protoreflect.ValueOfMessage(n.ProtoReflect())) })
			} else {
				slots = append(slots, valueSlots(v.Message())...)
			}
		}
		return true
	})
	return slots
}

// TestCheck_ADeniedCallAnywhereInAnAdmittedQueryIsRefused mutates real queries the guard admits: a
// denied call, in every spelling of its name, takes the place of each column reference and constant
// in turn (select lists, joins' conditions, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, subqueries,
// CTEs, window frames, function arguments), and the guard must refuse every result. A walker that
// skipped any part of the parse tree would let the call through there.
func TestCheck_ADeniedCallAnywhereInAnAdmittedQueryIsRefused(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	marker := "goldset_marker_fn"
	markerCall, err := pg_query.Parse("SELECT " + marker + "(1)")
	if err != nil {
		t.Fatal(err)
	}
	callNode := markerCall.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val
	mutants, places := 0, map[string]bool{}
	for _, q := range admittedQueries(t) {
		tree, err := pg_query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		for i := range valueSlots(tree.ProtoReflect()) {
			fresh, err := pg_query.Parse(q)
			if err != nil {
				t.Fatal(err)
			}
			valueSlots(fresh.ProtoReflect())[i](callNode)
			sql, err := pg_query.Deparse(fresh)
			if err != nil {
				continue // a place the deparser cannot print a call in (a type's modifier)
			}
			if _, err := pg_query.Parse(sql); err != nil {
				continue // printed without the parentheses it needs (ARRAY[…][i]): not SQL
			}
			call := deniedCalls[rng.IntN(len(deniedCalls))]
			name, args, _ := strings.Cut(call, "(")
			for _, spell := range spellings {
				mutant := strings.Replace(sql, marker+"(1)", spell(name)+"("+args, 1)
				if _, err := pg_query.Parse(mutant); err != nil {
					t.Fatalf("mutant does not parse: %v\n    %s", err, mutant)
				}
				mutants++
				if err := Check(mutant, "tdb_1"); !errors.Is(err, ErrRefused) {
					t.Errorf("admitted (%v):\n    %s", err, mutant)
				}
			}
			for _, field := range strings.Split(placeOf(fresh, marker), "/") {
				places[field] = true
			}
		}
	}
	// The mutants reached every clause a call can stand in, or the test proves less than it says.
	for _, want := range []string{"target_list", "where_clause", "having_clause", "group_clause", "grouping_set",
		"sort_clause", "limit_count", "limit_offset", "quals", "with_clause", "sub_link", "range_subselect",
		"range_function", "agg_filter", "over", "case_expr", "larg", "rarg"} {
		if !places[want] {
			t.Errorf("no mutant put the call in a %s", want)
		}
	}
	if mutants < 4000 {
		t.Errorf("only %d mutants", mutants)
	}
	t.Logf("%d mutants refused, the call put under %d kinds of parse-tree field", mutants, len(places))
}

// placeOf is the path of parse-tree field names from the statement to the call named marker
// ("stmts/stmt/select_stmt/target_list/res_target/val/func_call"), for the test's account of where
// its mutants put a call.
func placeOf(tree *pg_query.ParseResult, marker string) string {
	var path []string
	var found string
	var visit func(m protoreflect.Message) bool
	visit = func(m protoreflect.Message) bool {
		if fc, ok := m.Interface().(*pg_query.FuncCall); ok && slices.Contains(stringList(fc.GetFuncname()), marker) {
			found = strings.Join(path, "/")
			return false
		}
		more := true
		RangeFields(m, func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Message() == nil || fd.IsMap() {
				return true
			}
			path = append(path, string(fd.Name()))
			if fd.IsList() {
				for i := 0; i < v.List().Len() && more; i++ {
					more = visit(v.List().Get(i).Message())
				}
			} else {
				more = visit(v.Message())
			}
			path = path[:len(path)-1]
			return more
		})
		return more
	}
	visit(tree.ProtoReflect())
	return found
}

// TestSandbox_TheReaderMayRunEveryFunctionTheGuardAdmits: the guard's allow-list and what Harden
// takes from PUBLIC agree, so a query the guard admits never fails on a privilege the platform took
// away. Functions the parser names as keywords (EXTRACT, POSITION, COALESCE …) have no pg_proc row
// of that name and are not asked about.
func TestSandbox_TheReaderMayRunEveryFunctionTheGuardAdmits(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	var names []string
	for n := range allowedFunctions {
		names = append(names, n)
	}
	rows, err := s.admins.Query(context.Background(), `SELECT DISTINCT p.proname FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'pg_catalog' AND p.proname = ANY($1) AND NOT has_function_privilege($2, p.oid, 'EXECUTE')
		ORDER BY 1`, names, s.a.Reader)
	if err != nil {
		t.Fatal(err)
	}
	denied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(denied) > 0 {
		t.Errorf("the guard admits functions the reader may not run: %v", denied)
	}
	var known int
	if err := s.admins.QueryRow(context.Background(), `SELECT count(DISTINCT proname) FROM pg_proc WHERE proname = ANY($1)`, names).Scan(&known); err != nil || known < len(names)*3/4 {
		t.Errorf("only %d of the %d admitted names are functions in pg_proc (%v)", known, len(names), err)
	}
}

// TestCheck_AForbiddenTableAnywhereInAnAdmittedQueryIsRefused mutates the same queries: each table
// they read (in FROM, joins, subqueries, CTEs, set operations) becomes in turn a platform table, a
// system catalog (qualified or not), another target's table or another database's, and the guard
// must refuse every result.
func TestCheck_AForbiddenTableAnywhereInAnAdmittedQueryIsRefused(t *testing.T) {
	t.Parallel()
	forbidden := []struct{ Catalogname, Schemaname, Relname string }{
		{Schemaname: "public", Relname: "users"}, {Schemaname: "pg_catalog", Relname: "pg_authid"},
		{Relname: "pg_authid"}, {Relname: "pg_stat_activity"}, {Schemaname: "information_schema", Relname: "tables"},
		{Schemaname: "tdb_2", Relname: "singer"}, {Catalogname: "postgres", Schemaname: "tdb_1", Relname: "singer"},
		{Schemaname: "PUBLIC", Relname: "users"},
	}
	mutants := 0
	for _, q := range admittedQueries(t) {
		tree, err := pg_query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		for i := range len(tables(tree.ProtoReflect())) {
			for _, f := range forbidden {
				fresh, err := pg_query.Parse(q)
				if err != nil {
					t.Fatal(err)
				}
				rv := tables(fresh.ProtoReflect())[i]
				rv.Catalogname, rv.Schemaname, rv.Relname = f.Catalogname, f.Schemaname, f.Relname
				sql, err := pg_query.Deparse(fresh)
				if err != nil {
					t.Fatal(err)
				}
				mutants++
				if err := Check(sql, "tdb_1"); !errors.Is(err, ErrRefused) {
					t.Errorf("admitted (%v):\n    %s", err, sql)
				}
			}
		}
	}
	if mutants < 1000 {
		t.Errorf("only %d mutants", mutants)
	}
	t.Logf("%d mutants refused", mutants)
}

// tables lists the tables a parse tree reads, in the order a walk meets them.
func tables(m protoreflect.Message) []*pg_query.RangeVar {
	var out []*pg_query.RangeVar
	_ = walk(m, func(m protoreflect.Message) error {
		if rv, ok := m.Interface().(*pg_query.RangeVar); ok {
			out = append(out, rv)
		}
		return nil
	})
	return out
}
