package pgserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store/pgserver"
	"github.com/goldset/goldset/store/storetest"
)

// helperEnv makes the test binary act as a second goldset process (see TestHelperProcess).
const helperEnv = "GOLDSET_PGSERVER_HELPER_DATADIR"

var testSettings = map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}

func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skipf("skipping: needs the PostgreSQL server binaries: %v", err)
	}
}

// dataDir is a fresh directory the OS user that runs postgres can reach.
func dataDir(t *testing.T) string {
	t.Helper()
	requireBinaries(t)
	return storetest.TempDir(t)
}

func start(t *testing.T, dir string) *pgserver.Cluster {
	t.Helper()
	return startWith(t, dir, testSettings)
}

func startWith(t *testing.T, dir string, settings map[string]string) *pgserver.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgserver.Start(ctx, pgserver.Options{DataDir: dir, Settings: settings})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// A safety net so a failing test leaves no server behind; Close is idempotent.
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// closeCluster ends this use of the cluster, failing the test if Close fails.
func closeCluster(t *testing.T, c *pgserver.Cluster) {
	t.Helper()
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// helper is this test binary run again as another process on the same data dir, to run one
// TestHelperProcess… test. The processes synchronise through the helper's stdin and the lines it
// prints starting "helper: ", never through sleeps.
type helper struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	stderr *strings.Builder
}

