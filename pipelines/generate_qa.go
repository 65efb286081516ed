package pipelines

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// prepareQAGen builds the prompt of one schema chunk (seed 000's get_and_split_schema): the
// chunk's tables as CREATE TABLE with keys and sample rows, and how many pairs to write.
func (g *Generators) prepareQAGen(ctx context.Context, run store.PipelineRun, p GenerationParams, key string) (*work, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(key, "chunk-"))
	if err != nil {
		return nil, fmt.Errorf("bad item key %q", key)
	}
	d, err := g.database(ctx, run.ProjectID, p.DatabaseID)
	if err != nil {
		return nil, err
	}
	lo, hi := i*p.TablesPerChunk, min((i+1)*p.TablesPerChunk, len(d.tables))
	if lo >= hi {
		return nil, fmt.Errorf("chunk %d is past the database's %d tables (tables were removed?)", i, len(d.tables))
	}
	tables := d.tables[lo:hi]
	schema, err := g.schemaText(ctx, d, tables, p.SampleRows)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	w := &work{run: run, p: p, key: key, db: d.db, tables: tables, prompt: qagenPrompt, origin: map[string]any{"tables": names}}
	w.filter = filterOptions{MaxLength: p.MaxLength, Schema: schemaWords(tables), English: true}
	text, err := w.prompt.Render(map[string]any{"Schema": schema, "Num": p.Num})
	if err != nil {
		return nil, err
	}
	w.messages = []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}
	return w, nil
}

// qaPair is a generated question with its SQL and what running it gave.
type qaPair struct {
	n        int
	question string
	sql      string
	res      *sqlexec.Result
}

// qaOutputs reads a qagen reply ({"items": [{"question", "sql"}]}), filters the questions, runs
// each SQL in the sandbox (failures are dropped with the database's message) and, unless the run
// says not to, asks the validator model whether each result answers its question.
func (g *Generators) qaOutputs(ctx context.Context, w *work, reply string, tally *dropTally) ([]output, error) {
	var r struct {
		Items []struct {
			Question *string `json:"question"`
			SQL      *string `json:"sql"`
		} `json:"items"`
	}
	if err := replyJSON(reply, &r); err != nil || r.Items == nil {
		switch {
		case isRefusal(reply):
			tally.drop(DropRefusal, reply, "")
		case err != nil:
			tally.drop(DropInvalidJSON, reply, err.Error())
		default:
			tally.drop(DropInvalidJSON, reply, `no "items" list`)
		}
		return nil, nil
	}
	if len(r.Items) == 0 {
		tally.drop(DropEmpty, reply, "no items")
		return nil, nil
	}
	seen := map[string]bool{}
	var pairs []qaPair
	for i, it := range r.Items {
		if it.Question == nil || it.SQL == nil {
			b, _ := json.Marshal(it)
			tally.drop(DropInvalidJSON, string(b), `an item needs "question" and "sql"`)
			continue
		}
		q, sql := strings.TrimSpace(*it.Question), strings.TrimSpace(*it.SQL)
		if reason := checkQuestion(q, w.filter); reason != "" {
			tally.drop(reason, q, "")
			continue
		}
		if sql == "" {
			tally.drop(DropEmpty, q, "no SQL")
			continue
		}
		// Seed 000 deduplicates on (question, SQL); the same question twice is one too many.
		if n := normalizeQuestion(q); seen[n] {
			tally.drop(DropDuplicate, q, "repeated in the reply")
			continue
		} else {
			seen[n] = true
		}
		res := g.Agents.Exec.Run(ctx, w.db.Target(), sql)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !res.OK() {
			tally.drop(DropSQLFailed, q, res.Error)
			continue
		}
		pairs = append(pairs, qaPair{n: i, question: q, sql: sql, res: res})
	}
	if len(pairs) > 0 && boolOr(w.p.Validate, true) {
		var err error
		if pairs, err = g.validatePairs(ctx, w, pairs, tally); err != nil {
			return nil, err
		}
	}
	outs := make([]output, len(pairs))
	for i, pr := range pairs {
		c := store.Candidate{Source: "generator", SQL: pr.sql}
		candidate.SetOutcome(&c, pr.res)
		outs[i] = output{n: pr.n, question: pr.question, sql: &c}
	}
	return outs, nil
}

// validatePairs asks the validator model, in one call, whether each result answers its question
// (seed 000's llm_validate_batch) and keeps those it says yes to. A reply it cannot read drops the
// pairs as not validated.
func (g *Generators) validatePairs(ctx context.Context, w *work, pairs []qaPair, tally *dropTally) ([]qaPair, error) {
	type item struct {
		Index    int
		Question string
		SQL      string
		RowCount int
		Rows     string
	}
	items := make([]item, len(pairs))
	for i, pr := range pairs {
		rows := pr.res.Rows
		if len(rows) > 5 {
			rows = rows[:5]
		}
		b, _ := json.Marshal(rows)
		items[i] = item{Index: i + 1, Question: pr.question, SQL: pr.sql, RowCount: pr.res.RowCount, Rows: string(b)}
	}
	text, err := qagenValidatePrompt.Render(map[string]any{"Items": items})
	if err != nil {
		return nil, err
	}
	reply, err := g.chat(ctx, w.run, w.key, llm.PurposeValidator, []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}})
	if err != nil {
		return nil, err
	}
	var r struct {
		Verdicts []struct {
			Item    int    `json:"item"`
			Answers *bool  `json:"answers"`
			Reason  string `json:"reason"`
		} `json:"verdicts"`
	}
	if err := replyJSON(reply, &r); err != nil || r.Verdicts == nil {
		for _, pr := range pairs {
			tally.drop(DropNotValidated, pr.question, "the validator's reply is not the JSON asked for")
		}
		return nil, nil
	}
	verdict := map[int]bool{}
	reason := map[int]string{}
	for _, v := range r.Verdicts {
		if v.Answers != nil {
			verdict[v.Item] = *v.Answers
			reason[v.Item] = v.Reason
		}
	}
	var kept []qaPair
	for i, pr := range pairs {
		ok, said := verdict[i+1]
		switch {
		case !said:
			tally.drop(DropNotValidated, pr.question, "the validator gave no verdict")
		case !ok:
			tally.drop(DropNotValidated, pr.question, reason[i+1])
		default:
			kept = append(kept, pr)
		}
	}
	return kept, nil
}

