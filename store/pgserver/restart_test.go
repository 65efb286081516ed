package pgserver_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goldset/goldset/store/pgserver"
)

// raceHelperEnv makes the test binary act as a process that races others to restart the server
// (see TestHelperProcessEnsureRunning).
const raceHelperEnv = "GOLDSET_PGSERVER_RACE_DATADIR"

// killSettings are for tests that kill the postmaster and then read what was committed before:
// with synchronous_commit=off a commit may still sit in shared memory, which dies with the server.
// fsync=off costs nothing here, since the operating system's cache survives a killed process.
var killSettings = map[string]string{"fsync": "off"}

// pidFile is the postmaster.pid of the cluster in the data dir dir.
func pidFile(dir string) string { return filepath.Join(dir, "postgres", "data", "postmaster.pid") }

func postmasterPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(pidFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// alive reports whether pid is a process that has not exited (a zombie has).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X')
}

func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killPostmaster sends SIGKILL to the postmaster, as the OOM killer would, and waits until it is gone.
func killPostmaster(t *testing.T, dir string) int {
	t.Helper()
	pid := postmasterPID(t, dir)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the killed postmaster to die", 10*time.Second, func() bool { return !alive(pid) })
	return pid
}

func ensureRunning(t *testing.T, c *pgserver.Cluster) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	started, err := c.EnsureRunning(ctx)
	if err != nil {
		t.Fatalf("EnsureRunning: %v", err)
	}
	return started
}

func TestEnsureRunning_AnsweringServerIsLeftAlone(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	pid := postmasterPID(t, dir)
	if ensureRunning(t, c) {
		t.Error("EnsureRunning on a server that answers reports it started one")
	}
	if got := postmasterPID(t, dir); got != pid {
		t.Errorf("postmaster changed from %d to %d", pid, got)
	}
}

// A postmaster.pid whose pid now belongs to another process (pids are reused quickly in
// containers) would make postgres refuse to start ("Is another postmaster running?").
func TestEnsureRunning_StalePIDFileNamingAnotherProcessIsReplaced(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	url := c.URL("postgres")
	b, err := os.ReadFile(pidFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "600")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	lines := strings.SplitN(string(b), "\n", 2)
	stale := strconv.Itoa(other.Process.Pid) + "\n" + lines[1]
	if err := os.WriteFile(pidFile(dir), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	if !ensureRunning(t, c) {
		t.Error("EnsureRunning found no server but reports it did not start one")
	}
	requireUp(t, url)
	if !alive(other.Process.Pid) {
		t.Error("the process named by the stale pid file was harmed")
	}
}

// A backend busy computing does not notice that its postmaster was killed, and keeps the dead
// server's shared memory attached: postgres refuses to start until it is gone.
func TestEnsureRunning_BusyBackendOfKilledPostmasterIsEnded(t *testing.T) {
	dir := dataDir(t)
	c := startWith(t, dir, killSettings)
	url := c.URL("postgres")
	exec1(t, url, "create table kept (v int); insert into kept values (7)")

	busy, err := connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close(context.Background())
	var backend int
	if err := busy.QueryRow(context.Background(), "select pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	loopDone := make(chan error, 1)
	go func() {
		_, err := busy.Exec(context.Background(), "DO $$ BEGIN LOOP END LOOP; END $$")
		loopDone <- err
	}()
	waitUntil(t, "the busy loop to run", 10*time.Second, func() bool {
		conn, err := connect(context.Background(), url)
		if err != nil {
			return false
		}
		defer conn.Close(context.Background())
		var n int
		conn.QueryRow(context.Background(), "select count(*) from pg_stat_activity where pid = $1 and state = 'active'", backend).Scan(&n)
		return n == 1
	})

	killPostmaster(t, dir)
	t.Cleanup(func() { syscall.Kill(backend, syscall.SIGKILL) })
	// The loop never waits, so it cannot notice its postmaster died: it can only be ended.
	if !alive(backend) {
		t.Fatalf("the busy backend %d exited with its postmaster", backend)
	}

	t0 := time.Now()
	if !ensureRunning(t, c) {
		t.Error("EnsureRunning reports it did not start the server")
	}
	t.Logf("EnsureRunning with a busy orphan: %v", time.Since(t0).Round(time.Millisecond))
	if alive(backend) {
		t.Errorf("the orphaned backend %d still runs", backend)
	}
	if err := <-loopDone; err == nil {
		t.Error("the busy loop's connection should have failed")
	}
	conn, err := connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v int
	if err := conn.QueryRow(context.Background(), "select v from kept").Scan(&v); err != nil || v != 7 {
		t.Fatalf("after restart: v=%d err=%v", v, err)
	}
}

func TestSupervise_KilledServerIsStartedAgain(t *testing.T) {
	dir := dataDir(t)
	c := startWith(t, dir, killSettings)
	url := c.URL("postgres")
	exec1(t, url, "create table kept (v int); insert into kept values (1)")
	ctx, cancel := context.WithCancel(context.Background())
	supervised := make(chan struct{})
	go func() { c.Supervise(ctx); close(supervised) }()
	t.Cleanup(func() { cancel(); <-supervised })

	old := killPostmaster(t, dir)
	t0 := time.Now()
	waitUntil(t, "the server to answer again", 30*time.Second, func() bool { return selectOne(url) == nil })
	t.Logf("answers again %v after the postmaster died", time.Since(t0).Round(time.Millisecond))
	if pid := postmasterPID(t, dir); pid == old {
		t.Errorf("postmaster pid is still %d", pid)
	}
	exec1(t, url, "select 1 from kept where v = 1")
}

// TestEnsureRunning_TwoProcessesRaceAndExactlyOneStartsTheServer has two other processes attached
// to the server when it is killed; both are told at once to make sure it runs.
func TestEnsureRunning_TwoProcessesRaceAndExactlyOneStartsTheServer(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	url := c.URL("postgres")

	var helpers []*helper
	for range 2 {
		helpers = append(helpers, startHelper(t, "TestHelperProcessEnsureRunning", raceHelperEnv, dir))
	}
	for _, h := range helpers {
		if got := h.readLine(t); got != "attached" {
			t.Fatalf("helper: %q", got)
		}
	}

	killPostmaster(t, dir)
	requireDown(t, url)
	for _, h := range helpers {
		io.WriteString(h.stdin, "go\n")
	}
	starters := 0
	for _, h := range helpers {
		switch got := h.readLine(t); got {
		case "started=true":
			starters++
		case "started=false":
		default:
			t.Fatalf("helper: %q\n%s", got, h.stderr)
		}
	}
	if starters != 1 {
		t.Fatalf("%d processes started the server, want exactly 1", starters)
	}
	requireUp(t, url)
	if ensureRunning(t, c) {
		t.Error("a third EnsureRunning started the server again")
	}
	for _, h := range helpers {
		h.stdin.Close()
		if got := h.readLine(t); got != "closed" {
			t.Fatalf("helper: %q", got)
		}
	}
	requireUp(t, url) // this process still uses it
}

// TestHelperProcessEnsureRunning is a process of TestEnsureRunning_TwoProcessesRaceAndExactlyOneStartsTheServer.
func TestHelperProcessEnsureRunning(t *testing.T) {
	c := helperCluster(t, raceHelperEnv, "TestEnsureRunning_TwoProcessesRaceAndExactlyOneStartsTheServer")
	fmt.Println("helper: attached")
	in := bufio.NewReader(os.Stdin)
	in.ReadString('\n')
	started, err := c.EnsureRunning(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("helper: started=%v\n", started)
	in.ReadString('\n') // until the parent closes stdin
	closeHelperCluster(t, c)
}
