package golden

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// goldSet is a project with accepted questions on three databases, two hardness levels each.
func TestMain(m *testing.M) { storetest.Main(m) }

type goldSet struct {
	*pipelinetest.Fixture
	snaps *Snapshots
	dbs   map[string]int64
	words *rand.Rand
}

// Templates of two hardness levels; %d keeps every SQL distinct.
var goldTemplates = []string{
	"SELECT name FROM t WHERE id = %d",
	"SELECT name, count(*) FROM t WHERE id > %d GROUP BY name ORDER BY count(*) DESC",
}

func newGoldSet(t *testing.T) *goldSet {
	t.Helper()
	g := &goldSet{Fixture: pipelinetest.New(t), dbs: map[string]int64{}, words: rand.New(rand.NewPCG(1, 2))}
	g.snaps = &Snapshots{Store: g.St}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		var id int64
		if err := g.St.Pool().QueryRow(g.Ctx, `INSERT INTO databases (project_id, name, version, kind, schema_name, reader_role, schema_hash,
			table_count, row_count) VALUES ($1, $2, 1, 'csv', $3, 'nobody', $4, 0, 0) RETURNING id`,
			g.Project.ID, name, fmt.Sprintf("snap_%d_%s", g.Project.ID, name), "hash-"+name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		g.dbs[name] = id
	}
	return g
}

var snapshotWords = strings.Fields(`singer album country concert stadium year ticket price revenue genre band member tour city
	festival award chart record label producer studio song lyric vocalist drummer guitarist audience review critic venue
	capacity sponsor contract debut release sale copy platinum gold rank week month average highest lowest total`)

// question is a sentence of random words: two of them are never near-duplicates.
func (g *goldSet) question() string {
	w := make([]string, 8)
	for i := range w {
		w[i] = snapshotWords[g.words.IntN(len(snapshotWords))]
	}
	return "Which " + strings.Join(w, " ") + "?"
}

