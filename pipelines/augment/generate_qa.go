package augment

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// prepareQAGen builds the prompt of one schema chunk (LlamaIndex's Text-to-SQL tutorial's get_and_split_schema): the
// chunk's tables as CREATE TABLE with keys and sample rows, and how many pairs to write.
func (g *Generators) prepareQAGen(ctx context.Context, run store.PipelineRun, p Params, key string) (*work, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(key, "chunk-"))
	if err != nil {
		return nil, fmt.Errorf("bad item key %q", key)
	}
	d, err := g.database(ctx, run.ProjectID, p.DatabaseID)
	if err != nil {
		return nil, err
	}
	lo, hi := i*p.TablesPerChunk, min((i+1)*p.TablesPerChunk, len(d.Tables))
	if lo >= hi {
		return nil, fmt.Errorf("chunk %d is past the database's %d tables (tables were removed?)", i, len(d.Tables))
	}
	tables := d.Tables[lo:hi]
	schema, err := g.schemaText(ctx, d, tables, p.SampleRows)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	w := &work{run: run, p: p, key: key, db: d.DB, tables: tables, prompt: qagenPrompt, origin: map[string]any{"tables": names}}
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
		tally.dropUnreadable(reply, err, `no "items" list`)
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
		// Pairs are deduplicated on (question, SQL), as LlamaIndex's evaluation-set builder does; the same question twice is one too many.
		if n := normalizeQuestion(q); seen[n] {
			tally.drop(DropDuplicate, q, "repeated in the reply")
			continue
		} else {
			seen[n] = true
		}
		res := g.exec.Run(ctx, w.db.Target(), sql)
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
// (LlamaIndex's Text-to-SQL tutorial's llm_validate_batch) and keeps those it says yes to. A reply it cannot read drops the
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
func (g *Generators) schemaText(ctx context.Context, d schemas.Database, tables []store.DBTable, rows int) (string, error) {
	blocks := make([]string, len(tables))
	for i, t := range tables {
		b, err := cached(&g.rendered, fmt.Sprintf("%d:%s:%d", d.DB.ID, t.Name, rows), func() (string, error) {
			return schemas.TableBlock(ctx, g.exec, d.DB, t, rows)
		})
		if err != nil {
			return "", err
		}
		blocks[i] = b
	}
	return strings.Join(blocks, "\n\n"), nil
}
