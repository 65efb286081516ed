package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	annotatorui "github.com/goldset/goldset/annotator-ui"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// TestBrowser_EndToEnd serves the real embedded UI on a random port over a fresh database and runs the
// browser tests in annotator-ui/e2e (Node's test runner, playwright-core, Debian's Chromium) against it.
// `make test` sets GOLDSET_E2E=1 after building the UI and installing Chromium.
func TestBrowser_EndToEnd(t *testing.T) {
	if os.Getenv("GOLDSET_E2E") != "1" {
		t.Skip("browser tests run with GOLDSET_E2E=1 (make test sets it)")
	}
	if !annotatorui.Built() {
		t.Fatal("the web UI is not built into annotator-ui/dist; run make ui")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const adminEmail, adminPassword = "admin@example.com", "e2e admin password"
	if _, err := st.CreateUser(ctx, store.System, store.NewUser{Email: adminEmail, Name: "Admin", Password: adminPassword, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	sandbox, err := sqlexec.NewExecutor(ctx, st.URL(), sqlexec.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sandbox.Close()
	im, err := pipelines.NewImporter(ctx, st, sandbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	models, agents := agentsFor(t, st, sandbox, llm.Settings{}, true)
	srv, err := New(ctx, st, Config{Version: "e2e", UI: annotatorui.Dist(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Exec: sandbox, Importer: im, Models: models, Agents: agents})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	}()

	_, file, _, _ := runtime.Caller(0)
	uiDir := filepath.Join(filepath.Dir(file), "..", "annotator-ui")
	runCtx, stop := context.WithTimeout(ctx, 10*time.Minute)
	defer stop()
	cmd := exec.CommandContext(runCtx, "node", "--test", "--test-reporter=spec", "e2e/")
	cmd.Dir = uiDir
	cmd.Env = append(os.Environ(),
		"GOLDSET_E2E_URL=http://"+ln.Addr().String(),
		"GOLDSET_E2E_ADMIN_EMAIL="+adminEmail,
		"GOLDSET_E2E_ADMIN_PASSWORD="+adminPassword,
	)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("browser tests:\n%s", out)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
}