// accept adds an accepted question with gold SQL and returns its id.
func (g *goldSet) accept(t *testing.T, db, question, sql string) int64 {
	t.Helper()
	var nlq, cand int64
	if err := g.St.Pool().QueryRow(g.Ctx, `INSERT INTO nlqs (project_id, database_id, question, status) VALUES ($1, $2, $3, 'accepted')
		RETURNING id`, g.Project.ID, g.dbs[db], question).Scan(&nlq); err != nil {
		t.Fatal(err)
	}
	if err := g.St.Pool().QueryRow(g.Ctx, `INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint) VALUES ($1, 'human', $2, 'fp')
		RETURNING id`, nlq, sql).Scan(&cand); err != nil {
		t.Fatal(err)
	}
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE nlqs SET gold_candidate_id = $2 WHERE id = $1`, nlq, cand); err != nil {
		t.Fatal(err)
	}
	return nlq
}

// fill adds n questions per database and hardness level.
func (g *goldSet) fill(t *testing.T, n int) {
	t.Helper()
	k := 0
	for _, db := range []string{"alpha", "beta", "gamma"} {
		for _, tmpl := range goldTemplates {
			for range n {
				k++
				g.accept(t, db, g.question(), fmt.Sprintf(tmpl, k))
			}
		}
	}
}

func (g *goldSet) cut(t *testing.T, p SnapshotParams) (store.Snapshot, Manifest, []store.SnapshotPair) {
	t.Helper()
	if p.Name == "" {
		p.Name = "gold"
	}
	snap, m, err := g.snaps.Cut(g.Ctx, store.System, g.Project.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := g.St.SnapshotPairs(g.Ctx, snap.ID, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return snap, m, pairs
}

func splitsOf(pairs []store.SnapshotPair) map[int64]string {
	out := map[int64]string{}
	for _, p := range pairs {
		out[p.NLQID] = p.Split
	}
	return out
}

func TestSnapshots_SameSeedSameSplitAndHashAnotherSeedAnotherSplit(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 20)
	a, ma, pa := g.cut(t, SnapshotParams{Seed: 7})
	b, _, pb := g.cut(t, SnapshotParams{Seed: 7})
	c, _, pc := g.cut(t, SnapshotParams{Seed: 8})
	if a.ContentHash != b.ContentHash || fmt.Sprint(splitsOf(pa)) != fmt.Sprint(splitsOf(pb)) {
		t.Fatalf("same seed, different snapshots: %s vs %s", a.ContentHash, b.ContentHash)
	}
	if a.ContentHash == c.ContentHash || fmt.Sprint(splitsOf(pa)) == fmt.Sprint(splitsOf(pc)) {
		t.Fatal("another seed gave the same split")
	}
	if a.Pairs != 120 || ma.Pairs != 120 || ma.Splits[SplitTrain] != 96 || ma.Splits[SplitVal] != 12 || ma.Splits[SplitTest] != 12 {
		t.Fatalf("manifest counts: %d pairs, splits %v", ma.Pairs, ma.Splits)
	}
	if ma.Metrics == nil || ma.Metrics.NLQs != 120 || len(ma.DatabaseVersions) != 3 || ma.DatabaseVersions[0].SchemaHash != "hash-alpha" {
		t.Fatalf("manifest metrics %+v, versions %+v", ma.Metrics, ma.DatabaseVersions)
	}
}

// Every database × hardness stratum of 40 is cut 32/4/4.
func TestSnapshots_SplitIsStratifiedByDatabaseAndHardness(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 40)
	_, m, pairs := g.cut(t, SnapshotParams{Seed: 3})
	if len(m.Hardness) != 2 {
		t.Fatalf("the templates should be two hardness levels: %v", m.Hardness)
	}
	strata := map[string]map[string]int{}
	for _, p := range pairs {
		k := p.DatabaseName + "/" + p.Hardness
		if strata[k] == nil {
			strata[k] = map[string]int{}
		}
		strata[k][p.Split]++
	}
	if len(strata) != 6 {
		t.Fatalf("strata %v", strata)
	}
	for k, s := range strata {
		if s[SplitTrain] != 32 || s[SplitVal] != 4 || s[SplitTest] != 4 {
			t.Errorf("stratum %s split %v, want 32/4/4", k, s)
		}
	}
}

func TestSnapshots_SplitByDatabaseNeverSharesADatabase(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 10)
	for _, name := range []string{"delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"} {
		var id int64
		if err := g.St.Pool().QueryRow(g.Ctx, `INSERT INTO databases (project_id, name, version, kind, schema_name, reader_role, schema_hash,
			table_count, row_count) VALUES ($1, $2, 1, 'csv', $3, 'nobody', 'h', 0, 0) RETURNING id`,
			g.Project.ID, name, fmt.Sprintf("snap_%d_%s", g.Project.ID, name)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		g.dbs[name] = id
		for i := range 5 {
			g.accept(t, name, g.question(), fmt.Sprintf(goldTemplates[0], 1000+len(g.dbs)*10+i))
		}
	}
	for seed := range int64(5) {
		_, m, pairs := g.cut(t, SnapshotParams{Seed: seed, SplitByDatabase: true})
		in := map[string]string{}
		for _, p := range pairs {
			if s, ok := in[p.DatabaseName]; ok && s != p.Split {
				t.Fatalf("seed %d: database %s in %s and %s", seed, p.DatabaseName, s, p.Split)
			}
			in[p.DatabaseName] = p.Split
		}
		if m.Splits[SplitTrain] == 0 || m.Splits[SplitVal] == 0 || m.Splits[SplitTest] == 0 {
			t.Errorf("seed %d: an empty split %v", seed, m.Splits)
		}
	}
}

func TestCheckLeakage_NearDuplicatesAndSameSQLAcrossSplitsOnly(t *testing.T) {
	t.Parallel()
	pair := func(id int64, split, q, sql string) store.SnapshotPair {
		return store.SnapshotPair{NLQID: id, Split: split, Question: q, SQL: sql}
	}
	pairs := []store.SnapshotPair{
		pair(1, SplitTrain, "How many singers from France released an album before the year 2000?", "SELECT count(*) FROM singer WHERE country = 'France'"),
		pair(2, SplitTest, "how many singers from France released an album before the year 2000!", "select COUNT(*)  from singer where country = 'France';"),
		pair(3, SplitTrain, "Which albums were released in 1999 by singers from the United States?", "SELECT title FROM album WHERE year = 1999"),
		pair(4, SplitTrain, "which albums were released in 1999 by singers from the United States!", "SELECT title FROM album WHERE year = 1998"),
		pair(5, SplitVal, "List the stadiums by capacity", "SELECT title FROM album WHERE year = 1998"),
	}
	l, err := CheckLeakage(t.Context(), pairs)
	if err != nil {
		t.Fatal(err)
	}
	// 1–2 are near-duplicates with the same SQL across splits; 3–4 are near-duplicates in one split;
	// 4–5 share SQL across splits.
	if l.NearDuplicates != 1 || l.SameSQL != 2 || len(l.Examples) != 3 {
		t.Fatalf("leakage %+v", l)
	}
	if e := l.Examples[0]; e.Kind != "near_duplicate" || e.A != 1 || e.B != 2 || e.SplitA != SplitTrain || e.SplitB != SplitTest {
		t.Fatalf("near-duplicate example %+v", e)
	}
}

// A question planted twice (near-duplicates): by default both land in one split and the manifest
// reports no leak; asked to split pair by pair, the manifest reports the planted pairs across splits.
func TestSnapshots_LeakingPairsShareASplitUnlessAllowed(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 20)
	planted := map[int64]int64{}
	for i := range 10 {
		q := g.question()
		a := g.accept(t, "alpha", q, fmt.Sprintf(goldTemplates[0], 5000+i))
		b := g.accept(t, "alpha", q+"!", fmt.Sprintf(goldTemplates[0], 6000+i))
		planted[a], planted[b] = b, a
	}
	// And one lineage: a paraphrase of a question, and the same SQL as another question.
	parent := g.accept(t, "beta", g.question(), "SELECT name FROM t WHERE id = 7777")
	child := g.accept(t, "beta", g.question(), "SELECT name FROM t WHERE id = 7778")
	twin := g.accept(t, "gamma", g.question(), "SELECT name FROM t WHERE id = 7777")
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE nlqs SET parent_id = $1 WHERE id = $2`, parent, child); err != nil {
		t.Fatal(err)
	}
	for seed := range int64(4) {
		_, m, pairs := g.cut(t, SnapshotParams{Seed: seed})
		split := splitsOf(pairs)
		if m.Leakage.NearDuplicates != 0 || m.Leakage.SameSQL != 0 || m.Groups == 0 || m.Groups >= len(pairs) {
			t.Fatalf("seed %d: leakage %+v, %d groups of %d pairs", seed, m.Leakage, m.Groups, len(pairs))
		}
		for a, b := range planted {
			if split[a] != split[b] {
				t.Fatalf("seed %d: planted pair %d/%d in %s and %s", seed, a, b, split[a], split[b])
			}
		}
		if split[parent] != split[child] || split[parent] != split[twin] {
			t.Fatalf("seed %d: lineage/same SQL split: %s %s %s", seed, split[parent], split[child], split[twin])
		}
		if m.Splits[SplitTrain] == 0 || m.Splits[SplitVal] == 0 || m.Splits[SplitTest] == 0 {
			t.Fatalf("seed %d: an empty split %v", seed, m.Splits)
		}
	}
	_, m, _ := g.cut(t, SnapshotParams{Seed: 1, AllowLeakage: true})
	if m.Leakage.NearDuplicates == 0 {
		t.Fatalf("pair by pair, no leak found: %+v", m.Leakage)
	}
	for _, e := range m.Leakage.Examples {
		if e.Kind == "near_duplicate" && (planted[e.A] != e.B || e.SplitA == e.SplitB) {
			t.Errorf("example %+v is not a planted pair across splits", e)
		}
	}
}

