package agentbatch

import (
	"context"
	"encoding/json"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/store"
)

// runRetrieval is what an agent run's prompt showed, as agent_runs.retrieval records it.
type runRetrieval struct {
	Method            string   `json:"method"`
	Tables            []string `json:"tables"`
	Known             []string `json:"known,omitempty"`
	Joined            []string `json:"joined,omitempty"`
	FirstPromptTokens int      `json:"first_prompt_tokens"`
}

func retrievalJSON(o agent.Outcome) json.RawMessage {
	b, _ := json.Marshal(runRetrieval{Method: o.Retrieval, Tables: o.Tables, Known: o.Known, Joined: o.Joined, FirstPromptTokens: o.FirstPromptTokens})
	return b
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
		var rr runRetrieval
		_ = json.Unmarshal(c.Retrieval, &rr) // written by retrievalJSON
		outs = append(outs, retrieve.Outcome{Question: c.Question, Gold: NeededTables(d.Tables, c), Shown: rr.Tables,
			Tokens: rr.FirstPromptTokens, Larger: len(d.Tables) > rs.TopK})
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
