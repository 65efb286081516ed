package agent

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/goldset/goldset/sqlexec"
)

// visitFunc sees one AST message and its ancestors, outermost first (Node wrappers included).
type visitFunc func(m protoreflect.Message, stack []protoreflect.Message)

// walkAST visits every message of the tree in its fields' declared order (sqlexec.RangeFields), the
// same in every build. The stack passed to visit is only
// valid during the call.
func walkAST(m protoreflect.Message, stack []protoreflect.Message, visit visitFunc) {
	visit(m, stack)
	stack = append(stack, m)
	sqlexec.RangeFields(m, func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap() || fd.Message() == nil:
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkAST(l.Get(i).Message(), stack, visit)
			}
		default:
			walkAST(v.Message(), stack, visit)
		}
		return true
	})
}

// walkNode walks the subtree under n (nil-safe).
func walkNode(n *pg_query.Node, visit func(m protoreflect.Message)) {
	if n == nil {
		return
	}
	walkAST(n.ProtoReflect(), nil, func(m protoreflect.Message, _ []protoreflect.Message) { visit(m) })
}

// enclosingSelects lists the SelectStmts of stack, innermost first.
func enclosingSelects(stack []protoreflect.Message) []*pg_query.SelectStmt {
	var out []*pg_query.SelectStmt
	for i := len(stack) - 1; i >= 0; i-- {
		if s, ok := stack[i].Interface().(*pg_query.SelectStmt); ok {
			out = append(out, s)
		}
	}
	return out
}

// colRefParts splits a column reference into qualifier (may be "") and column name; star reports
// a trailing "*".
func colRefParts(c *pg_query.ColumnRef) (qual, col string, star bool) {
	f := c.GetFields()
	if len(f) == 0 {
		return "", "", false
	}
	last := f[len(f)-1]
	if last.GetAStar() != nil {
		star = true
	} else {
		col = last.GetString_().GetSval()
	}
	if len(f) >= 2 {
		qual = f[len(f)-2].GetString_().GetSval()
	}
	return strings.ToLower(qual), strings.ToLower(col), star
}

// constText returns a constant's text and whether it is a number; ok is false for NULL and booleans.
func constText(c *pg_query.A_Const) (text string, number, ok bool) {
	if c.GetIsnull() {
		return "", false, false
	}
	switch {
	case c.GetIval() != nil:
		return itoa(int64(c.GetIval().GetIval())), true, true
	case c.GetFval() != nil:
		return c.GetFval().GetFval(), true, true
	case c.GetSval() != nil:
		return c.GetSval().GetSval(), false, true
	}
	return "", false, false
}

func itoa(i int64) string {
	neg := i < 0
	if neg {
		i = -i
	}
	var b [24]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	if neg {
		p--
		b[p] = '-'
	}
	return string(b[p:])
}

// opName is the operator of an A_Expr ("=", "<", "~~" for LIKE, ...).
func opName(e *pg_query.A_Expr) string {
	n := e.GetName()
	if len(n) == 0 {
		return ""
	}
	return n[len(n)-1].GetString_().GetSval()
}

// unwrapCast returns the expression under any number of type casts.
func unwrapCast(n *pg_query.Node) *pg_query.Node {
	for n != nil && n.GetTypeCast() != nil {
		n = n.GetTypeCast().GetArg()
	}
	return n
}
