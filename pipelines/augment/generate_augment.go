package augment

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// prepareRewrite builds the prompt of a complexity or paraphrase item: one question of the source
// stage, rewritten with one method.
func (g *Generators) prepareRewrite(ctx context.Context, run store.PipelineRun, p Params, key string) (*work, error) {
	id, err := runs.ParseQuestionKey(key)
	if err != nil {
		return nil, err
	}
	parent, err := g.store.NLQ(ctx, run.ProjectID, id)
	if err != nil {
		return nil, err
	}
	if parent.DatabaseID == nil {
		return nil, errors.New("the question has no database")
	}
	d, err := g.database(ctx, run.ProjectID, *parent.DatabaseID)
	if err != nil {
		return nil, err
	}
	method := p.Methods[hash64(run.ID, key)%uint64(len(p.Methods))]
	w := &work{run: run, p: p, key: key, db: d.DB, tables: d.Tables, parentID: &id, origin: map[string]any{"method": method, "parent_id": id}}
	w.filter = filterOptions{MaxLength: p.MaxLength, Schema: schemaWords(d.Tables), Input: parent.Question, Related: parent.Question,
		English: englishReference(parent.Question)}
	data := map[string]any{"Method": method, "Question": parent.Question}
	if p.Pipeline == KindComplexity {
		w.prompt = complexityPrompt
		schema, err := g.schemaText(ctx, d, d.Tables, 3)
		if err != nil {
			return nil, err
		}
		data["Schema"] = schema
	} else {
		w.prompt = paraphrasePrompt
	}
	text, err := w.prompt.Render(data)
	if err != nil {
		return nil, err
	}
	w.messages = []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}
	return w, nil
}

// rewriteOutputs reads a reply that should be {"question": "..."} and filters its question.
func (g *Generators) rewriteOutputs(w *work, reply string, tally *dropTally) []output {
	var r struct {
		Question *string `json:"question"`
	}
	if err := replyJSON(reply, &r); err != nil || r.Question == nil {
		tally.dropUnreadable(reply, err, `no "question" field`)
		return nil
	}
	q := strings.TrimSpace(*r.Question)
	if reason := checkQuestion(q, w.filter); reason != "" {
		tally.drop(reason, q, "")
		return nil
	}
	return []output{{n: 0, question: q}}
}

// schemaWords is the vocabulary of some tables: their names, columns and original headers.
func schemaWords(tables []store.DBTable) vocabulary {
	v := vocabulary{}
	for _, t := range tables {
		v.add(t.Name)
		v.add(t.Original)
		for _, c := range schemas.Columns(t) {
			v.add(c.Name)
			v.add(c.Original)
		}
	}
	return v
}

// prepareSemantic builds the prompt of a semantic-variety item: a question of the source stage as
// the style reference, and columns chosen at random from its database — the tables and columns the
// project's SQL does not use yet first. Every choice is seeded by the run and the item, so a retried
// item asks the same.
func (g *Generators) prepareSemantic(ctx context.Context, run store.PipelineRun, p Params, key string) (*work, error) {
	refs, err := g.styleReferences(ctx, run, p)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("no question of stage %q is left to take the style from", p.FromStage)
	}
	rng := rand.New(rand.NewPCG(uint64(run.ID), hash64(key)))
	ref := refs[rng.IntN(len(refs))]
	d, err := g.database(ctx, run.ProjectID, *ref.DatabaseID)
	if err != nil {
		return nil, err
	}
	used, err := g.coverage.used(ctx, g.store, run.ProjectID, d)
	if err != nil {
		return nil, err
	}
	tables, cols := chooseColumns(rng, d.Tables, used, p.Columns)
	if len(cols) == 0 {
		return nil, fmt.Errorf("database %s has no columns to ask about", d.DB.Name)
	}
	w := &work{run: run, p: p, key: key, db: d.DB, tables: tables, prompt: semanticPrompt}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.String()
	}
	tableNames := make([]string, len(tables))
	for i, t := range tables {
		tableNames[i] = t.Name
	}
	w.origin = map[string]any{"style_ref_id": ref.ID, "tables": tableNames, "columns": names}
	w.filter = filterOptions{MaxLength: p.MaxLength, Schema: schemaWords(tables), Input: ref.Question, English: englishReference(ref.Question)}
	schema, err := g.schemaText(ctx, d, tables, 3)
	if err != nil {
		return nil, err
	}
	described := make([]string, len(cols))
	for i, c := range cols {
		described[i] = c.String()
		for _, t := range tables {
			for _, cd := range schemas.Columns(t) {
				if t.Name == c.Table && cd.Name == c.Column && cd.Original != "" && cd.Original != cd.Name {
					described[i] += fmt.Sprintf(" (%q)", cd.Original)
				}
			}
		}
	}
	text, err := w.prompt.Render(map[string]any{"Columns": described, "StyleReference": ref.Question, "Schema": schema})
	if err != nil {
		return nil, err
	}
	w.messages = []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}
	return w, nil
}

