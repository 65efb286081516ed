package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Item is one question of a set, with its SQL.
type Item struct {
	ID       string // optional: the caller's identifier, carried into near-duplicate pairs
	Question string
	// SQL is PostgreSQL (SQLite-dialect gold is translated on import; see sqlexec.TranslateSQLite).
	// Empty when the question has no SQL yet.
	SQL string
	// Database is the Schema.Database the SQL runs on; it may be empty when Analyze is given a
	// single schema.
	Database string
	// OriginalSQL, when set, is the SQL that SQL was translated from (imported SQLite gold), and is
	// what hardness is classified on: translation adds the GROUP BY columns PostgreSQL requires,
	// which Spider's rules would count, so a Spider query keeps Spider's label. It must parse;
	// otherwise SQL is classified.
	OriginalSQL string
	// Embedding is the question's embedding. It is used only when every item has one (a set is
	// never measured with two kinds of vector); otherwise the lexical fallback is used for all.
	Embedding []float32
}

// Options tune Analyze; the zero value means the defaults.
type Options struct {
	EmbeddingModel         string  // the model that made Item.Embedding, for the report ("external" if empty)
	NearDuplicateThreshold float64 // cosine at or above which two questions are near-duplicates (default 0.95)
	MaxNearDuplicates      int     // pairs listed, most similar first (default 100); all are counted
	TopPatterns            int     // patterns listed, most frequent first (default 10)
	// NearDuplicateBudget caps the candidate comparisons of the near-duplicate search (default
	// DefaultComparisons; see NearDuplicatesWithin); SkipNearDuplicates leaves the search out.
	NearDuplicateBudget int64
	SkipNearDuplicates  bool
}

// Defaults of Options.
const (
	DefaultNearDuplicateThreshold = 0.95
	DefaultMaxNearDuplicates      = 100
	DefaultTopPatterns            = 10
)

// HardnessCounts counts a set's queries by Spider hardness. Unparsed counts SQL that is not one
// PostgreSQL query (a syntax error, another kind of statement); it is in no other figure.
type HardnessCounts struct {
	Easy     int `json:"easy"`
	Medium   int `json:"medium"`
	Hard     int `json:"hard"`
	Extra    int `json:"extra"`
	Unparsed int `json:"unparsed"`
}

// Add counts one level.
func (h *HardnessCounts) Add(level Hardness) {
	switch level {
	case Easy:
		h.Easy++
	case Medium:
		h.Medium++
	case Hard:
		h.Hard++
	case Extra:
		h.Extra++
	}
}

// DuplicatePair is a pair of near-duplicate questions of a set: A < B are their indexes in the
// items given to Analyze.
type DuplicatePair struct {
	A         int     `json:"a"`
	B         int     `json:"b"`
	IDA       string  `json:"id_a,omitempty"`
	IDB       string  `json:"id_b,omitempty"`
	Cosine    float64 `json:"cosine"`
	QuestionA string  `json:"question_a"`
	QuestionB string  `json:"question_b"`
}

