package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/store"
)

// importBIRD runs `goldset import bird DIR`: the Spider-like summary, then the column
// descriptions (how many columns, and what the description files lost).
func importBIRD(ctx context.Context, im *ingest.Importer, a store.Actor, p store.Project, dir, questions string, asJSON bool, out io.Writer) error {
	sum, err := im.ImportBIRD(ctx, a, p.ID, dir, bird.Options{QuestionsFile: questions})
	if err != nil {
		return err
	}
	if asJSON {
		rep := importReport(p, sum.ImportSummary)
		rep["descriptions"] = sum.Descriptions
		return printJSON(out, rep)
	}
	printImport(out, p, sum.ImportSummary)
	fmt.Fprintf(out, "Column descriptions: %d columns described.\n", sum.Descriptions.Columns)
	for _, w := range sum.Descriptions.Warnings {
		fmt.Fprintf(out, "  warning: %s\n", w)
	}
	return nil
}
