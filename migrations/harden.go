package migrations

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Security model, database side. The sandbox logs in to the platform's database as each target's
// reader role (never as the platform's role and never as a superuser): the session user is the
// reader, which owns nothing, can create nothing, is a member of no role and may read only its own
// schema, so no SET ROLE or set_config('role', …) can leave it. Harden adds what PostgreSQL grants
// every role by default and a reader must not have:
//
//   - USAGE on the platform's schema (public) and on information_schema;
//   - SELECT on the system catalogs and statistics views (pg_class, pg_namespace, pg_roles,
//     pg_settings, pg_stat_activity, …), which would list the platform's tables, other targets'
//     schemas and other sessions;
//   - EXECUTE on functions that run SQL given as text, change settings, sleep, take advisory locks,
//     signal or describe backends, read large objects, or look objects up in the catalogs.
//
// Only a superuser (or the owner of those objects) may revoke them: the embedded cluster's
// superuser, which migrates, is one. With an external server whose URL names an ordinary role,
// Harden reports what it could not do, and docs/ARCHITECTURE.md gives the statements a DBA runs
// once. Run by a superuser, Harden also gives the database's owner, when that is an ordinary role
// (the embedded cluster's AppRole), back what initdb gave PUBLIC, and installs make_reader.

// hardenLockKey serialises Harden between processes: concurrent GRANT/REVOKE on one object fail
// with "tuple concurrently updated".
const hardenLockKey = 7_461_202_513

// revokedFunctionNames and revokedFunctionPatterns name the pg_catalog functions whose EXECUTE
// privilege is taken from PUBLIC.
var revokedFunctionNames = []string{
	"set_config", "current_setting", "ts_stat", "ts_rewrite", "pg_notify", "pg_listening_channels",
	"pg_backend_pid", "pg_blocking_pids", "pg_cancel_backend", "pg_terminate_backend",
	"pg_postmaster_start_time", "pg_conf_load_time", "pg_current_logfile", "pg_tablespace_location",
	"pg_export_snapshot", "pg_reload_conf", "version", "inet_server_addr", "inet_server_port",
	"inet_client_addr", "inet_client_port", "nextval", "setval", "currval", "lastval",
	"pg_has_role", "obj_description", "col_description", "shobj_description", "format_type",
	"pg_relation_filepath", "pg_relation_filenode", "pg_filenode_relation",
}

var revokedFunctionPatterns = []string{
	`%\_to\_xml%`, `pg\_sleep%`, `pg\_advisory%`, `pg\_try\_advisory%`, `lo\_%`, `pg\_stat\_get\_%`,
	`pg\_get\_%`, `pg\_ls\_%`, `pg\_read\_%`, `pg\_stat\_file`, `to\_reg%`, `has\_%\_privilege`,
	`pg\_%\_is\_visible`, `txid\_%`, `pg\_current\_xact\_id%`, `pg\_%\_size`, `pg\_size\_bytes`,
}

// HardenReport says what Harden could not apply, each with the reason.
type HardenReport struct {
	Skipped []string `json:"skipped,omitempty"`
}

