package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/goldset/goldset/store"
)

func TestParseGuideline_RulesIDsAndRewrites(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		markdown string
		maxUsed  int
		rules    []store.Rule
		assigned []string
		rewrite  string // the rewritten markdown; "" when unchanged
	}{
		{name: "no rules", markdown: "# Guidelines\n\nWrite clear questions.",
			rules: []store.Rule{}, assigned: []string{}},
		{name: "rules with IDs and their text up to the next heading",
			markdown: "# Guide\n\n## R1: Qualify columns\nWrite table.column.\n\n## R2: Count distinct\n- singers, not rows\n\n# Appendix\nnot a rule",
			rules: []store.Rule{{ID: "R1", Title: "Qualify columns", Text: "Write table.column."},
				{ID: "R2", Title: "Count distinct", Text: "- singers, not rows"}},
			assigned: []string{}},
		{name: "new rules get the next numbers in document order",
			markdown: "## R: First\na\n### R2: Second\nb\n## R: Third",
			rules:    []store.Rule{{ID: "R3", Title: "First", Text: "a"}, {ID: "R2", Title: "Second", Text: "b"}, {ID: "R4", Title: "Third"}},
			assigned: []string{"R3", "R4"}, rewrite: "## R3: First\na\n### R2: Second\nb\n## R4: Third"},
		{name: "deleted IDs are never reused", markdown: "## R1: Kept\n## R: New", maxUsed: 7,
			rules:    []store.Rule{{ID: "R1", Title: "Kept"}, {ID: "R8", Title: "New"}},
			assigned: []string{"R8"}, rewrite: "## R1: Kept\n## R8: New"},
		{name: "a heading in a code fence is not a rule", markdown: "## R1: Quote\n```\n## R: not a rule\n```\nend",
			rules: []store.Rule{{ID: "R1", Title: "Quote", Text: "```\n## R: not a rule\n```\nend"}}, assigned: []string{}},
		{name: "closing hashes and CRLF", markdown: "## R: Windows ##\r\ntext\r\n",
			rules: []store.Rule{{ID: "R1", Title: "Windows", Text: "text"}}, assigned: []string{"R1"}, rewrite: "## R1: Windows\ntext\n"},
		{name: "words starting with R are not rules", markdown: "## Rationale: why\n## Rules\n- **R1** bold is not the syntax",
			rules: []store.Rule{}, assigned: []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := store.ParseGuideline(c.markdown, c.maxUsed)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Rules, c.rules) {
				t.Errorf("rules\n got %+v\nwant %+v", got.Rules, c.rules)
			}
			if !reflect.DeepEqual(got.Assigned, c.assigned) {
				t.Errorf("assigned %v, want %v", got.Assigned, c.assigned)
			}
			want := c.rewrite
			if want == "" {
				want = c.markdown
			}
			if got.Markdown != want {
				t.Errorf("markdown\n got %q\nwant %q", got.Markdown, want)
			}
		})
	}
}

func TestParseGuideline_RefusesWhatCannotBeCited(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, markdown, want string }{
		{"duplicate ID", "## R1: One\n\n## R1: Other", "line 3: R1 is used twice (also on line 1)"},
		{"leading zero", "## R01: One", "line 1: R01 is not a rule ID"},
		{"zero", "## R0: One", "R0 is not a rule ID"},
		{"no title", "text\n## R2:   ", "line 2: a rule needs a title"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := store.ParseGuideline(c.markdown, 0)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(ve.Fields["markdown"], c.want) {
				t.Fatalf("err %v, want a markdown field error with %q", err, c.want)
			}
		})
	}
}

