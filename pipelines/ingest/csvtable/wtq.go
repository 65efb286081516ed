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
	name := filepath.Base(path)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("csvtable: wtq questions %s: %w", name, withoutPath(err))
	}
	text, _, err := decodeText(raw)
	if err != nil {
		return nil, fmt.Errorf("csvtable: wtq questions %s: %w", name, err)
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []WTQQuestion
	col := map[string]int{}
	for n, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(col) == 0 {
			for i, h := range f {
				col[strings.TrimSpace(h)] = i
			}
			for _, need := range []string{"id", "utterance", "context", "targetValue"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("csvtable: wtq questions %s: header has no %q column", name, need)
				}
			}
			continue
		}
		for i, v := range f {
			if strings.Contains(v, "\x00") {
				return nil, fmt.Errorf("csvtable: wtq questions %s: line %d, column %d: %w", name, n+1, i+1, ErrNUL)
			}
		}
		if len(f) != len(col) {
			return nil, fmt.Errorf("csvtable: wtq questions %s: line %d: %d fields, header has %d", name, n+1, len(f), len(col))
		}
		q := WTQQuestion{
			ID:        unescapeTSV(f[col["id"]]),
			Utterance: unescapeTSV(f[col["utterance"]]),
			Context:   unescapeTSV(f[col["context"]]),
		}
		for _, v := range strings.Split(f[col["targetValue"]], "|") {
			q.TargetValues = append(q.TargetValues, unescapeTSV(v))
		}
		out = append(out, q)
	}
	if len(col) == 0 {
		return nil, fmt.Errorf("csvtable: wtq questions %s: %w", name, ErrNoHeader)
	}
	return out, nil
}
