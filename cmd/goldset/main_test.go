package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/pgserver"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestCLI_UsageErrors(t *testing.T) {
	if _, err := runCLI(t, "frobnicate"); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := runCLI(t, "migrate", "sideways"); !errors.Is(err, errUsage) {
		t.Errorf("bad migrate: %v", err)
	}
	out := mustCLI(t, "version", "--json")
	if !strings.Contains(out, `"version"`) {
		t.Errorf("version --json: %s", out)
	}
	help := mustCLI(t, "--help")
	for _, want := range []string{"serve", "GOLDSET_DATABASE_URL", "GOLDSET_DATA_DIR", "GOLDSET_ADDR"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %s", want)
		}
	}
}

func TestCLI_UsersAndTokens(t *testing.T) {
	c := newCLI(t)
	out := c.must("user", "create", "Ada@Example.com", "--name", "Ada", "--admin", "--json")
	var created struct {
		User struct {
			ID      int64
			Email   string
			IsAdmin bool `json:"is_admin"`
		}
		Password string
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if created.User.Email != "ada@example.com" || !created.User.IsAdmin || len(created.Password) < 10 {
		t.Fatalf("created: %+v", created)
	}
	if _, err := c.run("user", "create", "ada@example.com"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate user: %v", err)
	}
	if _, err := c.run("user", "create", "not-an-email"); err == nil || !strings.Contains(err.Error(), "valid address") {
		t.Errorf("bad email: %v", err)
	}
	list := c.must("user", "list", "--json")
	if !strings.Contains(list, "ada@example.com") || strings.Contains(list, "argon2") {
		t.Errorf("list: %s", list)
	}
	pw := c.must("user", "set-password", "ada@example.com")
	if !strings.Contains(pw, "Password: ") {
		t.Errorf("set-password: %s", pw)
	}
	tok := c.must("user", "token", "create", "ada@example.com", "--name", "ci", "--json")
	var token struct {
		Token  struct{ ID int64 }
		Secret string
	}
	if err := json.Unmarshal([]byte(tok), &token); err != nil || !strings.HasPrefix(token.Secret, "gst_") {
		t.Fatalf("token create: %v %s", err, tok)
	}
	c.must("user", "token", "revoke", "ada@example.com", itoa64(token.Token.ID))
	if _, err := c.run("user", "token", "revoke", "nobody@example.com", "1"); err == nil {
		t.Error("revoking for an unknown user must fail")
	}
	if _, err := c.run("user", "token", "create", "ada@example.com"); err == nil || !strings.Contains(err.Error(), "name: is required") {
		t.Errorf("token without a name: %v", err)
	}
}

func TestCLI_MigrateStatus(t *testing.T) {
	c := newCLI(t)
	c.must("migrate", "up")
	out := c.must("migrate", "status", "--json")
	var st struct{ Migrations []struct{ Applied bool } }
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Migrations) == 0 {
		t.Fatalf("%v: %s", err, out)
	}
	for _, m := range st.Migrations {
		if !m.Applied {
			t.Errorf("pending migration after up: %s", out)
		}
	}
}

