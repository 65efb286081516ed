package golden

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// Snapshots cuts immutable golden sets from a project's accepted pairs: the pairs with
// their hardness and a deterministic train/val/test split, a content hash, and a manifest with the
// counts, the versions, the metrics of the set and a leakage check across splits.
type Snapshots struct {
	Store *store.Store
}

// The splits, in order.
const (
	SplitTrain = "train"
	SplitVal   = "val"
	SplitTest  = "test"
)

// SplitAll names every split at once (an export or evaluation of the whole snapshot).
const SplitAll = "all"

// SplitNames are the splits of a snapshot, in order.
var SplitNames = []string{SplitTrain, SplitVal, SplitTest}

// SnapshotFilters select the accepted pairs; empty fields select all.
type SnapshotFilters struct {
	Stages      []string   `json:"stages,omitempty"`
	DatabaseIDs []int64    `json:"database_ids,omitempty"`
	Hardness    []string   `json:"hardness,omitempty"` // easy, medium, hard, extra
	CreatedFrom *time.Time `json:"created_from,omitempty"`
	CreatedTo   *time.Time `json:"created_to,omitempty"`
	// ReviewStatus: how the pairs were accepted, any of store.ReviewStatuses (agreed, reviewed, imported).
	ReviewStatus []string `json:"review_status,omitempty"`
}

// SplitRatios are the shares of train, val and test; they sum to 1.
type SplitRatios struct {
	Train float64 `json:"train"`
	Val   float64 `json:"val"`
	Test  float64 `json:"test"`
}

func (r SplitRatios) of(split string) float64 {
	switch split {
	case SplitTrain:
		return r.Train
	case SplitVal:
		return r.Val
	}
	return r.Test
}

// DefaultRatios are Goldset's split when none is asked for.
var DefaultRatios = SplitRatios{Train: 0.8, Val: 0.1, Test: 0.1}

// SnapshotParams is what a lead asks for.
type SnapshotParams struct {
	Name            string          `json:"name"`
	Filters         SnapshotFilters `json:"filters"`
	Seed            int64           `json:"seed"`
	Ratios          *SplitRatios    `json:"ratios,omitempty"` // nil: DefaultRatios
	SplitByDatabase bool            `json:"split_by_database"`
	// AllowLeakage splits pairs one by one. By default, pairs that would leak into each other's
	// splits — the same SQL, near-duplicate questions, questions of one lineage (a question and its
	// paraphrases and variants) — are grouped, and each group lands in one split.
	AllowLeakage bool `json:"allow_leakage,omitempty"`
}

func (p *SnapshotParams) validate() error {
	v := store.Validator{}
	p.Name = strings.TrimSpace(p.Name)
	v.Check(p.Name != "", "name", "is required")
	v.Check(len(p.Name) <= 200, "name", "is longer than 200 bytes")
	if p.Ratios == nil {
		r := DefaultRatios
		p.Ratios = &r
	}
	r := *p.Ratios
	v.Check(r.Train >= 0 && r.Val >= 0 && r.Test >= 0, "ratios", "must each be at least 0")
	v.Check(math.Abs(r.Train+r.Val+r.Test-1) < 1e-9, "ratios", "must sum to 1")
	for _, h := range p.Filters.Hardness {
		ok := slices.Contains([]metrics.Hardness{metrics.Easy, metrics.Medium, metrics.Hard, metrics.Extra}, metrics.Hardness(h))
		v.Check(ok, "filters.hardness", `must be among "easy", "medium", "hard", "extra"`)
	}
	for _, s := range p.Filters.ReviewStatus {
		v.Check(slices.Contains(store.ReviewStatuses, s), "filters.review_status", `must be among "agreed", "reviewed", "imported"`)
	}
	f := p.Filters
	v.Check(f.CreatedFrom == nil || f.CreatedTo == nil || f.CreatedFrom.Before(*f.CreatedTo), "filters.created_to", "must be after created_from")
	v.Check(len(f.Stages) <= 100, "filters.stages", "lists more than 100 stages")
	v.Check(len(f.DatabaseIDs) <= 1000, "filters.database_ids", "lists more than 1000 databases")
	return v.Err()
}

