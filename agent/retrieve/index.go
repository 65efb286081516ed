package retrieve

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Field is where in a table a term was found.
type Field string

// The fields of a table that are indexed, with the weight a term found there carries: a word of
// the table's name says more about the table than a word of one of its values.
const (
	FieldName        Field = "name"        // the table's name or original name (file, header row's source)
	FieldColumn      Field = "column"      // a column's name or original header
	FieldType        Field = "type"        // a column's type
	FieldSummary     Field = "summary"     // the table's summary
	FieldDescription Field = "description" // a column's description
	FieldValue       Field = "value"       // a distinct value of a text column
	FieldKind        Field = "kind"        // what most of a column's values are: years, dates, countries
)

var weight = map[Field]float32{
	FieldName: 3, FieldColumn: 2, FieldType: 0.5, FieldSummary: 1, FieldDescription: 1, FieldValue: 1, FieldKind: 1,
}

// bigramWeight is the weight of two adjacent terms ("average high", "usl league") beside their
// words': words in the same order as the question's say a little more than the words alone.
const bigramWeight = 0.5

// BM25's saturation, the usual value (Robertson and Zaragoza 2009, section 3.5).
const bm25K1 = 1.2

// Column is one column as the index knows it.
type Column struct {
	Name        string   `json:"name"`
	Original    string   `json:"original,omitempty"`
	Type        string   `json:"type"`
	Description string   `json:"description,omitempty"`
	Values      []string `json:"-"` // distinct values (text columns), capped
	Kinds       []string `json:"-"` // what most of the values are, in a question's words (see kindsOf)
}

// Table is one table as the index knows it.
type Table struct {
	Name     string
	Original string
	Summary  string
	Position int
	Columns  []Column
	// Neighbours are the tables a foreign key joins this one to, in either direction.
	Neighbours []string
}

// Values are the distinct values of a table's text columns, by column name.
type Values map[string][]string

// posting is one table holding a term, with the term's weighted frequency in the table's
// description (names, columns, summary) and in its values, the two streams BM25F normalises apart.
type posting struct {
	doc int32
	tf  [streams]float32
}

// The streams of a table's text: what describes it, and its values (with the kinds said of them).
// A table with many long values must not drown the words of its name (BM25F, Robertson and
// Zaragoza 2009, section 3.7).
const (
	streamMeta = iota
	streamValues
	streams
)

func stream(f Field) int {
	if f == FieldValue || f == FieldKind {
		return streamValues
	}
	return streamMeta
}

// streamB is BM25F's length normalisation per stream.
var streamB = [streams]float64{0.75, 0.75}

// Index is the retrieval index of one database version. It is immutable once built and safe for
// concurrent use.
type Index struct {
	Tables      []Table
	byName      map[string]int
	post        map[string][]posting
	docLen      [][streams]float32
	avgLen      [streams]float32
	norm        [][streams]float64
	neighbours  [][]int32
	fingerprint uint64
	dense       *denseCache

	vocabOnce sync.Once
	vocab     []string
}

// Len is the number of tables.
func (ix *Index) Len() int { return len(ix.Tables) }

// Table returns the table called name (ignoring case), if any.
func (ix *Index) Table(name string) (Table, bool) {
	i, ok := ix.byName[strings.ToLower(name)]
	if !ok {
		return Table{}, false
	}
	return ix.Tables[i], true
}

// columnMeta is what the registry stores of a column; a description appears when the importer
// or a person gave one.
type columnMeta struct {
	Name        string `json:"name"`
	Original    string `json:"original"`
	Type        string `json:"type"`
	Description string `json:"description"`
	// Doc is what a dataset says the column means (sqlexec.ColumnDoc, from BIRD's descriptions).
	Doc *sqlexec.ColumnDoc `json:"doc"`
}

type foreignKey struct {
	RefTable string `json:"ref_table"`
}