func TestCLI_ConfigFromEnvironmentAndFiles(t *testing.T) {
	url := storetest.URL(t)
	file := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(file, []byte(url+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOLDSET_DATABASE_URL_FILE", file)
	mustCLI(t, "user", "create", "from-file@example.com")
	t.Setenv("GOLDSET_LOG_LEVEL", "loud")
	if _, err := runCLI(t, "user", "list"); err == nil || !strings.Contains(err.Error(), "GOLDSET_LOG_LEVEL") {
		t.Errorf("invalid setting: %v", err)
	}
}

func TestCLI_NoPostgresBinariesSaysHowToInstall(t *testing.T) {
	_, err := runCLI(t, "serve", "--data-dir", t.TempDir(), "--pg-bin", filepath.Join(t.TempDir(), "nothing"), "--addr", "127.0.0.1:0")
	if !errors.Is(err, pgserver.ErrBinariesNotFound) || !strings.Contains(err.Error(), "apt-get install postgresql") || !strings.Contains(err.Error(), "GOLDSET_DATABASE_URL") {
		t.Fatalf("error: %v", err)
	}
}

// serveInBackground runs `goldset serve` until the test ends and returns its base URL.
func serveInBackground(t *testing.T, args ...string) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...), &bytes.Buffer{})
	}()
	dataDir := ""
	for i, a := range args {
		if a == "--data-dir" {
			dataDir = args[i+1]
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		var info struct{ Addr string }
		if b, err := os.ReadFile(filepath.Join(dataDir, "serve.json")); err == nil && json.Unmarshal(b, &info) == nil && info.Addr != "" {
			base := "http://" + info.Addr
			if res, err := http.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return base, cancel, done
				}
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("serve did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServe_SecondServerOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	url := storetest.URL(t)
	_, cancel, done := serveInBackground(t, "--data-dir", dir, "--database-url", url, "--admin-password", "first admin password")
	_, err := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir, "--database-url", url)
	// The first runs in this process: the refusal names it.
	if err == nil || !strings.Contains(err.Error(), "already serving from data dir") || !strings.Contains(err.Error(), fmt.Sprintf("(pid %d, address ", os.Getpid())) {
		t.Errorf("second serve: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first serve: %v", err)
	}
	// Once the first has stopped, the data dir is free again.
	_, cancel2, done2 := serveInBackground(t, "--data-dir", dir, "--database-url", url)
	cancel2()
	if err := <-done2; err != nil {
		t.Fatal(err)
	}
}

// TestServe_EmbeddedPostgresLifecycle is `make run` in miniature: serve starts a private PostgreSQL in
// the data dir, creates the first admin, stops everything on cancel (Ctrl-C), and the next command finds
// the same data.
func TestServe_EmbeddedPostgresLifecycle(t *testing.T) {
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skip(err)
	}
	dir := storetest.TempDir(t)
	base, cancel, done := serveInBackground(t, "--data-dir", dir, "--admin-email", "boss@example.com", "--admin-password", "the boss password")
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"boss@example.com","password":"the boss password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres", "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("PostgreSQL still running after serve stopped (postmaster.pid: %v)", err)
	}
	list := mustCLI(t, "user", "list", "--data-dir", dir, "--json")
	if !strings.Contains(list, "boss@example.com") {
		t.Errorf("the next command does not find the same data: %s", list)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres", "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("a CLI command that started PostgreSQL must stop it when done (postmaster.pid: %v)", err)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func TestCLI_ImportSpiderAndCompare(t *testing.T) {
	spiderDir := filepath.Join("..", "..", "..", "shared", "data", "spider")
	if _, err := os.Stat(spiderDir); err != nil {
		t.Skipf("needs %s", spiderDir)
	}
	c := newCLI(t)
	out := c.must("import", "spider", spiderDir, "--project", "spider-dev", "--json")
	var report struct {
		Project   string
		Tables    int
		Rows      int64
		Databases []struct{ Name string }
		Questions struct {
			Total         int
			Imported      int
			GoldMatched   int     `json:"gold_matched"`
			GoldMatchRate float64 `json:"gold_match_rate"`
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if report.Project != "spider-dev" || len(report.Databases) != 10 || report.Questions.Total != 499 || report.Questions.GoldMatchRate < 0.99 {
		t.Fatalf("report: %+v", report)
	}
	cmp := c.must("sql", "compare", "--project", "spider-dev", "--database", "concert_singer", "--json",
		"SELECT name, age FROM singer", "SELECT age, name FROM singer")
	var m struct {
		Match    bool
		GoldRows int `json:"gold_rows"`
		PredRows int `json:"pred_rows"`
	}
	if err := json.Unmarshal([]byte(cmp), &m); err != nil || !m.Match || m.GoldRows != 6 || m.PredRows != 6 {
		t.Fatalf("compare: %v %s", err, cmp)
	}
	differ := c.must("sql", "compare", "--project", "spider-dev", "--database", "concert_singer", "--json",
		"SELECT name FROM singer ORDER BY age", "SELECT name FROM singer ORDER BY age DESC")
	if !strings.Contains(differ, `"match": false`) || !strings.Contains(differ, `"order_matters": true`) {
		t.Fatalf("ordered compare: %s", differ)
	}
	run := c.must("sql", "run", "--project", "spider-dev", "--database", "singer", "--json", "SELECT count(*) FROM singer")
	if !strings.Contains(run, `"row_count": 1`) {
		t.Fatalf("run: %s", run)
	}
	if _, err := c.run("sql", "run", "--project", "spider-dev", "--database", "singer", "DROP TABLE singer"); err == nil {
		t.Fatal("a refused query must fail the command")
	}
	// The metrics of the imported set, as a dashboard row and as JSON.
	var metrics map[string]any
	js := c.must("metrics", "--project", "spider-dev", "--json")
	if err := json.Unmarshal([]byte(js), &metrics); err != nil {
		t.Fatalf("metrics --json: %v: %s", err, js)
	}
	for _, key := range []string{"nlqs", "embedding", "mean_cosine", "tables_used", "tables_total", "columns_used", "columns_total",
		"unique_patterns", "entropy_bits", "hardness"} {
		if _, ok := metrics[key]; !ok {
			t.Errorf("metrics --json lacks %q", key)
		}
	}
	h, _ := metrics["hardness"].(map[string]any)
	// Imported Spider gold keeps Spider's official hardness labels (classified on the SQLite original).
	if metrics["nlqs"] != 499.0 || metrics["tables_total"] != 36.0 || metrics["embedding"] != "lexical-char-ngram-v1" ||
		h["easy"] != 117.0 || h["medium"] != 224.0 || h["hard"] != 86.0 || h["extra"] != 72.0 {
		t.Errorf("metrics: %s", js)
	}
	table := c.must("metrics", "--project", "spider-dev")
	t.Logf("goldset metrics:\n%s", table)
	if !strings.Contains(table, "human-seed") || !strings.Contains(table, "embedding: lexical-char-ngram-v1") {
		t.Errorf("metrics table:\n%s", table)
	}
	if _, err := c.run("metrics", "--project", "spider-dev", "--stage", "nope"); err == nil ||
		!strings.Contains(err.Error(), "no questions in stage nope") {
		t.Errorf("an empty stage: %v", err)
	}
	// Importing the same folder again makes nothing new.
	again := c.must("import", "spider", spiderDir, "--project", "spider-dev")
	if !strings.Contains(again, "unchanged") || !strings.Contains(again, "0 imported, 499 already present") {
		t.Fatalf("re-import: %s", again)
	}
	// The benchmark's verified gold, accepted as it is (one database, then the rest), is a snapshot.
	accepted := func(args ...string) int {
		var r struct{ Accepted int }
		out := c.must(append([]string{"snapshot", "accept-imported", "--project", "spider-dev", "--json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return r.Accepted
	}
	one := accepted("--database", "concert_singer")
	verified := report.Questions.GoldMatched
	if rest := accepted(); one == 0 || one+rest != verified || accepted() != 0 {
		t.Fatalf("accepted %d of concert_singer, %d others: want %d verified in all, once", one, rest, verified)
	}
	snap := c.must("snapshot", "create", "--project", "spider-dev", "--name", "dev", "--review-status", "imported", "--seed", "1")
	if !strings.Contains(snap, fmt.Sprintf("%d pairs", verified)) {
		t.Fatalf("snapshot: %s", snap)
	}
}

func TestCLI_ImportErrorsAreClear(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b\n1,\"open\n"), 0o644)
	if _, err := c.run("import", "csv", bad, "--project", "p"); err == nil || !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), "line") {
		t.Errorf("bad csv: %v", err)
	}
	if _, err := c.run("import", "spider", dir, "--project", "p"); err == nil || !strings.Contains(err.Error(), "dev.json") {
		t.Errorf("not a spider folder: %v", err)
	}
	if _, err := c.run("import", "parquet", bad, "--project", "p"); !errors.Is(err, errUsage) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := c.run("sql", "run", "--project", "nope", "--database", "x", "SELECT 1"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), `no project is called "nope"`) {
		t.Errorf("unknown project: %v", err)
	}
}

// --project takes a project's name or, when no project is called that, its number (the one in the
// web UI's addresses); a project neither names gets an error listing those there are.
func TestCLI_ProjectByNameOrNumber(t *testing.T) {
	c := newCLI(t).withSingers()
	ctx := context.Background()
	st, err := store.Open(ctx, c.url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.ProjectByName(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	id := p.ID
	for _, project := range []string{"p", "P", fmt.Sprint(id)} {
		if out := c.must("sql", "run", "--project", project, "--database", "singers", "SELECT name FROM singers WHERE age > 40"); !strings.Contains(out, "Joe") {
			t.Errorf("--project %s: %s", project, out)
		}
	}
	// An import into the project's number goes to it, not to a new project of that name.
	csv := filepath.Join(t.TempDir(), "bands.csv")
	os.WriteFile(csv, []byte("band\nABBA\n"), 0o644)
	c.must("import", "csv", csv, "--project", fmt.Sprint(id))
	var projects, databases int
	if err := st.Pool().QueryRow(ctx, "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM databases WHERE project_id = $1)", id).Scan(&projects, &databases); err != nil {
		t.Fatal(err)
	}
	if projects != 1 || databases != 2 {
		t.Errorf("after importing into project %d: %d projects, %d databases in it", id, projects, databases)
	}
	for _, project := range []string{"nope", fmt.Sprint(id + 1000), "0"} {
		_, err := c.run("sql", "run", "--project", project, "--database", "singers", "SELECT 1")
		want := fmt.Sprintf(`no project is called %q; the projects are: "p" (%d)`, project, id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--project %s: %v, want %q", project, err, want)
		}
	}
}

// Settings may come before the command, as with git.
func TestCLI_SettingsBeforeTheCommand(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
		err  string
	}{
		{[]string{"--data-dir", "D", "import", "csv", "x.csv"}, "import --data-dir D csv x.csv", ""},
		{[]string{"--data-dir=D", "--log-level", "debug", "sql", "run"}, "sql --data-dir=D --log-level debug run", ""},
		{[]string{"import", "--data-dir", "D"}, "import --data-dir D", ""},
		{[]string{"--nope", "x", "import"}, "", "unknown setting --nope"},
		{[]string{"--data-dir"}, "", "needs a value"},
		{[]string{"--data-dir", "D"}, "", "name a command"},
	} {
		got, err := settingsAfterCommand(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%v: %v %v, want %q", c.in, got, err, c.want)
		}
	}
	// And through the real command line: the version command takes no settings, so use one that does.
	url := storetest.URL(t)
	out := mustCLI(t, "--database-url", url, "migrate", "status")
	if !strings.Contains(out, "00001") {
		t.Fatalf("migrate status with the setting first: %s", out)
	}
}
