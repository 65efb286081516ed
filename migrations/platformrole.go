package migrations

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The platform's role. Goldset's pools connect as the owner of the platform database. That role need
// not be a superuser, nor hold CREATEROLE (which before PostgreSQL 16 lets a role grant itself
// membership in pg_execute_server_program and pg_read_server_files: the documentation of CREATE ROLE
// calls such roles "almost-superuser-roles"). The one thing it needs a superuser for, making the
// sandbox's reader roles, it asks of PrivSchema.make_reader: a SECURITY DEFINER function that Harden
// installs when it runs as a superuser, and that makes only roles named as readers, only with a
// reader's attributes. The embedded cluster migrates as its superuser, hands the platform's objects
// to AppRole (HandOver) and then connects as AppRole; an external server's superuser does the same
// for the role the platform is given there.

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

// makeReaderBody is make_reader's body, as pg_proc.prosrc holds it.
func makeReaderBody() string {
	_, rest, _ := strings.Cut(makeReaderSQL, "$fn$")
	body, _, _ := strings.Cut(rest, "$fn$")
	return body
}

// errNotSuperuser means the connected role may not install PrivSchema's functions.
var errNotSuperuser = errors.New("this version's is not installed and only a superuser can install it; the platform's role then makes readers itself, with CREATEROLE")

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
		// Another start, as a superuser, may have installed this version's already.
		var current bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_proc WHERE oid = to_regprocedure($1) AND prosrc = $2
			AND has_function_privilege($3, oid, 'EXECUTE'))`, fn, makeReaderBody(), o.name).Scan(&current)
		if err != nil || !current {
			return errNotSuperuser
		}
		return nil
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

// PlatformRole is the role the platform runs as: its name, and the password it logs in with, set at
// every hand-over ("" sets none: the embedded cluster's local connections need none).
type PlatformRole struct {
	Name     string
	Password string
}

// ErrPlatformRoleTooPowerful: the role named to run the platform is a superuser or holds CREATEROLE,
// CREATEDB, REPLICATION or BYPASSRLS, which HandOver will not hand the platform to.
var ErrPlatformRoleTooPowerful = errors.New("the platform's role must hold no superuser, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS")

// HandOver makes role the platform database's owner, hardens the database for it (Harden: the owner
// keeps what PUBLIC loses and may call make_reader), gives it every object the connected superuser
// owns there (schemas, tables, views, sequences, functions, types), except PrivSchema's, and makes
// it a member of every reader role. It creates the role when there is none (LOGIN, no other
// attribute) and refuses one that holds more (ErrPlatformRoleTooPowerful). With migrate, the
// migrations are applied (Apply, which hardens) once the owner is role, so the database is hardened
// once. A superuser runs it before the platform connects as role: the embedded cluster's, for
// AppRole, or the one an external server's administrator names. It is idempotent and safe from
// several processes at once. It returns how many migrations it applied.
func HandOver(ctx context.Context, pool *pgxpool.Pool, role PlatformRole, migrate bool) (int, error) {
	err := handOverRole(ctx, pool, role)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "42710") {
		// Another database of the server made the role meanwhile (the lock is the database's): it
		// exists now, and is checked as any existing role.
		err = handOverRole(ctx, pool, role)
	}
	if err != nil {
		return 0, fmt.Errorf("migrations: hand over to %s: %w", role.Name, err)
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
	return applied, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return handOverObjects(ctx, tx, role.Name) })
}

// handOverRole makes role (creating it, or checking that it holds no power) the database's owner,
// with its password.
func handOverRole(ctx context.Context, pool *pgxpool.Pool, role PlatformRole) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", handOverLockKey); err != nil {
			return err
		}
		var powers []string
		err := tx.QueryRow(ctx, `SELECT array_remove(ARRAY[
				CASE WHEN rolsuper THEN 'SUPERUSER' END, CASE WHEN rolcreaterole THEN 'CREATEROLE' END,
				CASE WHEN rolcreatedb THEN 'CREATEDB' END, CASE WHEN rolreplication THEN 'REPLICATION' END,
				CASE WHEN rolbypassrls THEN 'BYPASSRLS' END], NULL)
			FROM pg_roles WHERE rolname = $1`, role.Name).Scan(&powers)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			err = execFormatted(ctx, tx, `format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', $1::text)`, role.Name)
		case err == nil && len(powers) > 0:
			err = fmt.Errorf("%w: %s holds %s (ALTER ROLE %s NO%s)", ErrPlatformRoleTooPowerful, role.Name,
				strings.Join(powers, ", "), pgx.Identifier{role.Name}.Sanitize(), strings.Join(powers, " NO"))
		}
		if err != nil {
			return err
		}
		if err := execFormatted(ctx, tx, `format('ALTER DATABASE %I OWNER TO %I', current_database(), $1::text)`, role.Name); err != nil {
			return err
		}
		return setPassword(ctx, tx, role)
	})
}

// setPassword gives role its password unless it has it already. It sends PostgreSQL the password's
// SCRAM-SHA-256 verifier, which PostgreSQL stores as given, rather than the password, which a
// statement log would keep ("ALTER ROLE" in the PostgreSQL documentation).
func setPassword(ctx context.Context, tx pgx.Tx, role PlatformRole) error {
	if role.Password == "" {
		return nil
	}
	var stored *string
	if err := tx.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", role.Name).Scan(&stored); err != nil {
		return err
	}
	if stored != nil && scramMatches(*stored, role.Password) {
		return nil
	}
	secret := role.Password
	if isASCII(secret) {
		salt := make([]byte, scramSaltLen)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		var err error
		if secret, err = scramVerifier(secret, salt, scramIterations); err != nil {
			return err
		}
	} else {
		// PostgreSQL normalizes other passwords (SASLprep, RFC 4013) before hashing them: such a one
		// is sent as text, in a transaction whose statements are kept out of the log.
		if _, err := tx.Exec(ctx, "SET LOCAL log_statement = 'none'; SET LOCAL log_min_duration_statement = -1"); err != nil {
			return err
		}
	}
	return execFormatted(ctx, tx, `format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)`, role.Name, secret)
}

// execFormatted runs the statement that the SQL expression formatted (format() with %I and %L) makes
// of args on the server, which quotes names and strings as PostgreSQL reads them.
func execFormatted(ctx context.Context, tx pgx.Tx, formatted string, args ...any) error {
	var q string
	if err := tx.QueryRow(ctx, "SELECT "+formatted, args...).Scan(&q); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, q)
	return err
}

// handOverObjects alters the owner of every object the connected role owns in the database to role,
// and makes role a member of every reader.
func handOverObjects(ctx context.Context, tx pgx.Tx, role string) error {
	app := pgx.Identifier{role}.Sanitize()
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
	// member of each of this database's (named gs_<first 10 hex of sha256 of its name>_tdb_<id>_reader,
	// as sqlexec.TargetFor names them) to stop its runaway queries, and of no other database's.
	rows, err = tx.Query(ctx, `SELECT format('GRANT %I TO `+app+`', r.rolname) FROM pg_roles r
		WHERE r.rolname ~ '^gs_[0-9a-f]{10}_tdb_[0-9]+_reader$' AND NOT pg_has_role($1, r.oid, 'MEMBER')
			AND starts_with(r.rolname, 'gs_' || left(encode(sha256(convert_to(current_database(), 'UTF8')), 'hex'), 10) || '_')`, role)
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
