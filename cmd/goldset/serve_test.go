package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goldset/goldset/store/pgserver"
	"github.com/goldset/goldset/store/storetest"
)

// TestServe_EmbeddedPostgresKilledIsStartedAgain kills the embedded PostgreSQL under a running
// `goldset serve` and a `goldset worker` sharing it, as the OOM killer would (SIGKILL to the
// postmaster). While the test holds the cluster's start lock, /readyz answers 503 without naming the
// socket and both processes try to start PostgreSQL again; once the lock is free, exactly one of them
// starts it, the other finds it running, and the signed-in user's data is there.
func TestServe_EmbeddedPostgresKilledIsStartedAgain(t *testing.T) {
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skip(err)
	}
	dir := storetest.TempDir(t)
	bin := buildGoldset(t)
	serve := startProcess(t, bin, "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--log-level", "info",
		"--admin-email", "boss@example.com", "--admin-password", "the boss password")
	t.Cleanup(func() { stopGracefully(t, serve, dir) })

	var base string
	pollUntil(t, "serve to be ready", 2*time.Minute, serve, func() bool {
		var info struct{ Addr string }
		if b, err := os.ReadFile(filepath.Join(dir, "serve.json")); err != nil || json.Unmarshal(b, &info) != nil || info.Addr == "" {
			return false
		}
		base = "http://" + info.Addr
		status, _ := httpGet(base + "/readyz")
		return status == 200
	})
	worker := startProcess(t, bin, "worker", "--data-dir", dir, "--workers", "1", "--log-level", "info")
	t.Cleanup(func() { stopGracefully(t, worker, dir) })
	pollUntil(t, "the worker to attach", time.Minute, worker, func() bool { return strings.Contains(worker.output(), "worker: up to") })

	auth := login(t, base, "boss@example.com", "the boss password")
	if status, body := httpDo(t, "POST", base+"/api/v1/projects", auth, `{"name":"kept across the kill"}`); status != 201 {
		t.Fatalf("create project: %d %s", status, body)
	}

	// Hold the start lock, as a goldset process busy restarting the cluster would.
	lock, err := os.OpenFile(filepath.Join(dir, "postgres", "start.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	pid := postmasterPID(t, dir)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	var down string
	pollUntil(t, "/readyz to answer 503", 30*time.Second, serve, func() bool {
		status, body := httpGet(base + "/readyz")
		down = body
		return status == 503
	})
	for _, leak := range []string{"/", ".s.PGSQL", "user="} {
		if strings.Contains(down, leak) {
			t.Errorf("/readyz body %s contains %q", down, leak)
		}
	}
	const trying = "embedded PostgreSQL is not running; starting it again"
	for _, p := range []*process{serve, worker} {
		pollUntil(t, "both processes to notice", 30*time.Second, p, func() bool { return strings.Contains(p.output(), trying) })
	}
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	released := time.Now()

	pollUntil(t, "/readyz to answer 200 again", 30*time.Second, serve, func() bool {
		status, _ := httpGet(base + "/readyz")
		return status == 200
	})
	t.Logf("ready again %v after the start lock was released, %v after the kill",
		time.Since(released).Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))
	if got := postmasterPID(t, dir); got == pid {
		t.Errorf("postmaster pid is still %d", got)
	}
	status, body := httpDo(t, "GET", base+"/api/v1/projects", auth, "")
	if status != 200 || !strings.Contains(body, "kept across the kill") {
		t.Fatalf("projects after the restart: %d %s", status, body)
	}

	// pg_ctl notices the server is up a little after the pool does.
	const again = "embedded PostgreSQL is running again"
	starters := 0
	for _, p := range []*process{serve, worker} {
		pollUntil(t, "the log to say "+again, 30*time.Second, p, func() bool { return strings.Contains(p.output(), again) })
		for _, l := range strings.Split(p.output(), "\n") {
			if strings.Contains(l, again) || strings.Contains(l, trying) || strings.Contains(l, "started PostgreSQL") {
				t.Log(l)
			}
			if strings.Contains(l, again) && strings.Contains(l, `how="started it"`) {
				starters++
			}
		}
	}
	if starters != 1 {
		t.Errorf("%d processes started PostgreSQL again, want exactly 1", starters)
	}
}

func postmasterPID(t *testing.T, dataDir string) int {
	t.Helper()
	pid, err := readPostmasterPID(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// readPostmasterPID is the pid in the embedded PostgreSQL's postmaster.pid.
func readPostmasterPID(dataDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postgres", "data", "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
}

// stopGracefully stops a goldset process as Ctrl-C would, so that the last one out stops PostgreSQL;
// one that does not stop is killed. PostgreSQL left running when no process uses it any more is
// ended too (SIGQUIT: an immediate shutdown, which ends its children as well).
func stopGracefully(t *testing.T, p *process, dataDir string) {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		t.Errorf("goldset %s did not stop within a minute of SIGINT", p.cmd.Args[1])
		p.cmd.Process.Kill()
		<-p.exited
	}
	pid, err := readPostmasterPID(dataDir)
	if err != nil {
		return
	}
	users, err := os.OpenFile(filepath.Join(dataDir, "postgres", "users.lock"), os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer users.Close()
	if syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // another goldset process still uses it
	}
	if syscall.Kill(pid, 0) == nil {
		t.Errorf("PostgreSQL (pid %d) still runs after the last goldset process stopped; ending it", pid)
		syscall.Kill(pid, syscall.SIGQUIT)
	}
}

// session is a signed-in browser: its cookies and CSRF token.
type session struct {
	cookies []*http.Cookie
	csrf    string
}

func login(t *testing.T, base, email, password string) session {
	t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return session{cookies: res.Cookies(), csrf: out.CSRF}
}

func httpDo(t *testing.T, method, url string, s session, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	req.Header.Set("X-CSRF-Token", s.csrf)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// httpGet answers 0 when the request fails.
func httpGet(url string) (int, string) {
	res, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
