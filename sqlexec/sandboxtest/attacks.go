package sandboxtest

import "strings"

// Attack is one hostile statement and what it tries.
type Attack struct {
	Name string
	SQL  string
}

// Attacks returns the corpus for a sandbox whose own schema is own and where another target's
// schema is other; the platform's tables (users, api_tokens, sessions) are in public and its role
// is named platformRole. Every statement must fail, both at the guard and, with the guard bypassed,
// inside PostgreSQL, and must leave the session as it was. They cover, each in plain,
// schema-qualified, quoted and nested forms: functions that run SQL given as text, settings and
// roles, files and large objects, backends and sleeping, locks, catalogs and statistics, the
// platform's tables and other targets, writes and DDL, several statements, and chains where one
// branch changes the session and another uses the change.
func Attacks(own, other, platformRole string) []Attack {
	r := strings.NewReplacer("{own}", own, "{other}", other, "{role}", platformRole)
	var out []Attack
	for _, a := range corpus {
		out = append(out, Attack{Name: a.Name, SQL: r.Replace(a.SQL)})
	}
	return out
}

var corpus = []Attack{
	// SQL given as text, run by functions the guard would otherwise never parse.
	{"ts_stat switches role and reads users", `select * from ts_stat($$select to_tsvector(set_config('role','{role}',false)) union all select to_tsvector(word) from ts_stat('select to_tsvector(email) from public.users')$$)`},
	{"ts_stat reads password hashes", `select word from ts_stat('select to_tsvector(password_hash) from public.users')`},
	{"ts_stat concatenated text", `select * from ts_stat('select to_tsvector(email) from ' || 'public.users')`},
	{"ts_rewrite with a query", `select ts_rewrite('a'::tsquery, 'select ''a''::tsquery, ''b''::tsquery')`},
	{"query_to_xml reads users", `select query_to_xml('select * from public.users', true, true, '')`},
	{"query_to_xml writes", `select query_to_xml('delete from singer returning 1', true, false, '')`},
	{"query_to_xmlschema", `select query_to_xmlschema('select * from public.api_tokens', true, true, '')`},
	{"query_to_xml_and_xmlschema", `select query_to_xml_and_xmlschema('select * from public.sessions', true, true, '')`},
	{"table_to_xml", `select table_to_xml('public.users', true, true, '')`},
	{"schema_to_xml", `select schema_to_xml('public', true, true, '')`},
	{"database_to_xml", `select database_to_xml(true, true, '')`},
	{"cursor_to_xml", `select cursor_to_xml('c', 10, true, true, '')`},
	{"three levels of nested SQL text", `select query_to_xml($a$select query_to_xml($b$select * from ts_stat('select to_tsvector(email) from public.users')$b$, true, true, '')$a$, true, true, '')`},
	{"nested text in a lateral join", `select x from singer, lateral query_to_xml('select * from public.users', true, true, '') x`},
	// Settings and roles.
	{"set_config role", `select set_config('role', '{role}', false)`},
	{"set_config statement_timeout", `select set_config('statement_timeout', '0', false)`},
	{"set_config search_path", `select set_config('search_path', 'public', false)`},
	{"schema-qualified set_config", `select pg_catalog.set_config('role', '{role}', false)`},
	{"quoted set_config", `select "pg_catalog"."set_config"('role', '{role}', false)`},
	{"unicode-escaped set_config", `select U&"set\005fconfig"('role', '{role}', false)`},
	{"upper-case set_config", `SELECT PG_CATALOG.SET_CONFIG('role', '{role}', false)`},
	{"set_config hidden by comments", `select /* x */ set_config /* y */ ('role', '{role}', false)`},
	{"set_config through an operator", `select 'x' operator(pg_catalog.||) set_config('role', '{role}', false)`},
	{"current_setting data_directory", `select current_setting('data_directory')`},
	{"current_setting socket", `select pg_catalog.current_setting('unix_socket_directories')`},
	{"set role statement", `set role {role}`},
	{"set session authorization", `set session authorization {role}`},
	{"settings view", `select name, setting from pg_settings`},
	{"file settings", `select * from pg_catalog.pg_file_settings`},
	// Chains: one branch changes the session, another uses it.
	{"chain in the select list", `select set_config('role', '{role}', false), (select email from public.users limit 1)`},
	{"chain through a CTE", `with s as (select set_config('search_path', 'public', false)) select email from s, users`},
	{"chain through lateral", `select u.email from (select set_config('role', '{role}', true)) s cross join lateral (select email from public.users) u`},
	{"chain in a union", `select set_config('role', '{role}', false) union all select email from public.users`},
	{"chain in VALUES", `values ((select set_config('role', '{role}', false))), ((select email from public.users limit 1))`},
	{"timeout lifted then sleep", `select set_config('statement_timeout', '0', false), pg_sleep(30)`},
	// Files, large objects, programs.
	{"pg_read_file", `select pg_read_file('/etc/passwd')`},
	{"qualified pg_read_file", `select "pg_catalog"."pg_read_file"('postgresql.auto.conf')`},
	{"pg_read_binary_file", `select pg_read_binary_file('/etc/passwd')`},
	{"pg_ls_dir", `select * from pg_ls_dir('.')`},
	{"pg_stat_file", `select pg_stat_file('postgresql.conf')`},
	{"lo_import", `select lo_import('/etc/passwd')`},
	{"lo_export into the server's config", `select lo_export(lo_from_bytea(0, convert_to('shared_preload_libraries = ''x''', 'UTF8')), 'postgresql.auto.conf')`},
	{"lo_get", `select lo_get(1)`},
	{"copy to program", `copy singer to program 'id'`},
	{"copy to a file", `copy (select 1) to '/tmp/goldset-pwned'`},
	// Backends, sleeping, locks.
	{"pg_sleep", `select pg_sleep(30)`},
	{"pg_sleep_for", `select pg_sleep_for('30 seconds')`},
	{"pg_terminate_backend", `select pg_terminate_backend(pid) from pg_stat_activity`},
	{"pg_cancel_backend", `select pg_cancel_backend(1)`},
	{"pg_backend_pid", `select pg_backend_pid()`},
	{"advisory lock held past the query", `select pg_advisory_lock(42)`},
	{"pg_notify", `select pg_notify('goldset_authz', 'x')`},
	{"pg_reload_conf", `select pg_reload_conf()`},
	{"other sessions' queries", `select query from pg_stat_activity`},
	{"qualified activity", `select usename, query from pg_catalog.pg_stat_activity`},
	// Catalogs.
	{"roles", `select rolname from pg_roles`},
	{"authid", `select rolpassword from pg_catalog.pg_authid`},
	{"schemas", `select nspname from pg_namespace`},
	{"relations", `select relname from pg_class`},
	{"databases", `select datname from pg_database`},
	{"information_schema tables", `select table_schema, table_name from information_schema.tables`},
	{"information_schema schemata", `select schema_name from information_schema.schemata`},
	{"to_regclass", `select to_regclass('public.users')`},
	{"regclass cast", `select 'public.users'::regclass::oid`},
	{"regclass cast of another target", `select '{other}.singer'::regclass`},
	{"version", `select version()`},
	{"pg_get_userbyid", `select pg_get_userbyid(10)`},
	// The platform's tables and other targets.
	{"users", `select email, password_hash from public.users`},
	{"quoted users", `select * from "public"."users"`},
	{"upper-case users", `SELECT * FROM PUBLIC.USERS`},
	{"api tokens", `select * from public.api_tokens`},
	{"sessions", `select * from public.sessions`},
	{"TABLE command", `table public.users`},
	{"three-part column", `select public.users.email from singer`},
	{"composite type of a platform table", `select * from json_populate_record(null::public.users, '{}')`},
	{"row of a platform table", `select row_to_json(u) from public.users u`},
	{"another target", `select * from {other}.singer`},
	{"another target, quoted", `select * from "{other}"."singer"`},
	{"another target in a union", `select name from singer union all select name from {other}.singer`},
	{"recursive CTE reaching users", `with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r, public.users`},
	{"sequence of the platform", `select nextval('public.users_id_seq')`},
	{"dblink", `select * from dblink('dbname=postgres', 'select 1') as t(x int)`},
	// Writes and DDL.
	{"delete", `delete from singer`},
	{"update", `update singer set name = 'x'`},
	{"insert", `insert into singer (id) values (99)`},
	{"data-modifying CTE", `with d as (delete from singer returning *) select * from d`},
	{"create table", `create table evil (x int)`},
	{"create temp table as", `create temp table evil as select 1`},
	{"select into", `select * into temp evil from singer`},
	{"drop", `drop table singer`},
	{"alter", `alter table singer add column evil int`},
	{"truncate", `truncate singer`},
	{"lock", `lock table singer in access exclusive mode`},
	{"for update", `select * from singer for update`},
	{"explain analyze a delete", `explain analyze delete from singer`},
	{"grant", `grant select on singer to public`},
	// Several statements.
	{"two statements", `select 1; select email from public.users`},
	{"a statement hidden after a comment", `select 1 /* x */; /* y */ set role {role}`},
}
