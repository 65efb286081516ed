package augment

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/store"
)

// Why a generated output was dropped: the keys of a run's dropped counts.
const (
	DropInvalidJSON   = "invalid_json"   // the reply is not the JSON asked for (after removing markdown fences), or lacks its fields
	DropEmpty         = "empty"          // an empty question (or SQL)
	DropRefusal       = "refusal"        // "I'm sorry", "As an AI", …
	DropDuplicate     = "duplicate"      // the same text (normalized) as a question of the project, of the run, or the input
	DropNearDuplicate = "near_duplicate" // embedding cosine above the threshold with a question of the project or run
	DropTooLong       = "too_long"
	DropOffSchema     = "off_schema"     // names no table or column of the database (nor a word of its parent)
	DropWrongLanguage = "wrong_language" // mostly another script, or another language's function words, than the reference
	DropSQLFailed     = "sql_failed"     // the generated SQL fails in the sandbox
	DropNotValidated  = "not_validated"  // the validator model says the result does not answer the question
)

// replyJSON decodes the JSON object a model was asked for into v, without the markdown fences (and
// any prose around the object) models like to add.
func replyJSON(reply string, v any) error {
	s := strings.TrimSpace(reply)
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[nl+1:] // the fence's language tag
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			rest = rest[:j]
		}
		s = strings.TrimSpace(rest)
	}
	if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i {
		s = s[i : j+1]
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}

// normalizeQuestion is what two questions are compared by for exact duplicates: lower case, letters
// and digits only, single spaces.
func normalizeQuestion(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

var refusalPattern = regexp.MustCompile(`(?i)^\W*(i'?m sorry|i am sorry|sorry, |i apologi[sz]e|as an ai\b|as a language model|i cannot|i can ?not|i can't|i'?m unable|i am unable|i'?m not able|i will not|i won't)|` +
	`\b(as an ai( language)? model|i cannot (help|assist|provide|comply)|i can't (help|assist|provide|comply))\b`)

// isRefusal reports whether a text is a model declining rather than an answer.
func isRefusal(s string) bool {
	s = strings.ReplaceAll(s, "’", "'")
	if len(s) > 300 {
		s = s[:300]
	}
	return refusalPattern.MatchString(s)
}

// scripts counts the letters of s in the Latin script and in others.
func scripts(s string) (latin, other int) {
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin++
		default:
			other++
		}
	}
	return latin, other
}

// Function words: English ones, and those of the other languages a model most often slips into,
// which English does not share.
var (
	englishWords = wordSet(`the a an of in on to for with by from and or what which who whom whose how many much is are was were
		do does did have has list show give find all each every that this than more most less least number name names`)
	foreignWords = wordSet(`el la los las del por para con cual cuales cuantos cuantas qué cuál cuántos es son una
		le les des du et est une dans quel quelle quels combien avec pour sur qui
		der die das den dem und ist sind ein eine welche welcher wie viele mit für von
		il lo gli della delle quanti quale sono
		o os as um uma dos das quais quantos com não`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// englishReference reports whether a reference text (the parent, the style reference) is English
// enough that a reply in another language is a mistake: mostly Latin letters, and not more foreign
// function words than English ones.
func englishReference(ref string) bool {
	latin, other := scripts(ref)
	if other > latin {
		return false
	}
	en, fo := functionWords(ref)
	return fo <= en
}

func functionWords(s string) (en, foreign int) {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if englishWords[w] {
			en++
		} else if foreignWords[w] {
			foreign++
		}
	}
	return en, foreign
}

// wrongLanguage reports whether a question is not in English when English is expected: more than a
// fifth of its letters in another script, or more foreign function words than English ones (two at
// least).
func wrongLanguage(q string) bool {
	latin, other := scripts(q)
	if latin+other == 0 {
		return false
	}
	if float64(other) > 0.2*float64(latin+other) {
		return true
	}
	en, fo := functionWords(q)
	return fo >= 2 && fo > en
}

// vocabulary is the words a question about some tables is expected to use: the tables' and
// columns' names and original headers, split into words and stemmed.
type vocabulary map[string]bool

func (v vocabulary) add(name string) {
	for _, w := range words(name) {
		if len(w) >= 3 {
			v[stem(w)] = true
		}
	}
}

// words splits a name or a question into lower-case words: at non-letters and digits, and at
// camelCase boundaries.
func words(s string) []string {
	var out []string
	var cur []rune
	var prev rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
		prev = r
	}
	flush()
	return out
}

// stem folds the plural forms a question uses of a singular name ("singers" for singer, "countries"
// for country): enough to tell a question about the schema from one about nothing in it.
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return strings.TrimSuffix(w, "es")
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

