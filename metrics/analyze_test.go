package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// TestAnalyze_SpiderDevSet analyzes the 499 Spider dev questions over their ten databases, with
// the gold SQL as Spider wrote it (SQLite dialect): hardness must be the official distribution,
// and coverage must equal what each database's queries use.
func TestAnalyze_SpiderDevSet(t *testing.T) {
	t.Parallel()
	dev := readSpiderDev(t)
	schemas, _ := spiderSchemas(t)
	items := make([]Item, len(dev))
	for i, ex := range dev {
		items[i] = Item{Question: ex.Question, SQL: ex.Query, Database: ex.DBID}
	}
	r, err := Analyze(context.Background(), items, schemas, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (HardnessCounts{Easy: 117, Medium: 224, Hard: 86, Extra: 72}); r.Hardness != want {
		t.Errorf("hardness %+v, want %+v", r.Hardness, want)
	}
	if r.NLQs != 499 || r.Embedding != LexicalModel || r.Clauses.Queries != 499 || len(r.Databases) != 10 {
		t.Errorf("nlqs %d, embedding %q, clauses over %d, %d databases", r.NLQs, r.Embedding, r.Clauses.Queries, len(r.Databases))
	}
	tables, columns := 0, 0
	for _, s := range schemas {
		tables += len(s.Tables)
		for _, tb := range s.Tables {
			columns += len(tb.Columns)
		}
	}
	if r.TablesTotal != tables || r.ColumnsTotal != columns || r.TablesUsed > tables || r.ColumnsUsed > columns ||
		len(r.UnusedTables) != tables-r.TablesUsed || len(r.UnusedColumns) != columns-r.ColumnsUsed {
		t.Errorf("coverage: %d/%d tables, %d/%d columns, %d unused tables, %d unused columns",
			r.TablesUsed, r.TablesTotal, r.ColumnsUsed, r.ColumnsTotal, len(r.UnusedTables), len(r.UnusedColumns))
	}
	// The heat map's rows: every table with the queries using it; the long tail: every pattern.
	heated, uses := 0, 0
	for _, c := range r.Databases {
		for _, tu := range c.Tables {
			if tu.Queries > 0 {
				heated++
			}
			uses += tu.Queries
		}
	}
	patterned := 0
	for i, n := range r.PatternCounts {
		patterned += n
		if i > 0 && n > r.PatternCounts[i-1] {
			t.Errorf("pattern counts not descending at %d: %v", i, r.PatternCounts[:i+1])
		}
	}
	if heated != r.TablesUsed || uses < 499 || len(r.PatternCounts) != r.UniquePatterns || patterned != r.Clauses.Queries ||
		r.PatternCounts[0] != r.TopPatterns[0].Count || !r.NearDuplicatesSearched || !r.NearDuplicatesComplete {
		t.Errorf("tables used by some query %d (want %d), table uses %d, pattern counts %d summing to %d (want %d, %d), near-duplicates %v/%v",
			heated, r.TablesUsed, uses, len(r.PatternCounts), patterned, r.UniquePatterns, r.Clauses.Queries,
			r.NearDuplicatesSearched, r.NearDuplicatesComplete)
	}
	sumUsed := 0
	for _, c := range r.Databases {
		sumUsed += c.TablesUsed
	}
	if sumUsed != r.TablesUsed {
		t.Errorf("tables used %d, per database %d", r.TablesUsed, sumUsed)
	}
	for _, name := range r.UnusedTables {
		if !slices.ContainsFunc(schemas, func(s Schema) bool { return len(name) > len(s.Database) && name[:len(s.Database)+1] == s.Database+"." }) {
			t.Errorf("unused table %q is not qualified by its database", name)
		}
	}
	// Spider gives most questions twice, phrased differently: the lexical fallback sees some as
	// near-duplicates.
	if r.NearDuplicatePairs == 0 || len(r.NearDuplicates) == 0 || r.NearDuplicates[0].Cosine < r.NearDuplicateThreshold {
		t.Errorf("near-duplicates: %d, first %+v", r.NearDuplicatePairs, r.NearDuplicates)
	}
	if r.MeanCosine <= 0 || r.MeanCosine >= 0.5 || r.UniquePatterns < 100 || r.EntropyBits <= 0 || r.Evenness <= 0 || r.Evenness > 1 {
		t.Errorf("mean cosine %v, %d patterns, H %v, evenness %v", r.MeanCosine, r.UniquePatterns, r.EntropyBits, r.Evenness)
	}
	t.Logf("mean cosine %.4f; tables %d/%d, columns %d/%d; %d patterns, H %.3f bits, evenness %.3f; %d near-duplicate pairs",
		r.MeanCosine, r.TablesUsed, r.TablesTotal, r.ColumnsUsed, r.ColumnsTotal, r.UniquePatterns, r.EntropyBits, r.Evenness, r.NearDuplicatePairs)
}

func TestAnalyze_ReportHasTheCLIShape(t *testing.T) {
	t.Parallel()
	r, err := Analyze(context.Background(), []Item{{Question: "How many singers?", SQL: "SELECT count(*) FROM singer"}},
		[]Schema{concertSchema()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"nlqs", "embedding", "mean_cosine", "tables_used", "tables_total", "columns_used",
		"columns_total", "unique_patterns", "entropy_bits", "evenness", "hardness", "clauses", "lengths",
		"top_patterns", "unused_tables", "near_duplicates"} {
		if _, ok := got[key]; !ok {
			t.Errorf("report has no %q: %s", key, b)
		}
	}
	hardness, _ := got["hardness"].(map[string]any)
	for _, key := range []string{"easy", "medium", "hard", "extra", "unparsed"} {
		if _, ok := hardness[key]; !ok {
			t.Errorf("hardness has no %q", key)
		}
	}
	for _, key := range []string{"top_patterns", "unused_tables", "near_duplicates"} {
		if _, isList := got[key].([]any); !isList {
			t.Errorf("%q is %v, want a list (never null)", key, got[key])
		}
	}
}

func TestAnalyze_SQLThatDoesNotParseIsCountedNeverFatal(t *testing.T) {
	t.Parallel()
	items := []Item{
		{Question: "a", SQL: "SELECT name FROM singer"},
		{Question: "b", SQL: "SELEC name FROM"},
		{Question: "c", SQL: "DELETE FROM singer"},
		{Question: "d", SQL: "SELECT 1; SELECT 2"},
		{Question: "e", SQL: "SELECT * INTO copy FROM singer"},
		{Question: "f", SQL: "("},
		{Question: "g"}, // no SQL yet
	}
	r, err := Analyze(context.Background(), items, []Schema{concertSchema()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Hardness != (HardnessCounts{Easy: 1, Unparsed: 5}) || r.WithoutSQL != 1 || r.NLQs != 7 || r.UniquePatterns != 1 || r.Clauses.Queries != 1 {
		t.Errorf("hardness %+v, without SQL %d, nlqs %d, patterns %d", r.Hardness, r.WithoutSQL, r.NLQs, r.UniquePatterns)
	}
	if r.TablesUsed != 1 || r.ColumnsUsed != 1 {
		t.Errorf("coverage %d tables, %d columns", r.TablesUsed, r.ColumnsUsed)
	}
}

func TestAnalyze_SeveralDatabasesAreMeasuredApartAndSummed(t *testing.T) {
	t.Parallel()
	a := Schema{Database: "a", Tables: []Table{{Name: "t", Columns: []string{"x", "y"}}, {Name: "u", Columns: []string{"z"}}}}
	b := Schema{Database: "b", Tables: []Table{{Name: "t", Columns: []string{"x", "w"}}}}
	items := []Item{
		{Question: "q1", SQL: "SELECT x FROM t", Database: "a"},
		{Question: "q2", SQL: "SELECT w FROM t", Database: "b"},
		{Question: "q3", SQL: "SELECT y FROM t", Database: "b"}, // b.t has no y
		{Question: "q4", SQL: "SELECT z FROM u", Database: "c"}, // no schema: not in coverage
	}
	r, err := Analyze(context.Background(), items, []Schema{a, b}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.TablesUsed != 2 || r.TablesTotal != 3 || r.ColumnsUsed != 2 || r.ColumnsTotal != 5 || r.WithoutSchema != 1 {
		t.Errorf("tables %d/%d, columns %d/%d, without schema %d", r.TablesUsed, r.TablesTotal, r.ColumnsUsed, r.ColumnsTotal, r.WithoutSchema)
	}
	if !slices.Equal(r.UnusedTables, []string{"a.u"}) || !slices.Equal(r.UnusedColumns, []string{"a.t.y", "a.u.z", "b.t.x"}) {
		t.Errorf("unused tables %v, columns %v", r.UnusedTables, r.UnusedColumns)
	}
	if len(r.Databases) != 2 || r.Databases[0].Database != "a" || r.Databases[1].ColumnsUsed != 1 || r.Databases[1].Queries != 2 {
		t.Errorf("per database %+v", r.Databases)
	}
}

func TestAnalyze_UsesTheItemsEmbeddingsOnlyWhenAllHaveThem(t *testing.T) {
	t.Parallel()
	items := []Item{
		{ID: "n1", Question: "first", Embedding: []float32{1, 0}},
		{ID: "n2", Question: "second", Embedding: []float32{1, 0.01}},
		{ID: "n3", Question: "third", Embedding: []float32{0, 1}},
	}
	r, err := Analyze(context.Background(), items, nil, Options{EmbeddingModel: "text-embedding-3-small"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := MeanCosine([][]float32{{1, 0}, {1, 0.01}, {0, 1}})
	if r.Embedding != "text-embedding-3-small" || r.MeanCosine != want.Mean {
		t.Errorf("embedding %q, mean %v; want %v", r.Embedding, r.MeanCosine, want.Mean)
	}
	if r.NearDuplicatePairs != 1 || r.NearDuplicates[0].IDA != "n1" || r.NearDuplicates[0].IDB != "n2" || r.NearDuplicates[0].QuestionB != "second" {
		t.Errorf("near-duplicates %+v", r.NearDuplicates)
	}

	items[2].Embedding = nil
	if r, err = Analyze(context.Background(), items, nil, Options{EmbeddingModel: "text-embedding-3-small"}); err != nil || r.Embedding != LexicalModel {
		t.Errorf("with one embedding missing: embedding %q, err %v; want the lexical fallback", r.Embedding, err)
	}
}

func TestAnalyze_ListsTheMostSimilarNearDuplicatesFirst(t *testing.T) {
	t.Parallel()
	items := []Item{
		{Question: "How many singers are there?"},
		{Question: "How many singers are there ?"},
		{Question: "Show all stadium names."},
		{Question: "How many singers are there?"},
	}
	r, err := Analyze(context.Background(), items, nil, Options{NearDuplicateThreshold: 0.9, MaxNearDuplicates: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.NearDuplicatePairs != 3 || len(r.NearDuplicates) != 2 {
		t.Fatalf("%d pairs, %d listed: %+v", r.NearDuplicatePairs, len(r.NearDuplicates), r.NearDuplicates)
	}
	if p := r.NearDuplicates[0]; p.A != 0 || p.B != 3 || p.Cosine < 0.9999 {
		t.Errorf("first pair %+v, want the identical questions 0 and 3", p)
	}
}

func TestAnalyze_StopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, []Item{{Question: "q", SQL: "SELECT 1"}}, nil, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