// startHelper runs the test named test in another process, with env naming the data dir; the
// process is killed at the end of the test if it still runs.
func startHelper(t *testing.T, test, env, dir string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	h := &helper{cmd: cmd, stdin: stdin, lines: bufio.NewScanner(stdout), stderr: &strings.Builder{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return h
}

// readLine is what the helper says next, without its "helper: ".
func (h *helper) readLine(t *testing.T) string {
	t.Helper()
	for h.lines.Scan() {
		if l := h.lines.Text(); strings.HasPrefix(l, "helper: ") {
			return strings.TrimPrefix(l, "helper: ")
		}
	}
	t.Fatalf("helper ended early: %v\nstderr:\n%s", h.lines.Err(), h.stderr)
	return ""
}

// helperCluster starts a helper process's use of the cluster in the data dir its parent named in
// env; run as an ordinary test (env unset), the helper test, a helper process for parent, is skipped.
func helperCluster(t *testing.T, env, parent string) *pgserver.Cluster {
	dir := os.Getenv(env)
	if dir == "" {
		t.Skip("helper process for " + parent)
	}
	c, err := pgserver.Start(context.Background(), pgserver.Options{DataDir: dir, Settings: testSettings})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closeHelperCluster ends a helper process's use of the cluster and tells the parent.
func closeHelperCluster(t *testing.T, c *pgserver.Cluster) {
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	fmt.Println("helper: closed")
}

func connect(ctx context.Context, url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return pgx.Connect(ctx, url)
}

func exec1(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func selectOne(url string) error {
	conn, err := connect(context.Background(), url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "select 1").Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("select 1 returned %d", n)
	}
	return nil
}

func requireUp(t *testing.T, url string) {
	t.Helper()
	if err := selectOne(url); err != nil {
		t.Fatalf("server should answer: %v", err)
	}
}

func requireDown(t *testing.T, url string) {
	t.Helper()
	if err := selectOne(url); err == nil {
		t.Fatalf("server should be stopped, but it answers at %s", url)
	}
}

func TestStart_InitialisesAndAnswersSelect1(t *testing.T) {
	dir := dataDir(t)
	t0 := time.Now()
	c := start(t, dir)
	t.Logf("first start (initdb + start): %v", time.Since(t0))
	if !c.Started() {
		t.Error("Started() = false for the process that started the server")
	}
	requireUp(t, c.URL("postgres"))
	if !strings.HasPrefix(c.URL("postgres"), "postgres://goldset@/postgres?") {
		t.Errorf("URL = %q", c.URL("postgres"))
	}
	if want := filepath.Join(dir, "postgres", "run"); c.SocketDir() != want {
		t.Errorf("SocketDir = %q, want %q", c.SocketDir(), want)
	}
	closeCluster(t, c)
	requireDown(t, c.URL("postgres"))
}

func TestStart_SecondUserAttachesAndLastCloseStops(t *testing.T) {
	dir := dataDir(t)
	first := start(t, dir)
	second := start(t, dir)
	if second.Started() {
		t.Error("second Start on a running cluster reports Started() = true; want it to attach")
	}
	if first.URL("postgres") != second.URL("postgres") {
		t.Errorf("URLs differ: %q vs %q", first.URL("postgres"), second.URL("postgres"))
	}
	closeCluster(t, first)
	requireUp(t, second.URL("postgres")) // the starter left, but a user remains
	closeCluster(t, second)
	requireDown(t, second.URL("postgres"))
}

func TestStopRestart_KeepsSocketAndData(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	url := c.URL("postgres")
	exec1(t, url, "create table kept (v int); insert into kept values (42)")
	ctx := context.Background()
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	requireDown(t, url)
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if c.URL("postgres") != url {
		t.Errorf("URL changed across restart: %q -> %q", url, c.URL("postgres"))
	}
	conn, err := connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "select v from kept").Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart: v=%d err=%v", v, err)
	}
}

func TestStart_AfterCloseFindsSameData(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	exec1(t, c.URL("postgres"), "create table kept (v int)")
	closeCluster(t, c)
	t0 := time.Now()
	c = start(t, dir)
	t.Logf("start of an existing cluster: %v", time.Since(t0))
	if !c.Started() {
		t.Error("Start after the last Close should start the server again")
	}
	exec1(t, c.URL("postgres"), "select * from kept")
}

func TestStart_LongDataDirUsesShortSocketDir(t *testing.T) {
	dir := filepath.Join(dataDir(t), strings.Repeat("a-rather-long-directory-name-", 4))
	c := start(t, dir)
	if !strings.HasPrefix(c.SocketDir(), filepath.Join(os.TempDir(), "goldset-pg-")) {
		t.Errorf("SocketDir = %q, want it under %s", c.SocketDir(), os.TempDir())
	}
	requireUp(t, c.URL("postgres"))
	// Another process finds the same socket through cluster.json.
	again := start(t, dir)
	if again.Started() || again.SocketDir() != c.SocketDir() {
		t.Errorf("second Start: Started=%v SocketDir=%q, want attach to %q", again.Started(), again.SocketDir(), c.SocketDir())
	}
}

func TestStart_AfterServerKilledStartsDespiteStalePID(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	killPostmaster(t, dir)
	requireDown(t, c.URL("postgres"))
	if _, err := os.Stat(pidFile(dir)); err != nil {
		t.Fatalf("expected a stale postmaster.pid after kill -9: %v", err)
	}
	again := start(t, dir)
	if !again.Started() {
		t.Error("Started() = false after the server was killed")
	}
	requireUp(t, again.URL("postgres"))
}

func TestStart_DataFromOtherMajorVersionFailsClearly(t *testing.T) {
	dir := dataDir(t)
	c := start(t, dir)
	closeCluster(t, c)
	if err := os.WriteFile(filepath.Join(dir, "postgres", "data", "PG_VERSION"), []byte("11\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := pgserver.Start(context.Background(), pgserver.Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "created by PostgreSQL 11") {
		t.Fatalf("err = %v, want one naming PostgreSQL 11", err)
	}
}

func TestStart_AsRootUntraversableParentFailsClearly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root hands the cluster to another OS user")
	}
	requireBinaries(t)
	locked := t.TempDir() // 0700, owned by root
	if err := os.Chmod(filepath.Dir(locked), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := pgserver.Start(context.Background(), pgserver.Options{DataDir: filepath.Join(locked, "data")})
	if err == nil || !strings.Contains(err.Error(), "cannot traverse directory "+locked) {
		t.Fatalf("err = %v, want one naming %s", err, locked)
	}
}

func TestFindBinaries_BogusBinDirSaysHowToInstall(t *testing.T) {
	_, err := pgserver.FindBinaries("/nonexistent/pg/bin")
	if !errors.Is(err, pgserver.ErrBinariesNotFound) {
		t.Fatalf("err = %v, want ErrBinariesNotFound", err)
	}
	for _, want := range []string{"apt-get install postgresql", "brew install postgresql@15", "GOLDSET_DATABASE_URL", "/nonexistent/pg/bin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	_, err = pgserver.Start(context.Background(), pgserver.Options{DataDir: t.TempDir(), BinDir: "/nonexistent/pg/bin"})
	if !errors.Is(err, pgserver.ErrBinariesNotFound) {
		t.Fatalf("Start: err = %v, want ErrBinariesNotFound", err)
	}
}

// TestTwoProcesses_ShareOneClusterAndLastOneStopsIt runs a second OS process (this test binary,
// re-executed) against the same data dir. The processes synchronise through the child's stdin
// and stdout, never through sleeps.
func TestTwoProcesses_ShareOneClusterAndLastOneStopsIt(t *testing.T) {
	dir := dataDir(t)
	parent := start(t, dir)
	url := parent.URL("postgres")

	child := startHelper(t, "TestHelperProcess", helperEnv, dir)
	if got := child.readLine(t); got != "attached started=false" {
		t.Fatalf("child: %q, want it to attach to the parent's server", got)
	}
	exec1(t, url, "select * from written_by_child") // the child's table, in the one server

	closeCluster(t, parent)
	requireUp(t, url) // the starter left; the child still uses it

	child.stdin.Close() // tell the child to Close
	if got := child.readLine(t); got != "closed" {
		t.Fatalf("child: %q", got)
	}
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, child.stderr.String())
	}
	requireDown(t, url) // the last user out stopped it, though it had not started it
}

// TestHelperProcess is the second process of TestTwoProcesses_ShareOneClusterAndLastOneStopsIt.
func TestHelperProcess(t *testing.T) {
	c := helperCluster(t, helperEnv, "TestTwoProcesses_ShareOneClusterAndLastOneStopsIt")
	exec1(t, c.URL("postgres"), "create table written_by_child (v int)")
	fmt.Printf("helper: attached started=%v\n", c.Started())
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	closeHelperCluster(t, c)
}
