package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/sample"
	"github.com/goldset/goldset/store"
)

const sampleHelp = `Import the sample dataset that comes with goldset into the project "` + sample.ProjectName + `":
three Spider databases with 127 gold questions and six WikiTableQuestions tables with 55 questions
(both CC BY-SA 4.0), every question planned for annotation. Running it again imports only what is
missing. The web UI offers the same as "Load the sample project" on an empty project list.`

func runSample(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("sample [--json]", sampleHelp)
	cfg := newConfig(fs, append(append(dbOptions, sqlOptions...), uploadOptions...)...)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if _, err := parseArgsFitting(fs, args, noArgs, "sample takes no arguments"); err != nil {
		return err
	}
	t, err := openCommandTools(ctx, cfg)
	if err != nil {
		return err
	}
	defer t.db.Close(ctx)
	res, err := sample.Load(ctx, t.importer, &loop.Loop{Store: t.db.store, Exec: t.exec}, store.System, 0)
	if err != nil {
		return err
	}
	sum := ingest.ImportSummary{Databases: res.Databases, Questions: res.Gold}
	if *asJSON {
		rep := importReport(res.Project, sum)
		rep["questions_imported"] = res.Questions
		delete(rep, "questions")
		rep["gold"] = res.Gold
		rep["plan"] = res.Plan
		return printJSON(out, rep)
	}
	printImport(out, res.Project, sum)
	fmt.Fprintf(out, "Sample questions: %d imported; %d annotation items planned.\n", res.Questions, res.Plan.Items)
	fmt.Fprintf(out, "Open the project %q in the web UI (an admin sees every project; add people under Members) and press Annotate.\n"+
		"The agent and the pipelines need a model endpoint: Admin → Language model, or GOLDSET_LLM_BASE_URL.\n", res.Project.Name)
	return nil
}
