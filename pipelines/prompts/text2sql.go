package prompts

import (
	"fmt"
	"strings"
)

// Dialect is what {dialect} says: the gold SQL and the predictions run on PostgreSQL.
const Dialect = "PostgreSQL"

// BuiltinTemplate is the built-in text-to-SQL prompt (text2sql.tmpl), version 0 of every
// project's template.
var BuiltinTemplate = Text("text2sql")

// Placeholders are what a text-to-SQL template must contain.
var Placeholders = []string{"{dialect}", "{schema}", "{query_str}"}

// maxTemplate bounds a template's length in characters.
const maxTemplate = 20000

// CheckTemplate says what is wrong with a text-to-SQL template ("" when nothing is).
func CheckTemplate(body string) string {
	switch {
	case strings.TrimSpace(body) == "":
		return "must not be empty"
	case len([]rune(body)) > maxTemplate:
		return fmt.Sprintf("must be at most %d characters", maxTemplate)
	}
	var missing []string
	for _, p := range Placeholders {
		if !strings.Contains(body, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return "must contain " + strings.Join(missing, ", ") + " (filled in for each question)"
	}
	return ""
}

// Fill fills a template's placeholders in one pass, so a schema or question that happens to
// contain "{query_str}" is left as it is.
func Fill(template, dialect, schema, question string) string {
	return strings.NewReplacer("{dialect}", dialect, "{schema}", schema, "{query_str}", question).Replace(template)
}