// Manifest describes a snapshot: what it holds and how it was split.
type Manifest struct {
	Pairs             int                       `json:"pairs"`
	Seed              int64                     `json:"seed"`
	Ratios            SplitRatios               `json:"ratios"`
	SplitByDatabase   bool                      `json:"split_by_database"`
	Splits            map[string]int            `json:"splits"`
	Databases         map[string]map[string]int `json:"databases" tstype:"Record<string, Record<string, number>>"` // database → split → pairs
	Hardness          map[string]map[string]int `json:"hardness" tstype:"Record<string, Record<string, number>>"`  // hardness → split → pairs
	Stages            map[string]int            `json:"stages"`
	GuidelineVersion  int                       `json:"guideline_version"`  // in force when cut (0: none)
	GuidelineVersions []int                     `json:"guideline_versions"` // cited by the pairs' reviews and annotations
	DatabaseVersions  []DatabaseVersion         `json:"database_versions"`
	Leakage           Leakage                   `json:"leakage"`
	// Groups counts the groups of pairs kept in one split (see LeakageGroups); 0 with AllowLeakage.
	Groups       int             `json:"groups"`
	AllowLeakage bool            `json:"allow_leakage"`
	Metrics      *metrics.Report `json:"metrics"`
	// Difficulty is the benchmark's label (BIRD: simple, moderate, challenging) → split → pairs,
	// for the pairs that have one; absent when none has.
	Difficulty map[string]map[string]int `json:"difficulty,omitempty"`
}

// DatabaseVersion is one database version the pairs run on.
type DatabaseVersion struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Version    int    `json:"version"`
	SchemaHash string `json:"schema_hash"`
	Pairs      int    `json:"pairs"`
}

// Leakage counts what a model could learn in one split and be tested on in another.
type Leakage struct {
	NearDuplicates int           `json:"near_duplicates"` // question pairs at cosine ≥ 0.95 (lexical) across splits
	SameSQL        int           `json:"same_sql"`        // pairs whose normalized SQL is equal, across splits
	Examples       []LeakExample `json:"examples"`        // up to maxLeakExamples
}

// LeakExample is one leaking pair of questions.
type LeakExample struct {
	Kind   string  `json:"kind"` // near_duplicate or same_sql
	A      int64   `json:"a"`
	B      int64   `json:"b"`
	SplitA string  `json:"split_a"`
	SplitB string  `json:"split_b"`
	Cosine float64 `json:"cosine,omitempty"`
}

const (
	maxLeakExamples    = 50
	leakageThreshold   = metrics.DefaultNearDuplicateThreshold
	maxCompareExamples = 1000
)

// Cut makes a snapshot of the project's accepted pairs. A ValidationError names a bad parameter;
// a ConflictError says that no accepted pair matches.
func (s *Snapshots) Cut(ctx context.Context, a store.Actor, projectID int64, p SnapshotParams) (store.Snapshot, Manifest, error) {
	if err := p.validate(); err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	f := p.Filters
	pairs, err := s.Store.AcceptedPairs(ctx, projectID, store.SnapshotSource{Stages: f.Stages, DatabaseIDs: f.DatabaseIDs,
		CreatedFrom: f.CreatedFrom, CreatedTo: f.CreatedTo, ReviewStatus: f.ReviewStatus})
	if err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	kept := pairs[:0]
	for _, pr := range pairs {
		pr.Hardness = string(pairHardness(pr.SQL, pr.OriginalSQL))
		if len(f.Hardness) == 0 || slices.Contains(f.Hardness, pr.Hardness) {
			kept = append(kept, pr)
		}
	}
	pairs = kept
	if len(pairs) == 0 {
		return store.Snapshot{}, Manifest{}, &store.ConflictError{Msg: "nothing to snapshot: no accepted question with gold SQL matches the filters"}
	}
	var groups []int
	if !p.AllowLeakage {
		if groups, err = LeakageGroups(ctx, pairs, p.SplitByDatabase); err != nil {
			return store.Snapshot{}, Manifest{}, err
		}
	}
	AssignSplits(pairs, *p.Ratios, p.Seed, p.SplitByDatabase, groups)

	m, err := s.manifest(ctx, projectID, p, pairs)
	if err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	m.AllowLeakage = p.AllowLeakage
	if groups != nil {
		distinct := map[int]bool{}
		for _, g := range groups {
			distinct[g] = true
		}
		m.Groups = len(distinct)
	}
	params, err := json.Marshal(p)
	if err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	snap := store.Snapshot{ProjectID: projectID, Name: p.Name, Params: params, ContentHash: ContentHash(pairs), Manifest: manifest}
	if err := s.Store.CreateSnapshot(ctx, a, &snap, pairs); err != nil {
		return store.Snapshot{}, Manifest{}, err
	}
	return snap, m, nil
}

