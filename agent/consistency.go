package agent

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/sqlexec"
)

// SelfConsistency runs k independent samples of the agent on q (at the agent purpose's
// temperature, up to Options.Parallel at a time) and returns the outcome of the largest group of
// answers that agree by execution match, with confidence = that group's size / k. Samples that
// did not answer count in k but in no group. Ties go to the group with fewer rule warnings, then to
// the one answered first. The returned outcome is the group's first sample, with the tokens of all
// k samples (what the answer cost). With no answer at all, it is the first sample's outcome and
// confidence 0.
//
// rec gives each sample (0..k-1) its recorder; it and what it returns may be nil. The error is the
// first platform failure of any sample.
func (a *Agent) SelfConsistency(ctx context.Context, q Question, k int, meta llm.CallMeta, rec func(sample int) Recorder) (Outcome, float64, error) {
	if k < 1 {
		k = 1
	}
	p, err := a.prepare(ctx, q, meta)
	if err != nil {
		out := Outcome{StopReason: StopError, StopDetail: err.Error(), PromptVersion: PromptVersion}
		if ctx.Err() != nil {
			out.StopReason, out.StopDetail = StopCancelled, "cancelled while preparing the schema context"
			return out, 0, nil
		}
		return out, 0, err
	}
	outs := make([]Outcome, k)
	errs := make([]error, k)
	sem := make(chan struct{}, p.opt.Parallel)
	var wg sync.WaitGroup
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var r Recorder
			if rec != nil {
				r = rec(i)
			}
			m := meta
			if m.ItemKey != "" {
				m.ItemKey = fmt.Sprintf("%s#%d", meta.ItemKey, i)
			}
			outs[i], errs[i] = a.loop(ctx, p, m, r)
		}()
	}
	wg.Wait()

	best, confidence := vote(outs)
	out := outs[best]
	out.PromptTokens, out.CompletionTokens = 0, 0
	for _, o := range outs {
		out.PromptTokens += o.PromptTokens
		out.CompletionTokens += o.CompletionTokens
	}
	return out, confidence, errors.Join(errs...)
}

// vote groups the answered outcomes by execution match and picks the largest group.
func vote(outs []Outcome) (best int, confidence float64) {
	type group struct {
		first    int
		size     int
		warnings int
		ordered  bool
	}
	var groups []*group
	for i, o := range outs {
		if !o.Answered() || o.Result == nil || !o.Result.OK() {
			continue
		}
		ordered, _ := sqlexec.HasTopLevelOrderBy(o.SQL)
		var home *group
		for _, g := range groups {
			rep := outs[g.first]
			if sqlexec.Match(rep.Result, o.Result, sqlexec.MatchOptions{OrderMatters: g.ordered && ordered}).Match {
				home = g
				break
			}
		}
		if home == nil {
			home = &group{first: i, ordered: ordered, warnings: len(o.Warnings)}
			groups = append(groups, home)
		}
		home.size++
	}
	if len(groups) == 0 {
		return 0, 0
	}
	win := groups[0]
	for _, g := range groups[1:] {
		if g.size > win.size || (g.size == win.size && g.warnings < win.warnings) {
			win = g
		}
	}
	return win.first, float64(win.size) / float64(len(outs))
}
