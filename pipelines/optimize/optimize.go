package optimize

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
)

// Kind is the run kind of prompt optimizations.
const Kind = "optimize"

// Optimizer optimizes a project's prompt template on a snapshot's splits (OPRO or APO), scoring
// prompts with the evaluator.
type Optimizer struct {
	st     *store.Store
	eval   *evaluate.Evaluator
	runner *runs.Runner
}

// New makes the prompt optimizations; runner, woken when a run is queued, may be nil.
func New(st *store.Store, eval *evaluate.Evaluator, runner *runs.Runner) *Optimizer {
	return &Optimizer{st: st, eval: eval, runner: runner}
}

// Kinds are the run kinds this package processes: optimizations, one step at a time.
func (opt *Optimizer) Kinds() []runs.Kind {
	return []runs.Kind{{Name: Kind, Item: opt.optimizeStep, Concurrency: func(store.PipelineRun) int { return 1 }}}
}

func (opt *Optimizer) store() *store.Store { return opt.st }

// Optimization methods.
const (
	MethodOPRO = "opro" // Yang et al. 2023: a meta-prompt of past prompts sorted by score proposes new ones
	MethodAPO  = "apo"  // Pryzant et al. 2023, as in Agent Lightning: beam search with a critic's textual gradient and an editor
)

// OPROParams shape an OPRO run.
type OPROParams struct {
	Iterations  int     `json:"iterations"`
	Candidates  int     `json:"candidates"` // proposals per iteration
	Temperature float64 `json:"temperature"`
}

// APOParams shape an APO run; the defaults are Agent Lightning's.
type APOParams struct {
	BeamWidth       int     `json:"beam_width"`
	BranchFactor    int     `json:"branch_factor"`
	Rounds          int     `json:"rounds"`
	GradientBatch   int     `json:"gradient_batch"`
	ValidationBatch int     `json:"validation_batch"`
	Temperature     float64 `json:"temperature"` // of the editor, so a parent's children differ
}

// Params are an optimization's parameters, stored with its run.
type Params struct {
	Method          string          `json:"method"`
	SnapshotID      int64           `json:"snapshot_id"`
	Prompt          string          `json:"prompt"` // the baseline
	PromptVersion   int             `json:"prompt_version"`
	evaluate.Target                 // model, base_url
	Concurrency     int             `json:"concurrency"`
	Budget          evaluate.Budget `json:"budget"`
	ValLimit        int             `json:"val_limit,omitempty"`
	TestLimit       int             `json:"test_limit,omitempty"`
	// Seed draws APO's minibatches (default: the run's id).
	Seed int64      `json:"seed,omitempty"`
	OPRO OPROParams `json:"opro"`
	APO  APOParams  `json:"apo"`
}

// defaults fills in zero parameters.
func (p *Params) defaults() {
	if p.Concurrency == 0 {
		p.Concurrency = 8
	}
	o, a := &p.OPRO, &p.APO
	o.Iterations = cmp.Or(o.Iterations, 5)
	o.Candidates = cmp.Or(o.Candidates, 2)
	if o.Temperature == 0 {
		o.Temperature = 0.7
	}
	a.BeamWidth = cmp.Or(a.BeamWidth, 4)
	a.BranchFactor = cmp.Or(a.BranchFactor, 4)
	a.Rounds = cmp.Or(a.Rounds, 3)
	a.GradientBatch = cmp.Or(a.GradientBatch, 4)
	a.ValidationBatch = cmp.Or(a.ValidationBatch, 16)
	if a.Temperature == 0 {
		a.Temperature = 0.7
	}
}

