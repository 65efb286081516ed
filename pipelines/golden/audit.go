package golden

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/goldset/goldset/store"
)

// A snapshot's error rate, measured by audits. The pairs are strata by how they were accepted
// (agreed by execution, decided by a reviewer, imported as a benchmark's gold): each stratum h
// holds N_h of the N pairs and has n_h audited, x_h of them wrong. The estimate is the stratified
// mean p = Σ W_h x_h/n_h with W_h = N_h/N (Cochran, Sampling Techniques, 1977, ch. 5), and its 95%
// interval combines each stratum's Wilson score interval (Wilson 1927; Brown, Cai and DasGupta
// 2001) weighted by W_h: [Σ W_h L_h, Σ W_h U_h]. A stratum with no audit contributes [0, 1] — what
// is not measured is not assumed right — so the interval is honest, and conservative.

// z95 is the standard normal quantile for a two-sided 95% interval.
const z95 = 1.959963984540054

// wilson is the Wilson score interval of x successes in n trials.
func wilson(x, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p := float64(x) / float64(n)
	z2 := z95 * z95
	den := 1 + z2/float64(n)
	centre := (p + z2/(2*float64(n))) / den
	half := z95 * math.Sqrt(p*(1-p)/float64(n)+z2/(4*float64(n)*float64(n))) / den
	return max(0, centre-half), min(1, centre+half)
}

// Stratum is one way of acceptance within a snapshot, with its audits.
type Stratum struct {
	AcceptedBy string  `json:"accepted_by"`
	Pairs      int     `json:"pairs"`   // N_h
	Audited    int     `json:"audited"` // n_h
	Wrong      int     `json:"wrong"`   // x_h
	Rate       float64 `json:"rate"`    // x_h / n_h (0 when unaudited)
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
}

// ErrorRate is a snapshot's estimated error rate with its 95% interval.
type ErrorRate struct {
	Pairs   int       `json:"pairs"`
	Audited int       `json:"audited"`
	Wrong   int       `json:"wrong"`
	Rate    *float64  `json:"rate"` // nil until something is audited
	Low     float64   `json:"low"`
	High    float64   `json:"high"`
	Strata  []Stratum `json:"strata"`
	// Breakdowns of the audited pairs: wrong of audited by the gold's source (agent, people,
	// import), by the annotator who wrote it, and by database, each with its Wilson interval.
	BySource   []Breakdown    `json:"by_source"`
	ByAuthor   []Breakdown    `json:"by_author"`
	ByDatabase []Breakdown    `json:"by_database"`
	ByError    map[string]int `json:"by_error_type"`
}

// Breakdown is the audited pairs of one group.
type Breakdown struct {
	Key     string  `json:"key"`
	Audited int     `json:"audited"`
	Wrong   int     `json:"wrong"`
	Rate    float64 `json:"rate"`
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
}