// styleReferences are the questions of a semantic run's source stage (read once a minute).
func (g *Generators) styleReferences(ctx context.Context, run store.PipelineRun, p Params) ([]store.QuestionText, error) {
	return cached(&g.coverage.refs, fmt.Sprintf("%d:%d:%s", run.ProjectID, p.DatabaseID, p.FromStage), func() ([]store.QuestionText, error) {
		return g.store.Questions(ctx, run.ProjectID, p.DatabaseID, p.FromStage)
	})
}

// chooseColumns picks a table (weighted towards its columns no SQL uses yet), sometimes a table
// joined to it by a foreign key, and k of their columns (unused ones five times likelier).
func chooseColumns(rng *rand.Rand, tables []store.DBTable, used map[metrics.Column]bool, k int) ([]store.DBTable, []metrics.Column) {
	if len(tables) == 0 {
		return nil, nil
	}
	unused := func(t store.DBTable) int {
		n := 0
		for _, c := range schemas.Columns(t) {
			if !used[metrics.Column{Table: t.Name, Column: c.Name}] {
				n++
			}
		}
		return n
	}
	weights := make([]float64, len(tables))
	for i, t := range tables {
		weights[i] = 1 + 4*float64(unused(t))
	}
	first := tables[pickWeighted(rng, weights)]
	chosen := []store.DBTable{first}
	if linked := linkedTables(first, tables); len(linked) > 0 && rng.Float64() < 0.5 {
		chosen = append(chosen, linked[rng.IntN(len(linked))])
	}
	var pool []metrics.Column
	var pw []float64
	for _, t := range chosen {
		for _, c := range schemas.Columns(t) {
			mc := metrics.Column{Table: t.Name, Column: c.Name}
			pool = append(pool, mc)
			if used[mc] {
				pw = append(pw, 1)
			} else {
				pw = append(pw, 5)
			}
		}
	}
	var cols []metrics.Column
	for len(cols) < k && len(pool) > 0 {
		i := pickWeighted(rng, pw)
		cols = append(cols, pool[i])
		pool, pw = slices.Delete(pool, i, i+1), slices.Delete(pw, i, i+1)
	}
	// A second table none of whose columns was picked is not part of the question.
	if len(chosen) == 2 && !slices.ContainsFunc(cols, func(c metrics.Column) bool { return c.Table == chosen[1].Name }) {
		chosen = chosen[:1]
	}
	slices.SortFunc(cols, func(a, b metrics.Column) int { return strings.Compare(a.String(), b.String()) })
	return chosen, cols
}

func pickWeighted(rng *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	r := rng.Float64() * total
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

// linkedTables are the tables a table references or is referenced by.
func linkedTables(t store.DBTable, all []store.DBTable) []store.DBTable {
	var out []store.DBTable
	for _, o := range all {
		if o.Name == t.Name {
			continue
		}
		if slices.ContainsFunc(schemas.ForeignKeys(t), func(fk sqlexec.ForeignKey) bool { return fk.RefTable == o.Name }) ||
			slices.ContainsFunc(schemas.ForeignKeys(o), func(fk sqlexec.ForeignKey) bool { return fk.RefTable == t.Name }) {
			out = append(out, o)
		}
	}
	return out
}

// coverageCache knows, per database, which columns the project's SQL already uses (metrics'
// coverage, recomputed at most once a minute) and the style references of semantic runs.
type coverageCache struct {
	cols ttlCache[map[metrics.Column]bool]
	refs ttlCache[[]store.QuestionText]
}

func (c *coverageCache) used(ctx context.Context, st *store.Store, projectID int64, d schemas.Database) (map[metrics.Column]bool, error) {
	return cached(&c.cols, fmt.Sprintf("%d:%d", projectID, d.DB.ID), func() (map[metrics.Column]bool, error) {
		sqls, err := st.DatabaseSQL(ctx, projectID, d.DB.ID)
		if err != nil {
			return nil, err
		}
		schema := metrics.Schema{Database: d.DB.Name}
		for _, t := range d.Tables {
			mt := metrics.Table{Name: t.Name}
			for _, c := range schemas.Columns(t) {
				mt.Columns = append(mt.Columns, c.Name)
			}
			schema.Tables = append(schema.Tables, mt)
		}
		cat := metrics.NewCatalog(schema)
		used := map[metrics.Column]bool{}
		for _, s := range sqls {
			q, err := metrics.Parse(s)
			if err != nil {
				continue
			}
			for _, c := range q.Usage(cat).Columns {
				used[c] = true
			}
		}
		return used, nil
	})
}

// ttlCache keeps values for a minute: long enough for a run's items to share them, short enough
// that a run sees what changed (a table renamed, SQL written).
type ttlCache[V any] struct {
	mu sync.Mutex
	m  map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v  V
	at time.Time
}

const cacheTTL = time.Minute

func cached[V any](c *ttlCache[V], key string, load func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && time.Since(e.at) < cacheTTL {
		return e.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]ttlEntry[V]{}
	}
	for k, old := range c.m {
		if time.Since(old.at) >= cacheTTL {
			delete(c.m, k)
		}
	}
	c.m[key] = ttlEntry[V]{v: v, at: time.Now()}
	return v, nil
}
