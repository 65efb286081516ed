package ingest

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/goldset/goldset/pipelines/ingest/csvtable"
	"github.com/goldset/goldset/store"
)

// maxSummaryLen is the longest table summary, in characters, as a person may write one.
const maxSummaryLen = 1000

// wtqSummaries reads what the WikiTableQuestions release says of each table's page, by context
// ("csv/200-csv/12.csv"): misc/table-metadata.tsv when the folder has it (the page's title, the
// section headers above the table and its caption), else each table's page/<n>-page/<i>.json (its
// title). A table's page title holds the words a question names it by and its cells lack ("which
// country is haifa in?" asks about the climate table of the page "Haifa"), so it becomes the
// table's summary, which schema retrieval indexes and prompts show. A folder without either file
// gives no summaries; one that is there and cannot be read refuses the import, naming it. files
// are the files read, for the import's source hash.
func wtqSummaries(dir string, contexts []string) (summaries map[string]string, files []string, err error) {
	summaries = map[string]string{}
	if meta := filepath.Join(dir, "misc", "table-metadata.tsv"); fileExists(meta) {
		pages, err := csvtable.ReadWTQTableMetadata(meta)
		if err != nil {
			return nil, nil, &store.ValidationError{Fields: map[string]string{"files": strings.TrimPrefix(err.Error(), "csvtable: ")}}
		}
		for _, c := range contexts {
			if p, ok := pages[c]; ok {
				summaries[c] = pageSummary(p)
			}
		}
		return summaries, []string{meta}, nil
	}
	for _, c := range contexts {
		// csv/200-csv/12.csv → page/200-page/12.json
		folder, file := path.Split(strings.TrimPrefix(c, "csv/"))
		p := filepath.Join(dir, "page", strings.TrimSuffix(folder, "-csv/")+"-page", strings.TrimSuffix(file, ".csv")+".json")
		if !fileExists(p) {
			continue
		}
		raw, err := os.ReadFile(p)
		var page struct {
			Title string `json:"title"`
		}
		if pe, ok := err.(*os.PathError); ok {
			err = pe.Err // the folder is the user's; the file is named below
		}
		if err == nil {
			err = json.Unmarshal(raw, &page)
		}
		if err != nil {
			rel, _ := filepath.Rel(dir, p)
			return nil, nil, &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf("%s cannot be read: %v", filepath.ToSlash(rel), err)}}
		}
		files = append(files, p)
		summaries[c] = pageSummary(csvtable.WTQPage{Title: page.Title})
	}
	return summaries, files, nil
}

// pageSummary is a table's summary from its page: "Haifa — Geography › Climate: Climate data for
// Haifa", cut to maxSummaryLen characters.
func pageSummary(p csvtable.WTQPage) string {
	s := strings.TrimSpace(p.Title)
	if len(p.Headers) > 0 {
		s += " — " + strings.Join(p.Headers, " › ")
	}
	if c := strings.TrimSpace(p.Caption); c != "" {
		s += ": " + c
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), "\x00", "")
	if utf8.RuneCountInString(s) > maxSummaryLen {
		s = string([]rune(s)[:maxSummaryLen-1]) + "…"
	}
	return s
}