func TestDiffLines_MinimalHunks(t *testing.T) {
	t.Parallel()
	lines := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "")
	}
	render := func(hs []store.Hunk) string {
		var b strings.Builder
		for _, h := range hs {
			b.WriteString(map[string]string{"equal": "=", "insert": "+", "delete": "-"}[h.Op])
			b.WriteString(strings.Join(h.Lines, ""))
			b.WriteString(" ")
		}
		return strings.TrimSpace(b.String())
	}
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"abc", "abc", "=abc"},
		{"", "ab", "+ab"},
		{"ab", "", "-ab"},
		{"abc", "abxc", "=ab +x =c"},
		{"abcd", "acd", "=a -b =cd"},
		{"abc", "xyz", "-abc +xyz"},
		{"abcabba", "cbabac", ""}, // Myers' paper example: checked by edit count below
	}
	for _, c := range cases {
		hs := store.DiffLines(lines(c.a), lines(c.b))
		// Applying the hunks must give back both sides.
		var gotA, gotB strings.Builder
		edits := 0
		for _, h := range hs {
			for _, l := range h.Lines {
				if h.Op != "insert" {
					gotA.WriteString(l)
				}
				if h.Op != "delete" {
					gotB.WriteString(l)
				}
				if h.Op != "equal" {
					edits++
				}
			}
		}
		if gotA.String() != c.a || gotB.String() != c.b {
			t.Errorf("%q→%q: hunks rebuild %q→%q", c.a, c.b, gotA.String(), gotB.String())
		}
		if c.a == "abcabba" {
			if edits != 5 {
				t.Errorf("Myers example: %d edits, want the minimal 5 (%s)", edits, render(hs))
			}
			continue
		}
		if got := render(hs); got != c.want {
			t.Errorf("%q→%q: %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

func TestDiffLines_LargeUnrelatedInputsStayBounded(t *testing.T) {
	t.Parallel()
	var a, b []string
	for i := 0; i < 3000; i++ {
		a = append(a, "a"+strings.Repeat("x", i%7)+string(rune('0'+i%10)))
		b = append(b, "b"+string(rune('0'+i%10)))
	}
	hs := store.DiffLines(a, b)
	if len(hs) != 2 || hs[0].Op != "delete" || hs[1].Op != "insert" || len(hs[0].Lines) != 3000 {
		t.Fatalf("beyond the edit bound the middle is replaced whole: %d hunks", len(hs))
	}
}

func TestDiffRules_AddedRemovedChangedByID(t *testing.T) {
	t.Parallel()
	from := []store.Rule{{ID: "R1", Title: "A", Text: "a"}, {ID: "R2", Title: "B", Text: "b"}, {ID: "R3", Title: "C", Text: "c"}}
	to := []store.Rule{{ID: "R1", Title: "A", Text: "a"}, {ID: "R3", Title: "C", Text: "c, now stricter"}, {ID: "R4", Title: "D"}}
	got := store.DiffRules(from, to)
	want := store.RuleChanges{Added: []store.RuleRef{{ID: "R4", Title: "D"}}, Removed: []store.RuleRef{{ID: "R2", Title: "B"}},
		Changed: []store.RuleRef{{ID: "R3", Title: "C"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestGuidelines_VersionsKeepIDsAndNeverReuseDeletedOnes(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u := newUser(t, st, "lead@example.com")
	p := newProject(t, st, "guided", u.ID)
	a := store.Actor{UserID: u.ID, RequestID: "test"}
	if _, ok, err := st.CurrentGuideline(ctx, p.ID); ok || err != nil {
		t.Fatalf("before any save: ok=%v err=%v", ok, err)
	}

	v1, err := st.SaveGuideline(ctx, a, p.ID, "# G\n## R: One\n## R: Two\n## R: Three", "first", 0)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || len(v1.Rules) != 3 || v1.Rules[2].ID != "R3" || *v1.AuthorEmail != "lead@example.com" {
		t.Fatalf("v1: %+v", v1)
	}
	// R3 deleted, a new rule added: it gets R4, not R3.
	v2, err := st.SaveGuideline(ctx, a, p.ID, "# G\n## R1: One\n## R2: Two\n## R: Four", "drop three", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v2.Assigned, []string{"R4"}) || !strings.Contains(v2.Markdown, "## R4: Four") {
		t.Fatalf("v2: %+v", v2)
	}
	// R4 deleted as well; the next new rule is R5 although no current rule is above R2.
	v3, err := st.SaveGuideline(ctx, a, p.ID, "# G\n## R1: One\n## R2: Two\n## R: Five", "drop four", 2)
	if err != nil {
		t.Fatal(err)
	}
	if v3.Rules[2].ID != "R5" {
		t.Fatalf("v3 rules: %+v", v3.Rules)
	}

	var stale *store.StaleVersionError
	if _, err := st.SaveGuideline(ctx, a, p.ID, "# G\nother", "late", 2); !errors.As(err, &stale) || stale.Current != 3 {
		t.Fatalf("stale save: %v", err)
	}
	var ve *store.ValidationError
	if _, err := st.SaveGuideline(ctx, a, p.ID, v3.Markdown, "nothing", 3); !errors.As(err, &ve) || ve.Fields["markdown"] == "" {
		t.Fatalf("unchanged save: %v", err)
	}
	if _, err := st.SaveGuideline(ctx, a, p.ID, "x", "", 3); !errors.As(err, &ve) || ve.Fields["summary"] == "" {
		t.Fatalf("no summary: %v", err)
	}

	cur, ok, err := st.CurrentGuideline(ctx, p.ID)
	if err != nil || !ok || cur.Version != 3 {
		t.Fatalf("current: %+v %v %v", cur, ok, err)
	}
	list, err := st.ListGuidelines(ctx, p.ID)
	if err != nil || len(list) != 3 || list[0].Version != 3 || list[2].Summary != "first" || list[0].RuleCount != 3 {
		t.Fatalf("list: %+v %v", list, err)
	}
	d, err := st.GuidelineDiff(ctx, p.ID, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rules.Added) != 1 || d.Rules.Added[0].ID != "R5" || len(d.Rules.Removed) != 1 || d.Rules.Removed[0].ID != "R3" {
		t.Fatalf("diff rules: %+v", d.Rules)
	}
	if _, err := st.Guideline(ctx, p.ID, 9); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing version: %v", err)
	}
	audit, _ := st.ListAudit(ctx, store.AuditQuery{ProjectID: &p.ID})
	if audit[0].Action != "guideline.save" || !strings.Contains(string(audit[0].After), `"version": 3`) {
		t.Fatalf("audit: %+v", audit[0])
	}
}

func TestGuidelines_TwoEditorsOfOneVersionOnlyOneWins(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	p := newProject(t, st, "raced", 0)
	_, errs := parallel(8, func(i int) (store.Guideline, error) {
		return st.SaveGuideline(ctx, store.System, p.ID, "## R: rule "+string(rune('a'+i)), "race", 0)
	})
	won := 0
	for _, err := range errs {
		var stale *store.StaleVersionError
		switch {
		case err == nil:
			won++
		case !errors.As(err, &stale):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d saves of version 0 won", won)
	}
}
