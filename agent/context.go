package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
)

// prepare builds what every sample of a question shares: the decoded tables, the choice of tables
// for the prompt (see chooseTables) and the system prompt with CREATE TABLE statements and sample
// rows.
func (a *Agent) prepare(ctx context.Context, q Question, meta llm.CallMeta) (*prepared, error) {
	if a.LLM == nil {
		return nil, fmt.Errorf("agent: %w", llm.ErrNotConfigured)
	}
	if a.Exec == nil {
		return nil, errors.New("agent: no SQL executor")
	}
	p := &prepared{q: q, opt: a.Options.withDefaults(), target: q.Database.Target()}
	var err error
	if p.tables, err = parseTables(q.Tables); err != nil {
		return nil, err
	}
	if p.index, err = a.index(ctx, q); err != nil {
		return nil, err
	}
	shown, notes := a.chooseTables(ctx, p, meta)
	if p.retrieval == retrieve.MethodScope {
		// The project keeps the agent to the question's own tables: its tools see only them too.
		p.tables = append([]*tableInfo(nil), shown...)
	}
	described := make(map[*tableInfo]promptTable, len(shown))
	for _, t := range shown {
		pt := promptTable{DDL: t.ddl()}
		res := a.Exec.Run(ctx, p.target, t.sampleSQL(p.opt.SampleRows))
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case !res.OK():
			// A table that cannot be read is still described; the model learns why from the tools.
			pt.SampleCaption = "sample rows unavailable: " + res.Error
		case res.RowCount > 0:
			pt.SampleCaption = fmt.Sprintf("%d sample row%s", min(res.RowCount, p.opt.SampleRows), plural(min(res.RowCount, p.opt.SampleRows)))
			pt.Sample = formatRows(res, p.opt.SampleRows)
		}
		described[t] = pt
	}
	// Past the budget, the last chosen tables leave the prompt (never the question's own): wide
	// tables must not make a prompt no model can read.
	dropped := 0
	for {
		if p.system, err = a.render(p, shown, described, notes, dropped); err != nil {
			return nil, err
		}
		if len(p.system)/4 <= p.opt.PromptTokens {
			break
		}
		i := p.lastDroppable(shown)
		if i < 0 {
			break
		}
		shown = append(shown[:i], shown[i+1:]...)
		dropped++
	}
	p.shown = p.shown[:0]
	for _, t := range shown {
		p.shown = append(p.shown, t.Name)
	}
	return p, nil
}

// render fills the system prompt with the shown tables.
func (a *Agent) render(p *prepared, shown []*tableInfo, described map[*tableInfo]promptTable, notes []string, dropped int) (string, error) {
	q := p.q
	data := systemData{
		Database: q.Database.Name, MaxSteps: p.opt.MaxSteps,
		Guideline: q.Guideline, GuidelineVersion: q.GuidelineVersion,
		Instructions: q.Instructions, InstructionsVersion: q.InstructionsVersion,
		TotalTables: len(p.tables), Notes: notes, Scoped: p.retrieval == retrieve.MethodScope,
	}
	if dropped > 0 {
		data.Notes = append(append([]string(nil), notes...), message("note_dropped", map[string]any{"Count": dropped}))
	}
	in := map[*tableInfo]bool{}
	for _, t := range shown {
		in[t] = true
		data.Tables = append(data.Tables, described[t])
	}
	var omitted []string
	for _, t := range p.tables {
		if !in[t] {
			omitted = append(omitted, t.Name)
		}
	}
	data.OmittedCount = len(omitted)
	if listedLen(omitted) <= p.opt.OmittedListChars {
		data.Omitted = omitted
	}
	return renderSystem(data)
}

// lastDroppable is the index in shown of the last chosen table that is not the question's own, or
// -1 when only those are left.
func (p *prepared) lastDroppable(shown []*tableInfo) int {
	if len(shown) <= 1 {
		return -1
	}
	known := map[string]bool{}
	for _, n := range p.selection.Known {
		known[n] = true
	}
	order := p.selection.Order
	for j := len(order) - 1; j >= 0; j-- {
		if known[order[j]] {
			continue
		}
		for i, t := range shown {
			if t.Name == order[j] {
				return i
			}
		}
	}
	return -1
}

// listedLen is the length of names listed with ", ".
func listedLen(names []string) int {
	n := 0
	for _, s := range names {
		n += len(s) + 2
	}
	return n
}

// index is the retrieval index of the question's database version: from the shared cache when
// the agent has one (values included), else built from the registry alone for this run.
func (a *Agent) index(ctx context.Context, q Question) (*retrieve.Index, error) {
	if a.Indexes != nil && q.Database.SchemaName != "" {
		return a.Indexes.For(ctx, q.Database, q.Tables)
	}
	return retrieve.Build(q.Tables, nil)
}

// chooseTables returns the tables for the prompt, in schema order, and notes for the prompt about
// how they were chosen: the question's own tables (alone, when the project keeps the agent to
// them), then the best ranked by the retrieval index (BM25, fused with embeddings when an
// embeddings model answers), then the tables foreign keys join them to.
func (a *Agent) chooseTables(ctx context.Context, p *prepared, meta llm.CallMeta) ([]*tableInfo, []string) {
	// The evidence names columns and values the question only paraphrases: it is searched too.
	req := retrieve.Request{Question: strings.TrimSpace(p.q.Text + " " + p.q.Evidence), K: p.opt.TopKTables, Known: p.q.KnownTables, ScopeOnly: p.q.ScopeOnly}
	if p.opt.TopKTables < 0 {
		req.K = len(p.tables)
	}
	if model := llmconf.ModelFor(a.LLM.Settings(), llm.PurposeEmbeddings); model != "" {
		meta.Purpose = llm.PurposeEmbeddings
		req.Dense = &retrieve.Embedder{Model: model, Embed: func(ctx context.Context, texts []string) ([][]float32, error) {
			return a.LLM.Embed(ctx, meta, texts)
		}}
	}
	sel := p.index.Select(ctx, req)
	p.retrieval, p.selection = sel.Method, sel
	var notes []string
	if sel.DenseError != nil {
		notes = append(notes, message("note_lexical", map[string]any{"Error": shortError(sel.DenseError)}))
	}
	out := make([]*tableInfo, 0, len(sel.Tables))
	for _, name := range sel.Tables {
		if t := findTable(p.tables, name); t != nil {
			out = append(out, t)
		}
	}
	return out, notes
}

func shortError(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
