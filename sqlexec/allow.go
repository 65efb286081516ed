package sqlexec

import "strings"

// The allow-lists below are what Check admits: the functions, operators, types and parse-tree nodes
// that analytical SELECTs use. Anything else is refused, so a function PostgreSQL adds in a new
// release, or one that takes SQL text (ts_stat, query_to_xml, …), touches files (pg_read_file,
// lo_import), settings (set_config, current_setting), roles, locks (pg_advisory_lock), large
// objects, replication, backends (pg_terminate_backend, pg_sleep) or catalogs (to_regclass,
// pg_get_*), is refused without anyone having to think of it. Names are PostgreSQL's, from the
// "Functions and Operators" chapter of its documentation.

// allowedFunctions, by family.
var allowedFunctions = setOf(
	// Aggregates.
	"count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor",
	"string_agg", "array_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg",
	"stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp",
	"corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept",
	"regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy",
	"percentile_cont", "percentile_disc", "mode", "any_value",
	// Window functions.
	"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
	"first_value", "last_value", "nth_value",
	// Strings.
	"length", "char_length", "character_length", "octet_length", "bit_length", "lower", "upper", "initcap",
	"substr", "substring", "position", "strpos", "trim", "btrim", "ltrim", "rtrim", "lpad", "rpad",
	"replace", "translate", "concat", "concat_ws", "left", "right", "reverse", "repeat", "split_part",
	"overlay", "ascii", "chr", "starts_with", "format", "quote_literal", "quote_ident", "quote_nullable",
	"regexp_replace", "regexp_match", "regexp_matches", "regexp_split_to_array", "regexp_split_to_table",
	"regexp_like", "regexp_count", "regexp_substr", "regexp_instr", "like_escape", "similar_escape",
	"similar_to_escape", "normalize", "is_normalized", "unistr", "string_to_array", "string_to_table",
	"md5", "sha224", "sha256", "sha384", "sha512", "encode", "decode", "to_hex", "to_ascii",
	"convert_from", "convert_to", "get_byte", "get_bit",
	// Numbers.
	"abs", "ceil", "ceiling", "floor", "round", "trunc", "sqrt", "cbrt", "power", "pow", "exp", "ln", "log",
	"log10", "mod", "sign", "pi", "degrees", "radians", "div", "gcd", "lcm", "factorial", "width_bucket",
	"scale", "min_scale", "trim_scale", "random",
	"sin", "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "sind", "cosd", "tand", "cotd", "asind",
	"acosd", "atand", "atan2d", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
	// Formatting.
	"to_char", "to_number", "to_date", "to_timestamp",
	// Dates and times.
	"now", "current_date", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
	"age", "date_part", "date_trunc", "date_bin", "extract", "isfinite", "justify_days", "justify_hours",
	"justify_interval", "make_date", "make_time", "make_timestamp", "make_timestamptz", "make_interval",
	"timezone", "overlaps",
	// Conditionals that parse as calls.
	"coalesce", "nullif", "greatest", "least", "num_nulls", "num_nonnulls",
	// Arrays and set-returning functions.
	"array_length", "array_lower", "array_upper", "array_ndims", "array_dims", "cardinality",
	"array_position", "array_positions", "array_append", "array_prepend", "array_cat", "array_remove",
	"array_replace", "array_to_string", "array_fill", "trim_array", "unnest", "generate_series",
	"generate_subscripts",
	// JSON.
	"to_json", "to_jsonb", "array_to_json", "row_to_json", "json_build_array", "jsonb_build_array",
	"json_build_object", "jsonb_build_object", "json_object", "jsonb_object", "json_array_length",
	"jsonb_array_length", "json_each", "jsonb_each", "json_each_text", "jsonb_each_text",
	"json_extract_path", "jsonb_extract_path", "json_extract_path_text", "jsonb_extract_path_text",
	"json_object_keys", "jsonb_object_keys", "json_array_elements", "jsonb_array_elements",
	"json_array_elements_text", "jsonb_array_elements_text", "json_typeof", "jsonb_typeof",
	"json_strip_nulls", "jsonb_strip_nulls", "jsonb_pretty", "jsonb_path_exists", "jsonb_path_match",
	"jsonb_path_query", "jsonb_path_query_array", "jsonb_path_query_first", "jsonb_set", "jsonb_insert",
	// Text search over values (not ts_stat or ts_rewrite, which run SQL given as text).
	"to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery",
	"ts_rank", "ts_rank_cd", "ts_headline", "setweight", "strip", "numnode", "querytree",
	// Describing values.
	"gen_random_uuid", "pg_typeof",
)

