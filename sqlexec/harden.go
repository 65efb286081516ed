package sqlexec

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// readerLockKey serialises changes to reader roles between processes: concurrent ALTER ROLE on one
// role fails with "tuple concurrently updated".
const readerLockKey = 7_461_202_514

// UpgradeReaders gives this database's reader roles made by versions before readers logged in
// (NOLOGIN roles, reached through SET ROLE) their login, password and limits. NewExecutor calls it;
// it is idempotent and safe from several processes at once.
func UpgradeReaders(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: upgrade readers: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", readerLockKey); err != nil {
		return nil, fmt.Errorf("sqlexec: upgrade readers: lock: %w", err)
	}
	var skipped []string
	if err := upgradeReaders(ctx, tx, &skipped); err != nil {
		return nil, err
	}
	return skipped, tx.Commit(ctx)
}

func upgradeReaders(ctx context.Context, tx pgx.Tx, skipped *[]string) error {
	db, err := CurrentDatabase(ctx, tx)
	if err != nil {
		return err
	}
	prefix := readerPrefix(db)
	rows, err := tx.Query(ctx, `SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) AND rolname LIKE '%\_reader' AND NOT rolcanlogin`, prefix)
	if err != nil {
		return fmt.Errorf("sqlexec: harden: list readers: %w", err)
	}
	roles, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("sqlexec: harden: list readers: %w", err)
	}
	if len(roles) == 0 {
		return nil
	}
	secret, err := readSecret(ctx, tx)
	if err != nil {
		return err
	}
	for _, r := range roles {
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { // a savepoint: one reader's failure leaves tx usable
			warning, err := makeReader(ctx, sp, r, secret, false)
			if warning != "" {
				*skipped = append(*skipped, fmt.Sprintf("reader %s: %s", r, warning))
			}
			return err
		})
		if err != nil {
			*skipped = append(*skipped, fmt.Sprintf("reader %s: %s", r, pgMessage(err)))
		}
	}
	return nil
}

// makeReaderFunction is the SECURITY DEFINER function, installed by migrations.Harden where it runs
// as a superuser, that makes reader roles for a platform role that may not create roles.
const makeReaderFunction = "goldset_priv.make_reader"

// makeReader makes role a reader able to log in — creates it, or gives an existing one a reader's
// login and limits back — and the connected role a member of it. Where makeReaderFunction is
// there for the connected role, it does so and the platform's role needs no CREATEROLE; elsewhere
// the platform's role does it itself, and the temporary-file limit, which only a superuser may set,
// is a warning when it cannot be set.
func makeReader(ctx context.Context, tx pgx.Tx, role string, secret []byte, create bool) (warning string, err error) {
	var viaFunction bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname || '.' || p.proname = $1 AND has_function_privilege(p.oid, 'EXECUTE'))`, makeReaderFunction).Scan(&viaFunction)
	if err != nil {
		return "", fmt.Errorf("sqlexec: find %s: %w", makeReaderFunction, err)
	}
	password := readerPassword(secret, role)
	if viaFunction {
		_, err := tx.Exec(ctx, "SELECT "+makeReaderFunction+"($1, $2, $3, $4)", role, password, readerConnectionLimit, readerTempFileLimit)
		return "", err
	}
	ident := pgx.Identifier{role}.Sanitize()
	verb := "ALTER ROLE "
	if create {
		verb = "CREATE ROLE "
	}
	attrs := fmt.Sprintf("LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT %d PASSWORD %s",
		readerConnectionLimit, quoteLiteral(password))
	if _, err := tx.Exec(ctx, verb+ident+" "+attrs); err != nil {
		return "", fmt.Errorf("%s%s: %w", verb, ident, err) // without its password
	}
	if _, err := tx.Exec(ctx, "GRANT "+ident+" TO CURRENT_USER"); err != nil {
		return "", err
	}
	if err := withSavepoint(ctx, tx, "ALTER ROLE "+ident+" SET temp_file_limit = "+quoteLiteral(readerTempFileLimit)); err != nil {
		return "the reader's temporary-file limit is not set: " + pgMessage(err), nil
	}
	return "", nil
}

// readerConnectionLimit bounds one reader's sessions, whatever happens to the sandbox's pools.
const readerConnectionLimit = 64

// readerTempFileLimit bounds the temporary files one query of a reader may write (sorts and hashes
// that spill past work_mem). temp_file_limit can only be set by a superuser, so it is the role's
// setting, not the session's.
const readerTempFileLimit = "512MB"

// readerPassword is role's login password: an HMAC of its name under the installation's secret, so
// every Goldset process connected to the platform database can compute it and nothing stores it.
func readerPassword(secret []byte, role string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(role))
	return hex.EncodeToString(m.Sum(nil))
}

// readerPrefix is how the reader roles of targets in PostgreSQL database db begin (see TargetFor).
func readerPrefix(db string) string {
	h := sha256.Sum256([]byte(db))
	return "gs_" + hex.EncodeToString(h[:5]) + "_"
}

// errNoSecret means the platform database has not been migrated.
var errNoSecret = errors.New("sqlexec: the sandbox secret is missing: run `goldset migrate up`")

func readSecret(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) ([]byte, error) {
	var secret []byte
	if err := q.QueryRow(ctx, "SELECT secret FROM sandbox_secret").Scan(&secret); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errNoSecret
		}
		return nil, fmt.Errorf("sqlexec: read the sandbox secret: %w", err)
	}
	return secret, nil
}