// pairHardness classifies the SQL with Spider's rules, on the SQLite original when the gold was
// translated from one (as the metrics do); SQL that does not parse counts as extra.
func pairHardness(sql, original string) metrics.Hardness {
	if original != "" {
		if q, err := metrics.Parse(original); err == nil {
			h, _ := q.Hardness()
			return h
		}
	}
	q, err := metrics.Parse(sql)
	if err != nil {
		return metrics.Extra
	}
	h, _ := q.Hardness()
	return h
}

// ContentHash is the sha256 over the pairs sorted by question, each with its split: two snapshots
// with the same hash hold the same questions, SQL, databases and results in the same splits.
func ContentHash(pairs []store.SnapshotPair) string {
	sorted := slices.Clone(pairs)
	slices.SortFunc(sorted, func(a, b store.SnapshotPair) int { return cmp.Compare(a.NLQID, b.NLQID) })
	h := sha256.New()
	for _, p := range sorted {
		db := int64(0)
		if p.DatabaseID != nil {
			db = *p.DatabaseID
		}
		fmt.Fprintf(h, "%d\t%s\t%q\t%q\t%d\t%s\t%s\t%s\n", p.NLQID, p.Split, p.Question, p.SQL, db, p.SchemaHash, p.ResultFingerprint, p.Hardness)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AssignSplits sets each pair's Split, deterministically from seed. By default each stratum
// (database × hardness) is shuffled and cut at the ratios, its counts rounded by largest
// remainder. With byDatabase, whole databases are given to splits (as Spider does): databases are
// shuffled, then taken largest first, each to the split furthest below its share. With groups
// (group[i] names pair i's group; see LeakageGroups), every group lands in one split: groups are
// shuffled, taken largest first, each to the split that its pairs' strata miss most.
func AssignSplits(pairs []store.SnapshotPair, r SplitRatios, seed int64, byDatabase bool, groups []int) {
	if groups != nil {
		assignGroups(pairs, r, seed, groups)
		return
	}
	if byDatabase {
		assignByDatabase(pairs, r, seed)
		return
	}
	strata, keys := groupIndexes(pairs, stratumKey)
	slices.Sort(keys)
	for _, k := range keys {
		idx := strata[k]
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(pairs[a].NLQID, pairs[b].NLQID) })
		rng := stratumRand(seed, k)
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		counts := apportion(len(idx), r, rng)
		pos := 0
		for s, n := range counts {
			for _, i := range idx[pos : pos+n] {
				pairs[i].Split = SplitNames[s]
			}
			pos += n
		}
	}
}

func stratumKey(p store.SnapshotPair) string { return databaseKey(p) + "\x00" + p.Hardness }

