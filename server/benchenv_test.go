package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// benchProject is what the API benchmarks start from: a store on a database of the benchmark's own,
// the sandbox and an importer on it, a lead with an API token, and a project of theirs holding the
// four-table "venues" database.
type benchProject struct {
	ctx     context.Context
	st      *store.Store
	exec    *sqlexec.Executor
	im      *ingest.Importer
	lead    store.User
	token   string
	project store.Project
	db      store.Database
}

func newBenchProject(b *testing.B, name string) *benchProject {
	b.Helper()
	e := &benchProject{ctx: context.Background()}
	var err error
	if e.st, err = store.Open(e.ctx, storetest.URL(b), store.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.st.Close() })
	e.exec, e.im = sandboxTools(b, e.st)
	if e.lead, err = e.st.CreateUser(e.ctx, store.System, store.NewUser{Email: "lead@example.com", Name: "Lead", Password: "bench bench bench"}); err != nil {
		b.Fatal(err)
	}
	if _, e.token, err = e.st.CreateToken(e.ctx, store.System, e.lead.ID, "bench", 0); err != nil {
		b.Fatal(err)
	}
	if e.project, err = e.st.CreateProject(e.ctx, store.System, name, "", e.lead.ID); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, table := range []string{"singer", "concert", "stadium", "ticket"} {
		csv := "id,name,country,capacity,year\n1,a,France,10,2001\n2,b,Spain,20,2002\n3,c,Peru,30,2003\n"
		if err := os.WriteFile(filepath.Join(dir, table+".csv"), []byte(csv), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	imported, err := e.im.ImportCSV(e.ctx, store.System, e.project.ID, []string{dir}, "venues")
	if err != nil {
		b.Fatal(err)
	}
	e.db = imported.Database
	return e
}

// server is a server on the benchmark's store, wired as in production but with no language model.
func (e *benchProject) server(b *testing.B) *Server {
	b.Helper()
	cfg := Config{Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UI: fstest.MapFS{}, Exec: e.exec, Importer: e.im}
	wire(b, e.st, &cfg, llm.Settings{}, false)
	srv, err := New(e.ctx, e.st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}
