package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

// goldQuestions are the singers project's accepted pairs: question, gold SQL, stage.
var goldQuestions = [][3]string{
	{"How many singers are there?", "SELECT count(*) FROM singers", "human-seed"},
	{"What is the name of the oldest singer?", "SELECT name FROM singers ORDER BY age DESC LIMIT 1", "human-seed"},
	{"Which singers are older than 40?", "SELECT name FROM singers WHERE age > 40", "human-seed"},
	{"What is the average age of the singers?", "SELECT avg(age) FROM singers", "qagen"},
}

// withGoldPairs gives the test's database the singers project with goldQuestions accepted, their
// gold imported SQL.
func (c *cli) withGoldPairs() (st *store.Store, p store.Project) {
	t := c.t
	t.Helper()
	c.withSingers()
	ctx := context.Background()
	st = openStore(t, c.url)
	var err error
	if p, err = st.ProjectByName(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	for _, q := range goldQuestions {
		// Data-modifying CTEs cannot see each other's rows, so each question is made in two statements.
		var nlq int64
		if err := st.Pool().QueryRow(ctx, `INSERT INTO nlqs (project_id, database_id, question, stage, status)
			SELECT $1, id, $2, $3, 'accepted' FROM databases WHERE project_id = $1 RETURNING id`, p.ID, q[0], q[2]).Scan(&nlq); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Pool().Exec(ctx, `WITH c AS (INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'import', $2)
			RETURNING id) UPDATE nlqs SET gold_candidate_id = (SELECT id FROM c) WHERE id = $1`, nlq, q[1]); err != nil {
			t.Fatal(err)
		}
	}
	return st, p
}

// splitSnapshot stores a snapshot of the gold pairs with the first in train, the second in val and
// the others in test (a cut would put strata this small wholly in train).
func splitSnapshot(t *testing.T, st *store.Store, p store.Project) string {
	t.Helper()
	ctx := context.Background()
	pairs, err := st.AcceptedPairs(ctx, p.ID, store.SnapshotSource{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pairs {
		pairs[i].Split, pairs[i].Hardness = []string{"train", "val", "test", "test"}[i], "easy"
	}
	snap := store.Snapshot{ProjectID: p.ID, Name: "split", Params: json.RawMessage(`{}`), Manifest: json.RawMessage(`{}`),
		ContentHash: golden.ContentHash(pairs)}
	if err := st.CreateSnapshot(ctx, store.System, &snap, pairs); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(snap.ID, 10)
}

func TestCLI_SnapshotCreateListShowCompare(t *testing.T) {
	c := newCLI(t)
	c.withGoldPairs()
	js := c.must("snapshot", "create", "--project", "p", "--name", "all", "--stage", "human-seed", "--stage", "qagen",
		"--database", "singers", "--hardness", "easy,medium,hard,extra", "--review-status", "imported", "--from", "2000-01-01",
		"--to", "2100-01-01T00:00:00Z", "--seed", "7", "--ratios", "0.5,0.25,0.25", "--split-by-database", "--json")
	var created struct {
		Snapshot struct {
			ID     int64
			Pairs  int
			Params golden.SnapshotParams
		}
	}
	if err := json.Unmarshal([]byte(js), &created); err != nil || created.Snapshot.Pairs != 4 {
		t.Fatalf("create: %v %s", err, js)
	}
	if p := created.Snapshot.Params; p.Seed != 7 || !p.SplitByDatabase || p.Ratios.Val != 0.25 || len(p.Filters.DatabaseIDs) != 1 ||
		len(p.Filters.Stages) != 2 || p.Filters.CreatedFrom == nil {
		t.Fatalf("params as stored: %+v", p)
	}
	a := strconv.FormatInt(created.Snapshot.ID, 10)

	out := c.must("snapshot", "create", "--project", "p", "--name", "seed only", "--stage", "human-seed")
	if !strings.Contains(out, `"seed only": 3 pairs`) || !strings.Contains(out, "database singers") ||
		!strings.Contains(out, "leakage across splits: 0 near-duplicate") {
		t.Fatalf("create: %s", out)
	}
	b := strconv.FormatInt(created.Snapshot.ID+1, 10)

	out = c.must("snapshot", "list", "--project", "p")
	if !strings.Contains(out, "seed only") || !strings.Contains(out, "all") || !strings.Contains(out, "train/val/test") {
		t.Fatalf("list: %s", out)
	}
	out = c.must("snapshot", "show", "--project", "p", "--snapshot", a)
	wantAll(t, "show", out, "4 pairs", "seed 7, ratios 0.5/0.25/0.25, each database in one split", "all pairs", "database singers",
		"hardness easy", "stages: human-seed 3, qagen 1", "singers v1 (4 pairs)", "leakage across splits")
	var shown struct{ Snapshot store.Snapshot }
	if js := c.must("snapshot", "show", "--project", "p", "--snapshot", a, "--json"); json.Unmarshal([]byte(js), &shown) != nil ||
		!strings.Contains(string(shown.Snapshot.Manifest), `"leakage"`) {
		t.Fatalf("show --json: %s", js)
	}
	out = c.must("snapshot", "compare", "--project", "p", "--a", a, "--b", b)
	if !strings.Contains(out, "0 added, 1 removed") || !strings.Contains(out, "What is the average age of the singers?") {
		t.Fatalf("compare: %s", out)
	}
	var diff struct{ Diff golden.SnapshotDiff }
	if js := c.must("snapshot", "compare", "--project", "p", "--a", a, "--b", b, "--json"); json.Unmarshal([]byte(js), &diff) != nil ||
		diff.Diff.Removed != 1 || diff.Diff.SameHash {
		t.Fatalf("compare --json: %s", js)
	}

	for _, bad := range []struct {
		name string
		args []string
		want string
	}{
		{"ratios that do not sum to 1", []string{"--name", "x", "--ratios", "0.8,0.3"}, "--ratios"},
		{"an unknown hardness", []string{"--name", "x", "--hardness", "trivial"}, "hardness"},
		{"an unknown review status", []string{"--name", "x", "--review-status", "blessed"}, "review_status"},
		{"a date that is not one", []string{"--name", "x", "--from", "yesterday"}, "--from"},
		{"an unknown database", []string{"--name", "x", "--database", "opera"}, `"opera"`},
		{"no name", []string{}, "--name"},
	} {
		_, err := c.run(append([]string{"snapshot", "create", "--project", "p"}, bad.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v", bad.name, err)
		}
	}
	if _, err := c.run("snapshot", "show", "--project", "p", "--snapshot", "999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown snapshot: %v", err)
	}
	if _, err := c.run("snapshot", "cut", "--project", "p"); !errors.Is(err, errUsage) {
		t.Errorf("an unknown subcommand: %v", err)
	}
}