// Compare finds what was added, removed and changed; the older snapshot keeps its pairs as cut.
func TestSnapshots_CompareAndImmutability(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 5)
	a, _, before := g.cut(t, SnapshotParams{Seed: 1})
	edited, rejected := before[0].NLQID, before[1].NLQID
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE nlqs SET question = 'An edited question' WHERE id = $1`, edited); err != nil {
		t.Fatal(err)
	}
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE nlqs SET status = 'rejected' WHERE id = $1`, rejected); err != nil {
		t.Fatal(err)
	}
	added := g.accept(t, "beta", g.question(), "SELECT 1")
	b, _, _ := g.cut(t, SnapshotParams{Seed: 1})

	d, err := g.snaps.Compare(g.Ctx, g.Project.ID, a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Added != 1 || d.Removed != 1 || d.Changed != 1 || d.Examples["added"][0].NLQID != added ||
		d.Examples["removed"][0].NLQID != rejected || d.Examples["changed"][0].NLQID != edited || d.SameHash {
		t.Fatalf("diff %+v", d)
	}
	after, err := g.St.SnapshotPairs(g.Ctx, a.ID, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after[0].Question != before[0].Question || len(after) != len(before) {
		t.Fatalf("snapshot changed with its questions: %q", after[0].Question)
	}
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE snapshot_pairs SET question = 'x' WHERE snapshot_id = $1`, a.ID); err == nil {
		t.Fatal("a snapshot's pairs could be updated")
	}
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE snapshots SET name = 'x' WHERE id = $1`, a.ID); err == nil {
		t.Fatal("a snapshot could be updated")
	}
}