// Harden takes from PUBLIC, in the database pool is connected to, the privileges a reader role
// must not have (see the security model above). It is idempotent and safe from several processes
// at once.
func Harden(ctx context.Context, pool *pgxpool.Pool) (HardenReport, error) {
	var rep HardenReport
	tx, err := pool.Begin(ctx)
	if err != nil {
		return rep, fmt.Errorf("migrations: harden: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", hardenLockKey); err != nil {
		return rep, fmt.Errorf("migrations: harden: lock: %w", err)
	}
	functions, err := revocableFunctions(ctx, tx)
	if err != nil {
		return rep, err
	}
	owner, err := databaseOwner(ctx, tx)
	if err != nil {
		return rep, err
	}
	// Each step says how to tell that PUBLIC still holds the privilege ("public" names PUBLIC in the
	// has_*_privilege functions), so a role that may not revoke it is told only what is left to do.
	steps := []struct {
		what, held, sql string
		args            []any // of held
	}{
		{"USAGE on schema public",
			"has_schema_privilege('public', 'public', 'USAGE') OR has_schema_privilege('public', 'public', 'CREATE')",
			"REVOKE ALL ON SCHEMA public FROM PUBLIC", nil},
		{"USAGE on information_schema", "has_schema_privilege('public', 'information_schema', 'USAGE')",
			"REVOKE ALL ON SCHEMA information_schema FROM PUBLIC", nil},
		{"SELECT on the system catalogs", `EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace
			AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND has_table_privilege('public', c.oid, 'SELECT'))`,
			"REVOKE SELECT ON ALL TABLES IN SCHEMA pg_catalog FROM PUBLIC", nil},
		{"TEMPORARY on the database", "has_database_privilege('public', current_database(), 'TEMPORARY')",
			"DO $$BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END$$", nil},
		{"EXECUTE on functions that run SQL text, change settings or reach backends, locks and catalogs",
			"EXISTS (SELECT 1 FROM unnest($1::text[]) f WHERE has_function_privilege('public', f::regprocedure, 'EXECUTE'))",
			"REVOKE EXECUTE ON FUNCTION " + strings.Join(functions, ", ") + " FROM PUBLIC", []any{functions}},
	}
	for _, s := range steps {
		var held bool
		if err := tx.QueryRow(ctx, "SELECT "+s.held, s.args...).Scan(&held); err != nil {
			return rep, fmt.Errorf("migrations: harden: whether PUBLIC holds %s: %w", s.what, err)
		}
		if !held {
			continue
		}
		if err := withSavepoint(ctx, tx, s.sql); err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("revoke %s from PUBLIC: %s", s.what, pgMessage(err)))
		}
	}
	if owner.bySuper && !owner.super {
		// The platform's role keeps what PUBLIC lost — its driver and migrations read the catalogs,
		// it takes advisory locks, River notifies, inserts draw from sequences — and no more: only
		// what initdb gave PUBLIC (pg_init_privs), so not pg_authid, pg_read_file or lo_import.
		keep, err := publicByInitdb(ctx, tx)
		if err != nil {
			return rep, err
		}
		role := pgx.Identifier{owner.name}.Sanitize()
		for _, s := range []struct{ what, sql string }{
			{"USAGE and CREATE on schema public", "GRANT ALL ON SCHEMA public TO " + role},
			{"USAGE on information_schema", "GRANT USAGE ON SCHEMA information_schema TO " + role},
			{"SELECT on the system catalogs", "GRANT SELECT ON " + strings.Join(keep.relations, ", ") + " TO " + role},
			{"EXECUTE on the functions taken from PUBLIC", "GRANT EXECUTE ON FUNCTION " + strings.Join(keep.functions, ", ") + " TO " + role},
		} {
			if err := withSavepoint(ctx, tx, s.sql); err != nil {
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("grant %s to the platform role %s: %s", s.what, owner.name, pgMessage(err)))
			}
		}
	}
	if err := installMakeReader(ctx, tx, owner); err != nil {
		rep.Skipped = append(rep.Skipped, "the function that makes reader roles: "+pgMessage(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, fmt.Errorf("migrations: harden: %w", err)
	}
	return rep, nil
}

// withSavepoint runs q under a savepoint of tx, so a refusal leaves the transaction usable.
func withSavepoint(ctx context.Context, tx pgx.Tx, q string) error {
	// Begin on a transaction makes a savepoint; BeginFunc rolls back to it when q fails.
	return pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
		_, err := sp.Exec(ctx, q)
		return err
	})
}

func pgMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

// revocableFunctions lists the pg_catalog functions to take from PUBLIC, as regprocedure text
// (name and argument types), ready for REVOKE.
func revocableFunctions(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT p.oid::regprocedure::text FROM pg_proc p
		WHERE p.pronamespace = 'pg_catalog'::regnamespace AND (p.proname = ANY($1) OR p.proname LIKE ANY($2))
		ORDER BY 1`, revokedFunctionNames, revokedFunctionPatterns)
	if err != nil {
		return nil, fmt.Errorf("migrations: harden: list functions: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("migrations: harden: list functions: %w", err)
	}
	for i, n := range names {
		names[i] = "pg_catalog." + n
	}
	return names, nil
}

// initdbPublic is what Harden takes from PUBLIC that initdb had given it: the catalogs' relations
// PUBLIC could read and the functions it could execute, as text ready for GRANT.
type initdbPublic struct{ relations, functions []string }

// publicByInitdb reads initdbPublic from pg_init_privs, which records the privileges initdb set on
// system objects; a function with no row there had the default, EXECUTE for PUBLIC (PostgreSQL
// documentation, "Privileges" and "pg_init_privs").
func publicByInitdb(ctx context.Context, tx pgx.Tx) (initdbPublic, error) {
	var p initdbPublic
	rows, err := tx.Query(ctx, `SELECT 'pg_catalog.' || quote_ident(c.relname) FROM pg_class c
		JOIN pg_init_privs i ON i.objoid = c.oid AND i.classoid = 'pg_class'::regclass AND i.objsubid = 0
		WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
			AND EXISTS (SELECT 1 FROM aclexplode(i.initprivs) a WHERE a.grantee = 0 AND a.privilege_type = 'SELECT')
		ORDER BY 1`)
	if err == nil {
		p.relations, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return p, fmt.Errorf("migrations: harden: the catalogs PUBLIC could read: %w", err)
	}
	rows, err = tx.Query(ctx, `SELECT 'pg_catalog.' || p.oid::regprocedure::text FROM pg_proc p
		WHERE p.pronamespace = 'pg_catalog'::regnamespace AND (p.proname = ANY($1) OR p.proname LIKE ANY($2))
			AND NOT EXISTS (SELECT 1 FROM pg_init_privs i WHERE i.objoid = p.oid AND i.classoid = 'pg_proc'::regclass
				AND i.objsubid = 0 AND NOT EXISTS (SELECT 1 FROM aclexplode(i.initprivs) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
		ORDER BY 1`, revokedFunctionNames, revokedFunctionPatterns)
	if err == nil {
		p.functions, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return p, fmt.Errorf("migrations: harden: the functions PUBLIC could execute: %w", err)
	}
	return p, nil
}
