package agent

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/sqlexec"
)

// Bounds of explore_db find_value.
const (
	findMaxColumns = 64 // columns searched by one call
	findPerColumn  = 5  // distinct matching values shown per column
	findMaxRows    = 40 // lines of the answer
	repeatLimit    = 3  // the same call this many times stops the run
	maxResultBytes = 12_000
)

// tool runs one tool call, answers it in the conversation and records it. It sets the stop reason
// when the call ends the run (an accepted answer, a loop).
func (r *run) tool(call openai.ToolCall) error {
	start := time.Now()
	name, raw := call.Function.Name, call.Function.Arguments
	step := Step{Kind: StepTool, Tool: name, Args: argsJSON(raw)}

	key := canonicalCall(name, raw)
	r.calls[key]++
	n := r.calls[key]
	if n >= repeatLimit {
		step.Error = "repeated call"
		step.Result = fmt.Sprintf("Stopped: this exact call was made %d times.", n)
		r.answer(call, step.Result)
		step.Latency = time.Since(start)
		if err := r.record(step); err != nil {
			return err
		}
		r.stop(StopLoop, "the same %s call was made %d times", name, n)
		return nil
	}

	spec := tools[name]
	switch {
	case spec == nil:
		step.Error = "unknown tool"
		step.Result = message("unknown_tool", map[string]any{"Tool": name, "Tools": toolNames})
	default:
		args, err := spec.schema.validate(raw)
		if err != nil {
			step.Error = "invalid arguments: " + err.Error()
			step.Result = message("invalid_args", map[string]any{"Tool": name, "Error": err.Error()})
			break
		}
		switch name {
		case ToolExploreDB:
			step.Result = r.exploreDB(args)
		case ToolRunSQLQuery:
			step.SQL = args["sql"]
			step.SQLResult = r.a.Exec.Run(r.runCtx, r.p.target, step.SQL)
			step.Result = describeResult(step.SQLResult, r.p.opt.ResultRows)
			if !step.SQLResult.OK() {
				step.Error = step.SQLResult.Error
			}
		case ToolScratchpad:
			r.notes++
			step.Result = message("noted", map[string]any{"Count": r.notes})
		case ToolGiveFinalAnswer:
			r.finalAnswer(args, &step)
		}
	}
	if n == repeatLimit-1 && r.out.StopReason == "" {
		step.Result += "\n" + message("repeated", map[string]any{"Count": n})
	}
	step.Result = clip(step.Result)
	r.answer(call, step.Result)
	step.Latency = time.Since(start)
	return r.record(step)
}

// answer puts a tool's result into the conversation.
func (r *run) answer(call openai.ToolCall, content string) {
	r.messages = append(r.messages, openai.ChatCompletionMessage{
		Role: openai.ChatMessageRoleTool, Content: content, ToolCallID: call.ID, Name: call.Function.Name,
	})
}

