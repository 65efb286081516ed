package retrieve

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// How a selection was made.
const (
	MethodAll     = "all"     // the database has no more tables than asked for
	MethodScope   = "scope"   // the question's own tables (and what they join to), nothing else
	MethodLexical = "lexical" // BM25 over the index
	MethodHybrid  = "hybrid"  // BM25 and embedding similarity, fused by reciprocal rank
)

// rankedForJoins is how many of the best ranked tables order the join candidates.
const rankedForJoins = 256

// rrfK is the constant of reciprocal rank fusion; 60 is Cormack, Clarke and Büttcher's (2009).
const rrfK = 60

// Embedder embeds texts with one model; Model names it, so vectors of another model are never mixed.
type Embedder struct {
	Model string
	Embed func(ctx context.Context, texts []string) ([][]float32, error)
}

// Request asks for the tables to describe for a question.
type Request struct {
	Question string
	K        int      // tables ranked in (the known ones count); FK neighbours may add up to K/2 more
	Known    []string // tables the question came with (a WikiTableQuestions context table, a CSV file's table)
	// ScopeOnly keeps the selection to the known tables and the tables they join to.
	ScopeOnly bool
	Dense     *Embedder // nil: lexical only
}

// Selection is the tables chosen for a question.
type Selection struct {
	Tables []string `json:"tables"` // in schema order
	Method string   `json:"method"`
	Known  []string `json:"known,omitempty"`  // of Tables, those the question came with
	Joined []string `json:"joined,omitempty"` // of Tables, those added along foreign keys
	// Order is Tables in the order they were chosen (known, best ranked, joined): the last are the
	// first to leave when a prompt must be shorter.
	Order []string `json:"-"`
	// DenseError says why embeddings were asked for and not used (the endpoint failed).
	DenseError error `json:"-"`
}

// Select chooses the tables a prompt describes: the question's own tables first, then the best
// ranked until K, then the tables foreign keys join them to (at most K/2, best ranked first).
func (ix *Index) Select(ctx context.Context, req Request) Selection {
	k := req.K
	if k <= 0 {
		k = 8
	}
	sel := Selection{}
	chosen := map[int]bool{}
	var order []int // chosen tables in the order they were chosen
	take := func(i int) {
		if !chosen[i] {
			chosen[i] = true
			order = append(order, i)
		}
	}
	for _, name := range req.Known {
		if i, ok := ix.byName[strings.ToLower(name)]; ok {
			take(i)
			sel.Known = append(sel.Known, ix.Tables[i].Name)
		}
	}
	switch {
	case req.ScopeOnly && len(order) > 0:
		sel.Method = MethodScope
	case len(ix.Tables) <= k:
		sel.Method = MethodAll
		for i := range ix.Tables {
			take(i)
		}
	default:
		ranked, method, derr := ix.rank(ctx, req.Question, req.Dense, max(k, rankedForJoins))
		sel.Method, sel.DenseError = method, derr
		for _, s := range ranked {
			if len(order) >= k {
				break
			}
			take(s.doc)
		}
		// Nothing matched at all: the first tables, so the prompt still shows something.
		for i := 0; len(order) < k && i < len(ix.Tables); i++ {
			take(i)
		}
		// The join candidates are ordered by rank; past the first few hundred, schema order will do.
		rank := make(map[int]int, min(len(ranked), rankedForJoins))
		for r, s := range ranked[:min(len(ranked), rankedForJoins)] {
			rank[s.doc] = r
		}
		ix.join(&sel, order, chosen, rank, max(1, k/2))
	}
	if sel.Method == MethodScope {
		ix.join(&sel, order, chosen, nil, max(1, k/2))
	}
	for i := range ix.Tables {
		if chosen[i] {
			sel.Tables = append(sel.Tables, ix.Tables[i].Name)
		}
	}
	for _, i := range order {
		sel.Order = append(sel.Order, ix.Tables[i].Name)
	}
	sel.Order = append(sel.Order, sel.Joined...)
	return sel
}

