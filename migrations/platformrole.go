package migrations

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The platform's role. Goldset's pools connect as the owner of the platform database. That role need
// not be a superuser, nor hold CREATEROLE (which before PostgreSQL 16 lets a role grant itself
// membership in pg_execute_server_program and pg_read_server_files: the documentation of CREATE ROLE
// calls such roles "almost-superuser-roles"). The one thing it needs a superuser for, making the
// sandbox's reader roles, it asks of PrivSchema.make_reader: a SECURITY DEFINER function that Harden
// installs when it runs as a superuser, and that makes only roles named as readers, only with a
// reader's attributes. The embedded cluster migrates as its superuser, hands the platform's objects
// to AppRole (HandOver) and then connects as AppRole.

// PrivSchema holds the functions the platform's role calls to do what only a superuser may. PUBLIC
// has no privilege on it; the platform's role may only execute them.
const PrivSchema = "goldset_priv"

// AppRole is the platform's role in the embedded cluster: LOGIN, and nothing else of its own.
const AppRole = "goldset_app"

// makeReaderSQL creates PrivSchema.make_reader(reader, password, connections, temp_file_limit): it
// creates reader (or gives an existing reader a reader's attributes back) as a login role with no
// privilege of its own, sets its temporary-file limit (a superuser-only setting) and makes the
// calling session's user a member of it, so that the platform can stop its queries. It refuses a
// name not of a reader (gs_<10 hex digits>_tdb_<id>_reader) and an existing role that is more than
// a reader. search_path is pinned, as the PostgreSQL documentation asks of SECURITY DEFINER
// functions ("Writing SECURITY DEFINER Functions Safely").
const makeReaderSQL = `CREATE OR REPLACE FUNCTION ` + PrivSchema + `.make_reader(reader text, password text, connections integer, temp_file_limit text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
	existing pg_roles%ROWTYPE;
	attrs text;
BEGIN
	IF reader !~ '^gs_[0-9a-f]{10}_tdb_[0-9]+_reader$' THEN
		RAISE EXCEPTION 'make_reader: % is not the name of a reader role', reader USING ERRCODE = '42501';
	END IF;
	IF connections IS NULL OR connections NOT BETWEEN 1 AND 1000 OR temp_file_limit !~ '^[0-9]{1,9}(kB|MB|GB)$' THEN
		RAISE EXCEPTION 'make_reader: limits out of range' USING ERRCODE = '22023';
	END IF;
	attrs := format('LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT %s PASSWORD %L', connections, password);
	SELECT * INTO existing FROM pg_roles WHERE rolname = reader;
	IF FOUND THEN
		IF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb OR existing.rolreplication OR existing.rolbypassrls
			OR EXISTS (SELECT 1 FROM pg_auth_members WHERE member = existing.oid) THEN
			RAISE EXCEPTION 'make_reader: role % is more than a reader', reader USING ERRCODE = '42501';
		END IF;
		EXECUTE format('ALTER ROLE %I ', reader) || attrs;
	ELSE
		EXECUTE format('CREATE ROLE %I ', reader) || attrs;
	END IF;
	EXECUTE format('ALTER ROLE %I SET temp_file_limit = %L', reader, temp_file_limit);
	IF NOT pg_has_role(session_user, reader, 'MEMBER') THEN
		EXECUTE format('GRANT %I TO %I', reader, session_user);
	END IF;
END
$fn$`

// owner is the platform database's owner, the platform's role, and whether the connected role
// (which may be another) is a superuser.
type owner struct {
	name           string
	super, bySuper bool
}

func databaseOwner(ctx context.Context, q pgx.Tx) (owner, error) {
	var o owner
	err := q.QueryRow(ctx, `SELECT r.rolname, r.rolsuper, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
		FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
		WHERE d.datname = current_database()`).Scan(&o.name, &o.super, &o.bySuper)
	if err != nil {
		return o, fmt.Errorf("migrations: the database's owner: %w", err)
	}
	return o, nil
}

// errNotSuperuser means the connected role may not install PrivSchema's functions.
var errNotSuperuser = errors.New("only a superuser can install it; the platform's role then makes readers itself, with CREATEROLE")