// groupIndexes groups the indexes of items by key, and lists the keys in the order first used.
func groupIndexes[T any, K comparable](items []T, key func(T) K) (map[K][]int, []K) {
	groups := map[K][]int{}
	var keys []K
	for i, it := range items {
		k := key(it)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	return groups, keys
}

// largestFirst orders the keys of groups the same way for the same seed and salt: shuffled from
// sorted order, then the largest group first (ties staying shuffled).
func largestFirst[K cmp.Ordered](groups map[K][]int, keys []K, seed int64, salt string) {
	slices.Sort(keys)
	rng := stratumRand(seed, salt)
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	slices.SortStableFunc(keys, func(a, b K) int { return cmp.Compare(len(groups[b]), len(groups[a])) })
}

// assignGroups gives each group of pairs one split. Each split has a target per stratum (its ratio
// of the stratum's pairs); a group goes to the split whose targets in the group's strata are least
// filled, so strata stay balanced as far as whole groups allow.
func assignGroups(pairs []store.SnapshotPair, r SplitRatios, seed int64, groups []int) {
	members, ids := groupIndexes(groups, func(g int) int { return g })
	largestFirst(members, ids, seed, "groups")
	size := map[string]float64{}
	for _, p := range pairs {
		size[stratumKey(p)]++
	}
	filled := map[string]*[3]float64{}
	for k := range size {
		filled[k] = &[3]float64{}
	}
	var total [3]float64
	n := float64(len(pairs))
	for _, g := range ids {
		best, bestGap := -1, math.Inf(-1)
		for s, name := range SplitNames {
			ratio := r.of(name)
			if ratio == 0 {
				continue
			}
			// How much of its target the split still misses, relative to the target: in the
			// group's strata (on average) and overall — the overall term keeps splits filled when
			// groups are whole strata, as whole databases are.
			gap := 0.0
			for _, i := range members[g] {
				k := stratumKey(pairs[i])
				gap += (size[k]*ratio - filled[k][s]) / (size[k] * ratio)
			}
			gap = gap/float64(len(members[g])) + (n*ratio-total[s])/(n*ratio)
			if gap > bestGap {
				best, bestGap = s, gap
			}
		}
		for _, i := range members[g] {
			pairs[i].Split = SplitNames[best]
			filled[stratumKey(pairs[i])][best]++
		}
		total[best] += float64(len(members[g]))
	}
}

// LeakageGroups groups pairs that must share a split: the same normalized SQL, near-duplicate
// questions (the threshold CheckLeakage uses), one lineage, and — with byDatabase — one database.
// It returns each pair's group (the smallest index in it), so CheckLeakage finds nothing across
// splits afterwards.
func LeakageGroups(ctx context.Context, pairs []store.SnapshotPair, byDatabase bool) ([]int, error) {
	sets := metrics.NewDisjointSets(len(pairs))
	first := map[string]int{}
	link := func(key string, i int) {
		if j, ok := first[key]; ok {
			sets.Union(i, j)
		} else {
			first[key] = i
		}
	}
	vecs := make([][]float32, len(pairs))
	for i, p := range pairs {
		link("sql\x00"+NormalizeSQL(p.SQL), i)
		if p.Lineage != 0 {
			link("lineage\x00"+strconv.FormatInt(p.Lineage, 10), i)
		}
		if byDatabase {
			link("db\x00"+databaseKey(p), i)
		}
		vecs[i] = metrics.LexicalEmbed(p.Question)
	}
	dups, err := metrics.NearDuplicates(ctx, vecs, leakageThreshold)
	if err != nil {
		return nil, err
	}
	for _, d := range dups {
		sets.Union(d.I, d.J)
	}
	out := make([]int, len(pairs))
	for i := range pairs {
		out[i] = sets.Find(i)
	}
	return out, nil
}

// apportion divides n among the splits at the ratios: the floors, then one more to the largest
// remainders (ties broken by rng, so that small strata do not always favour train).
func apportion(n int, r SplitRatios, rng *rand.Rand) [3]int {
	var counts [3]int
	type rem struct {
		split int
		frac  float64
		tie   float64
	}
	var rems []rem
	left := n
	for s, name := range SplitNames {
		exact := float64(n) * r.of(name)
		counts[s] = int(math.Floor(exact + 1e-9))
		left -= counts[s]
		rems = append(rems, rem{s, exact - float64(counts[s]), rng.Float64()})
	}
	slices.SortFunc(rems, func(a, b rem) int {
		if c := cmp.Compare(b.frac, a.frac); c != 0 {
			return c
		}
		return cmp.Compare(a.tie, b.tie)
	})
	for i := 0; left > 0; i = (i + 1) % len(rems) {
		if r.of(SplitNames[rems[i].split]) > 0 {
			counts[rems[i].split]++
			left--
		}
	}
	return counts
}

func assignByDatabase(pairs []store.SnapshotPair, r SplitRatios, seed int64) {
	groups, dbs := groupIndexes(pairs, databaseKey)
	largestFirst(groups, dbs, seed, "by-database")
	var filled [3]int
	total := float64(len(pairs))
	for _, db := range dbs {
		best, bestGap := 0, math.Inf(-1)
		for s, name := range SplitNames {
			if r.of(name) == 0 {
				continue
			}
			if gap := total*r.of(name) - float64(filled[s]); gap > bestGap {
				best, bestGap = s, gap
			}
		}
		for _, i := range groups[db] {
			pairs[i].Split = SplitNames[best]
		}
		filled[best] += len(groups[db])
	}
}

// databaseKey names a pair's database across its versions: a re-imported database is the same
// database, and must not be in two splits.
func databaseKey(p store.SnapshotPair) string {
	if p.DatabaseName != "" {
		return p.DatabaseName
	}
	if p.DatabaseID != nil {
		return "#" + strconv.FormatInt(*p.DatabaseID, 10)
	}
	return ""
}

func stratumRand(seed int64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// CheckLeakage finds questions that are near-duplicates (lexical vectors, cosine ≥ 0.95) or have
// the same normalized SQL, in different splits.
func CheckLeakage(ctx context.Context, pairs []store.SnapshotPair) (Leakage, error) {
	l := Leakage{Examples: []LeakExample{}}
	example := func(e LeakExample) {
		if len(l.Examples) < maxLeakExamples {
			l.Examples = append(l.Examples, e)
		}
	}
	vecs := make([][]float32, len(pairs))
	for i, p := range pairs {
		vecs[i] = metrics.LexicalEmbed(p.Question)
	}
	dups, err := metrics.NearDuplicates(ctx, vecs, leakageThreshold)
	if err != nil {
		return l, err
	}
	for _, d := range dups {
		a, b := pairs[d.I], pairs[d.J]
		if a.Split != b.Split {
			l.NearDuplicates++
			example(LeakExample{Kind: "near_duplicate", A: a.NLQID, B: b.NLQID, SplitA: a.Split, SplitB: b.Split, Cosine: d.Cosine})
		}
	}
	bySQL, order := groupIndexes(pairs, func(p store.SnapshotPair) string { return NormalizeSQL(p.SQL) })
	for _, k := range order {
		idx := bySQL[k]
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				a, b := pairs[idx[x]], pairs[idx[y]]
				if a.Split != b.Split {
					l.SameSQL++
					example(LeakExample{Kind: "same_sql", A: a.NLQID, B: b.NLQID, SplitA: a.Split, SplitB: b.Split})
				}
			}
		}
	}
	return l, nil
}

