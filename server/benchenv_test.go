package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

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

// concurrently runs clients goroutines, client c making the calls k = c, c+clients, c+2·clients, …
// for as long as more(k) says, and returns each call's latency. A client stops at its first failure;
// the first failure of all is returned.
func concurrently(clients int, more func(k int) bool, call func(k int) error) ([]time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Go(func() {
			var lat []time.Duration
			for k := c; more(k); k += clients {
				t0 := time.Now()
				if err := call(k); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					break
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, firstErr
}

// upTo is the more of concurrently for n calls in all.
func upTo(n int) func(k int) bool { return func(k int) bool { return k < n } }

// apiCall makes one API request as a benchmark's client: authorized by token, anything but 200 an
// error, and the body drained and no more, as the client shares the CPUs with the server and
// PostgreSQL.
func apiCall(client *http.Client, method, url, token string) error {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, body)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