func TestSnapshots_BadParamsAndNothingToSnapshot(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	bad := []struct {
		name  string
		p     SnapshotParams
		field string
	}{
		{"ratios not summing to 1", SnapshotParams{Name: "x", Ratios: &SplitRatios{Train: 0.8, Val: 0.1, Test: 0.2}}, "ratios"},
		{"negative ratio", SnapshotParams{Name: "x", Ratios: &SplitRatios{Train: 1.1, Val: -0.1}}, "ratios"},
		{"unknown hardness", SnapshotParams{Name: "x", Filters: SnapshotFilters{Hardness: []string{"trivial"}}}, "filters.hardness"},
		{"unknown review status", SnapshotParams{Name: "x", Filters: SnapshotFilters{ReviewStatus: []string{"approved"}}}, "filters.review_status"},
		{"no name", SnapshotParams{}, "name"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := g.snaps.Cut(g.Ctx, store.System, g.Project.ID, tc.p)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
				t.Fatalf("err %v, want a field error on %s", err, tc.field)
			}
		})
	}
	g.fill(t, 2)
	_, _, err := g.snaps.Cut(g.Ctx, store.System, g.Project.ID, SnapshotParams{Name: "x", Filters: SnapshotFilters{Stages: []string{"none"}}})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("nothing to snapshot: %v", err)
	}
	_, m, pairs := g.cut(t, SnapshotParams{Filters: SnapshotFilters{Hardness: []string{"easy"}, DatabaseIDs: []int64{g.dbs["beta"]}}})
	if len(pairs) != 2 || m.Hardness["easy"] == nil || pairs[0].DatabaseName != "beta" {
		t.Fatalf("filtered pairs %+v", pairs)
	}
}

// exec runs a statement of the test's setup and returns the id it gives back.
func (g *goldSet) exec(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := g.St.Pool().QueryRow(g.Ctx, sql, args...).Scan(&id); err != nil {
		t.Fatalf("%v: %s", err, sql)
	}
	return id
}