// allowedOperators are the operator symbols of arithmetic, comparison, pattern matching, bits,
// arrays, ranges, JSON and text search; BETWEEN forms are named by the parser.
var allowedOperators = setOf(
	"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^", "||", "|/", "||/", "@",
	"&", "|", "#", "~", "<<", ">>", "~~", "~~*", "!~~", "!~~*", "~*", "!~", "!~*",
	"@>", "<@", "&&", "->", "->>", "#>", "#>>", "?", "?|", "?&", "@@", "@?", "#-", "-|-", "<->",
	"between", "not between", "between symmetric", "not between symmetric",
)

// allowedTypes are the types a value may be cast to. Casts to reg* types (which look names up in
// the catalogs), xml, or any type of a schema's own are refused.
var allowedTypes = setOf(
	"int", "integer", "int2", "int4", "int8", "smallint", "bigint", "numeric", "decimal", "real",
	"float", "float4", "float8", "double precision", "text", "varchar", "character varying", "char",
	"character", "bpchar", "bool", "boolean", "date", "time", "timetz", "timestamp", "timestamptz",
	"interval", "json", "jsonb", "uuid", "bytea", "bit", "varbit", "bit varying", "money", "tsvector",
	"tsquery", "inet", "cidr", "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange",
)

// allowedNodes are the parse-tree nodes of a SELECT: everything else (utility statements, XML
// constructors, parameters, row locking, INTO) is refused wherever it appears. Some are checked
// further in checkNode.
var allowedNodes = setOf(
	"Node", "List", "String", "Integer", "Float", "Boolean", "BitString", "A_Const",
	"SelectStmt", "ResTarget", "ColumnRef", "A_Star", "A_Expr", "BoolExpr", "FuncCall", "NamedArgExpr",
	"TypeCast", "TypeName", "CollateClause", "SubLink", "CaseExpr", "CaseWhen", "CoalesceExpr",
	"MinMaxExpr", "NullTest", "BooleanTest", "SQLValueFunction", "A_Indirection", "A_Indices",
	"A_ArrayExpr", "RowExpr", "GroupingSet", "GroupingFunc", "RangeVar", "Alias", "RangeSubselect",
	"RangeFunction", "RangeTableSample", "JoinExpr", "SortBy", "WindowDef", "WithClause",
	"CommonTableExpr", "CTESearchClause", "CTECycleClause", "ColumnDef",
)

// allowedValueFunctions are the SQL-standard keywords that read the clock; CURRENT_USER,
// SESSION_USER, CURRENT_SCHEMA and CURRENT_CATALOG name the platform's roles and database.
var allowedValueFunctions = setOf(
	"SVFOP_CURRENT_DATE", "SVFOP_CURRENT_TIME", "SVFOP_CURRENT_TIME_N", "SVFOP_CURRENT_TIMESTAMP",
	"SVFOP_CURRENT_TIMESTAMP_N", "SVFOP_LOCALTIME", "SVFOP_LOCALTIME_N", "SVFOP_LOCALTIMESTAMP",
	"SVFOP_LOCALTIMESTAMP_N",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// qualifiedName splits a parser name list (schema.name, or name) into its schema and lower-cased
// name. Only pg_catalog may qualify a function, operator or type: the built-ins live there.
func qualifiedName(parts []string) (schema, name string) {
	switch len(parts) {
	case 0:
		return "", ""
	case 1:
		return "", strings.ToLower(parts[0])
	}
	return strings.ToLower(strings.Join(parts[:len(parts)-1], ".")), strings.ToLower(parts[len(parts)-1])
}