// Report is every metric of one set of questions: what `goldset metrics` prints and a stage's
// row in the metrics table of Turing's human-in-the-loop Text2SQL study.
type Report struct {
	NLQs           int             `json:"nlqs"`
	Embedding      string          `json:"embedding"` // the embedding model, or LexicalModel
	MeanCosine     float64         `json:"mean_cosine"`
	TablesUsed     int             `json:"tables_used"` // summed over the set's databases
	TablesTotal    int             `json:"tables_total"`
	ColumnsUsed    int             `json:"columns_used"`
	ColumnsTotal   int             `json:"columns_total"`
	UniquePatterns int             `json:"unique_patterns"`
	EntropyBits    float64         `json:"entropy_bits"`
	Evenness       float64         `json:"evenness"`
	Hardness       HardnessCounts  `json:"hardness"`
	Clauses        ClauseCounts    `json:"clauses"`
	Lengths        Lengths         `json:"lengths"`
	TopPatterns    []PatternCount  `json:"top_patterns"`
	PatternCounts  []int           `json:"pattern_counts"` // every pattern's count, most frequent first
	UnusedTables   []string        `json:"unused_tables"`  // "database.table" when the set spans several databases
	NearDuplicates []DuplicatePair `json:"near_duplicates"`

	TableShare         float64  `json:"table_share"`
	ColumnShare        float64  `json:"column_share"`
	UnusedColumns      []string `json:"unused_columns"`       // "[database.]table.column"
	NearDuplicatePairs int      `json:"near_duplicate_pairs"` // all pairs found, listed or not
	// NearDuplicatesSearched is false when the search was left out (SkipNearDuplicates);
	// NearDuplicatesComplete false when it stopped at its budget: the pairs found are real, others
	// may be missing.
	NearDuplicatesSearched bool       `json:"near_duplicates_searched"`
	NearDuplicatesComplete bool       `json:"near_duplicates_complete"`
	NearDuplicateThreshold float64    `json:"near_duplicate_threshold"`
	EmbeddingsSkipped      int        `json:"embeddings_skipped"` // zero vectors (empty questions)
	WithoutSQL             int        `json:"without_sql"`
	WithoutSchema          int        `json:"without_schema"` // parsed SQL whose database has no schema here: not in coverage
	Databases              []Coverage `json:"databases"`      // coverage per database, in the order of the schemas given
}

// Analyze measures a set of questions with their SQL against the schemas of their databases.
// Every SQL is parsed once and feeds the patterns, hardness, clause counts and coverage; SQL that
// does not parse is counted as unparsed and never stops the analysis. Coverage is per database
// and summed. Cancelling ctx stops the work with ctx's error.
func Analyze(ctx context.Context, items []Item, schemas []Schema, opt Options) (*Report, error) {
	if opt.NearDuplicateThreshold == 0 {
		opt.NearDuplicateThreshold = DefaultNearDuplicateThreshold
	}
	if opt.MaxNearDuplicates == 0 {
		opt.MaxNearDuplicates = DefaultMaxNearDuplicates
	}
	if opt.TopPatterns == 0 {
		opt.TopPatterns = DefaultTopPatterns
	}

	k := newSQLCounter(schemas)
	questions := make([]string, len(items))
	for i, it := range items {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		questions[i] = it.Question
		if it.SQL == "" {
			k.withoutSQL++
			continue
		}
		k.add(it.SQL, it.OriginalSQL, it.Database)
	}

	r := &Report{
		NLQs:                   len(items),
		Hardness:               k.hardness,
		Clauses:                k.clauses,
		Lengths:                MeasureLengths(questions),
		WithoutSQL:             k.withoutSQL,
		WithoutSchema:          k.withoutSchema,
		NearDuplicateThreshold: opt.NearDuplicateThreshold,
		UnusedTables:           []string{},
		UnusedColumns:          []string{},
		Databases:              []Coverage{},
		NearDuplicates:         []DuplicatePair{},
	}
	patterns := k.patterns.stats(opt.TopPatterns)
	r.UniquePatterns, r.EntropyBits, r.Evenness, r.TopPatterns, r.PatternCounts = patterns.Unique, patterns.EntropyBits, patterns.Evenness, patterns.Top, patterns.Counts

	several := len(k.catalogs) > 1
	for _, db := range k.catalogs {
		cov := k.coverage[db].coverage()
		r.Databases = append(r.Databases, cov)
		r.TablesUsed += cov.TablesUsed
		r.TablesTotal += cov.TablesTotal
		r.ColumnsUsed += cov.ColumnsUsed
		r.ColumnsTotal += cov.ColumnsTotal
		for _, t := range cov.UnusedTables {
			r.UnusedTables = append(r.UnusedTables, qualifyIf(several, cov.Database, t))
		}
		for _, c := range cov.UnusedColumns {
			r.UnusedColumns = append(r.UnusedColumns, qualifyIf(several, cov.Database, c))
		}
	}
	r.TableShare = share(r.TablesUsed, r.TablesTotal)
	r.ColumnShare = share(r.ColumnsUsed, r.ColumnsTotal)

	vecs, model := embeddings(items, opt.EmbeddingModel)
	sim, err := MeanCosine(vecs)
	if err != nil {
		return nil, fmt.Errorf("metrics: embeddings: %w", err)
	}
	r.Embedding, r.MeanCosine, r.EmbeddingsSkipped = model, sim.Mean, sim.Skipped
	if opt.SkipNearDuplicates {
		return r, nil
	}
	if opt.NearDuplicateBudget == 0 {
		opt.NearDuplicateBudget = DefaultComparisons
	}
	pairs, complete, err := NearDuplicatesWithin(ctx, vecs, opt.NearDuplicateThreshold, opt.NearDuplicateBudget)
	if err != nil {
		return nil, fmt.Errorf("metrics: near-duplicates: %w", err)
	}
	r.NearDuplicatesSearched, r.NearDuplicatesComplete = true, complete
	r.NearDuplicatePairs = len(pairs)
	slices.SortStableFunc(pairs, func(a, b NearDuplicate) int { return cmp.Compare(b.Cosine, a.Cosine) })
	for _, p := range pairs[:min(len(pairs), max(opt.MaxNearDuplicates, 0))] {
		r.NearDuplicates = append(r.NearDuplicates, DuplicatePair{
			A: p.I, B: p.J, IDA: items[p.I].ID, IDB: items[p.J].ID, Cosine: p.Cosine,
			QuestionA: items[p.I].Question, QuestionB: items[p.J].Question,
		})
	}
	return r, nil
}