// schemaText renders tables as CREATE TABLE with their keys, original names and the summary in
// comments, and up to rows sample rows each (in primary-key order, so the same every time). A
// target whose tables are gone fails the run.
func (g *Generators) schemaText(ctx context.Context, d dbWithTables, tables []store.DBTable, rows int) (string, error) {
	blocks := make([]string, len(tables))
	for i, t := range tables {
		b, err := cached(&g.schemas, fmt.Sprintf("%d:%s:%d", d.db.ID, t.Name, rows), func() (string, error) {
			return g.tableBlock(ctx, d.db, t, rows)
		})
		if err != nil {
			return "", err
		}
		blocks[i] = b
	}
	return strings.Join(blocks, "\n\n"), nil
}

func (g *Generators) tableBlock(ctx context.Context, db store.Database, t store.DBTable, rows int) (string, error) {
	var b strings.Builder
	cols := tableColumns(t)
	fmt.Fprintf(&b, "-- %s: %d rows", t.Name, t.RowCount)
	if t.Original != "" && t.Original != t.Name {
		fmt.Fprintf(&b, "; originally %q", t.Original)
	}
	if s := strings.TrimSpace(t.Summary); s != "" {
		b.WriteString("\n-- " + strings.ReplaceAll(s, "\n", " "))
	}
	b.WriteString("\nCREATE TABLE " + quoteIdent(t.Name) + " (")
	var lines []string
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
		l := "  " + quoteIdent(c.Name) + " " + string(c.Type)
		if c.NotNull {
			l += " NOT NULL"
		}
		if c.Original != "" && c.Original != c.Name {
			l += fmt.Sprintf(" /* %q */", c.Original)
		}
		lines = append(lines, l)
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "  PRIMARY KEY ("+quoteIdents(t.PrimaryKey)+")")
	}
	for _, fk := range tableKeys(t) {
		lines = append(lines, fmt.Sprintf("  FOREIGN KEY (%s) REFERENCES %s (%s)", quoteIdents(fk.Columns), quoteIdent(fk.RefTable), quoteIdents(fk.RefColumns)))
	}
	b.WriteString("\n" + strings.Join(lines, ",\n") + "\n);")
	if rows <= 0 || len(cols) == 0 {
		return b.String(), nil
	}
	q := "SELECT " + strings.Join(names, ", ") + " FROM " + quoteIdent(t.Name)
	if len(t.PrimaryKey) > 0 {
		q += " ORDER BY " + quoteIdents(t.PrimaryKey)
	}
	res := g.Agents.Exec.Run(ctx, db.Target(), fmt.Sprintf("%s LIMIT %d", q, rows))
	if !res.OK() {
		if strings.Contains(res.Error, "does not exist") {
			return "", &runs.RunError{Reason: fmt.Sprintf("database %s (id %d) is gone from the server (%s); what finished items generated is kept", db.Name, db.ID, res.Error)}
		}
		return "", fmt.Errorf("sample rows of %s: %s", t.Name, res.Error)
	}
	if len(res.Rows) > 0 {
		b.WriteString("\n-- sample rows:")
		for _, row := range res.Rows {
			vals := make([]string, len(row))
			for i, v := range row {
				vals[i] = sampleValue(v)
			}
			b.WriteString("\n-- (" + strings.Join(vals, ", ") + ")")
		}
	}
	return b.String(), nil
}

func sampleValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if len(x) > 80 {
			x = x[:80] + "…"
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

func quoteIdent(name string) string {
	if plainName(name) {
		return name
	}
	return pgx.Identifier{name}.Sanitize()
}

func plainName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') || sqlReserved[name] {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// sqlReserved are the reserved words a generated model is most likely to meet as column names.
var sqlReserved = wordSet(`all and any array as asc case cast check column constraint create default desc distinct do else end
	except false for foreign from grant group having in into is join left limit not null offset on only or order primary
	references right select table then to true union unique user using when where window with`)

func quoteIdents(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return strings.Join(out, ", ")
}

// tableColumns decodes a table's columns (none when unreadable).
func tableColumns(t store.DBTable) []sqlexec.ColumnDef {
	var cols []sqlexec.ColumnDef
	_ = json.Unmarshal(t.Columns, &cols)
	return cols
}

// tableKeys decodes a table's foreign keys.
func tableKeys(t store.DBTable) []sqlexec.ForeignKey {
	var fks []sqlexec.ForeignKey
	if len(t.ForeignKeys) > 0 {
		_ = json.Unmarshal(t.ForeignKeys, &fks)
	}
	return fks
}