// NormalizeSQL is the SQL as PostgreSQL's parser reads it, printed back: spacing, keyword case and
// unquoted identifiers' case no longer matter, literals do. SQL that does not parse is only
// lower-cased with its spaces collapsed.
func NormalizeSQL(sql string) string {
	if tree, err := pg_query.Parse(sql); err == nil {
		if out, err := pg_query.Deparse(tree); err == nil {
			return out
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimRight(strings.TrimSpace(sql), ";"))), " ")
}

func (s *Snapshots) manifest(ctx context.Context, projectID int64, p SnapshotParams, pairs []store.SnapshotPair) (Manifest, error) {
	m := Manifest{Pairs: len(pairs), Seed: p.Seed, Ratios: *p.Ratios, SplitByDatabase: p.SplitByDatabase,
		Splits: map[string]int{}, Databases: map[string]map[string]int{}, Hardness: map[string]map[string]int{}, Stages: map[string]int{},
		GuidelineVersions: []int{}, DatabaseVersions: []DatabaseVersion{}}
	for _, s := range SplitNames {
		m.Splits[s] = 0
	}
	bump := func(mm map[string]map[string]int, k, split string) {
		if mm[k] == nil {
			mm[k] = map[string]int{}
		}
		mm[k][split]++
	}
	versions := map[int64]*DatabaseVersion{}
	inputs := make([]store.MetricInput, len(pairs))
	for i, pr := range pairs {
		m.Splits[pr.Split]++
		bump(m.Databases, databaseKey(pr), pr.Split)
		bump(m.Hardness, pr.Hardness, pr.Split)
		if pr.Difficulty != "" {
			if m.Difficulty == nil {
				m.Difficulty = map[string]map[string]int{}
			}
			bump(m.Difficulty, pr.Difficulty, pr.Split)
		}
		m.Stages[pr.Stage]++
		if pr.GuidelineVersion != nil && !slices.Contains(m.GuidelineVersions, *pr.GuidelineVersion) {
			m.GuidelineVersions = append(m.GuidelineVersions, *pr.GuidelineVersion)
		}
		if pr.DatabaseID != nil {
			v := versions[*pr.DatabaseID]
			if v == nil {
				v = &DatabaseVersion{ID: *pr.DatabaseID, Name: pr.DatabaseName, SchemaHash: pr.SchemaHash}
				if pr.DatabaseVersion != nil {
					v.Version = *pr.DatabaseVersion
				}
				versions[*pr.DatabaseID] = v
			}
			v.Pairs++
		}
		cand := pr.CandidateID
		inputs[i] = store.MetricInput{NLQID: pr.NLQID, DatabaseID: pr.DatabaseID, Stage: pr.Stage, Question: pr.Question,
			CandidateID: &cand, SQL: pr.SQL, OriginalSQL: pr.OriginalSQL}
	}
	slices.Sort(m.GuidelineVersions)
	for _, v := range versions {
		m.DatabaseVersions = append(m.DatabaseVersions, *v)
	}
	slices.SortFunc(m.DatabaseVersions, func(a, b DatabaseVersion) int { return cmp.Compare(a.ID, b.ID) })
	var err error
	if m.GuidelineVersion, err = s.Store.LatestGuidelineVersion(ctx, projectID); err != nil {
		return m, err
	}
	if m.Leakage, err = CheckLeakage(ctx, pairs); err != nil {
		return m, err
	}

	// The metrics of the set, as a metrics run measures a stage, with the lexical vectors: a snapshot is
	// never cut with a call to an embeddings endpoint that may fail or change.
	dbSchemas, names, err := schemas.ForMetrics(ctx, s.Store, projectID, inputs)
	if err != nil {
		return m, err
	}
	items := make([]metrics.Item, len(inputs))
	for i, in := range inputs {
		items[i] = metrics.Item{ID: strconv.FormatInt(in.NLQID, 10), Question: in.Question, SQL: in.SQL, OriginalSQL: in.OriginalSQL,
			Embedding: metrics.LexicalEmbed(in.Question)}
		if in.DatabaseID != nil {
			items[i].Database = names[*in.DatabaseID]
		}
	}
	m.Metrics, err = metrics.Analyze(ctx, items, dbSchemas, metrics.Options{EmbeddingModel: metrics.LexicalModel})
	return m, err
}