func (p *Params) check(v *store.Validator) {
	between := func(field string, x, lo, hi int) {
		v.Check(x >= lo && x <= hi, field, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	v.Check(p.Method == MethodOPRO || p.Method == MethodAPO, "method", `must be "opro" or "apo"`)
	v.Check(p.SnapshotID > 0, "snapshot_id", "is required")
	between("concurrency", p.Concurrency, 1, 64)
	v.Check(p.ValLimit >= 0, "val_limit", "must not be negative (0: all)")
	v.Check(p.TestLimit >= 0, "test_limit", "must not be negative (0: all)")
	p.Target.Check(v)
	p.Budget.Check(v, "budget.")
	between("opro.iterations", p.OPRO.Iterations, 1, 50)
	between("opro.candidates", p.OPRO.Candidates, 1, 8)
	v.Check(p.OPRO.Temperature >= 0 && p.OPRO.Temperature <= 2, "opro.temperature", "must be between 0 and 2")
	between("apo.beam_width", p.APO.BeamWidth, 1, 16)
	between("apo.branch_factor", p.APO.BranchFactor, 1, 8)
	between("apo.rounds", p.APO.Rounds, 1, 20)
	between("apo.gradient_batch", p.APO.GradientBatch, 1, 64)
	between("apo.validation_batch", p.APO.ValidationBatch, 1, 1000)
	v.Check(p.APO.Temperature >= 0 && p.APO.Temperature <= 2, "apo.temperature", "must be between 0 and 2")
}

// steps is how many search steps follow the baseline.
func (p Params) steps() int {
	if p.Method == MethodAPO {
		return p.APO.Rounds
	}
	return p.OPRO.Iterations
}

// The items of an optimization run are its steps, done one after another in key order.
const (
	stepBaseline = "000-baseline"
	stepTest     = "zz-test"
)

func stepKey(i int) string { return fmt.Sprintf("%03d-step", i) }

// StartOptimization validates the parameters and queues the run.
func (opt *Optimizer) StartOptimization(ctx context.Context, a store.Actor, projectID int64, p Params) (store.PipelineRun, error) {
	if !opt.eval.Configured() {
		return store.PipelineRun{}, llm.ErrNotConfigured
	}
	p.defaults()
	v := store.Validator{}
	p.check(&v)
	if err := opt.eval.ResolvePrompt(ctx, projectID, &p.Prompt, &p.PromptVersion, &v, "prompt"); err != nil {
		return store.PipelineRun{}, err
	}
	if err := v.Err(); err != nil {
		return store.PipelineRun{}, err
	}
	snap, err := opt.store().GetSnapshot(ctx, projectID, p.SnapshotID)
	if err != nil {
		return store.PipelineRun{}, err
	}
	need := []string{"val", "test"}
	if p.Method == MethodAPO {
		need = append(need, "train") // the gradient batches
	}
	for _, split := range need {
		pairs, err := opt.store().SnapshotPairs(ctx, snap.ID, split, 0, 1)
		if err != nil {
			return store.PipelineRun{}, err
		}
		if len(pairs) == 0 {
			return store.PipelineRun{}, fmt.Errorf("snapshot %d has no %s pairs: %s needs them: %w", snap.ID, split, p.Method, store.ErrConflict)
		}
	}
	keys := []string{stepBaseline}
	for i := 1; i <= p.steps(); i++ {
		keys = append(keys, stepKey(i))
	}
	keys = append(keys, stepTest)
	return runs.Queue(ctx, opt.store(), opt.runner, a, projectID, Kind, p, keys)
}

// optRun is what a step of an optimization works with.
type optRun struct {
	run               store.PipelineRun
	scorer            *evaluate.Scorer
	p                 Params
	train, val, test  []store.SnapshotPair
	cands             []store.PromptCandidate
	baseline          store.PromptCandidate
	reviewNoteMaximum int
}

// optimizeStep does one step of an optimization. Whatever it stores (candidates, scored items) is
// stored as soon as it is known, and a step done again reads it back instead of redoing it; an
// error other than a passing database outage stops the run (a runs.RunError), so no later step starts
// on a state this one did not finish.
func (opt *Optimizer) optimizeStep(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
	o, err := opt.loadOpt(ctx, run)
	if err == nil {
		switch {
		case key == stepBaseline:
			err = opt.baselineStep(ctx, o)
		case key == stepTest:
			err = opt.testStep(ctx, o)
		default:
			var i int
			if i, err = strconv.Atoi(strings.TrimSuffix(key, "-step")); err == nil {
				if o.p.Method == MethodAPO {
					err = opt.apoRound(ctx, o, i)
				} else {
					err = opt.oproIteration(ctx, o, i)
				}
			}
		}
	}
	if err != nil {
		var re *runs.RunError
		if errors.As(err, &re) || ctx.Err() != nil || store.Transient(err) {
			return store.ItemOutcome{}, nil, err
		}
		return store.ItemOutcome{}, nil, &runs.RunError{Reason: fmt.Sprintf("step %s: %v", key, err)}
	}
	return store.ItemOutcome{Key: key, OK: true}, nil, nil
}

func (opt *Optimizer) loadOpt(ctx context.Context, run store.PipelineRun) (*optRun, error) {
	o := &optRun{reviewNoteMaximum: 10}
	if err := runs.DecodeParams(run, &o.p); err != nil {
		return nil, err
	}
	o.run = run
	o.scorer = opt.eval.Scorer(run, evaluate.Scoring{Kind: Kind, Target: o.p.Target, Budget: o.p.Budget, KeepGold: true})
	var err error
	pairs := func(split string, limit int) []store.SnapshotPair {
		if err != nil {
			return nil
		}
		var ps []store.SnapshotPair
		ps, err = opt.store().SnapshotPairs(ctx, o.p.SnapshotID, split, 0, 0)
		if limit > 0 && len(ps) > limit {
			ps = ps[:limit]
		}
		return ps
	}
	o.train, o.val, o.test = pairs("train", 0), pairs("val", o.p.ValLimit), pairs("test", o.p.TestLimit)
	if err != nil {
		return nil, err
	}
	if o.cands, err = opt.store().PromptCandidates(ctx, run.ID); err != nil {
		return nil, err
	}
	for _, c := range o.cands {
		if c.Origin == "baseline" {
			o.baseline = c
		}
	}
	return o, nil
}

func (opt *Optimizer) event(ctx context.Context, o *optRun, format string, args ...any) {
	opt.store().AddEvent(ctx, o.run.ID, "info", fmt.Sprintf(format, args...))
}

// scoreOn scores a candidate on pairs: those it was scored on before are read back, the others are
// answered (at the run's concurrency) and each stored as it is done. It returns how many it got right.
func (opt *Optimizer) scoreOn(ctx context.Context, o *optRun, c store.PromptCandidate, pairs []store.SnapshotPair) (int, error) {
	done, err := opt.store().EvalOutcomes(ctx, o.run.ID, c.ID)
	if err != nil {
		return 0, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.p.Concurrency)
	for _, pair := range pairs {
		if _, ok := done[pair.NLQID]; ok {
			continue
		}
		g.Go(func() error {
			r, err := o.scorer.Score(gctx, c.ID, c.Prompt, pair)
			if err != nil {
				return err
			}
			return opt.store().SaveEvalResult(gctx, r)
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	if done, err = opt.store().EvalOutcomes(ctx, o.run.ID, c.ID); err != nil {
		return 0, err
	}
	correct := 0
	for _, pair := range pairs {
		if done[pair.NLQID] {
			correct++
		}
	}
	return correct, nil
}

func ratio(correct, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(correct) / float64(n)
}

// scoreOnVal scores a candidate on the whole validation split and records it.
func (opt *Optimizer) scoreOnVal(ctx context.Context, o *optRun, c *store.PromptCandidate, asStep bool) error {
	correct, err := opt.scoreOn(ctx, o, *c, o.val)
	if err != nil {
		return err
	}
	score := ratio(correct, len(o.val))
	c.ValScore, c.ValN = &score, len(o.val)
	if asStep {
		c.Score, c.Scored = &score, len(o.val)
		if err := opt.store().SetCandidateScore(ctx, c.ID, store.ScoreStep, score, len(o.val)); err != nil {
			return err
		}
	}
	return opt.store().SetCandidateScore(ctx, c.ID, store.ScoreVal, score, len(o.val))
}

func (opt *Optimizer) baselineStep(ctx context.Context, o *optRun) error {
	c, err := opt.store().AddPromptCandidate(ctx, store.PromptCandidate{RunID: o.run.ID, Step: 0, Ordinal: 0, Origin: "baseline", Prompt: o.p.Prompt})
	if err != nil {
		return err
	}
	if err := opt.scoreOnVal(ctx, o, &c, true); err != nil {
		return err
	}
	opt.event(ctx, o, "baseline: %.1f%% on %d validation questions", 100**c.ValScore, c.ValN)
	return nil
}

// byValScore orders candidates best first: higher validation score, then the earlier one.
func byValScore(a, b store.PromptCandidate) int {
	if c := cmp.Compare(deref64(b.ValScore), deref64(a.ValScore)); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func deref64(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// best is the candidate with the highest validation score (the earliest of equals, so the
// baseline wins a tie).
func best(cands []store.PromptCandidate) (store.PromptCandidate, bool) {
	var scored []store.PromptCandidate
	for _, c := range cands {
		if c.ValScore != nil {
			scored = append(scored, c)
		}
	}
	if len(scored) == 0 {
		return store.PromptCandidate{}, false
	}
	slices.SortStableFunc(scored, byValScore)
	return scored[0], true
}

var oproPrompt = prompts.Load("opro")

// oproScoredPrompts is how many past prompts the meta-prompt lists (the best ones), as in OPRO.
const oproScoredPrompts = 20

// oproIteration asks the optimizer for new prompts from the past ones sorted by score, and scores
// each on the validation split.
func (opt *Optimizer) oproIteration(ctx context.Context, o *optRun, step int) error {
	have := map[int]store.PromptCandidate{}
	for _, c := range o.cands {
		if c.Step == step {
			have[c.Ordinal] = c
		}
	}
	for k := range o.p.OPRO.Candidates {
		c, ok := have[k]
		if !ok {
			prompt, err := opt.oproPropose(ctx, o, step, k)
			if err != nil {
				return err
			}
			if prompt == "" {
				continue
			}
			if c, err = opt.store().AddPromptCandidate(ctx, store.PromptCandidate{RunID: o.run.ID, Step: step, Ordinal: k, Origin: MethodOPRO,
				Prompt: prompt}); err != nil {
				return err
			}
		}
		if c.ValScore == nil {
			if err := opt.scoreOnVal(ctx, o, &c, true); err != nil {
				return err
			}
		}
		o.cands = append(o.cands, c)
		opt.event(ctx, o, "iteration %d, proposal %d: %.1f%% on validation", step, k+1, 100**c.ValScore)
	}
	return nil
}

// oproPropose renders the meta-prompt and returns the proposal between [[ ]] ("" when the reply
// has none: the iteration goes on without it).
func (opt *Optimizer) oproPropose(ctx context.Context, o *optRun, step, k int) (string, error) {
	var scored []store.PromptCandidate
	for _, c := range o.cands {
		if c.ValScore != nil {
			scored = append(scored, c)
		}
	}
	slices.SortStableFunc(scored, byValScore)
	scored = scored[:min(len(scored), oproScoredPrompts)]
	slices.Reverse(scored) // ascending, the best last
	type scoredPrompt struct {
		Text     string
		Accuracy string
	}
	list := make([]scoredPrompt, len(scored))
	for i, c := range scored {
		list[i] = scoredPrompt{Text: c.Prompt, Accuracy: fmt.Sprintf("%.1f%%", 100**c.ValScore)}
	}
	var failures, reviews []string
	if top, ok := best(o.cands); ok {
		var err error
		if failures, reviews, err = opt.failures(ctx, o, top, o.val, 5); err != nil {
			return "", err
		}
	}
	meta, err := oproPrompt.Render(map[string]any{"Prompts": list, "Dialect": prompts.Dialect, "Failures": failures, "Reviews": reviews})
	if err != nil {
		return "", err
	}
	reply, _, err := o.scorer.Chat(ctx, llm.PurposeOptimizer, evaluate.Target{}, fmt.Sprintf("step-%d-%d", step, k), meta, float32(o.p.OPRO.Temperature))
	if err != nil {
		return "", err
	}
	prompt, ok := bracketed(reply)
	if !ok {
		opt.event(ctx, o, "iteration %d, proposal %d: the optimizer's reply has no prompt between [[ ]]; skipped", step, k+1)
		return "", nil
	}
	return opt.withPlaceholders(ctx, o, prompt), nil
}

var doubleBrackets = regexp.MustCompile(`(?s)\[\[(.*?)\]\]`)

// bracketed is the last text between [[ and ]] in a reply.
func bracketed(reply string) (string, bool) {
	m := doubleBrackets.FindAllStringSubmatch(reply, -1)
	if len(m) == 0 || strings.TrimSpace(m[len(m)-1][1]) == "" {
		return "", false
	}
	return strings.TrimSpace(m[len(m)-1][1]), true
}

// withPlaceholders appends what a proposed prompt lacks of the three placeholders, so it can be
// filled in (the run's log says so).
func (opt *Optimizer) withPlaceholders(ctx context.Context, o *optRun, prompt string) string {
	add := map[string]string{"{dialect}": "\n\nDialect: {dialect}", "{schema}": "\n\nSchema:\n{schema}", "{query_str}": "\n\nQuestion: {query_str}"}
	var missing []string
	for _, p := range prompts.Placeholders {
		if !strings.Contains(prompt, p) {
			prompt += add[p]
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		opt.event(ctx, o, "a proposed prompt lacked %s: appended", strings.Join(missing, ", "))
	}
	return prompt
}

// failures describes up to n items a candidate got wrong among pairs (scored already), with the
// reviewers' notes on those questions and others of their databases.
func (opt *Optimizer) failures(ctx context.Context, o *optRun, c store.PromptCandidate, pairs []store.SnapshotPair, n int) (failures, reviews []string, err error) {
	ids := make([]int64, len(pairs))
	for i, p := range pairs {
		ids[i] = p.NLQID
	}
	results, err := opt.store().EvalResultsFor(ctx, o.run.ID, c.ID, o.p.SnapshotID, ids)
	if err != nil {
		return nil, nil, err
	}
	var wrongIDs []int64
	var databases []string
	for _, r := range results {
		if r.Correct || len(failures) >= n {
			continue
		}
		failures = append(failures, describeFailure(r))
		wrongIDs = append(wrongIDs, r.NLQID)
		if !slices.Contains(databases, r.DatabaseName) {
			databases = append(databases, r.DatabaseName)
		}
	}
	if len(wrongIDs) == 0 {
		return nil, nil, nil
	}
	notes, err := opt.store().ReviewNotes(ctx, o.run.ProjectID, wrongIDs, databases, o.reviewNoteMaximum)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range notes {
		line := r.ErrorType
		if c := strings.TrimSpace(r.Comment); c != "" {
			line += ": " + truncate(strings.ReplaceAll(c, "\n", " "), 300)
		}
		reviews = append(reviews, line+fmt.Sprintf(" (on %q, decision %s)", truncate(r.Question, 150), r.Decision))
	}
	return failures, reviews, nil
}

// describeFailure is how the critic and the optimizer see a wrong answer.
func describeFailure(r store.EvalResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Question: %s\nGold SQL: %s\nPredicted SQL: %s\n", r.Question, oneLine(r.GoldSQL), oneLine(cmp.Or(r.SQL, "(none)")))
	switch {
	case r.Error != "":
		fmt.Fprintf(&b, "Error: %s", truncate(r.Error, 400))
	default:
		fmt.Fprintf(&b, "Why wrong: %s", r.Reason)
		var d struct {
			GoldRows int     `json:"gold_rows"`
			PredRows int     `json:"pred_rows"`
			OnlyGold [][]any `json:"only_gold"`
			OnlyPred [][]any `json:"only_pred"`
		}
		if json.Unmarshal(r.Diff, &d) == nil && r.Diff != nil {
			g, _ := json.Marshal(d.OnlyGold)
			p, _ := json.Marshal(d.OnlyPred)
			fmt.Fprintf(&b, "\nGold result: %d rows; predicted: %d rows. Only in gold: %s. Only in predicted: %s.",
				d.GoldRows, d.PredRows, truncate(string(g), 300), truncate(string(p), 300))
		}
	}
	return b.String()
}

func oneLine(sql string) string { return strings.Join(strings.Fields(sql), " ") }

var (
	criticPrompt = prompts.Load("critic")
	editorPrompt = prompts.Load("editor")
)

// minibatch draws n pairs of a split for a round, the same on every attempt (seeded by the run's
// seed, the round and what it is for).
func (o *optRun) minibatch(pairs []store.SnapshotPair, n, round int, salt int64) []store.SnapshotPair {
	if n >= len(pairs) {
		return pairs
	}
	seed := cmp.Or(o.p.Seed, o.run.ID)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(round)<<32^uint64(salt)))
	idx := rng.Perm(len(pairs))[:n]
	slices.Sort(idx)
	out := make([]store.SnapshotPair, n)
	for i, j := range idx {
		out[i] = pairs[j]
	}
	return out
}

// beamAfter replays the beam search's selections up to a round from what is stored (every
// candidate of those rounds was scored on its round's validation minibatch): the beam that enters
// round+1.
func (opt *Optimizer) beamAfter(ctx context.Context, o *optRun, round int) ([]store.PromptCandidate, error) {
	beam := []store.PromptCandidate{o.baseline}
	for r := 1; r <= round; r++ {
		pool := append([]store.PromptCandidate{}, beam...)
		for _, c := range o.cands {
			if c.Step == r {
				pool = append(pool, c)
			}
		}
		var err error
		if beam, _, err = opt.selectBeam(ctx, o, pool, r); err != nil {
			return nil, err
		}
	}
	return beam, nil
}

// selectBeam scores a round's pool on its validation minibatch and keeps the best beam-width.
func (opt *Optimizer) selectBeam(ctx context.Context, o *optRun, pool []store.PromptCandidate, round int) ([]store.PromptCandidate, map[int64]float64, error) {
	mini := o.minibatch(o.val, o.p.APO.ValidationBatch, round, 1)
	scores := map[int64]float64{}
	for _, c := range pool {
		correct, err := opt.scoreOn(ctx, o, c, mini)
		if err != nil {
			return nil, nil, err
		}
		scores[c.ID] = ratio(correct, len(mini))
		if c.Step == round && c.Score == nil {
			if err := opt.store().SetCandidateScore(ctx, c.ID, store.ScoreStep, scores[c.ID], len(mini)); err != nil {
				return nil, nil, err
			}
		}
	}
	slices.SortStableFunc(pool, func(a, b store.PromptCandidate) int {
		if c := cmp.Compare(scores[b.ID], scores[a.ID]); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return pool[:min(len(pool), o.p.APO.BeamWidth)], scores, nil
}

// apoRound expands every prompt of the beam: its failures on a training minibatch go to the critic,
// whose critique the editor applies, branch-factor times; then the beam and its children are scored
// on the round's validation minibatch, the best beam-width are kept, and the leader is scored on
// the whole validation split.
func (opt *Optimizer) apoRound(ctx context.Context, o *optRun, round int) error {
	beam, err := opt.beamAfter(ctx, o, round-1)
	if err != nil {
		return err
	}
	have := map[int]store.PromptCandidate{}
	for _, c := range o.cands {
		if c.Step == round {
			have[c.Ordinal] = c
		}
	}
	pool := append([]store.PromptCandidate{}, beam...)
	for pi, parent := range beam {
		var children []store.PromptCandidate
		for j := range o.p.APO.BranchFactor {
			if c, ok := have[pi*o.p.APO.BranchFactor+j]; ok {
				children = append(children, c)
			}
		}
		if len(children) < o.p.APO.BranchFactor {
			made, err := opt.expand(ctx, o, round, pi, parent, have)
			if err != nil {
				return err
			}
			children = made
		}
		pool = append(pool, children...)
	}
	newBeam, scores, err := opt.selectBeam(ctx, o, pool, round)
	if err != nil {
		return err
	}
	leader := newBeam[0]
	if leader.ValScore == nil {
		if err := opt.scoreOnVal(ctx, o, &leader, false); err != nil {
			return err
		}
	}
	opt.event(ctx, o, "round %d: %d prompts scored on %d validation questions; leader #%d with %.1f%% (%.1f%% on all %d)",
		round, len(pool), min(o.p.APO.ValidationBatch, len(o.val)), leader.ID, 100*scores[leader.ID], 100**leader.ValScore, len(o.val))
	return nil
}

// expand writes a parent's children: critique of its failures on a training minibatch, then the
// editor's rewrites. Children stored by an earlier attempt are kept.
func (opt *Optimizer) expand(ctx context.Context, o *optRun, round, pi int, parent store.PromptCandidate, have map[int]store.PromptCandidate) ([]store.PromptCandidate, error) {
	batch := o.minibatch(o.train, o.p.APO.GradientBatch, round, parent.ID+2)
	correct, err := opt.scoreOn(ctx, o, parent, batch)
	if err != nil {
		return nil, err
	}
	failures, reviews, err := opt.failures(ctx, o, parent, batch, len(batch))
	if err != nil {
		return nil, err
	}
	if len(failures) == 0 {
		opt.event(ctx, o, "round %d: prompt #%d answered all %d questions of its training batch; nothing to criticise", round, parent.ID, len(batch))
		return nil, nil
	}
	item := fmt.Sprintf("round-%d-parent-%d", round, parent.ID)
	critiquePrompt, err := criticPrompt.Render(map[string]any{"Dialect": prompts.Dialect, "Prompt": parent.Prompt, "Correct": correct, "Total": len(batch),
		"Failures": failures, "Reviews": reviews})
	if err != nil {
		return nil, err
	}
	critique, _, err := o.scorer.Chat(ctx, llm.PurposeCritic, evaluate.Target{}, item+"-critic", critiquePrompt, 0)
	if err != nil {
		return nil, err
	}
	critique = strings.TrimSpace(critique)
	var children []store.PromptCandidate
	for j := range o.p.APO.BranchFactor {
		ordinal := pi*o.p.APO.BranchFactor + j
		if c, ok := have[ordinal]; ok {
			children = append(children, c)
			continue
		}
		edit, err := editorPrompt.Render(map[string]any{"Dialect": prompts.Dialect, "Prompt": parent.Prompt, "Critique": critique, "Variant": j})
		if err != nil {
			return nil, err
		}
		reply, _, err := o.scorer.Chat(ctx, llm.PurposeEditor, evaluate.Target{}, fmt.Sprintf("%s-edit-%d", item, j), edit, float32(o.p.APO.Temperature))
		if err != nil {
			return nil, err
		}
		prompt, ok := bracketed(reply)
		if !ok {
			opt.event(ctx, o, "round %d: the editor's rewrite %d of prompt #%d has no prompt between [[ ]]; skipped", round, j+1, parent.ID)
			continue
		}
		parentID := parent.ID
		c, err := opt.store().AddPromptCandidate(ctx, store.PromptCandidate{RunID: o.run.ID, Step: round, Ordinal: ordinal, ParentID: &parentID,
			Origin: MethodAPO, Prompt: opt.withPlaceholders(ctx, o, prompt), Critique: critique})
		if err != nil {
			return nil, err
		}
		children = append(children, c)
		o.cands = append(o.cands, c)
	}
	return children, nil
}

// testStep scores the baseline and the best prompt on the test split.
func (opt *Optimizer) testStep(ctx context.Context, o *optRun) error {
	top, ok := best(o.cands)
	if !ok {
		return &runs.RunError{Reason: "no prompt was scored on validation"}
	}
	for _, c := range uniqueCandidates(o.baseline, top) {
		correct, err := opt.scoreOn(ctx, o, c, o.test)
		if err != nil {
			return err
		}
		if err := opt.store().SetCandidateScore(ctx, c.ID, store.ScoreTest, ratio(correct, len(o.test)), len(o.test)); err != nil {
			return err
		}
	}
	opt.event(ctx, o, "test: baseline and best prompt #%d scored on %d test questions", top.ID, len(o.test))
	return nil
}

func uniqueCandidates(a, b store.PromptCandidate) []store.PromptCandidate {
	if a.ID == b.ID {
		return []store.PromptCandidate{a}
	}
	return []store.PromptCandidate{a, b}
}

// Step is one step of an optimization as the report shows it.
type Step struct {
	Step            int      `json:"step"`
	Key             string   `json:"key"`
	Status          string   `json:"status"`
	BestScore       *float64 `json:"best_score"` // the best validation score of the prompts known after it
	BestCandidateID *int64   `json:"best_candidate_id"`
	Candidates      int      `json:"candidates"`
}

// TestReport compares the baseline with the best prompt on the test split, item by item.
type TestReport struct {
	N                int     `json:"n"`
	BaselineCorrect  int     `json:"baseline_correct"`
	BestCorrect      int     `json:"best_correct"`
	BaselineAccuracy float64 `json:"baseline_accuracy"`
	BestAccuracy     float64 `json:"best_accuracy"`
	BothCorrect      int     `json:"both_correct"`
	OnlyBaseline     int     `json:"only_baseline"`
	OnlyBest         int     `json:"only_best"`
	BothWrong        int     `json:"both_wrong"`
	Difference       float64 `json:"difference"` // best − baseline accuracy
	CILow            float64 `json:"ci_low"`     // 95 % confidence interval of the difference
	CIHigh           float64 `json:"ci_high"`
	McNemarP         float64 `json:"mcnemar_p"` // exact two-sided
}

// Report is an optimization with everything it tried.
type Report struct {
	Run        store.PipelineRun       `json:"run"`
	Params     Params                  `json:"params"`
	Candidates []store.PromptCandidate `json:"candidates"`
	Steps      []Step                  `json:"steps"`
	Best       *store.PromptCandidate  `json:"best"`
	Test       *TestReport             `json:"test"`
	Diff       []store.Hunk            `json:"diff"`
}

// Optimization returns an optimization run's report.
func (opt *Optimizer) Optimization(ctx context.Context, projectID, runID int64) (Report, error) {
	run, err := runs.OfKind(ctx, opt.store(), projectID, runID, Kind, "an optimization")
	if err != nil {
		return Report{}, err
	}
	return opt.optReport(ctx, run, true)
}

func (opt *Optimizer) optReport(ctx context.Context, run store.PipelineRun, full bool) (Report, error) {
	rep := Report{Run: run, Candidates: []store.PromptCandidate{}, Steps: []Step{}, Diff: []store.Hunk{}}
	if err := json.Unmarshal(run.Params, &rep.Params); err != nil {
		return rep, fmt.Errorf("optimization %d: parameters: %w", run.ID, err)
	}
	cands, err := opt.store().PromptCandidates(ctx, run.ID)
	if err != nil {
		return rep, err
	}
	rep.Candidates = cands
	var baseline store.PromptCandidate
	for _, c := range cands {
		if c.Origin == "baseline" {
			baseline = c
		}
	}
	if b, ok := best(cands); ok {
		rep.Best = &b
	}
	if !full {
		return rep, nil
	}
	items, err := opt.store().RunItems(ctx, run.ID, 0)
	if err != nil {
		return rep, err
	}
	for i, it := range items {
		st := Step{Step: i, Key: it.Key, Status: it.Status}
		var known []store.PromptCandidate
		for _, c := range cands {
			if c.Step <= i {
				known = append(known, c)
			}
			if c.Step == i {
				st.Candidates++
			}
		}
		if it.Key != stepTest && it.Status == "done" {
			if b, ok := best(known); ok {
				st.BestScore, st.BestCandidateID = b.ValScore, &b.ID
			}
		}
		rep.Steps = append(rep.Steps, st)
	}
	if rep.Best != nil {
		lines := func(p string) []string { return strings.Split(strings.TrimRight(p, "\n"), "\n") }
		rep.Diff = store.DiffLines(lines(baseline.Prompt), lines(rep.Best.Prompt))
		if rep.Best.TestScore != nil && (baseline.TestScore != nil) {
			t, err := opt.testReport(ctx, run, baseline, *rep.Best, rep.Params)
			if err != nil {
				return rep, err
			}
			rep.Test = &t
		}
	}
	return rep, nil
}

// testReport pairs the two prompts' outcomes on the test split.
func (opt *Optimizer) testReport(ctx context.Context, run store.PipelineRun, baseline, top store.PromptCandidate, p Params) (TestReport, error) {
	test, err := opt.store().SnapshotPairs(ctx, p.SnapshotID, "test", 0, 0)
	if err != nil {
		return TestReport{}, err
	}
	if p.TestLimit > 0 && len(test) > p.TestLimit {
		test = test[:p.TestLimit]
	}
	a, err := opt.store().EvalOutcomes(ctx, run.ID, baseline.ID)
	if err != nil {
		return TestReport{}, err
	}
	b, err := opt.store().EvalOutcomes(ctx, run.ID, top.ID)
	if err != nil {
		return TestReport{}, err
	}
	outcomes := make([][2]bool, 0, len(test))
	for _, pair := range test {
		x, okA := a[pair.NLQID]
		y, okB := b[pair.NLQID]
		if okA && okB {
			outcomes = append(outcomes, [2]bool{x, y})
		}
	}
	return PairedTest(outcomes), nil
}

// PairedTest compares two classifiers' outcomes on the same items: McNemar's exact test (two-sided
// binomial on the discordant pairs) and a 95 % Wald interval of the paired difference in accuracy.
func PairedTest(outcomes [][2]bool) TestReport {
	var t TestReport
	t.N = len(outcomes)
	for _, o := range outcomes {
		switch {
		case o[0] && o[1]:
			t.BothCorrect++
		case o[0]:
			t.OnlyBaseline++
		case o[1]:
			t.OnlyBest++
		default:
			t.BothWrong++
		}
	}
	t.BaselineCorrect, t.BestCorrect = t.BothCorrect+t.OnlyBaseline, t.BothCorrect+t.OnlyBest
	t.McNemarP = 1
	if t.N == 0 {
		return t
	}
	n := float64(t.N)
	t.BaselineAccuracy, t.BestAccuracy = float64(t.BaselineCorrect)/n, float64(t.BestCorrect)/n
	b, c := float64(t.OnlyBaseline), float64(t.OnlyBest)
	t.Difference = (c - b) / n
	se := math.Sqrt(max(b+c-(c-b)*(c-b)/n, 0)) / n
	t.CILow, t.CIHigh = t.Difference-1.959964*se, t.Difference+1.959964*se
	t.McNemarP = mcnemarExact(t.OnlyBaseline, t.OnlyBest)
	return t
}

// mcnemarExact is the two-sided p-value of b against c successes of a fair coin in b+c tosses.
func mcnemarExact(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	// Sum P(X ≤ k) for X ~ Binomial(n, ½) in log space, so large n neither overflows nor underflows.
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	tail := 0.0
	for i := 0; i <= k; i++ {
		tail += math.Exp(lg(n) - lg(i) - lg(n-i) - float64(n)*math.Ln2)
	}
	return min(1, 2*tail)
}

// Optimizations lists a project's optimizations with their best prompt, newest first.
func (opt *Optimizer) Optimizations(ctx context.Context, projectID int64) ([]Report, error) {
	return runs.Reports(ctx, opt.store(), projectID, Kind, func(run store.PipelineRun) (Report, error) {
		rep, err := opt.optReport(ctx, run, false)
		rep.Candidates = nil
		return rep, err
	})
}

// Adopt saves a candidate of an optimization (its best by default) as a new version of the
// project's prompt template; the candidate must have been scored on validation.
func (opt *Optimizer) Adopt(ctx context.Context, a store.Actor, projectID, runID int64, candidateID int64) (store.PromptTemplate, error) {
	rep, err := opt.Optimization(ctx, projectID, runID)
	if err != nil {
		return store.PromptTemplate{}, err
	}
	var pick *store.PromptCandidate
	var baseline store.PromptCandidate
	for i, c := range rep.Candidates {
		if c.ID == candidateID || (candidateID == 0 && rep.Best != nil && c.ID == rep.Best.ID) {
			pick = &rep.Candidates[i]
		}
		if c.Origin == "baseline" {
			baseline = c
		}
	}
	switch {
	case pick == nil && candidateID != 0:
		return store.PromptTemplate{}, store.NotFound(fmt.Sprintf("no candidate %d in optimization %d", candidateID, runID))
	case pick == nil || pick.ValScore == nil:
		return store.PromptTemplate{}, fmt.Errorf("the candidate was not scored on validation yet: %w", store.ErrConflict)
	}
	note := fmt.Sprintf("%s run %d, candidate %d: %.1f%% on validation (baseline %.1f%%)", strings.ToUpper(rep.Params.Method), runID, pick.ID,
		100**pick.ValScore, 100*deref64(baseline.ValScore))
	if pick.TestScore != nil {
		note += fmt.Sprintf(", %.1f%% on test", 100**pick.TestScore)
	}
	id := pick.ID
	return opt.store().CreatePromptTemplate(ctx, a, projectID, store.PromptTemplate{Body: pick.Prompt, Note: note, Source: "optimization",
		RunID: &runID, CandidateID: &id})
}

// truncate cuts s to n characters, marking the cut.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