// embeddings returns the items' own embeddings when every item has one, else the lexical
// fallback for all, with the name of what was used.
func embeddings(items []Item, model string) ([][]float32, string) {
	own := len(items) > 0
	for _, it := range items {
		if len(it.Embedding) == 0 {
			own = false
			break
		}
	}
	vecs := make([][]float32, len(items))
	if own {
		for i, it := range items {
			vecs[i] = it.Embedding
		}
		if model == "" {
			model = "external"
		}
		return vecs, model
	}
	for i, it := range items {
		vecs[i] = LexicalEmbed(it.Question)
	}
	return vecs, LexicalModel
}

func qualifyIf(several bool, database, name string) string {
	if several && database != "" {
		return database + "." + name
	}
	return name
}

// sqlCounter accumulates the per-query measures of a stream of SQL, parsing each query once.
type sqlCounter struct {
	catalogs      []string // database names, in the order of the schemas given
	coverage      map[string]*coverageCounter
	only          *coverageCounter // the one schema, when there is one: SQL without a database uses it
	patterns      patternCounter
	hardness      HardnessCounts
	clauses       ClauseCounts
	withoutSQL    int
	withoutSchema int
}

func newSQLCounter(schemas []Schema) *sqlCounter {
	k := &sqlCounter{coverage: map[string]*coverageCounter{}}
	for _, s := range schemas {
		if _, dup := k.coverage[s.Database]; dup {
			continue
		}
		k.catalogs = append(k.catalogs, s.Database)
		k.coverage[s.Database] = newCoverageCounter(NewCatalog(s))
	}
	if len(k.catalogs) == 1 {
		k.only = k.coverage[k.catalogs[0]]
	}
	return k
}

// add parses sql once and counts its pattern, hardness, clauses and coverage.
func (k *sqlCounter) add(sql, original, database string) {
	q, err := Parse(sql)
	if err != nil {
		k.hardness.Unparsed++
		return
	}
	k.patterns.add(q.Pattern(), sql)
	level, _ := q.Hardness()
	if original != "" {
		if o, err := Parse(original); err == nil {
			level, _ = o.Hardness()
		}
	}
	k.hardness.Add(level)
	k.clauses.Add(q.Clauses())
	cov := k.coverage[database]
	if cov == nil && database == "" {
		cov = k.only
	}
	if cov == nil {
		k.withoutSchema++
		return
	}
	cov.add(q)
}
