package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/pgserver"
)

// platformDatabase is the database the embedded cluster holds the platform in.
const platformDatabase = "goldset"

// database is an open platform store, and the embedded cluster under it when there is one.
type database struct {
	store   *store.Store
	cluster *pgserver.Cluster
	url     string
	log     *slog.Logger // the logger of the command that opened it
	closers []func()     // run first on Close (pools opened on this database)
}

// openDatabase connects to --database-url, or starts (or attaches to) the embedded PostgreSQL in the
// data dir. With migrate, the schema is brought up to date.
func openDatabase(ctx context.Context, cfg *config, log *slog.Logger, migrate bool) (*database, error) {
	d := &database{url: cfg.get("database-url"), log: log}
	if d.url == "" {
		if _, err := pgserver.FindBinaries(cfg.get("pg-bin")); err != nil {
			return nil, err
		}
		cl, err := pgserver.Start(ctx, pgserver.Options{DataDir: cfg.get("data-dir"), BinDir: cfg.get("pg-bin"), Logger: log})
		if err != nil {
			return nil, err
		}
		d.cluster = cl
		if err := ensureDatabase(ctx, cl.URL("postgres"), platformDatabase); err != nil {
			d.Close(ctx)
			return nil, err
		}
		appURL, err := prepareEmbedded(ctx, cl.URL(platformDatabase), migrate, log)
		if err != nil {
			d.Close(ctx)
			return nil, err
		}
		d.url, migrate = appURL, false
	}
	st, err := store.Open(ctx, d.url, store.Options{})
	if err != nil {
		d.Close(ctx)
		return nil, err
	}
	d.store = st
	if err := st.Ping(ctx); err != nil {
		d.Close(ctx)
		return nil, fmt.Errorf("cannot reach PostgreSQL: %w", err)
	}
	if migrate {
		n, err := migrations.Apply(ctx, st.Pool())
		if err != nil {
			d.Close(ctx)
			return nil, err
		}
		if n > 0 {
			log.Info("applied migrations", "count", n)
		}
	}
	return d, nil
}

// openCommandDatabase opens the database as a one-shot command does: the configuration resolved,
// logging warnings and errors only (toolLogger).
func openCommandDatabase(ctx context.Context, cfg *config, migrate bool) (*database, error) {
	if err := cfg.resolve(); err != nil {
		return nil, err
	}
	return openDatabase(ctx, cfg, cfg.toolLogger(), migrate)
}

// openProject opens the database as a one-shot command does, migrated, and finds the project
// called name; the caller closes the database.
func openProject(ctx context.Context, cfg *config, name string) (*database, store.Project, error) {
	db, err := openCommandDatabase(ctx, cfg, true)
	if err != nil {
		return nil, store.Project{}, err
	}
	p, err := projectByName(ctx, db.store, name)
	if err != nil {
		db.Close(ctx)
		return nil, p, err
	}
	return db, p, nil
}

// projectByName finds the project called name, or numbered name (the id the web UI's addresses
// show) when none is called that. When neither exists, the error lists the projects there are.
func projectByName(ctx context.Context, st *store.Store, name string) (store.Project, error) {
	p, err := st.ProjectByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		if id, perr := strconv.ParseInt(name, 10, 64); perr == nil && id > 0 {
			if p, err = st.Project(ctx, id); err == nil {
				return p, nil
			}
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return p, store.NotFound(fmt.Sprintf("no project is called %q%s", name, existingProjects(ctx, st)))
	}
	if err != nil {
		return p, fmt.Errorf("project %s: %w", name, err)
	}
	return p, nil
}

// existingProjects names the projects there are (the first 20), for an error that says one was not
// found: `; the projects are: "Sample" (1), "wtq" (2)`, or "; there is no project yet".
func existingProjects(ctx context.Context, st *store.Store) string {
	ps, err := st.ListProjects(ctx, store.User{IsAdmin: true})
	if err != nil {
		return ""
	}
	if len(ps) == 0 {
		return "; there is no project yet"
	}
	const most = 20
	var names []string
	for _, p := range ps[:min(len(ps), most)] {
		names = append(names, fmt.Sprintf("%q (%d)", p.Name, p.ID))
	}
	if len(ps) > most {
		names = append(names, fmt.Sprintf("and %d more", len(ps)-most))
	}
	return "; the projects are: " + strings.Join(names, ", ")
}

// supervise starts the embedded PostgreSQL again whenever it dies, until Close, for the commands
// that run for a long time. Every process on the data dir may do so: one restarts it, the others'
// pools reconnect.
func (d *database) supervise(ctx context.Context) {
	if d.cluster == nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); d.cluster.Supervise(ctx) }()
	d.closers = append([]func(){func() { cancel(); <-done }}, d.closers...)
}

// Close releases the store, then this process's use of the embedded cluster (stopping it when no
// other process uses it).
func (d *database) Close(ctx context.Context) {
	for _, c := range d.closers {
		c()
	}
	if d.store != nil {
		d.store.Close()
	}
	if d.cluster != nil {
		if err := d.cluster.Close(context.WithoutCancel(ctx)); err != nil {
			slog.Error("stopping the embedded PostgreSQL", "err", err)
		}
	}
}

// prepareEmbedded hands the embedded cluster's platform database to migrations.AppRole, migrating
// it as the superuser on the way (with migrate), and returns the URL that connects
// as AppRole: the platform never runs as the superuser.
func prepareEmbedded(ctx context.Context, superURL string, migrate bool, log *slog.Logger) (string, error) {
	pool, err := pgxpool.New(ctx, superURL)
	if err != nil {
		return "", fmt.Errorf("connect to the embedded PostgreSQL: %w", err)
	}
	defer pool.Close()
	n, err := migrations.HandOver(ctx, pool, migrate)
	if err != nil {
		return "", err
	}
	if n > 0 {
		log.Info("applied migrations", "count", n)
	}
	u, err := url.Parse(superURL)
	if err != nil {
		return "", err
	}
	u.User = url.User(migrations.AppRole)
	return u.String(), nil
}

func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the embedded PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var dup interface{ SQLState() string }
		if errors.As(err, &dup) && dup.SQLState() == "42P04" { // created meanwhile by another process
			return nil
		}
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
