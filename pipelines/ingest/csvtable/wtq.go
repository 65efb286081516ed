package csvtable

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WTQQuestion is one WikiTableQuestions question: its answer is a value (or several), not SQL.
type WTQQuestion struct {
	ID           string
	Utterance    string
	Context      string   // the table's path in the release, e.g. "csv/200-csv/12.csv"
	TargetValues []string // the answer; several values when the answer is a list
}

// ReadWTQQuestions reads a WikiTableQuestions question file (TSV with the columns id,
// utterance, context, targetValue in the dataset's TSV dialect). The answer is split on "|"
// before unescaping, so an escaped \p inside one value stays a "|" in that value. Errors name the
// file by its base name. A NUL byte in a field is refused, naming its line and column: a question
// and its answer are gold-set text people read and compare, so it is theirs to fix, not ours to
// rewrite silently.
func ReadWTQQuestions(path string) ([]WTQQuestion, error) {
	var out []WTQQuestion
	err := eachWTQRow(path, "wtq questions", []string{"id", "utterance", "context", "targetValue"}, func(field func(string) string) {
		q := WTQQuestion{ID: unescapeTSV(field("id")), Utterance: unescapeTSV(field("utterance")), Context: unescapeTSV(field("context"))}
		for _, v := range strings.Split(field("targetValue"), "|") {
			q.TargetValues = append(q.TargetValues, unescapeTSV(v))
		}
		out = append(out, q)
	})
	return out, err
}

// WTQPage is what the WikiTableQuestions release says of the page a table was taken from.
type WTQPage struct {
	Title   string   // the Wikipedia page's title ("Haifa")
	Headers []string // the section headers above the table, outermost first ("Geography", "Climate")
	Caption string
}

// ReadWTQTableMetadata reads the release's misc/table-metadata.tsv (contextId, title, headers,
// caption and other columns, in the dataset's TSV dialect; headers are a "|" list), by context
// ("csv/200-csv/12.csv"). Errors are as ReadWTQQuestions'.
func ReadWTQTableMetadata(path string) (map[string]WTQPage, error) {
	out := map[string]WTQPage{}
	err := eachWTQRow(path, "wtq table metadata", []string{"contextId", "title", "headers", "caption"}, func(field func(string) string) {
		p := WTQPage{Title: unescapeTSV(field("title")), Caption: unescapeTSV(field("caption"))}
		for _, h := range strings.Split(field("headers"), "|") {
			if h = strings.TrimSpace(unescapeTSV(h)); h != "" {
				p.Headers = append(p.Headers, h)
			}
		}
		out[unescapeTSV(field("contextId"))] = p
	})
	return out, err
}

// eachWTQRow calls fn with each row of a TSV file of the release, whose header must name the
// columns need; field gives a row's raw (still escaped) value of a column. what names the file's
// kind in errors.
func eachWTQRow(path, what string, need []string, fn func(field func(col string) string)) error {
	name := filepath.Base(path)
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("csvtable: %s %s: %w", what, name, withoutPath(err))
	}
	text, _, err := decodeText(raw)
	if err != nil {
		return fmt.Errorf("csvtable: %s %s: %w", what, name, err)
	}
	col := map[string]int{}
	for n, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(col) == 0 {
			for i, h := range f {
				col[strings.TrimSpace(h)] = i
			}
			for _, c := range need {
				if _, ok := col[c]; !ok {
					return fmt.Errorf("csvtable: %s %s: header has no %q column", what, name, c)
				}
			}
			continue
		}
		for i, v := range f {
			if strings.Contains(v, "\x00") {
				return fmt.Errorf("csvtable: %s %s: line %d, column %d: %w", what, name, n+1, i+1, ErrNUL)
			}
		}
		if len(f) != len(col) {
			return fmt.Errorf("csvtable: %s %s: line %d: %d fields, header has %d", what, name, n+1, len(f), len(col))
		}
		fn(func(c string) string { return f[col[c]] })
	}
	if len(col) == 0 {
		return fmt.Errorf("csvtable: %s %s: %w", what, name, ErrNoHeader)
	}
	return nil
}