func TestSnapshots_ReviewStatusFilterSelectsHowPairsWereAccepted(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	gold := func(nlq int64) int64 { return g.exec(t, `SELECT gold_candidate_id FROM nlqs WHERE id = $1`, nlq) }
	// agreed: an annotator's SQL matched the agent's and became the gold (as store.settle does).
	agreement := func(nlq int64) {
		agent := g.exec(t, `INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'agent', 'SELECT 1') RETURNING id`, nlq)
		g.exec(t, `INSERT INTO comparisons (nlq_id, candidate_a, candidate_b, match) VALUES ($1, $2, $3, true) RETURNING id`, nlq, agent, gold(nlq))
	}
	agreed := g.accept(t, "alpha", g.question(), "SELECT name FROM t WHERE id = 1")
	agreement(agreed)
	// Agreed, then sampled for audit: no reviewer has decided yet, so still agreed.
	audited := g.accept(t, "alpha", g.question(), "SELECT name FROM t WHERE id = 2")
	agreement(audited)
	g.exec(t, `INSERT INTO review_items (project_id, nlq_id, reason, candidate_a) VALUES ($1, $2, 'audit', $3) RETURNING id`,
		g.Project.ID, audited, gold(audited))
	// reviewed: a disagreement that a reviewer settled by accepting a candidate.
	reviewed := g.accept(t, "beta", g.question(), "SELECT name FROM t WHERE id = 3")
	item := g.exec(t, `INSERT INTO review_items (project_id, nlq_id, reason, status, candidate_a) VALUES ($1, $2, 'disagreement', 'resolved', $3)
		RETURNING id`, g.Project.ID, reviewed, gold(reviewed))
	g.exec(t, `INSERT INTO reviews (review_item_id, decision, error_type) VALUES ($1, 'accept_a', 'other') RETURNING id`, item)
	// Agreed, then an audit reviewer edited the SQL: the reviewer's decision is what accepted it.
	edited := g.accept(t, "beta", g.question(), "SELECT name FROM t WHERE id = 4")
	agreement(edited)
	item = g.exec(t, `INSERT INTO review_items (project_id, nlq_id, reason, status) VALUES ($1, $2, 'audit', 'resolved') RETURNING id`,
		g.Project.ID, edited)
	g.exec(t, `INSERT INTO reviews (review_item_id, decision, error_type, final_sql) VALUES ($1, 'edit', 'filter_value', 'SELECT 4') RETURNING id`, item)
	// imported: the imported gold, never annotated.
	imported := g.accept(t, "gamma", g.question(), "SELECT name FROM t WHERE id = 5")
	g.exec(t, `UPDATE sql_candidates SET source = 'import' WHERE id = $1 RETURNING id`, gold(imported))
	// Imported gold that an annotator also wrote SQL for is not "never annotated".
	annotated := g.accept(t, "gamma", g.question(), "SELECT name FROM t WHERE id = 6")
	g.exec(t, `UPDATE sql_candidates SET source = 'import' WHERE id = $1 RETURNING id`, gold(annotated))
	slot := g.exec(t, `INSERT INTO annotation_items (project_id, nlq_id, slot, status) VALUES ($1, $2, 1, 'skipped') RETURNING id`,
		g.Project.ID, annotated)
	g.exec(t, `INSERT INTO annotations (item_id, nlq_id, skipped_reason) VALUES ($1, $2, 'ambiguous') RETURNING id`, slot, annotated)
	// Accepted by hand in the database: none of the three.
	g.accept(t, "gamma", g.question(), "SELECT name FROM t WHERE id = 7")

	for _, tc := range []struct {
		filter []string
		want   []int64
	}{
		{[]string{store.ReviewAgreed}, []int64{agreed, audited}},
		{[]string{store.ReviewReviewed}, []int64{reviewed, edited}},
		{[]string{store.ReviewImported}, []int64{imported}},
		{[]string{store.ReviewImported, store.ReviewReviewed}, []int64{reviewed, edited, imported}},
	} {
		t.Run(strings.Join(tc.filter, "+"), func(t *testing.T) {
			snap, _, pairs := g.cut(t, SnapshotParams{Filters: SnapshotFilters{ReviewStatus: tc.filter}})
			var got []int64
			for _, p := range pairs {
				got = append(got, p.NLQID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("pairs %v, want %v", got, tc.want)
			}
			var params SnapshotParams
			if err := json.Unmarshal(snap.Params, &params); err != nil || fmt.Sprint(params.Filters.ReviewStatus) != fmt.Sprint(tc.filter) {
				t.Fatalf("params %s (%v)", snap.Params, err)
			}
		})
	}
	if _, _, pairs := g.cut(t, SnapshotParams{}); len(pairs) != 7 {
		t.Fatalf("no filter: %d pairs, want all 7", len(pairs))
	}
}
