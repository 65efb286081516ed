package sqlexec

import (
	"slices"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestRangeFields_VisitsInDeclaredOrder: every message's populated fields are met in the order its
// type declares them (protoreflect's Range swaps neighbours in some builds), a oneof as the one field
// it holds, and a SELECT's clauses as pg_query declares them.
func TestRangeFields_VisitsInDeclaredOrder(t *testing.T) {
	t.Parallel()
	tree, err := pg_query.Parse(`WITH w AS (SELECT 1 AS a) SELECT DISTINCT a, count(*) FROM w JOIN w v USING (a)
		WHERE a > 0 GROUP BY a HAVING count(*) > 0 WINDOW x AS (ORDER BY a) ORDER BY a LIMIT 3 OFFSET 1`)
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	var visit func(m protoreflect.Message)
	visit = func(m protoreflect.Message) {
		last := -1
		RangeFields(m, func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if i := fd.Index(); i <= last {
				t.Errorf("%s: field %s (index %d) met after index %d", m.Descriptor().FullName(), fd.Name(), i, last)
			} else {
				last = i
			}
			if _, ok := m.Interface().(*pg_query.SelectStmt); ok && len(top) < 20 && m.Interface() == tree.Stmts[0].Stmt.GetSelectStmt() {
				top = append(top, string(fd.Name()))
			}
			switch {
			case fd.IsMap() || fd.Message() == nil:
			case fd.IsList():
				for i := 0; i < v.List().Len(); i++ {
					visit(v.List().Get(i).Message())
				}
			default:
				visit(v.Message())
			}
			return true
		})
	}
	visit(tree.ProtoReflect())
	want := []string{"distinct_clause", "target_list", "from_clause", "where_clause", "group_clause", "having_clause",
		"window_clause", "sort_clause", "limit_offset", "limit_count", "limit_option", "with_clause", "op"}
	if !slices.Equal(top, want) {
		t.Errorf("the SELECT's fields were met as %v, want %v", top, want)
	}
}
