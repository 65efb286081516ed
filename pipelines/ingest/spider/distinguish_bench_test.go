package spider

import (
	"context"
	"testing"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/goldset/goldset/sqlexec"
)

// BenchmarkDistinguishNearMisses: near misses of the Spider dev gold queries — an operator moved
// (< ↔ <=, > ↔ >=, = ↔ <>), DISTINCT added or removed, LIMIT one larger, an inner join made a left
// join, one AND-ed condition dropped — are compared with their gold by execution on the database
// (the single-database check) and, when that accepts them, on the database's neighbours
// (sqlexec.Distinguish). Reported: how many near misses the single check accepts, how many of those
// the neighbours catch, and the neighbours' cost per comparison. (A near miss may be truly
// equivalent — a left join along a foreign key — so "caught" is a lower bound of what is wrong.)
func BenchmarkDistinguishNearMisses(b *testing.B) {
	env := loadDev(b)
	ctx := context.Background()
	type pair struct {
		db               *loadedDB
		gold, miss, kind string
	}
	var pairs []pair
	for _, q := range env.ds.Questions {
		db := env.dbs[q.DBID]
		tr, err := sqlexec.TranslateSQLite(q.Query, db.schema)
		if err != nil {
			continue
		}
		for _, m := range nearMisses(tr.SQL) {
			pairs = append(pairs, pair{db, tr.SQL, m.sql, m.kind})
		}
	}
	if len(pairs) == 0 {
		b.Fatal("no near misses")
	}
	var accepted, caught int
	var spent time.Duration
	byKind := map[string][3]int{} // near misses, accepted, caught
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		accepted, caught, spent = 0, 0, 0
		byKind = map[string][3]int{}
		for _, p := range pairs {
			ordered, _ := sqlexec.HasTopLevelOrderBy(p.gold)
			opt := sqlexec.MatchOptions{OrderMatters: ordered}
			k := byKind[p.kind]
			k[0]++
			byKind[p.kind] = k
			if !sqlexec.Match(env.exec.Run(ctx, p.db.target, p.gold), env.exec.Run(ctx, p.db.target, p.miss), opt).Match {
				continue
			}
			accepted++
			k[1]++
			defs := make([]sqlexec.TableDef, len(p.db.tables))
			for j, td := range p.db.tables {
				defs[j] = td.Def
			}
			start := time.Now()
			if d := env.exec.Distinguish(ctx, p.db.target, defs, p.gold, p.miss, opt); !d.Same {
				caught++
				k[2]++
			}
			spent += time.Since(start)
			byKind[p.kind] = k
		}
	}
	for kind, k := range byKind {
		b.Logf("%-22s %4d near misses, %4d accepted by one database, %4d of those caught by the neighbours", kind, k[0], k[1], k[2])
	}
	b.ReportMetric(float64(len(pairs)), "near-misses")
	b.ReportMetric(float64(accepted), "accepted-by-one-db")
	b.ReportMetric(float64(caught), "caught-by-neighbours")
	if accepted > 0 {
		b.ReportMetric(100*float64(caught)/float64(accepted), "caught-%")
		b.ReportMetric(float64(spent.Milliseconds())/float64(accepted), "ms/comparison")
	}
}

// nearMiss is a mutant of a gold query and the kind of change that made it.
type nearMiss struct{ kind, sql string }

// nearMisses returns mutants of sql, each one change away from it.
func nearMisses(sql string) []nearMiss {
	tree, err := pg_query.Parse(sql)
	if err != nil || len(tree.Stmts) != 1 {
		return nil
	}
	var out []nearMiss
	kinds := []string{"operator", "DISTINCT toggled", "LIMIT + 1", "inner → left join", "a condition dropped"}
	swaps := map[string]string{"<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<>"}
	// Each kind of change, at each place it applies: k-th occurrence.
	for k := 0; k < 8; k++ {
		for ci, change := range []func(n *pg_query.Node) bool{
			func(n *pg_query.Node) bool { // operator
				x := n.GetAExpr()
				if x == nil || x.GetKind() != pg_query.A_Expr_Kind_AEXPR_OP || len(x.GetName()) != 1 {
					return false
				}
				to, ok := swaps[x.GetName()[0].GetString_().GetSval()]
				if ok {
					x.Name = []*pg_query.Node{pg_query.MakeStrNode(to)}
				}
				return ok
			},
			func(n *pg_query.Node) bool { // DISTINCT
				s := n.GetSelectStmt()
				if s == nil || s.GetOp() != pg_query.SetOperation_SETOP_NONE {
					return false
				}
				if len(s.DistinctClause) > 0 {
					s.DistinctClause = nil
				} else {
					s.DistinctClause = []*pg_query.Node{{}}
				}
				return true
			},
			func(n *pg_query.Node) bool { // LIMIT + 1
				s := n.GetSelectStmt()
				if s == nil || s.GetLimitCount().GetAConst().GetIval() == nil {
					return false
				}
				s.GetLimitCount().GetAConst().GetIval().Ival++
				return true
			},
			func(n *pg_query.Node) bool { // inner join → left join
				j := n.GetJoinExpr()
				if j == nil || j.GetJointype() != pg_query.JoinType_JOIN_INNER || j.GetQuals() == nil {
					return false
				}
				j.Jointype = pg_query.JoinType_JOIN_LEFT
				return true
			},
			func(n *pg_query.Node) bool { // drop the first AND-ed condition
				x := n.GetBoolExpr()
				if x == nil || x.GetBoolop() != pg_query.BoolExprType_AND_EXPR || len(x.GetArgs()) < 2 {
					return false
				}
				x.Args = x.Args[1:]
				return true
			},
		} {
			cp := proto.Clone(tree).(*pg_query.ParseResult)
			seen, applied := 0, false
			var visit func(n *pg_query.Node)
			visit = func(n *pg_query.Node) {
				if n == nil || applied {
					return
				}
				probe := proto.Clone(n).(*pg_query.Node)
				if change(probe) {
					if seen == k {
						change(n)
						applied = true
						return
					}
					seen++
				}
				forEachChild(n, visit)
			}
			visit(cp.Stmts[0].GetStmt())
			if !applied {
				continue
			}
			if s, err := pg_query.Deparse(cp); err == nil && s != sql {
				out = append(out, nearMiss{kinds[ci], s})
			}
		}
	}
	return out
}

// forEachChild calls f on every parse-tree node directly below n (through the messages that are not
// nodes themselves).
func forEachChild(n *pg_query.Node, f func(*pg_query.Node)) {
	var visit func(m protoreflect.Message)
	visit = func(m protoreflect.Message) {
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Message() == nil || fd.IsMap() {
				return true
			}
			each := func(child protoreflect.Message) {
				if node, ok := child.Interface().(*pg_query.Node); ok {
					f(node)
				} else {
					visit(child)
				}
			}
			if fd.IsList() {
				for i := 0; i < v.List().Len(); i++ {
					each(v.List().Get(i).Message())
				}
			} else {
				each(v.Message())
			}
			return true
		})
	}
	visit(n.ProtoReflect())
}
