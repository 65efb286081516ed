package agent

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goldset/goldset/sqlexec"
)

// maxCellRunes cuts long values in what the model sees: a long text tells little and costs tokens.
const maxCellRunes = 80

// cell renders one value for the model.
func cell(v any) string {
	s := sqlexec.Canonical(v).String()
	s = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`, "\t", " ", "|", `\|`).Replace(s)
	if utf8.RuneCountInString(s) > maxCellRunes {
		r := []rune(s)
		s = string(r[:maxCellRunes-1]) + "…"
	}
	return s
}

// formatRows renders a result's first n rows as a compact pipe-separated table with a header.
func formatRows(res *sqlexec.Result, n int) string {
	var b strings.Builder
	for i, c := range res.Columns {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(c.Name)
	}
	b.WriteByte('\n')
	for i, row := range res.Rows {
		if i >= n {
			break
		}
		for j, v := range row {
			if j > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(cell(v))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// describeResult is what run_sql_query shows the model.
func describeResult(res *sqlexec.Result, n int) string {
	if !res.OK() {
		return "ERROR: " + res.Error
	}
	var b strings.Builder
	b.WriteString(formatRows(res, n))
	b.WriteString("\n(")
	fmt.Fprintf(&b, "%d row%s", res.RowCount, plural(res.RowCount))
	if res.RowCount > n {
		fmt.Fprintf(&b, "; showing the first %d", n)
	}
	if res.Truncated {
		b.WriteString("; the result was cut at the sandbox's row or size limit, so there are more")
	}
	b.WriteString(")")
	if res.RowCount == 0 {
		b.WriteString("\n" + message("empty_result", nil))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
