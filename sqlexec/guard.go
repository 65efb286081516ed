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

// deniedFunctions can read files, reach other databases or servers, change settings, sleep, signal
// backends, or run SQL given as a string (the *_to_xml family), so none of them may appear anywhere.
var deniedFunctions = map[string]bool{
	"set_config": true, "current_setting": true,
	"query_to_xml": true, "query_to_xmlschema": true, "query_to_xml_and_xmlschema": true,
	"table_to_xml": true, "table_to_xmlschema": true, "table_to_xml_and_xmlschema": true,
	"cursor_to_xml": true, "cursor_to_xmlschema": true,
	"schema_to_xml": true, "schema_to_xmlschema": true, "schema_to_xml_and_xmlschema": true,
	"database_to_xml": true, "database_to_xmlschema": true, "database_to_xml_and_xmlschema": true,
	"nextval": true, "setval": true, "currval": true, "lastval": true,
	"txid_current": true, "txid_current_if_assigned": true,
	"inet_server_addr": true, "inet_server_port": true, "inet_client_addr": true, "inet_client_port": true,
	"current_database": true, "current_user": true, "session_user": true, "version": true,
}

// deniedPrefixes: the pg_* administration functions (pg_sleep, pg_read_file, pg_ls_dir,
// pg_terminate_backend, ...), large objects and dblink.
var deniedPrefixes = []string{"pg_", "lo_", "dblink"}

// allowedPgFunctions are pg_* functions that only describe values.
var allowedPgFunctions = map[string]bool{"pg_typeof": true}

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
	switch msg := m.Interface().(type) {
	case *pg_query.SelectStmt:
		if msg.GetIntoClause() != nil {
			return refuse("SELECT INTO creates a table; only reading is allowed")
		}
		if len(msg.GetLockingClause()) > 0 {
			return refuse("FOR UPDATE/SHARE locks rows; only reading is allowed")
		}
	case *pg_query.FuncCall:
		name := funcName(msg)
		if deniedFunctions[name] || (hasDeniedPrefix(name) && !allowedPgFunctions[name]) {
			return refuse("function %s() is not allowed", name)
		}
	case *pg_query.RangeVar:
		if s := strings.ToLower(msg.GetSchemaname()); s != "" && s != schema {
			return refuse("table %s.%s is outside this database; only its own tables can be read", s, msg.GetRelname())
		}
		if rel := strings.ToLower(msg.GetRelname()); strings.HasPrefix(rel, "pg_") || rel == "information_schema" {
			return refuse("system catalog %s cannot be read", rel)
		}
	case *pg_query.ColumnRef:
		// schema.table.column names a schema too.
		if f := msg.GetFields(); len(f) >= 3 {
			if s := strings.ToLower(f[0].GetString_().GetSval()); s != "" && s != schema {
				return refuse("column reference into schema %s is outside this database", s)
			}
		}
	default:
		if kind, ok := writeStatements[m.Descriptor().FullName()]; ok {
			return refuse("%s is not allowed, not even inside WITH; only reading is allowed", kind)
		}
	}
	return nil
}

func funcName(f *pg_query.FuncCall) string {
	parts := f.GetFuncname()
	if len(parts) == 0 {
		return ""
	}
	return strings.ToLower(parts[len(parts)-1].GetString_().GetSval())
}

func hasDeniedPrefix(name string) bool {
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
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
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
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
