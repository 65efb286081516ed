package sample_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goldset/goldset"

	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/ingest/sample"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestLoadImportsAndPlansTheSample(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	lp := &loop.Loop{Store: f.St, Exec: f.Exec}
	u, err := f.St.CreateUser(f.Ctx, store.System, store.NewUser{Email: "new@example.com", Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	// Loaded by the newcomer, as the web UI does: importing does not make them the questions' author,
	// so they can annotate them.
	as := store.Actor{UserID: u.ID, RequestID: "test"}
	res, err := sample.Load(f.Ctx, f.Im, lp, as, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Project.Name != sample.ProjectName {
		t.Fatalf("project %q", res.Project.Name)
	}
	if got := names(res, false); got != "concert_singer orchestra pets_1 wtq" {
		t.Fatalf("imported %q; want the 3 Spider databases and wtq", got)
	}
	if res.Questions != 127+55 {
		t.Fatalf("imported %d questions, want 182", res.Questions)
	}
	if res.Plan.Items != res.Questions {
		t.Fatalf("planned %+v; want one annotation item per question", res.Plan)
	}
	members, err := f.St.ListMembers(f.Ctx, res.Project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].UserID != u.ID || members[0].Role != store.RoleLead {
		t.Fatalf("members %+v; want the loader as lead", members)
	}
	task, err := lp.Next(f.Ctx, as, res.Project.ID, u.ID)
	if err != nil {
		t.Fatalf("the newcomer has nothing to annotate: %v", err)
	}
	if task.Question == "" || task.DatabaseID == nil {
		t.Fatalf("task %+v", task)
	}

	again, err := sample.Load(f.Ctx, f.Im, lp, as, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Project.ID != res.Project.ID || names(again, true) != "concert_singer orchestra pets_1 wtq" ||
		again.Questions != 0 || again.Plan.Items != 0 {
		t.Fatalf("second load %+v; want nothing new", again)
	}
}

func TestLoadCompletesAnInterruptedLoad(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	lp := &loop.Loop{Store: f.St, Exec: f.Exec}
	// A load killed after the WikiTableQuestions tables, before the Spider databases.
	p, err := f.St.CreateProject(f.Ctx, store.System, sample.ProjectName, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, goldset.Sample()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Im.ImportWTQ(f.Ctx, store.System, p.ID, filepath.Join(dir, "wtq"), ""); err != nil {
		t.Fatal(err)
	}
	res, err := sample.Load(f.Ctx, f.Im, lp, store.System, 0)
	if err != nil {
		t.Fatal(err)
	}
	if names(res, false) != "concert_singer orchestra pets_1" || names(res, true) != "wtq" || res.Questions != 127 {
		t.Fatalf("imported %q (%d questions), unchanged %q; want only the Spider part", names(res, false), res.Questions, names(res, true))
	}
	if res.Plan.Items != 127+55 {
		t.Fatalf("planned %+v; want every question, the earlier ones too", res.Plan)
	}
}

// names lists the databases of r that were (unchanged) or were not (!unchanged) imported before.
func names(r sample.Result, unchanged bool) string {
	var out []string
	for _, d := range r.Databases {
		if d.Unchanged == unchanged {
			out = append(out, d.Database.Name)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
