package agentbatch

import (
	"context"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/store"
)

// promptTables is what an agent run's prompt showed, as agent_runs.retrieval records it.
func promptTables(o agent.Outcome) store.PromptTables {
	return store.PromptTables{Method: o.Retrieval, Tables: o.Tables, Known: o.Known, Joined: o.Joined, Total: o.TotalTables,
		FirstPromptTokens: o.FirstPromptTokens}
}

// Retrieval is a batch's schema recall: the share of its questions whose tables (the ones they
// came with, and those their gold SQL reads) were all in the agent's prompt, with the tables and
// first-prompt tokens per question.
func (w *Agents) Retrieval(ctx context.Context, run store.PipelineRun) (retrieve.Report, error) {
	cases, err := w.store.BatchRetrievalCases(ctx, run.ID)
	if err != nil {
		return retrieve.Report{}, err
	}
	rs, err := w.store.RetrievalSettings(ctx, run.ProjectID)
	if err != nil {
		return retrieve.Report{}, err
	}
	outs := make([]retrieve.Outcome, 0, len(cases))
	for _, c := range cases {
		d, err := w.schemas.Database(ctx, run.ProjectID, c.DatabaseID)
		if err != nil {
			return retrieve.Report{}, err
		}
		o := retrieve.Outcome{Question: c.Question, Gold: NeededTables(d.Tables, c), Larger: len(d.Tables) > rs.TopK}
		if c.Retrieval != nil { // the query selects only runs that recorded it
			o.Shown, o.Tokens = c.Retrieval.Tables, c.Retrieval.FirstPromptTokens
		}
		outs = append(outs, o)
	}
	return retrieve.Summarize(rs.TopK, outs), nil
}

// NeededTables are the tables a question needs: those it came with and those its gold SQL reads.
func NeededTables(tables []store.DBTable, c store.RetrievalCase) []string {
	known, _ := store.KnownTables(c.Origin)
	seen := map[string]bool{}
	var out []string
	for _, t := range append(known, retrieve.GoldTables(tables, c.GoldSQL)...) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
