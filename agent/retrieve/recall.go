package retrieve

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/store"
)

// GoldTables are the tables of tables a query reads, resolved as PostgreSQL would (aliases, CTEs,
// subqueries; see metrics.Query.Usage); nil when the SQL does not parse.
func GoldTables(tables []store.DBTable, sql string) []string {
	q, err := metrics.Parse(sql)
	if err != nil {
		return nil
	}
	s := metrics.Schema{}
	for _, t := range tables {
		var cols []columnMeta
		_ = json.Unmarshal(t.Columns, &cols) // the registry's own JSON
		mt := metrics.Table{Name: t.Name}
		for _, c := range cols {
			mt.Columns = append(mt.Columns, c.Name)
		}
		s.Tables = append(s.Tables, mt)
	}
	return q.Usage(metrics.NewCatalog(s)).Tables
}

// Case is a question whose tables are known: Gold are the tables it needs.
type Case struct {
	Question string   `json:"question"`
	Gold     []string `json:"gold"`
}

// Outcome is what one question's prompt showed, against the tables it needs.
type Outcome struct {
	Question string   `json:"question"`
	Gold     []string `json:"gold"`
	Shown    []string `json:"shown"`
	Tokens   int      `json:"tokens,omitempty"` // the first prompt's tokens, when known
	// Larger says the database had more tables than the prompt could show.
	Larger bool `json:"larger"`
}

// Complete reports whether every table the question needs was shown.
func (o Outcome) Complete() bool {
	shown := map[string]bool{}
	for _, s := range o.Shown {
		shown[strings.ToLower(s)] = true
	}
	for _, g := range o.Gold {
		if !shown[strings.ToLower(g)] {
			return false
		}
	}
	return true
}

// Report is schema recall over questions: the share whose needed tables were all shown, overall
// and where the database had more tables than k, with the tables and prompt tokens per question.
type Report struct {
	K            int       `json:"k"`
	Questions    int       `json:"questions"`
	Complete     int       `json:"complete"`
	Recall       float64   `json:"recall"`       // Complete / Questions
	TableRecall  float64   `json:"table_recall"` // needed tables shown / needed tables
	Larger       int       `json:"larger"`       // questions whose database has more than k tables
	LargerDone   int       `json:"larger_complete"`
	LargerRecall float64   `json:"larger_recall"`
	TablesMean   float64   `json:"tables_mean"`   // tables shown per question
	TokensMedian int       `json:"tokens_median"` // first prompt tokens, when known
	TokensMax    int       `json:"tokens_max"`
	Missed       []Outcome `json:"missed,omitempty"` // up to 20 questions missing a table
}

// maxMissed bounds the examples a report keeps.
const maxMissed = 20

// Summarize makes the report of outcomes.
func Summarize(k int, outs []Outcome) Report {
	r := Report{K: k}
	var need, got, shown int
	var tokens []int
	for _, o := range outs {
		if len(o.Gold) == 0 {
			continue
		}
		r.Questions++
		shown += len(o.Shown)
		in := map[string]bool{}
		for _, s := range o.Shown {
			in[strings.ToLower(s)] = true
		}
		for _, g := range o.Gold {
			need++
			if in[strings.ToLower(g)] {
				got++
			}
		}
		ok := o.Complete()
		if ok {
			r.Complete++
		} else if len(r.Missed) < maxMissed {
			r.Missed = append(r.Missed, o)
		}
		if o.Larger {
			r.Larger++
			if ok {
				r.LargerDone++
			}
		}
		if o.Tokens > 0 {
			tokens = append(tokens, o.Tokens)
		}
	}
	if r.Questions > 0 {
		r.Recall = float64(r.Complete) / float64(r.Questions)
		r.TablesMean = float64(shown) / float64(r.Questions)
	}
	if need > 0 {
		r.TableRecall = float64(got) / float64(need)
	}
	if r.Larger > 0 {
		r.LargerRecall = float64(r.LargerDone) / float64(r.Larger)
	}
	if len(tokens) > 0 {
		sort.Ints(tokens)
		r.TokensMedian, r.TokensMax = tokens[len(tokens)/2], tokens[len(tokens)-1]
	}
	return r
}

// Evaluate selects the tables of each case as the agent would (without telling it the tables:
// they are what is measured) and reports how many needed tables were shown.
func (ix *Index) Evaluate(ctx context.Context, cases []Case, k int, dense *Embedder) Report {
	return Summarize(k, ix.Outcomes(ctx, cases, k, dense))
}

// Outcomes are Evaluate's per question, to pool several databases' into one report.
func (ix *Index) Outcomes(ctx context.Context, cases []Case, k int, dense *Embedder) []Outcome {
	outs := make([]Outcome, 0, len(cases))
	for _, c := range cases {
		sel := ix.Select(ctx, Request{Question: c.Question, K: k, Dense: dense})
		outs = append(outs, Outcome{Question: c.Question, Gold: c.Gold, Shown: sel.Tables, Larger: ix.Len() > k})
	}
	return outs
}