func clip(s string) string {
	if len(s) <= maxResultBytes {
		return s
	}
	cut := maxResultBytes
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "\n… (cut: the output was too long)"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// finalAnswer validates a final answer: it must run; then the rules checker has its say once.
func (r *run) finalAnswer(args map[string]string, step *Step) {
	sql, explanation := strings.TrimSpace(args["sql"]), strings.TrimSpace(args["explanation"])
	step.SQL = sql
	res := r.a.Exec.Run(r.runCtx, r.p.target, sql)
	step.SQLResult = res
	if !res.OK() {
		step.Error = "final answer refused: " + res.Error
		step.Result = message("final_failed", map[string]any{"Error": res.Error})
		return
	}
	warnings := CheckRules(r.runCtx, sql, r.p.q.Text, r.execFunc())
	if len(warnings) > 0 && !r.warned {
		r.warned = true
		step.Error = fmt.Sprintf("%d rule warning%s", len(warnings), plural(len(warnings)))
		step.Result = message("final_warnings", map[string]any{"Warnings": warnings})
		return
	}
	step.Result = message("final_accepted", map[string]any{"Rows": res.RowCount})
	r.out.SQL, r.out.Explanation, r.out.Result = sql, explanation, res
	r.out.Warnings = append([]Warning{}, warnings...)
	detail := "accepted"
	if len(warnings) > 0 {
		detail = fmt.Sprintf("accepted with %d warning%s after one revision", len(warnings), plural(len(warnings)))
	}
	r.stop(StopAnswered, "%s", detail)
}

func (r *run) execFunc() func(ctx context.Context, sql string) *sqlexec.Result {
	return func(ctx context.Context, sql string) *sqlexec.Result { return r.a.Exec.Run(ctx, r.p.target, sql) }
}

func (r *run) exploreDB(args map[string]string) string {
	switch args["action"] {
	case "list_tables":
		return r.listTables()
	case "describe_table":
		if strings.TrimSpace(args["table"]) == "" {
			return message("needs", map[string]any{"What": "describe_table", "Needs": `"table"`})
		}
		return r.describeTable(args["table"])
	case "find_value":
		if strings.TrimSpace(args["value"]) == "" {
			return message("needs", map[string]any{"What": "find_value", "Needs": `a non-empty "value"`})
		}
		return r.findValue(args["value"], args["table"], args["column"])
	case "search":
		if strings.TrimSpace(args["query"]) == "" {
			return message("needs", map[string]any{"What": "search", "Needs": `a non-empty "query"`})
		}
		return r.search(args["query"])
	}
	return "ERROR: unknown action" // the schema's enum keeps this from happening
}

// noTableListMax is how many tables an unknown table's error lists; past it, it points at search.
const noTableListMax = 60

func (r *run) noTable(name string) string {
	var names []string
	if len(r.p.tables) <= noTableListMax {
		for _, t := range r.p.tables {
			names = append(names, t.Name)
		}
	}
	return message("no_table", map[string]any{"Table": name, "Tables": names})
}

// searchHits is how many tables a search shows.
const searchHits = 10

// search answers explore_db's search from the retrieval index the prompt's tables came from.
func (r *run) search(query string) string {
	var hits []retrieve.Hit
	for _, h := range r.p.index.Search(query, searchHits+len(r.p.index.Tables)-len(r.p.tables)) {
		if len(hits) < searchHits && findTable(r.p.tables, h.Table) != nil { // within the scope, when there is one
			hits = append(hits, h)
		}
	}
	if len(hits) == 0 {
		return message("search_none", map[string]any{"Query": query, "Tables": len(r.p.tables)})
	}
	shown := map[string]bool{}
	for _, n := range r.p.shown {
		shown[n] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Tables matching %q, best first (%d tables searched):\n", query, len(r.p.tables))
	for _, h := range hits {
		b.WriteString("- " + h.Table)
		if h.Original != "" {
			fmt.Fprintf(&b, " (originally %q)", h.Original)
		}
		if shown[h.Table] {
			b.WriteString(" [described above]")
		}
		var ms []string
		for _, m := range h.Matches {
			text := strings.ReplaceAll(m.Text, "\n", " ")
			if len(text) > 80 {
				text = text[:77] + "..."
			}
			switch m.Field {
			case retrieve.FieldValue:
				ms = append(ms, fmt.Sprintf("%s = %s", m.Column, quoteLiteral(text)))
			case retrieve.FieldName:
				ms = append(ms, "name "+strconvQuote(text))
			case retrieve.FieldSummary:
				ms = append(ms, "summary")
			case retrieve.FieldKind:
				ms = append(ms, fmt.Sprintf("column %s holds %s", m.Column, text))
			default:
				ms = append(ms, fmt.Sprintf("column %s (%s)", m.Column, m.Field))
			}
		}
		if len(ms) > 0 {
			b.WriteString(": " + strings.Join(ms, "; "))
		}
		b.WriteByte('\n')
	}
	b.WriteString("Describe a table with describe_table before using it.")
	return b.String()
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// listTablesMax is how many tables list_tables shows; past it, it points at search.
const listTablesMax = 200

func (r *run) listTables() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d table%s:\n", len(r.p.tables), plural(len(r.p.tables)))
	for i, t := range r.p.tables {
		if i == listTablesMax {
			fmt.Fprintf(&b, "… and %d more: use explore_db with action \"search\" to find tables by the words and values of the question.\n", len(r.p.tables)-i)
			break
		}
		fmt.Fprintf(&b, "- %s (%d row%s, %d column%s)", t.Name, t.RowCount, plural(int(min(t.RowCount, 2))), len(t.cols), plural(len(t.cols)))
		if t.Original != "" && t.Original != t.Name {
			fmt.Fprintf(&b, ", originally %q", t.Original)
		}
		if s := strings.TrimSpace(t.Summary); s != "" {
			b.WriteString(": " + strings.ReplaceAll(s, "\n", " "))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func (r *run) describeTable(name string) string {
	t := findTable(r.p.tables, name)
	if t == nil {
		return r.noTable(name)
	}
	var b strings.Builder
	b.WriteString(t.ddl())
	res := r.a.Exec.Run(r.runCtx, r.p.target, t.sampleSQL(r.p.opt.SampleRows))
	switch {
	case !res.OK():
		b.WriteString("\nSample rows unavailable: " + res.Error)
	case res.RowCount == 0:
		b.WriteString("\nThe table is empty.")
	default:
		fmt.Fprintf(&b, "\nSample rows:\n%s", formatRows(res, r.p.opt.SampleRows))
	}
	return b.String()
}

// findValue searches text columns (every column when the value holds a digit) for the value,
// case-insensitively, in one bounded query through the sandbox. The value reaches SQL only as a
// quoted literal with LIKE's wildcards escaped; names only as identifiers of the known schema.
func (r *run) findValue(value, table, column string) string {
	value = strings.TrimSpace(value)
	if strings.ContainsRune(value, 0) {
		return "ERROR: the value holds a NUL character."
	}
	tables := r.likeliestFirst(value)
	if table != "" {
		t := findTable(r.p.tables, table)
		if t == nil {
			return r.noTable(table)
		}
		tables = []*tableInfo{t}
	} else if column != "" {
		return message("needs", map[string]any{"What": `"column"`, "Needs": `"table" too`})
	}
	digits := strings.IndexFunc(value, unicode.IsDigit) >= 0
	type target struct{ t, c string }
	var targets []target
	skipped := 0
	for _, t := range tables {
		if column != "" {
			c := t.column(column)
			if c == nil {
				return message("no_column", map[string]any{"Table": t.Name, "Column": column, "Columns": t.columnNames()})
			}
			targets = append(targets, target{t.Name, c.Name})
			continue
		}
		for _, c := range t.cols {
			if c.Type != sqlexec.TypeText && !digits {
				continue
			}
			if len(targets) >= findMaxColumns {
				skipped++
				continue
			}
			targets = append(targets, target{t.Name, c.Name})
		}
	}
	if len(targets) == 0 {
		return message("nothing_to_search", nil)
	}
	pattern := quoteLiteral("%" + escapeLike(value, '!') + "%")
	exact := quoteLiteral(strings.ToLower(value))
	parts := make([]string, len(targets))
	for i, tg := range targets {
		col := ident(tg.c) + "::text"
		parts[i] = fmt.Sprintf("(SELECT %s AS t, %s AS c, %s AS v, count(*) AS n, lower(%s) = %s AS exact FROM %s WHERE %s ILIKE %s ESCAPE '!' GROUP BY %s ORDER BY 5 DESC, 4 DESC, 3 LIMIT %d)",
			quoteLiteral(tg.t), quoteLiteral(tg.c), col, col, exact, ident(tg.t), col, pattern, col, findPerColumn)
	}
	sql := "SELECT t, c, v, n, exact FROM (" + strings.Join(parts, " UNION ALL ") + fmt.Sprintf(") AS found ORDER BY exact DESC, n DESC LIMIT %d", findMaxRows)
	res := r.a.Exec.Run(r.runCtx, r.p.target, sql)
	if !res.OK() {
		return "ERROR: the search failed: " + res.Error
	}
	searched := fmt.Sprintf("searched %d column%s", len(targets), plural(len(targets)))
	if skipped > 0 {
		searched += fmt.Sprintf("; %d more were not searched, give \"table\" to search them", skipped)
	}
	if res.RowCount == 0 {
		return message("not_found", map[string]any{"Value": value, "Searched": searched})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Values containing %q (%s):\n", value, searched)
	for _, row := range res.Rows {
		fmt.Fprintf(&b, "- %s.%s = %s (%s row%s)", cell(row[0]), cell(row[1]), quoteLiteral(cell(row[2])), cell(row[3]), pluralAny(row[3]))
		if ex, _ := row[4].(bool); ex {
			b.WriteString(" — exact match")
		}
		b.WriteByte('\n')
	}
	if res.RowCount >= findMaxRows {
		b.WriteString("(more matches not shown; narrow the search with table and column)\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// likeliestFirst orders the tables for a search of value across the database: those the retrieval
// index finds it in (best first), then those the prompt shows, then the rest in schema order, so
// the bounded number of columns one search reads goes where the value most likely is.
func (r *run) likeliestFirst(value string) []*tableInfo {
	out := make([]*tableInfo, 0, len(r.p.tables))
	seen := map[*tableInfo]bool{}
	add := func(t *tableInfo) {
		if t != nil && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, h := range r.p.index.Search(value, findMaxColumns) {
		add(findTable(r.p.tables, h.Table))
	}
	for _, name := range r.p.shown {
		add(findTable(r.p.tables, name))
	}
	for _, t := range r.p.tables {
		add(t)
	}
	return out
}

func pluralAny(v any) string {
	if n, ok := v.(int64); ok && n == 1 {
		return ""
	}
	return "s"
}
