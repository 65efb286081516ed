package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed *.sql
var files embed.FS

// FS is the embedded migration files, for tools that want to read them.
var FS fs.FS = files

// Status is one migration's state in a database.
type Status struct {
	Version int64  `json:"version"`
	Name    string `json:"name"`
	Applied bool   `json:"applied"`
	At      string `json:"applied_at,omitempty"`
}

func provider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migrations: locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Apply brings the database up to the newest migration, ours and then River's, hardens it for the
// SQL sandbox (Harden), and returns how many migrations were applied.
func Apply(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	n, rep, err := apply(ctx, pool)
	for _, s := range rep.Skipped {
		slog.Warn("sandbox hardening not applied (see docs/ARCHITECTURE.md, Security model)", "what", s)
	}
	return n, err
}

// apply is Apply, returning Harden's report.
func apply(ctx context.Context, pool *pgxpool.Pool) (int, HardenReport, error) {
	db := stdlib.OpenDBFromPool(pool) // closing it leaves the pool open
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		return 0, HardenReport{}, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), HardenReport{}, fmt.Errorf("migrations: up: %w", err)
	}
	n, err := applyRiver(ctx, pool)
	if err != nil {
		return len(results) + n, HardenReport{}, err
	}
	// The sandbox's privileges are not a migration: they are checked and restored on every run,
	// since a DBA or a restore can change them.
	rep, err := Harden(ctx, pool)
	return len(results) + n, rep, err
}

// riverLockKey serialises River's migrations between processes that start at once: rivermigrate
// takes no lock of its own.
const riverLockKey = 7_461_202_512

func riverMigrator(pool *pgxpool.Pool) (*rivermigrate.Migrator[pgx.Tx], error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, fmt.Errorf("migrations: river: %w", err)
	}
	return m, nil
}

func applyRiver(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: river: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", riverLockKey); err != nil {
		return 0, fmt.Errorf("migrations: river lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverLockKey)
	m, err := riverMigrator(pool)
	if err != nil {
		return 0, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("migrations: river up: %w", err)
	}
	return len(res.Versions), nil
}

// List reports every known migration and whether the database has it: ours, then River's (named
// "river/...", without a date: River does not record one we can read).
func List(ctx context.Context, pool *pgxpool.Pool) ([]Status, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	out := make([]Status, 0, len(st))
	for _, s := range st {
		row := Status{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied}
		if row.Applied {
			row.At = s.AppliedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		out = append(out, row)
	}
	m, err := riverMigrator(pool)
	if err != nil {
		return nil, err
	}
	have, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: river status: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range have {
		applied[v.Version] = true
	}
	for _, v := range m.AllVersions() {
		out = append(out, Status{Version: int64(v.Version), Name: "river/" + v.Name, Applied: applied[v.Version]})
	}
	return out, nil
}

// Fingerprint identifies the set of migrations, ours and River's, so a test template database built
// from them can be reused until a migration changes (a River upgrade may bring new ones).
func Fingerprint() (string, error) {
	ours, err := fingerprint(files)
	if err != nil {
		return "", err
	}
	m, err := riverMigrator(nil)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(ours))
	// Harden's privileges and the functions it installs are part of what a migrated database is.
	fmt.Fprintf(h, "\x00%q%q\x00%s", revokedFunctionNames, revokedFunctionPatterns, makeReaderSQL)
	for _, v := range m.AllVersions() {
		fmt.Fprintf(h, "\x00%d\x00%s", v.Version, v.SQLUp)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
