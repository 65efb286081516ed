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
	applied int          // how many migrations opening it applied
	closers []func()     // run first on Close (pools opened on this database)
}

// openDatabase connects to --database-url (handed to its role by --admin-database-url's superuser
// first, when given), or starts (or attaches to) the embedded PostgreSQL in the data dir. With
// migrate, the schema is brought up to date.
func openDatabase(ctx context.Context, cfg *config, log *slog.Logger, migrate bool) (*database, error) {
	d := &database{url: cfg.get("database-url"), log: log}
	admin := cfg.get("admin-database-url")
	var err error
	switch {
	case admin != "" && d.url == "":
		return nil, fmt.Errorf("%w: --admin-database-url goes with --database-url", errUsage)
	case admin != "":
		d.applied, err = prepareExternal(ctx, admin, d.url, migrate)
		migrate = false
	case d.url == "":
		err = d.startEmbedded(ctx, cfg, migrate)
		migrate = false
	}
	if err != nil {
		d.Close(ctx)
		return nil, err
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
	if d.cluster == nil && admin == "" {
		warnIfSuperuser(ctx, st, log)
	}
	if migrate {
		if d.applied, err = migrations.Apply(ctx, st.Pool()); err != nil {
			d.Close(ctx)
			return nil, err
		}
	}
	if d.applied > 0 {
		log.Info("applied migrations", "count", d.applied)
	}
	return d, nil
}

// startEmbedded starts (or attaches to) the embedded cluster in the data dir, makes sure it holds the
// platform database, hands that to migrations.AppRole (migrating it, with migrate) and points d at
// it as AppRole.
func (d *database) startEmbedded(ctx context.Context, cfg *config, migrate bool) error {
	if _, err := pgserver.FindBinaries(cfg.get("pg-bin")); err != nil {
		return err
	}
	cl, err := pgserver.Start(ctx, pgserver.Options{DataDir: cfg.get("data-dir"), BinDir: cfg.get("pg-bin"), Logger: d.log})
	if err != nil {
		return err
	}
	d.cluster = cl
	if err := ensureDatabase(ctx, cl.URL("postgres"), platformDatabase); err != nil {
		return err
	}
	d.url, d.applied, err = prepareEmbedded(ctx, cl.URL(platformDatabase), migrate)
	return err
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
func prepareEmbedded(ctx context.Context, superURL string, migrate bool) (appURL string, applied int, err error) {
	pool, err := pgxpool.New(ctx, superURL)
	if err != nil {
		return "", 0, fmt.Errorf("connect to the embedded PostgreSQL: %w", err)
	}
	defer pool.Close()
	applied, err = migrations.HandOver(ctx, pool, migrations.PlatformRole{Name: migrations.AppRole}, migrate)
	if err != nil {
		return "", applied, err
	}
	u, err := url.Parse(superURL)
	if err != nil {
		return "", applied, err
	}
	u.User = url.User(migrations.AppRole)
	return u.String(), applied, nil
}

// prepareExternal hands the database of an external server to the role of appURL, as the superuser
// of adminURL, migrating it on the way (with migrate): the platform then runs as an ordinary role
// there too. Both URLs must name the same database of the same server.
func prepareExternal(ctx context.Context, adminURL, appURL string, migrate bool) (applied int, err error) {
	admin, err := pgxpool.ParseConfig(adminURL)
	if err != nil {
		return 0, fmt.Errorf("%w: --admin-database-url: %v", errUsage, err)
	}
	app, err := pgxpool.ParseConfig(appURL)
	if err != nil {
		return 0, fmt.Errorf("%w: --database-url: %v", errUsage, err)
	}
	a, b := admin.ConnConfig, app.ConnConfig
	if a.Host != b.Host || a.Port != b.Port || a.Database != b.Database {
		return 0, fmt.Errorf("%w: --admin-database-url names database %q on %s:%d, --database-url %q on %s:%d: they must name the same",
			errUsage, a.Database, a.Host, a.Port, b.Database, b.Host, b.Port)
	}
	if a.User == b.User {
		return 0, fmt.Errorf("%w: --database-url must connect as a role of its own, not as --admin-database-url's %s", errUsage, a.User)
	}
	pool, err := pgxpool.NewWithConfig(ctx, admin)
	if err != nil {
		return 0, fmt.Errorf("connect to --admin-database-url: %w", err)
	}
	defer pool.Close()
	var super bool
	if err := pool.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		return 0, fmt.Errorf("connect to --admin-database-url: %w", err)
	}
	if !super {
		return 0, fmt.Errorf("%w: --admin-database-url must connect as a superuser; %s is not one", errUsage, a.User)
	}
	return migrations.HandOver(ctx, pool, migrations.PlatformRole{Name: b.User, Password: b.Password}, migrate)
}

// warnIfSuperuser warns when the platform connects to an external server as a superuser: SQL that
// reached the platform's own connection could then read the server's files and run programs.
func warnIfSuperuser(ctx context.Context, st *store.Store, log *slog.Logger) {
	var role string
	var super bool
	if err := st.Pool().QueryRow(ctx, "SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&role, &super); err != nil || !super {
		return
	}
	log.Warn("Goldset connects to PostgreSQL as a superuser; give --database-url a role of its own and "+
		"--admin-database-url the superuser, and Goldset hands the database to that role at start "+
		"(docs/ARCHITECTURE.md, Security model)", "role", role)
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