// installMakeReader creates PrivSchema and make_reader, for the database's owner to execute, when
// the connected role is a superuser.
func installMakeReader(ctx context.Context, tx pgx.Tx, o owner) error {
	role := pgx.Identifier{o.name}.Sanitize()
	fn := PrivSchema + ".make_reader(text, text, integer, text)"
	stmts := []string{
		"CREATE SCHEMA IF NOT EXISTS " + PrivSchema,
		"ALTER SCHEMA " + PrivSchema + " OWNER TO CURRENT_USER",
		"REVOKE ALL ON SCHEMA " + PrivSchema + " FROM PUBLIC",
		makeReaderSQL,
		"ALTER FUNCTION " + fn + " OWNER TO CURRENT_USER",
		"REVOKE ALL ON FUNCTION " + fn + " FROM PUBLIC",
		"GRANT USAGE ON SCHEMA " + PrivSchema + " TO " + role,
		"GRANT EXECUTE ON FUNCTION " + fn + " TO " + role,
	}
	if !o.bySuper {
		return errNotSuperuser
	}
	return pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { // a savepoint: a failure leaves tx usable
		for _, q := range stmts {
			if _, err := sp.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
}

// handOverLockKey serialises HandOver between processes.
const handOverLockKey = 7_461_202_515

// HandOver makes AppRole the platform database's owner, hardens the database for it (Harden: AppRole
// keeps what PUBLIC loses and may call make_reader), gives it every object the connected superuser
// owns there (schemas, tables, views, sequences, functions, types), except PrivSchema's, and makes
// it a member of every reader role; it creates AppRole when there is none. With migrate, the
// migrations are applied (Apply, which hardens) once the owner is AppRole, so the database is
// hardened once. The embedded cluster's superuser runs it before the platform connects as
// AppRole; it is idempotent and safe from several processes at once. It returns how many
// migrations it applied.
func HandOver(ctx context.Context, pool *pgxpool.Pool, migrate bool) (int, error) {
	app := pgx.Identifier{AppRole}.Sanitize()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", handOverLockKey); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DO $$BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '`+AppRole+`') THEN
				CREATE ROLE `+app+` LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
			END IF;
			EXECUTE format('ALTER DATABASE %I OWNER TO `+AppRole+`', current_database());
		END$$`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("migrations: hand over: the platform role: %w", err)
	}
	applied, rep := 0, HardenReport{}
	if migrate {
		applied, rep, err = apply(ctx, pool)
	} else {
		rep, err = Harden(ctx, pool)
	}
	if err != nil {
		return applied, err
	}
	if len(rep.Skipped) > 0 {
		return applied, fmt.Errorf("migrations: hand over: hardening as a superuser failed: %s", strings.Join(rep.Skipped, "; "))
	}
	return applied, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return handOverObjects(ctx, tx, app) })
}

// handOverObjects alters the owner of every object the connected role owns in the database to app.
func handOverObjects(ctx context.Context, tx pgx.Tx, app string) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", handOverLockKey); err != nil {
		return fmt.Errorf("migrations: hand over: lock: %w", err)
	}
	// Objects whose owner follows another's (indexes, a table's row type and toast table, a
	// sequence owned by a column, an array type) are left to follow it.
	rows, err := tx.Query(ctx, `
		SELECT format('ALTER SCHEMA %I OWNER TO `+app+`', n.nspname) FROM pg_namespace n
		WHERE n.nspowner = current_user::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', $1)
			AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
		UNION ALL
		SELECT format('ALTER %s %s OWNER TO `+app+`', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
			WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relowner = current_user::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
			AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', $1) AND n.nspname NOT LIKE 'pg\_%'
			AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
				AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
		UNION ALL
		SELECT format('ALTER ROUTINE %s OWNER TO `+app+`', p.oid::regprocedure)
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE p.proowner = current_user::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg\_%'
		UNION ALL
		SELECT format('ALTER %s %s OWNER TO `+app+`', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
		FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE t.typowner = current_user::regrole AND t.typtype IN ('e', 'd', 'r') AND t.typelem = 0
			AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg\_%'`, PrivSchema)
	if err != nil {
		return fmt.Errorf("migrations: hand over: list objects: %w", err)
	}
	stmts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("migrations: hand over: list objects: %w", err)
	}
	// Readers made by earlier versions were granted to the superuser: the platform's role must be a
	// member of each to stop its runaway queries.
	rows, err = tx.Query(ctx, `SELECT format('GRANT %I TO `+app+`', r.rolname) FROM pg_roles r
		WHERE r.rolname ~ '^gs_[0-9a-f]{10}_tdb_[0-9]+_reader$' AND NOT pg_has_role($1, r.oid, 'MEMBER')`, AppRole)
	if err != nil {
		return fmt.Errorf("migrations: hand over: list readers: %w", err)
	}
	grants, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("migrations: hand over: list readers: %w", err)
	}
	for _, q := range append(stmts, grants...) {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("migrations: hand over: %s: %w", q, err)
		}
	}
	return nil
}
