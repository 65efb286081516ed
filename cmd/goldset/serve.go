package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	annotatorui "github.com/goldset/goldset/annotator-ui"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/server"
	"github.com/goldset/goldset/store"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("serve [options]", "Run the web UI and API. Without --database-url it starts a private PostgreSQL\nin the data dir and stops it on exit.")
	cfg := newConfig(fs, append(append(append(dbOptions, sqlOptions...), uploadOptions...), "addr", "cookie-secure", "admin-email", "admin-password", "workers")...)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.resolve(); err != nil {
		return err
	}
	log := cfg.logger()
	slog.SetDefault(log)

	// One server per data dir: a second one would fight the first over the embedded cluster.
	lock, err := lockServe(cfg.get("data-dir"))
	if err != nil {
		return err
	}
	defer lock.Close()

	ln, err := net.Listen("tcp", cfg.get("addr"))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("address %s is already in use by another program; choose another with --addr or GOLDSET_ADDR", cfg.get("addr"))
		}
		return fmt.Errorf("listen on %s: %w", cfg.get("addr"), err)
	}
	defer ln.Close()
	if err := lock.record(ln.Addr().String()); err != nil {
		return err
	}

	t, err := openTools(ctx, cfg, log)
	if err != nil {
		return err
	}
	db := t.db
	defer db.Close(ctx)
	db.supervise(ctx)

	welcome, err := bootstrapAdmin(ctx, db.store, cfg.get("admin-email"), cfg.get("admin-password"))
	if err != nil {
		return err
	}
	var ui = annotatorui.Dist()
	if !annotatorui.Built() {
		log.Warn("this binary has no web UI built in; run 'make build' to include it")
		ui = nil
	}
	app, err := newApp(ctx, cfg, t, log)
	if err != nil {
		return err
	}
	scfg := app.serverConfig()
	scfg.CookieSecure, scfg.Version, scfg.UI, scfg.Logger = cfg.get("cookie-secure"), version, ui, log
	srv, err := server.New(ctx, db.store, scfg)
	if err != nil {
		return err
	}
	// Run items are River jobs, worked here (--workers at once) and by any 'goldset worker' on the
	// same database; the items of a process that died are handed over within seconds.
	wctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	workersDone := make(chan error, 1)
	go func() { workersDone <- app.Runner.Serve(wctx) }()
	go followSettings(ctx, app.Models, log)
	go warmIndexes(wctx, db.store, app.Schemas, log)
	url := browserURL(ln.Addr())
	fmt.Fprintf(out, "\nGoldset %s is running at %s\n%s\n%sData: %s. Press Ctrl-C to stop.\n\n", version, url, welcome, sampleHint(ctx, db.store), describeDB(cfg, db))
	err = srv.Run(ctx, ln)
	// Items in progress go back to the queue before the database is released.
	stopWorkers()
	if werr := <-workersDone; werr != nil {
		log.Error("pipeline workers", "err", werr)
	}
	log.Info("server stopped; releasing the database")
	return err
}

// sampleHint offers the sample project while there is no project at all.
func sampleHint(ctx context.Context, st *store.Store) string {
	ps, err := st.ListProjects(ctx, store.User{IsAdmin: true})
	if err != nil || len(ps) > 0 {
		return ""
	}
	return "No projects yet: press \"Load the sample project\" on the project list, or run: goldset sample\n"
}

// bootstrapAdmin creates the first admin when there is no account and says how to sign in.
func bootstrapAdmin(ctx context.Context, st *store.Store, email, password string) (string, error) {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "Sign in with your account. Lost the admin password? Run: goldset user set-password EMAIL", nil
	}
	generated := password == ""
	if generated {
		password = store.NewPassword()
	}
	u, err := st.CreateUser(ctx, store.System, store.NewUser{Email: email, Name: "Administrator", Password: password, IsAdmin: true})
	if err != nil {
		return "", fmt.Errorf("create the first admin: %w", err)
	}
	if generated {
		return fmt.Sprintf("Created the first admin. Sign in as %s with password %s\n(shown only this once; change it under Account)", u.Email, password), nil
	}
	return fmt.Sprintf("Created the first admin. Sign in as %s with the password from GOLDSET_ADMIN_PASSWORD.", u.Email), nil
}

func browserURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	ip := net.ParseIP(host)
	if ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func describeDB(cfg *config, db *database) string {
	if db.cluster != nil {
		return fmt.Sprintf("%s (embedded PostgreSQL, socket in %s)", absPath(cfg.get("data-dir")), db.cluster.SocketDir())
	}
	return "PostgreSQL at --database-url"
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// serveLock is held for the life of a serve process.
type serveLock struct{ f *os.File }

func (l *serveLock) Close() {
	_ = os.Remove(filepath.Join(filepath.Dir(l.f.Name()), "serve.json"))
	l.f.Close()
}

func lockServe(dataDir string) (*serveLock, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, "serve.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		var other struct {
			PID  int    `json:"pid"`
			Addr string `json:"addr"`
		}
		// Who holds the lock is said when its serve.json can be read (it is written just after the
		// lock is taken, so a server starting this instant may not have written it yet).
		who := ""
		if b, err := os.ReadFile(filepath.Join(dataDir, "serve.json")); err == nil && json.Unmarshal(b, &other) == nil && other.PID > 0 {
			who = fmt.Sprintf(" (pid %d, address %s)", other.PID, other.Addr)
		}
		return nil, fmt.Errorf("goldset is already serving from data dir %s%s; stop it first, or use another --data-dir",
			absPath(dataDir), who)
	}
	return &serveLock{f: f}, nil
}

// record tells other processes (and people) which process serves this data dir, and where.
func (l *serveLock) record(addr string) error {
	info, _ := json.Marshal(map[string]any{"pid": os.Getpid(), "addr": addr})
	return os.WriteFile(filepath.Join(filepath.Dir(l.f.Name()), "serve.json"), info, 0o644)
}

// followSettings picks up model settings that another process saved.
func followSettings(ctx context.Context, m *llmconf.Models, log *slog.Logger) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.ReloadIfChanged(ctx); err != nil {
				log.Warn("reloading language-model settings", "err", err)
			}
		}
	}
}

// warmIndexes builds the retrieval indexes of the newest databases too wide for one prompt (as many
// as the cache keeps), one after the other, so the first question or search after a restart does
// not wait for its database's values to be read. A failure is left for that first use to report.
func warmIndexes(ctx context.Context, st *store.Store, sc *schemas.Cache, log *slog.Logger) {
	dbs, err := st.WideDatabases(ctx, agent.DefaultTopKTables, retrieve.DefaultCached)
	if err != nil {
		log.Warn("listing the databases whose retrieval indexes to build", "err", err)
		return
	}
	for _, d := range dbs {
		if _, err := sc.Index(ctx, d.ProjectID, d.ID); err != nil && ctx.Err() == nil {
			log.Warn("building a retrieval index", "database", d.ID, "err", err)
		}
	}
}