// join adds, up to limit, the tables foreign keys connect to the chosen ones, best ranked first
// (schema order without a ranking): a question about two tables often needs the one between them.
func (ix *Index) join(sel *Selection, order []int, chosen map[int]bool, rank map[int]int, limit int) {
	var cands []int
	seen := map[int]bool{}
	for _, i := range order {
		for _, j := range ix.neighbours[i] {
			if jj := int(j); !chosen[jj] && !seen[jj] {
				seen[jj] = true
				cands = append(cands, jj)
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		ra, oka := rank[cands[a]]
		rb, okb := rank[cands[b]]
		switch {
		case oka && okb:
			return ra < rb
		case oka != okb:
			return oka
		}
		return cands[a] < cands[b]
	})
	for _, j := range cands {
		if limit <= 0 {
			break
		}
		chosen[j] = true
		sel.Joined = append(sel.Joined, ix.Tables[j].Name)
		limit--
	}
}

// Ranked is a table's place in a ranking.
type Ranked struct {
	Table string  `json:"table"`
	Score float64 `json:"score"`
}

// Rank ranks the tables for a question: BM25, fused with embedding similarity when dense is given
// and answers. Tables sharing no word with the question are ranked only by the embeddings. The
// error says why embeddings were asked for and not used.
func (ix *Index) Rank(ctx context.Context, question string, dense *Embedder) ([]scored, string, error) {
	return ix.rank(ctx, question, dense, 0)
}

// rank is Rank; with need > 0 and no embeddings, only the best need are ranked.
func (ix *Index) rank(ctx context.Context, question string, dense *Embedder, need int) ([]scored, string, error) {
	if dense == nil || dense.Embed == nil {
		return ix.bm25(ix.expand(queryTerms(question)), need), MethodLexical, nil
	}
	lex := ix.bm25(ix.expand(queryTerms(question)), 0)
	sims, err := ix.similarities(ctx, question, dense)
	if err != nil {
		if need > 0 && len(lex) > need {
			lex = lex[:need]
		}
		return lex, MethodLexical, err
	}
	byDense := make([]scored, len(sims))
	for i, s := range sims {
		byDense[i] = scored{doc: i, score: s}
	}
	sort.SliceStable(byDense, func(a, b int) bool { return byDense[a].score > byDense[b].score })
	fused := make([]float64, len(ix.Tables))
	for r, s := range lex {
		fused[s.doc] += 1 / float64(rrfK+r+1)
	}
	for r, s := range byDense {
		fused[s.doc] += 1 / float64(rrfK+r+1)
	}
	out := make([]scored, len(fused))
	for i, f := range fused {
		out[i] = scored{doc: i, score: f}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].score > out[b].score })
	return out, MethodHybrid, nil
}

// TopK is the k best ranked tables for a question, with their scores (for reports and tests).
func (ix *Index) TopK(ctx context.Context, question string, k int, dense *Embedder) []Ranked {
	ranked, _, _ := ix.Rank(ctx, question, dense)
	if len(ranked) > k {
		ranked = ranked[:k]
	}
	out := make([]Ranked, len(ranked))
	for i, s := range ranked {
		out[i] = Ranked{Table: ix.Tables[s.doc].Name, Score: s.score}
	}
	return out
}

// denseCache holds the tables' vectors of one model, computed once per index.
type denseCache struct {
	mu    sync.Mutex
	model string
	vecs  [][]float32
}

// similarities is the cosine of the question's embedding with each table's.
func (ix *Index) similarities(ctx context.Context, question string, e *Embedder) ([]float64, error) {
	vecs, err := ix.tableVectors(ctx, e)
	if err != nil {
		return nil, err
	}
	q, err := e.Embed(ctx, []string{question})
	if err != nil {
		return nil, err
	}
	if len(q) != 1 {
		return nil, fmt.Errorf("retrieve: %d embeddings for one question", len(q))
	}
	out := make([]float64, len(vecs))
	for i, v := range vecs {
		out[i] = cosine(q[0], v)
	}
	return out, nil
}

func (ix *Index) tableVectors(ctx context.Context, e *Embedder) ([][]float32, error) {
	d := ix.dense
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.vecs != nil && d.model == e.Model {
		return d.vecs, nil
	}
	texts := make([]string, len(ix.Tables))
	for i := range ix.Tables {
		texts[i] = ix.Tables[i].Description()
	}
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(vecs) != len(texts) {
		return nil, errors.New("retrieve: the embeddings endpoint returned another number of vectors")
	}
	d.model, d.vecs = e.Model, vecs
	return vecs, nil
}

// Description is what embeddings compare a question with: the names, summary, columns and a few
// values of each text column.
func (t *Table) Description() string {
	var b strings.Builder
	b.WriteString(t.Name)
	if t.Original != "" && !strings.EqualFold(t.Original, t.Name) {
		b.WriteString(" (" + t.Original + ")")
	}
	if t.Summary != "" {
		b.WriteString(": " + t.Summary)
	}
	b.WriteString(". Columns: ")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		if c.Original != "" && !strings.EqualFold(c.Original, c.Name) {
			b.WriteString(" (" + c.Original + ")")
		}
		if c.Description != "" {
			b.WriteString(" — " + c.Description)
		}
		if n := min(len(c.Values), 3); n > 0 {
			b.WriteString(" e.g. " + strings.Join(c.Values[:n], "; "))
		}
	}
	return b.String()
}

func cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
