package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/pgserver"
	"github.com/goldset/goldset/store/storetest"
)

// TestOutage_DatabaseStopsAndReturns runs the server on a PostgreSQL of its own, stops it under the
// running server, and starts it again: /readyz and API calls answer 503 meanwhile (not 401, not 500),
// and both recover without restarting the server.
func TestOutage_DatabaseStopsAndReturns(t *testing.T) {
	t.Parallel()
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	cl, err := pgserver.Start(ctx, pgserver.Options{DataDir: storetest.TempDir(t), Settings: map[string]string{"fsync": "off"}})
	noError(t, err)
	defer cl.Close(ctx)
	conn, err := pgx.Connect(ctx, cl.URL("postgres"))
	noError(t, err)
	if _, err := conn.Exec(ctx, "CREATE DATABASE outage"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	st, err := store.Open(ctx, cl.URL("outage"), store.Options{})
	noError(t, err)
	defer st.Close()
	if _, err := migrations.Apply(ctx, st.Pool()); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.System, store.NewUser{Email: "ops@example.com", Password: testPassword, IsAdmin: true})
	noError(t, err)
	_, token, err := st.CreateToken(ctx, store.System, u.ID, "ops", 0)
	noError(t, err)
	exec, err := sqlexec.NewExecutor(ctx, st.URL(), sqlexec.ExecOptions{})
	noError(t, err)
	defer exec.Close()
	im, err := ingest.NewImporter(ctx, st, exec, nil)
	noError(t, err)
	var serverLog lockedBuffer
	cfg := Config{Logger: slog.New(slog.NewTextHandler(&serverLog, nil)), Exec: exec, Importer: im}
	wire(t, st, &cfg, llm.Settings{}, true)
	srv, err := New(ctx, st, cfg)
	noError(t, err)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	get := func(path string) int {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		noError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("/readyz"); got != 200 {
		t.Fatalf("readyz before: %d", got)
	}
	if got := get("/api/v1/projects"); got != 200 {
		t.Fatalf("projects before: %d", got)
	}

	noError(t, cl.Stop(ctx))
	if got := get("/readyz"); got != 503 {
		t.Errorf("readyz with the database down: %d, want 503", got)
	}
	if got := get("/api/v1/projects"); got != 503 {
		t.Errorf("API with the database down: %d, want 503", got)
	}
	// Anonymous callers learn that the database is down, not where its socket is or who connects.
	res, err := http.Get(ts.URL + "/readyz")
	noError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || !strings.Contains(string(body), `"code":"unavailable"`) {
		t.Errorf("anonymous readyz with the database down: %d %s", res.StatusCode, body)
	}
	for _, leak := range []string{"/", ".s.PGSQL", "user="} {
		if strings.Contains(string(body), leak) {
			t.Errorf("anonymous readyz body %s contains %q", body, leak)
		}
	}
	if !strings.Contains(serverLog.String(), ".s.PGSQL") {
		t.Errorf("the server log should hold the driver's error, naming the socket:\n%s", serverLog.String())
	}
	if got := get("/healthz"); got != 200 {
		t.Errorf("healthz is about the process and must stay 200: %d", got)
	}

	noError(t, cl.Restart(ctx))
	deadline := time.Now().Add(30 * time.Second)
	for get("/readyz") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover after the database came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := get("/api/v1/projects"); got != 200 {
		t.Errorf("projects after recovery: %d", got)
	}
}

// lockedBuffer is a log written by the server while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