// mentions reports whether a text uses a word of v.
func (v vocabulary) mentions(text string) bool {
	for _, w := range words(text) {
		if len(w) >= 3 && v[stem(w)] {
			return true
		}
	}
	return false
}

// contentWords are a text's words that carry meaning (4 letters or more, not function words).
func contentWords(text string) vocabulary {
	v := vocabulary{}
	for _, w := range words(text) {
		if len(w) >= 4 && !englishWords[w] && !foreignWords[w] {
			v[stem(w)] = true
		}
	}
	return v
}

// filterOptions say what a generated question is checked against.
type filterOptions struct {
	MaxLength int
	Schema    vocabulary // the words of the tables the question should be about
	Input     string     // the question in the prompt ("" for none): repeating it is a duplicate
	Related   string     // a question it derives from: sharing one of its content words is being about the schema
	English   bool       // the reference is English: a reply in another language is dropped
}

// checkQuestion applies the filters that need nothing but the text, and returns why the question is
// dropped ("" when it passes).
func checkQuestion(q string, o filterOptions) string {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return DropEmpty
	case isRefusal(q):
		return DropRefusal
	case utf8.RuneCountInString(q) > o.MaxLength:
		return DropTooLong
	case o.Input != "" && normalizeQuestion(q) == normalizeQuestion(o.Input):
		return DropDuplicate
	case o.English && wrongLanguage(q):
		return DropWrongLanguage
	case len(o.Schema) > 0 && !o.Schema.mentions(q) && (o.Related == "" || !contentWords(o.Related).mentions(q)):
		return DropOffSchema
	}
	return ""
}

// dropTally counts dropped outputs by reason and keeps a few examples of each for the run's detail.
type dropTally struct {
	counts   map[string]int
	examples []droppedOutput
}

type droppedOutput struct {
	Reason string `json:"reason"`
	Text   string `json:"text"`
	Detail string `json:"detail,omitempty"`
}

func (d *dropTally) drop(reason, text, detail string) {
	if d.counts == nil {
		d.counts = map[string]int{}
	}
	d.counts[reason]++
	if len(d.examples) < 20 {
		if len(text) > 300 {
			text = text[:300] + "…"
		}
		d.examples = append(d.examples, droppedOutput{Reason: reason, Text: text, Detail: detail})
	}
}

// dropUnreadable drops a reply that is not what was asked for: a refusal, JSON that does not parse
// (err), or JSON without what the reply must hold (missing says what).
func (d *dropTally) dropUnreadable(reply string, err error, missing string) {
	switch {
	case isRefusal(reply):
		d.drop(DropRefusal, reply, "")
	case err != nil:
		d.drop(DropInvalidJSON, reply, err.Error())
	default:
		d.drop(DropInvalidJSON, reply, missing)
	}
}

// questionIndex holds a project's questions for the duplicate filters: their normalized texts
// (exact duplicates, across the project) and their embeddings (near-duplicates, per database) (the configured embeddings model's, or the lexical fallback's). It is read from
// the database once, then only for what was added since (by any process), and it also holds the
// outputs this process kept and has not stored yet, so that two items processed at once do not keep
// the same question. An output is admitted once: checking and adding are one step.
type questionIndex struct {
	projectID int64
	model     string // the embedding: a model's name or metrics.LexicalModel

	syncMu sync.Mutex // one reader of the database at a time
	mu     sync.Mutex
	lastID int64
	owner  map[string]string // normalized text → who admitted it ("" for stored questions)
	// The embeddings, by database: a question is a near-duplicate of a question about the same
	// database (about another, the same words ask for other data).
	byDB map[int64]*vectorSet
	used time.Time
}

// vectorSet is the embeddings of one database's questions, with who admitted each ("" for stored
// questions). It only grows, and a vector never changes.
type vectorSet struct {
	vecs   [][]float32
	owners []string
}

func (ix *questionIndex) set(databaseID int64) *vectorSet {
	if ix.byDB == nil {
		ix.byDB = map[int64]*vectorSet{}
	}
	vs, ok := ix.byDB[databaseID]
	if !ok {
		vs = &vectorSet{}
		ix.byDB[databaseID] = vs
	}
	return vs
}

// embedFunc embeds texts (L2-normalized vectors, in order).
type embedFunc func(ctx context.Context, texts []string) ([][]float32, error)

// indexCache keeps one questionIndex per project for the runs a process works on; an index not
// used for ten minutes is forgotten.
type indexCache struct {
	mu sync.Mutex
	m  map[int64]*questionIndex
}

const indexIdle = 10 * time.Minute

