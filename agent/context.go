package agent

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/goldset/goldset/llm"
)

// prepare builds what every sample of a question shares: the decoded tables, the choice of tables
// for the prompt (top-k by embedding similarity on large schemas, as in LlamaIndex's Text-to-SQL tutorial, with a lexical
// fallback) and the system prompt with CREATE TABLE statements and sample rows.
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
	shown, notes := a.chooseTables(ctx, q.Text, p.tables, p.opt.TopKTables, meta, &p.retrieval)
	data := systemData{
		Database: q.Database.Name, MaxSteps: p.opt.MaxSteps,
		Guideline: q.Guideline, GuidelineVersion: q.GuidelineVersion,
		Instructions: q.Instructions, InstructionsVersion: q.InstructionsVersion,
		TotalTables: len(p.tables), Notes: notes,
	}
	in := map[*tableInfo]bool{}
	for _, t := range shown {
		in[t] = true
	}
	for _, t := range p.tables {
		if !in[t] {
			data.Omitted = append(data.Omitted, t.Name)
		}
	}
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
		data.Tables = append(data.Tables, pt)
		p.shown = append(p.shown, t.Name)
	}
	if p.system, err = renderSystem(data); err != nil {
		return nil, err
	}
	return p, nil
}

// chooseTables returns the tables for the prompt, in schema order, and notes for the prompt about
// how they were chosen.
func (a *Agent) chooseTables(ctx context.Context, question string, tables []*tableInfo, k int, meta llm.CallMeta, how *string) ([]*tableInfo, []string) {
	if k < 0 || len(tables) <= k {
		*how = "all"
		return tables, nil
	}
	var notes []string
	scores, err := a.embeddingScores(ctx, question, tables, meta)
	if err == nil {
		*how = "embeddings"
	} else {
		*how = "lexical"
		scores = lexicalScores(question, tables)
		notes = append(notes, "the tables below were chosen by the words they share with the question, because embeddings were unavailable ("+
			shortError(err)+"); a table you need may be among the others.")
	}
	idx := topK(scores, k)
	sort.Ints(idx)
	out := make([]*tableInfo, len(idx))
	for i, j := range idx {
		out[i] = tables[j]
	}
	return out, notes
}

// embeddingScores embeds the question and each table's description and returns the cosine
// similarity of each table to the question.
func (a *Agent) embeddingScores(ctx context.Context, question string, tables []*tableInfo, meta llm.CallMeta) ([]float64, error) {
	texts := make([]string, 0, len(tables)+1)
	texts = append(texts, question)
	for _, t := range tables {
		texts = append(texts, t.description())
	}
	meta.Purpose = llm.PurposeEmbeddings
	vecs, err := a.LLM.Embed(ctx, meta, texts)
	if err != nil {
		return nil, err
	}
	if len(vecs) != len(texts) {
		return nil, fmt.Errorf("%d embeddings for %d texts", len(vecs), len(texts))
	}
	scores := make([]float64, len(tables))
	for i := range tables {
		scores[i] = cosine(vecs[0], vecs[i+1])
	}
	return scores, nil
}

func shortError(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