// SnapshotDiff is what changed from snapshot A to snapshot B, by question.
type SnapshotDiff struct {
	A        int64               `json:"a"`
	B        int64               `json:"b"`
	SameHash bool                `json:"same_hash"`
	Added    int                 `json:"added"`
	Removed  int                 `json:"removed"`
	Changed  int                 `json:"changed"`
	Moved    int                 `json:"moved"` // same question and SQL, another split
	Same     int                 `json:"same"`
	Examples map[string][]DiffOf `json:"examples"` // added, removed, changed: up to 1000 each, by question id
}

// DiffOf is one question's pair in A and in B (nil where absent).
type DiffOf struct {
	NLQID int64               `json:"nlq_id"`
	A     *store.SnapshotPair `json:"a,omitempty"`
	B     *store.SnapshotPair `json:"b,omitempty"`
}

// Compare reports the pairs added, removed and changed (same question id, another question text
// or SQL) from snapshot a to snapshot b of the project.
func (s *Snapshots) Compare(ctx context.Context, projectID, a, b int64) (SnapshotDiff, error) {
	d := SnapshotDiff{A: a, B: b, Examples: map[string][]DiffOf{"added": {}, "removed": {}, "changed": {}}}
	sa, err := s.Store.GetSnapshot(ctx, projectID, a)
	if err != nil {
		return d, err
	}
	sb, err := s.Store.GetSnapshot(ctx, projectID, b)
	if err != nil {
		return d, err
	}
	d.SameHash = sa.ContentHash == sb.ContentHash
	pa, err := s.Store.SnapshotPairs(ctx, a, "", 0, 0)
	if err != nil {
		return d, err
	}
	pb, err := s.Store.SnapshotPairs(ctx, b, "", 0, 0)
	if err != nil {
		return d, err
	}
	note := func(kind string, x DiffOf) {
		if len(d.Examples[kind]) < maxCompareExamples {
			d.Examples[kind] = append(d.Examples[kind], x)
		}
	}
	// Both lists are sorted by question id: one merge pass.
	i, j := 0, 0
	for i < len(pa) || j < len(pb) {
		switch {
		case j == len(pb) || (i < len(pa) && pa[i].NLQID < pb[j].NLQID):
			d.Removed++
			note("removed", DiffOf{NLQID: pa[i].NLQID, A: &pa[i]})
			i++
		case i == len(pa) || pb[j].NLQID < pa[i].NLQID:
			d.Added++
			note("added", DiffOf{NLQID: pb[j].NLQID, B: &pb[j]})
			j++
		default:
			x, y := &pa[i], &pb[j]
			switch {
			case x.Question != y.Question || x.SQL != y.SQL:
				d.Changed++
				note("changed", DiffOf{NLQID: x.NLQID, A: x, B: y})
			case x.Split != y.Split:
				d.Moved++
			default:
				d.Same++
			}
			i, j = i+1, j+1
		}
	}
	return d, nil
}