// Fingerprint identifies the registry's description of tables: names, summaries, columns and keys.
// The index of a version is rebuilt when it changes (a rename, a new summary).
func Fingerprint(tables []store.DBTable) uint64 {
	h := fnv.New64a()
	for _, t := range tables {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00", t.Position, t.Name, t.Original, t.Summary)
		h.Write(t.Columns)
		h.Write([]byte{0})
		h.Write(t.ForeignKeys)
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// Build indexes a database version's tables with their text columns' values (by table position;
// tables without values are indexed by their names and columns only).
func Build(tables []store.DBTable, values map[int]Values) (*Index, error) {
	ix := &Index{byName: make(map[string]int, len(tables)), post: map[string][]posting{}, fingerprint: Fingerprint(tables), dense: &denseCache{}}
	for _, t := range tables {
		var cols []columnMeta
		if len(t.Columns) > 0 {
			if err := json.Unmarshal(t.Columns, &cols); err != nil {
				return nil, fmt.Errorf("retrieve: table %s: columns: %w", t.Name, err)
			}
		}
		tb := Table{Name: t.Name, Original: t.Original, Summary: t.Summary, Position: t.Position}
		vals := values[t.Position]
		for _, c := range cols {
			desc := c.Description
			if desc == "" {
				desc = c.Doc.Text(c.Name)
			}
			tb.Columns = append(tb.Columns, Column{Name: c.Name, Original: c.Original, Type: c.Type, Description: desc,
				Values: vals[c.Name], Kinds: kindsOf(vals[c.Name])})
		}
		ix.byName[strings.ToLower(t.Name)] = len(ix.Tables)
		ix.Tables = append(ix.Tables, tb)
	}
	// Foreign keys, both ways.
	ix.neighbours = make([][]int32, len(ix.Tables))
	link := func(a, b int) {
		if a == b || containsInt32(ix.neighbours[a], int32(b)) {
			return
		}
		ix.neighbours[a] = append(ix.neighbours[a], int32(b))
		ix.neighbours[b] = append(ix.neighbours[b], int32(a))
	}
	for i, t := range tables {
		if len(t.ForeignKeys) == 0 {
			continue
		}
		var fks []foreignKey
		if err := json.Unmarshal(t.ForeignKeys, &fks); err != nil {
			return nil, fmt.Errorf("retrieve: table %s: foreign keys: %w", t.Name, err)
		}
		for _, fk := range fks {
			if j, ok := ix.byName[strings.ToLower(fk.RefTable)]; ok {
				link(i, j)
			}
		}
	}
	for i := range ix.Tables {
		for _, j := range ix.neighbours[i] {
			ix.Tables[i].Neighbours = append(ix.Tables[i].Neighbours, ix.Tables[j].Name)
		}
	}
	// The inverted index: weighted term frequencies per table and stream.
	ix.docLen = make([][streams]float32, len(ix.Tables))
	var total [streams]float64
	for i := range ix.Tables {
		tf := map[string]*[streams]float32{}
		eachField(&ix.Tables[i], func(f Field, _ int, text string) {
			w, st := weight[f], stream(f)
			add := func(term string, w float32) {
				p := tf[term]
				if p == nil {
					p = new([streams]float32)
					tf[term] = p
				}
				p[st] += w
				ix.docLen[i][st] += w
			}
			ts := terms(text)
			for j, term := range ts {
				add(term, w)
				if j > 0 {
					add(ts[j-1]+" "+term, w*bigramWeight)
				}
			}
			for _, term := range expansions(f, ts) {
				add(term, w)
			}
		})
		for term, n := range tf {
			ix.post[term] = append(ix.post[term], posting{doc: int32(i), tf: *n})
		}
		for st := range total {
			total[st] += float64(ix.docLen[i][st])
		}
	}
	if len(ix.Tables) > 0 {
		for st := range total {
			ix.avgLen[st] = float32(total[st] / float64(len(ix.Tables)))
		}
	}
	// BM25F's length normalisation of each table's streams, computed once.
	ix.norm = make([][streams]float64, len(ix.Tables))
	for i := range ix.Tables {
		for st := range ix.norm[i] {
			ix.norm[i][st] = 1 - streamB[st] + streamB[st]*float64(ix.docLen[i][st])/max(float64(ix.avgLen[st]), 1e-9)
		}
	}
	return ix, nil
}

func containsInt32(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// eachField calls fn with every indexed text of a table: its field, the column's index (-1 for the
// table's own fields) and the text.
func eachField(t *Table, fn func(f Field, col int, text string)) {
	fn(FieldName, -1, t.Name)
	if t.Original != "" && !strings.EqualFold(t.Original, t.Name) {
		fn(FieldName, -1, t.Original)
	}
	if t.Summary != "" {
		fn(FieldSummary, -1, t.Summary)
	}
	for ci := range t.Columns {
		c := &t.Columns[ci]
		fn(FieldColumn, ci, c.Name)
		if c.Original != "" && !strings.EqualFold(c.Original, c.Name) {
			fn(FieldColumn, ci, c.Original)
		}
		if c.Type != "" {
			fn(FieldType, ci, c.Type)
		}
		if c.Description != "" {
			fn(FieldDescription, ci, c.Description)
		}
		for _, v := range c.Values {
			fn(FieldValue, ci, v)
		}
		for _, k := range c.Kinds {
			fn(FieldKind, ci, k)
		}
	}
}

// queryTerms are the distinct terms of a query, in order.
func queryTerms(q string) []string {
	seen := map[string]bool{}
	var out []string
	ts := split(q, false)
	for j, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
		if j > 0 {
			if b := ts[j-1] + " " + t; !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	return out
}

// scored is a table with its score.
type scored struct {
	doc   int
	score float64
}

// bm25 scores every table holding a term of the query (BM25F over the weighted fields in two
// streams, each query term's part scaled by its weight) and returns them best first; ties keep schema order.
func (ix *Index) bm25(qterms []qterm, need int) []scored {
	n := float64(len(ix.Tables))
	acc := make([]float64, len(ix.Tables))
	gtf := make([]float64, len(ix.Tables)) // one group's weighted, normalised frequency per table
	var touched, inGroup []int32
	for lo := 0; lo < len(qterms); {
		hi := lo + 1
		for hi < len(qterms) && qterms[hi].group == qterms[lo].group {
			hi++
		}
		inGroup = inGroup[:0]
		idf := 0.0 // the group's: its rarest member's, so a rare longer word still says much
		for _, q := range qterms[lo:hi] {
			if df := float64(len(ix.post[q.term])); df > 0 {
				idf = max(idf, math.Log(1+(n-df+0.5)/(df+0.5)))
			}
			for _, p := range ix.post[q.term] {
				var tf float64 // BM25F: each stream's frequency normalised by its own length
				for st := range p.tf {
					if p.tf[st] != 0 {
						tf += float64(p.tf[st]) / ix.norm[p.doc][st]
					}
				}
				if gtf[p.doc] == 0 {
					inGroup = append(inGroup, p.doc)
				}
				gtf[p.doc] += q.w * tf
			}
		}
		lo = hi
		if len(inGroup) == 0 {
			continue
		}
		for _, d := range inGroup {
			tf := gtf[d]
			gtf[d] = 0
			if acc[d] == 0 {
				touched = append(touched, d)
			}
			acc[d] += idf * tf * (bm25K1 + 1) / (tf + bm25K1)
		}
	}
	out := make([]scored, len(touched))
	for i, d := range touched {
		out[i] = scored{doc: int(d), score: acc[d]}
	}
	if need > 0 && len(out) > need {
		// Only the best need are ordered: a partition around the need-th puts them first.
		selectBest(out, need)
		out = out[:need]
	}
	slices.SortFunc(out, better)
	return out
}

// better orders scored tables best first, ties in schema order.
func better(a, b scored) int {
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	}
	return a.doc - b.doc
}

// selectBest moves the k best of xs (by better) to its front, in no order (Hoare's quickselect).
func selectBest(xs []scored, k int) {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		pivot := xs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for better(xs[i], pivot) < 0 {
				i++
			}
			for better(xs[j], pivot) > 0 {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}
