package sample

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goldset/goldset"
	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/store"
)

// ProjectName is the sample project's name.
const ProjectName = "Sample: Spider and WikiTableQuestions"

const description = "Three Spider databases with their 127 gold questions (Yu et al., EMNLP 2018) and " +
	"six Wikipedia tables with 55 WikiTableQuestions questions (Pasupat & Liang, ACL 2015), both CC BY-SA 4.0. " +
	"Every question is planned for annotation; the agent and the pipelines need a model endpoint."

// Result says what Load did.
type Result struct {
	Project store.Project `json:"project"`
	// Databases are the sample's databases; those imported by an earlier call are Unchanged.
	Databases []ingest.DatabaseSummary `json:"databases"`
	// Questions is how many questions this call imported.
	Questions int `json:"questions"`
	// Gold is the Spider questions' summary: their gold SQL translated and checked by execution.
	Gold *ingest.QuestionSummary `json:"gold"`
	Plan loop.PlanCounts         `json:"plan"`
}

// Load imports what of the sample the project named ProjectName lacks, creating the project (with
// leadID as its lead when not 0) on the first call, and plans every new question for annotation. A
// call interrupted by a killed process is completed by the next; a call on a complete project
// imports nothing and plans nothing new.
func Load(ctx context.Context, im *ingest.Importer, lp *loop.Loop, a store.Actor, leadID int64) (Result, error) {
	st := lp.Store
	p, err := st.ProjectByName(ctx, ProjectName)
	if errors.Is(err, store.ErrNotFound) {
		p, err = st.CreateProject(ctx, a, ProjectName, description, leadID)
	}
	if err != nil {
		return Result{}, err
	}
	out := Result{Project: p, Databases: []ingest.DatabaseSummary{}}
	dir, err := os.MkdirTemp("", "goldset-sample-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	if err := os.CopyFS(dir, goldset.Sample()); err != nil {
		return out, fmt.Errorf("sample: unpack: %w", err)
	}
	// Both importers make nothing new for a source imported before (DatabaseSummary.Unchanged, and
	// questions counted as existing), so calling them again completes an interrupted load.
	sum, err := im.ImportSpider(ctx, a, p.ID, filepath.Join(dir, "spider"), spider.DatasetOptions{})
	if err == nil {
		err = sum.Err() // a database of the sample that failed: the sample is not whole
	}
	if err != nil {
		return out, fmt.Errorf("sample: Spider databases: %w", err)
	}
	out.add(sum)
	out.Gold = sum.Questions
	if sum, err = im.ImportWTQ(ctx, a, p.ID, filepath.Join(dir, "wtq"), ""); err != nil {
		return out, fmt.Errorf("sample: WikiTableQuestions tables: %w", err)
	}
	out.add(sum)
	share := 1.0
	if out.Plan, err = lp.PlanSelection(ctx, a, p.ID, loop.PlanParams{Share: &share}); err != nil {
		return out, fmt.Errorf("sample: plan annotation: %w", err)
	}
	return out, nil
}

func (r *Result) add(sum ingest.ImportSummary) {
	r.Databases = append(r.Databases, sum.Databases...)
	if sum.Questions != nil {
		r.Questions += sum.Questions.Imported
	}
}