// EstimateErrorRate computes the estimate from the snapshot's pair counts per stratum and the audit
// verdicts.
func EstimateErrorRate(pairsBy map[string]int, verdicts []store.AuditVerdict) ErrorRate {
	e := ErrorRate{Strata: []Stratum{}, BySource: []Breakdown{}, ByAuthor: []Breakdown{}, ByDatabase: []Breakdown{}, ByError: map[string]int{}}
	for _, n := range pairsBy {
		e.Pairs += n
	}
	audited, wrong := map[string]int{}, map[string]int{}
	source, author, db := map[string][2]int{}, map[string][2]int{}, map[string][2]int{}
	add := func(m map[string][2]int, k string, bad bool) {
		c := m[k]
		c[0]++
		if bad {
			c[1]++
		}
		m[k] = c
	}
	for _, v := range verdicts {
		audited[v.AcceptedBy]++
		e.Audited++
		if !v.Correct {
			wrong[v.AcceptedBy]++
			e.Wrong++
			e.ByError[v.ErrorType]++
		}
		add(source, sourceGroup(v.Source), !v.Correct)
		if v.Author != nil && v.Source == "human" {
			add(author, *v.Author, !v.Correct)
		}
		add(db, v.Database, !v.Correct)
	}
	keys := make([]string, 0, len(pairsBy))
	for k := range pairsBy {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rate := 0.0
	for _, k := range keys {
		st := Stratum{AcceptedBy: k, Pairs: pairsBy[k], Audited: audited[k], Wrong: wrong[k]}
		if st.Audited > 0 {
			st.Rate = float64(st.Wrong) / float64(st.Audited)
		}
		st.Low, st.High = wilson(st.Wrong, st.Audited)
		if e.Pairs > 0 {
			w := float64(st.Pairs) / float64(e.Pairs)
			rate += w * st.Rate
			e.Low += w * st.Low
			e.High += w * st.High
		}
		e.Strata = append(e.Strata, st)
	}
	if e.Audited > 0 {
		e.Rate = &rate
	} else {
		e.Low, e.High = 0, 1
	}
	e.BySource, e.ByAuthor, e.ByDatabase = breakdowns(source), breakdowns(author), breakdowns(db)
	return e
}

func sourceGroup(source string) string {
	switch source {
	case "human":
		return "people"
	case "":
		return "unknown"
	}
	return source
}

func breakdowns(m map[string][2]int) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for k, c := range m {
		b := Breakdown{Key: k, Audited: c[0], Wrong: c[1]}
		b.Rate = float64(c[1]) / float64(c[0])
		b.Low, b.High = wilson(c[1], c[0])
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Breakdown) int {
		if c := cmp.Compare(b.Rate, a.Rate); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// allocate spreads n audits over the strata in proportion to their pairs (largest remainders), at
// most a stratum's pairs each.
func allocate(n int, pairsBy map[string]int) map[string]int {
	total := 0
	for _, c := range pairsBy {
		total += c
	}
	out := map[string]int{}
	if total == 0 {
		return out
	}
	n = min(n, total)
	keys := make([]string, 0, len(pairsBy))
	for k := range pairsBy {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	type rem struct {
		k string
		f float64
	}
	var rems []rem
	left := n
	for _, k := range keys {
		exact := float64(n) * float64(pairsBy[k]) / float64(total)
		out[k] = min(int(exact), pairsBy[k])
		left -= out[k]
		rems = append(rems, rem{k, exact - math.Floor(exact)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for i := 0; left > 0 && i < 10*len(rems)+n; i++ {
		r := rems[i%len(rems)]
		if out[r.k] < pairsBy[r.k] {
			out[r.k]++
			left--
		}
	}
	return out
}

// SampleSize is the smallest number of audits, allocated to the strata in proportion, whose
// interval's upper bound would be at most target if each stratum showed the assumed error rate —
// or every pair when even that is not enough. Strata already audited keep what they have.
func SampleSize(pairsBy map[string]int, already map[string]int, assumed, target float64) int {
	total := 0
	for _, c := range pairsBy {
		total += c
	}
	upper := func(n int) float64 {
		alloc := allocate(n, pairsBy)
		hi := 0.0
		for k, c := range pairsBy {
			m := max(alloc[k], already[k])
			_, h := wilson(int(math.Round(assumed*float64(m))), m)
			hi += float64(c) / float64(total) * h
		}
		return hi
	}
	lo, hi := 0, total
	if upper(hi) > target {
		return total
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if upper(mid) <= target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// AuditParams is what a lead asks of an audit.
type AuditParams struct {
	// TargetUpper is the upper bound the 95% interval should reach (e.g. 0.02: "at most 2% wrong").
	TargetUpper float64 `json:"target_upper"`
	// AssumedError is the error rate the sample size is planned for (default: the current estimate,
	// else 0).
	AssumedError *float64 `json:"assumed_error,omitempty"`
	Seed         int64    `json:"seed"`
}

// StartAudit draws the random sample the target needs from the snapshot's pairs not audited yet,
// stratified by how they were accepted, and queues it to reviewers. It returns the audit (with how
// many pairs it queued) and the estimate as it stands.
func (s *Snapshots) StartAudit(ctx context.Context, a store.Actor, projectID, snapshotID int64, p AuditParams) (store.SnapshotAudit, error) {
	v := store.Validator{}
	v.Check(p.TargetUpper > 0 && p.TargetUpper < 1, "target_upper", "must be between 0 and 1 (e.g. 0.02 for 2%)")
	v.Check(p.AssumedError == nil || (*p.AssumedError >= 0 && *p.AssumedError < p.TargetUpper), "assumed_error",
		"must be at least 0 and below target_upper")
	if err := v.Err(); err != nil {
		return store.SnapshotAudit{}, err
	}
	if _, err := s.Store.GetSnapshot(ctx, projectID, snapshotID); err != nil {
		return store.SnapshotAudit{}, err
	}
	pairs, err := s.Store.SnapshotPairs(ctx, snapshotID, "", 0, 0)
	if err != nil {
		return store.SnapshotAudit{}, err
	}
	est, err := s.ErrorRate(ctx, projectID, snapshotID)
	if err != nil {
		return store.SnapshotAudit{}, err
	}
	assumed := 0.0
	if p.AssumedError != nil {
		assumed = *p.AssumedError
	} else if est.Rate != nil && *est.Rate < p.TargetUpper {
		assumed = *est.Rate
	}
	queued, err := s.Store.AuditedNLQs(ctx, snapshotID)
	if err != nil {
		return store.SnapshotAudit{}, err
	}
	pairsBy, already, open := map[string]int{}, map[string]int{}, map[string][]store.SnapshotPair{}
	for _, pr := range pairs {
		pairsBy[pr.AcceptedBy]++
		if queued[pr.NLQID] {
			already[pr.AcceptedBy]++
		} else {
			open[pr.AcceptedBy] = append(open[pr.AcceptedBy], pr)
		}
	}
	want := allocate(SampleSize(pairsBy, already, assumed, p.TargetUpper), pairsBy)
	var sample []store.SnapshotPair
	keys := make([]string, 0, len(open))
	for k := range open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cands := open[k]
		rng := stratumRand(p.Seed, "audit\x00"+k)
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		need := max(0, want[k]-already[k])
		sample = append(sample, cands[:min(need, len(cands))]...)
	}
	au := store.SnapshotAudit{SnapshotID: snapshotID, TargetUpper: p.TargetUpper, AssumedError: assumed, Seed: p.Seed}
	if err := s.Store.CreateSnapshotAudit(ctx, a, projectID, &au, sample); err != nil {
		return store.SnapshotAudit{}, err
	}
	return au, nil
}

// ErrorRate is the snapshot's error rate as its audits stand now.
func (s *Snapshots) ErrorRate(ctx context.Context, projectID, snapshotID int64) (ErrorRate, error) {
	if _, err := s.Store.GetSnapshot(ctx, projectID, snapshotID); err != nil {
		return ErrorRate{}, err
	}
	pairsBy, err := s.Store.SnapshotStrata(ctx, snapshotID)
	if err != nil {
		return ErrorRate{}, err
	}
	verdicts, err := s.Store.AuditVerdicts(ctx, snapshotID)
	if err != nil {
		return ErrorRate{}, err
	}
	return EstimateErrorRate(pairsBy, verdicts), nil
}
