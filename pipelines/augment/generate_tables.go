package augment

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// prepareTableMetadata builds the prompt of one CSV-imported table (LlamaIndex's Text-to-SQL tutorial's TableInfo): its
// columns with their original headers and a few rows.
func (g *Generators) prepareTableMetadata(ctx context.Context, run store.PipelineRun, p Params, key string) (*work, error) {
	d, err := g.database(ctx, run.ProjectID, p.DatabaseID)
	if err != nil {
		return nil, err
	}
	var t *store.DBTable
	for i := range d.Tables {
		if d.Tables[i].Name == key {
			t = &d.Tables[i]
		}
	}
	if t == nil {
		return nil, fmt.Errorf("database %s has no table %q any more (renamed?)", d.DB.Name, key)
	}
	var cols []string
	for _, c := range schemas.Columns(*t) {
		s := c.Name + " " + string(c.Type)
		if c.Original != "" && c.Original != c.Name {
			s += fmt.Sprintf(" (header %q)", c.Original)
		}
		cols = append(cols, s)
	}
	block, err := g.schemaText(ctx, d, []store.DBTable{*t}, max(p.SampleRows, 1))
	if err != nil {
		return nil, err
	}
	rows := ""
	if i := strings.Index(block, "-- sample rows:"); i >= 0 {
		rows = strings.TrimSpace(strings.ReplaceAll(block[i+len("-- sample rows:"):], "\n-- ", "\n"))
	}
	w := &work{run: run, p: p, key: key, db: d.DB, tables: []store.DBTable{*t}, prompt: tableMetadataPrompt,
		origin: map[string]any{"table": t.Name, "original": t.Original}}
	w.filter = filterOptions{MaxLength: 300, English: true}
	text, err := w.prompt.Render(map[string]any{"Name": t.Name, "Original": t.Original, "Columns": cols, "Rows": rows})
	if err != nil {
		return nil, err
	}
	w.messages = []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}
	return w, nil
}

// TableProposal is what the model proposes for a table: the lead accepts it (or an edit of it) with
// PATCH …/databases/:database/tables/:table.
type TableProposal struct {
	Table    string `json:"table"`    // the table's name when the run read it
	Original string `json:"original"` // the file it came from
	Name     string `json:"name"`     // the proposed name, a lower-case identifier
	Summary  string `json:"summary"`
}

// tableProposal reads a reply {"table_name", "table_summary"} into the item's detail.
func (g *Generators) tableProposal(w *work, reply string, tally *dropTally) (map[string]any, error) {
	var r struct {
		Name    *string `json:"table_name"`
		Summary *string `json:"table_summary"`
	}
	if err := replyJSON(reply, &r); err != nil || r.Name == nil || r.Summary == nil {
		tally.dropUnreadable(reply, err, `"table_name" and "table_summary" are required`)
		return nil, nil
	}
	name, summary := cleanTableName(*r.Name), strings.TrimSpace(*r.Summary)
	switch {
	case name == "" || summary == "":
		tally.drop(DropEmpty, reply, "")
	case isRefusal(summary):
		tally.drop(DropRefusal, summary, "")
	case utf8.RuneCountInString(summary) > w.filter.MaxLength:
		tally.drop(DropTooLong, summary, "")
	case wrongLanguage(summary):
		tally.drop(DropWrongLanguage, summary, "")
	default:
		t := w.tables[0]
		return map[string]any{"proposal": TableProposal{Table: t.Name, Original: t.Original, Name: name, Summary: summary}}, nil
	}
	return nil, nil
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]+`)

// cleanTableName makes a proposed name a lower-case identifier PostgreSQL needs no quotes for
// ("Olympic Medal Table" → olympic_medal_table), or "" when nothing is left.
func cleanTableName(s string) string {
	s = strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "_"), "_")
	if s == "" {
		return ""
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "t_" + s
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "_")
	}
	return s
}
