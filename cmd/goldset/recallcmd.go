package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/agentbatch"
)

const recallHelp = `Report how well schema retrieval finds the tables questions need.

  goldset agent recall --project P [--database D] [--k K] [--lexical] [--json]

Over the project's questions whose tables are known (a WikiTableQuestions question's table, the
tables its gold SQL reads), each question's tables are chosen as the agent's prompt would choose
them, without being told the known ones, and the report says for how many all were chosen: overall,
and on databases with more than k tables (k: the project's setting unless --k). A baseline that
indexes names and columns only, without values, is measured in the same run. With an embeddings
model configured the ranking is hybrid unless --lexical.`

// recallDatabase is one database's part of the report.
type recallDatabase struct {
	Database string          `json:"database"`
	Tables   int             `json:"tables"`
	Report   retrieve.Report `json:"report"`
	Baseline retrieve.Report `json:"baseline"`
}

func runRecall(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("agent recall --project P [--database D]", recallHelp)
	cfg := newConfig(fs, append(dbOptions, sqlOptions...)...)
	where := newProjectFlags(fs, "only questions about this database")
	k := fs.Int("k", 0, "tables per prompt (0: the project's setting)")
	lexical := fs.Bool("lexical", false, "rank by words alone, even with an embeddings model configured")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseArgsFitting(fs, args, noArgs, "'agent recall' takes no arguments"); err != nil {
		return err
	}
	if *k < 0 || *k > 64 {
		return fmt.Errorf("%w: --k must be from 1 to 64 (or 0 for the project's setting), not %d", errUsage, *k)
	}
	s, err := where.openAgents(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	st := s.db.store
	rs, err := st.RetrievalSettings(ctx, s.project.ID)
	if err != nil {
		return err
	}
	if *k <= 0 {
		*k = rs.TopK
	}
	cases, err := st.RetrievalCases(ctx, s.project.ID, s.database.ID)
	if err != nil {
		return err
	}
	var dense *retrieve.Embedder
	client := s.Models.Client()
	if model := llmconf.ModelFor(client.Settings(), llm.PurposeEmbeddings); model != "" && client.Configured() && !*lexical {
		meta := llm.CallMeta{Purpose: llm.PurposeEmbeddings, ProjectID: s.project.ID, RunKind: "recall"}
		dense = &retrieve.Embedder{Model: model, Embed: func(ctx context.Context, texts []string) ([][]float32, error) {
			return client.Embed(ctx, meta, texts)
		}}
	}
	byDB := map[int64][]retrieve.Case{}
	var ids []int64
	for _, c := range cases {
		d, err := s.Schemas.Database(ctx, s.project.ID, c.DatabaseID)
		if err != nil {
			return err
		}
		gold := agentbatch.NeededTables(d.Tables, c)
		if len(gold) == 0 {
			continue
		}
		if _, ok := byDB[c.DatabaseID]; !ok {
			ids = append(ids, c.DatabaseID)
		}
		byDB[c.DatabaseID] = append(byDB[c.DatabaseID], retrieve.Case{Question: c.Question, Gold: gold})
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	var all, allBase []retrieve.Outcome
	var per []recallDatabase
	for _, id := range ids {
		d, err := s.Schemas.Database(ctx, s.project.ID, id)
		if err != nil {
			return err
		}
		ix, err := s.Schemas.Index(ctx, s.project.ID, id)
		if err != nil {
			return err
		}
		bare, err := retrieve.Build(d.Tables, nil)
		if err != nil {
			return err
		}
		outs := ix.Outcomes(ctx, byDB[id], *k, dense)
		base := bare.Outcomes(ctx, byDB[id], *k, nil)
		all, allBase = append(all, outs...), append(allBase, base...)
		per = append(per, recallDatabase{Database: fmt.Sprintf("%s v%d", d.DB.Name, d.DB.Version), Tables: len(d.Tables),
			Report: retrieve.Summarize(*k, outs), Baseline: retrieve.Summarize(*k, base)})
	}
	method := retrieve.MethodLexical
	if dense != nil {
		method = retrieve.MethodHybrid
	}
	total, baseline := retrieve.Summarize(*k, all), retrieve.Summarize(*k, allBase)
	if *asJSON {
		return printJSON(out, map[string]any{"k": *k, "method": method, "report": total, "baseline": baseline, "databases": per})
	}
	if total.Questions == 0 {
		fmt.Fprintln(out, "No question of this project names its tables or has gold SQL: nothing to measure.")
		return nil
	}
	fmt.Fprintf(out, "Schema recall at k=%d (%s), over %d questions with known tables:\n", *k, method, total.Questions)
	for _, p := range per {
		fmt.Fprintf(out, "  %-32s %5d tables  %4d questions  all needed tables shown %5.1f%%  (names and columns only: %5.1f%%)\n",
			p.Database, p.Tables, p.Report.Questions, 100*p.Report.Recall, 100*p.Baseline.Recall)
	}
	fmt.Fprintf(out, "All: %d of %d (%.1f%%); needed tables shown %.1f%%; %.1f tables a question.\n",
		total.Complete, total.Questions, 100*total.Recall, 100*total.TableRecall, total.TablesMean)
	if total.Larger > 0 {
		fmt.Fprintf(out, "Databases with more than %d tables: %d of %d (%.1f%%).\n", *k, total.LargerDone, total.Larger, 100*total.LargerRecall)
	}
	fmt.Fprintf(out, "Baseline (names and columns, no values): %d of %d (%.1f%%).\n", baseline.Complete, baseline.Questions, 100*baseline.Recall)
	for i, m := range total.Missed {
		if i == 5 {
			break
		}
		fmt.Fprintf(out, "  missed: %q needs %v, shown %v\n", m.Question, m.Gold, m.Shown)
	}
	return nil
}