func (c *indexCache) get(projectID int64, model string) *questionIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for id, ix := range c.m {
		ix.mu.Lock()
		idle := now.Sub(ix.used) > indexIdle
		ix.mu.Unlock()
		if idle {
			delete(c.m, id)
		}
	}
	if c.m == nil {
		c.m = map[int64]*questionIndex{}
	}
	ix, ok := c.m[projectID]
	if !ok || ix.model != model {
		ix = &questionIndex{projectID: projectID, model: model, owner: map[string]string{}, used: now}
		c.m[projectID] = ix
	}
	return ix
}

// sync adds the project's questions stored since the last sync.
func (ix *questionIndex) sync(ctx context.Context, st *store.Store, embed embedFunc) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	for {
		ix.mu.Lock()
		after := ix.lastID
		ix.used = time.Now()
		ix.mu.Unlock()
		qs, err := st.QuestionsAfter(ctx, ix.projectID, after, 2000)
		if err != nil || len(qs) == 0 {
			return err
		}
		texts := make([]string, len(qs))
		for i, q := range qs {
			texts[i] = q.Question
		}
		vecs, err := embed(ctx, texts)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("embedding the project's questions: %w", modelError(err))
		}
		ix.mu.Lock()
		for i, q := range qs {
			n := normalizeQuestion(q.Question)
			if _, ok := ix.owner[n]; !ok {
				ix.owner[n] = ""
			}
			var db int64
			if q.DatabaseID != nil {
				db = *q.DatabaseID
			}
			vs := ix.set(db)
			vs.vecs, vs.owners = append(vs.vecs, vecs[i]), append(vs.owners, "")
		}
		ix.lastID = qs[len(qs)-1].ID
		ix.mu.Unlock()
		if len(qs) < 2000 {
			return nil
		}
	}
}

// admit checks an output against every question of the index (and every output admitted before)
// and adds it when it passes: it returns "" then, or DropDuplicate or DropNearDuplicate with the most
// similar text's cosine. who names the output (run, item and position): the same output admitted
// again by a retry of its item is not its own duplicate.
//
// The similarities are computed outside the lock over the vectors present when it starts (the
// index only grows, and a vector never changes), then, under the lock, over those added meanwhile:
// items working at once wait for each other only that long. They read only the output's non-zero
// components: a lexical vector has a few hundred of its 1024.
func (ix *questionIndex) admit(who string, databaseID int64, text string, vec []float32, threshold float64) (reason string, cos float64) {
	n := normalizeQuestion(text)
	near := vec != nil && threshold > 0 && threshold < 1
	var nz []int32
	if near {
		for i, x := range vec {
			if x != 0 {
				nz = append(nz, int32(i))
			}
		}
	}
	ix.mu.Lock()
	vs := ix.set(databaseID)
	vecs, owners := vs.vecs, vs.owners
	ix.mu.Unlock()
	best := 0.0
	if near {
		best = maxCosine(vec, nz, vecs, owners, who)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.used = time.Now()
	if o, ok := ix.owner[n]; ok && o != who {
		return DropDuplicate, 1
	}
	if near {
		best = max(best, maxCosine(vec, nz, vs.vecs[len(vecs):], vs.owners[len(vecs):], who))
		if best >= threshold {
			return DropNearDuplicate, best
		}
	}
	if _, ok := ix.owner[n]; !ok {
		ix.owner[n] = who
		if vec != nil {
			vs.vecs, vs.owners = append(vs.vecs, vec), append(vs.owners, who)
		}
	}
	return "", best
}

// maxCosine is the largest dot product of vec (whose non-zero components are nz) with the vectors
// not admitted by who.
func maxCosine(vec []float32, nz []int32, vecs [][]float32, owners []string, who string) float64 {
	best := 0.0
	for i, v := range vecs {
		if owners[i] == who || len(v) != len(vec) {
			continue
		}
		var dot float32
		for _, k := range nz {
			dot += v[k] * vec[k]
		}
		best = max(best, float64(dot))
	}
	return best
}

// embedder returns the embedding the duplicate filters use under client: the embeddings model when
// one is configured, else the lexical fallback (metrics.LexicalEmbed), with its name.
func embedder(client *llm.Client, meta llm.CallMeta) (string, embedFunc) {
	if m := llmconf.ModelFor(client.Settings(), llm.PurposeEmbeddings); m != "" && client.Configured() {
		return m, func(ctx context.Context, texts []string) ([][]float32, error) { return client.Embed(ctx, meta, texts) }
	}
	return metrics.LexicalModel, func(_ context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			out[i] = metrics.LexicalEmbed(t)
		}
		return out, nil
	}
}
