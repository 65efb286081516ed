package sqlexec

import (
	"errors"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// MaxSQLBytes is the longest SQL the door accepts; anything longer is refused before parsing.
const MaxSQLBytes = 64 << 10

// ErrRefused wraps every reason a statement is not allowed to run.
var ErrRefused = errors.New("refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// writeStatements may hide in a CTE (WITH x AS (DELETE ... RETURNING ...) SELECT ...).
var writeStatements = map[protoreflect.FullName]string{
	"pg_query.InsertStmt": "INSERT", "pg_query.UpdateStmt": "UPDATE",
	"pg_query.DeleteStmt": "DELETE", "pg_query.MergeStmt": "MERGE",
}

// Check parses sql with PostgreSQL's own parser and refuses anything but one read-only query over
// the tables of schema: exactly one SELECT (or WITH … SELECT, or a set operation), no SELECT INTO,
// no FOR UPDATE/SHARE, no data-modifying CTE, no denied function, no table of another schema or of
// the system catalogs. The error names what was refused.
func Check(sql, schema string) error {
	_, err := check(sql, schema)
	return err
}

// check is Check that also returns the statement's own text: without a trailing semicolon, so it
// can be embedded in DECLARE ... CURSOR FOR.
func check(sql, schema string) (string, error) {
	if len(sql) > MaxSQLBytes {
		return "", refuse("the SQL is %d bytes; at most %d are accepted", len(sql), MaxSQLBytes)
	}
	if strings.TrimSpace(sql) == "" {
		return "", refuse("the SQL is empty")
	}
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return "", fmt.Errorf("syntax error: %s", strings.TrimPrefix(err.Error(), "syntax error "))
	}
	switch n := len(tree.Stmts); {
	case n == 0:
		return "", refuse("the SQL holds no statement")
	case n > 1:
		return "", refuse("the SQL holds %d statements; send exactly one", n)
	}
	raw := tree.Stmts[0]
	top := raw.GetStmt()
	if top.GetSelectStmt() == nil {
		return "", refuse("only SELECT queries may run (this is %s)", statementKind(top))
	}
	if err := walk(top.ProtoReflect(), func(m protoreflect.Message) error { return checkNode(m, schema) }); err != nil {
		return "", err
	}
	// pg_query counts bytes; a length of 0 means "to the end".
	stmt := sql[raw.GetStmtLocation():]
	if l := raw.GetStmtLen(); l > 0 {
		stmt = stmt[:l]
	}
	return stmt, nil
}

func checkNode(m protoreflect.Message, schema string) error {
	kind := string(m.Descriptor().Name())
	if !allowedNodes[kind] {
		if w, ok := writeStatements[m.Descriptor().FullName()]; ok {
			return refuse("%s is not allowed, not even inside WITH; only reading is allowed", w)
		}
		return refuse("%s is not allowed in a query here; only plain SELECTs run", nodeLabel(kind))
	}
	switch msg := m.Interface().(type) {
	case *pg_query.SelectStmt:
		if msg.GetIntoClause() != nil {
			return refuse("SELECT INTO creates a table; only reading is allowed")
		}
		if len(msg.GetLockingClause()) > 0 {
			return refuse("FOR UPDATE/SHARE locks rows; only reading is allowed")
		}
	case *pg_query.FuncCall:
		schemaName, name := qualifiedName(stringList(msg.GetFuncname()))
		if !allowedFunctions[name] || (schemaName != "" && schemaName != "pg_catalog") {
			return refuse("function %s() is not allowed: only functions that compute with values (aggregates, string, math, date/time, JSON, window functions) can run here", name)
		}
	case *pg_query.A_Expr:
		if names := msg.GetName(); len(names) > 0 {
			schemaName, op := qualifiedName(stringList(names))
			if !allowedOperators[op] || (schemaName != "" && schemaName != "pg_catalog") {
				return refuse("operator %s is not allowed here", op)
			}
		}
	case *pg_query.TypeName:
		schemaName, name := qualifiedName(stringList(msg.GetNames()))
		if !allowedTypes[name] || (schemaName != "" && schemaName != "pg_catalog") {
			return refuse("type %s is not allowed here: values can be cast to numbers, text, booleans, dates and times, JSON and the like", name)
		}
	case *pg_query.SQLValueFunction:
		if op := msg.GetOp().String(); !allowedValueFunctions[op] {
			return refuse("%s is not allowed here: it names the server's roles or schemas", strings.TrimPrefix(op, "SVFOP_"))
		}
	case *pg_query.RangeVar:
		if msg.GetCatalogname() != "" {
			return refuse("table %s.%s.%s names another database; only this database's tables can be read", msg.GetCatalogname(), msg.GetSchemaname(), msg.GetRelname())
		}
		if s := strings.ToLower(msg.GetSchemaname()); s != "" && s != schema {
			return refuse("table %s.%s is outside this database; only its own tables can be read", s, msg.GetRelname())
		}
		if rel := strings.ToLower(msg.GetRelname()); strings.HasPrefix(rel, "pg_") || rel == "information_schema" {
			return refuse("system catalog %s cannot be read", rel)
		}
	case *pg_query.ColumnRef:
		// schema.table.column names a schema; database.schema.table.column a database too.
		switch f := msg.GetFields(); {
		case len(f) >= 4:
			return refuse("column reference %s names another database", strings.Join(stringList(f), "."))
		case len(f) == 3:
			if s := strings.ToLower(f[0].GetString_().GetSval()); s != schema {
				return refuse("column reference into schema %s is outside this database", s)
			}
		}
	}
	return nil
}

// stringList is the text of a parser name list (String nodes).
func stringList(nodes []*pg_query.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.GetString_().GetSval())
	}
	return out
}

// nodeLabel names a parse-tree node for a refusal message.
func nodeLabel(kind string) string {
	switch kind {
	case "ParamRef":
		return "a $n parameter"
	case "XmlExpr", "XmlSerialize", "RangeTableFunc":
		return "XML"
	case "RoleSpec":
		return "a role name"
	}
	return strings.TrimSuffix(kind, "Stmt")
}

// statementKind names a statement for a refusal message: "an UPDATE", "a DROP", "SET ROLE".
func statementKind(n *pg_query.Node) string {
	name := string(n.ProtoReflect().WhichOneof(n.ProtoReflect().Descriptor().Oneofs().Get(0)).Message().Name())
	switch name {
	case "VariableSetStmt":
		if v := n.GetVariableSetStmt(); v != nil && v.GetName() != "" {
			return "SET " + strings.ToUpper(v.GetName())
		}
		return "a SET/RESET"
	case "DropStmt":
		return "a DROP"
	case "CopyStmt":
		return "a COPY"
	}
	return "a " + strings.TrimSuffix(name, "Stmt") + " statement"
}

// walk visits m and every message below it.
func walk(m protoreflect.Message, visit func(protoreflect.Message) error) error {
	if err := visit(m); err != nil {
		return err
	}
	var err error
	RangeFields(m, func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = walk(l.Get(i).Message(), visit)
			}
		case fd.Message() != nil && !fd.IsMap():
			err = walk(v.Message(), visit)
		}
		return err == nil
	})
	return err
}
