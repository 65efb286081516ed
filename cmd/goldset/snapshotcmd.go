package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

const snapshotHelp = `Cut, list, show and compare golden snapshots: immutable sets of a project's accepted pairs,
split into train, val and test.

  goldset snapshot create --project P --name N [--stage S ...] [--database D ...]
                          [--hardness easy,medium,hard,extra] [--review-status agreed,reviewed,imported]
                          [--from DATE] [--to DATE] [--seed N] [--ratios 0.8,0.1,0.1] [--split-by-database] [--json]
  goldset snapshot list --project P [--json]
  goldset snapshot show --project P --snapshot ID [--json]
  goldset snapshot compare --project P --a ID --b ID [--json]
  goldset snapshot accept-imported --project P [--database D] [--json]

--stage and --database may be repeated or take a comma-separated list; a database is named (every
version of it is selected). DATE is 2006-01-02 or an RFC 3339 time: questions created at or after
--from and before --to. The split is stratified by database × hardness; --split-by-database keeps
each database in one split. show prints the manifest: splits, pairs per database and hardness,
stages, versions and the leakage check across splits. accept-imported accepts the new questions whose
imported gold SQL was verified by execution at import (an existing benchmark such as Spider), so
they can be snapshotted without annotating them again; questions with annotation or review work open
are left to it.`

// listFlag is a flag that may be repeated and takes comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func runSnapshot(ctx context.Context, args []string, out io.Writer) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet("snapshot create|list|show|compare --project P [options]", snapshotHelp)
	cfg := newConfig(fs, dbOptions...)
	o := snapshotFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains([]string{"create", "list", "show", "compare", "accept-imported"}, sub) {
		return usageErrorf(fs, "say 'snapshot create', 'snapshot list', 'snapshot show', 'snapshot compare' or 'snapshot accept-imported'")
	}
	if err := needArgs(pos, 0, "no positional arguments"); err != nil {
		return err
	}
	if *o.project == "" {
		return fmt.Errorf("%w: --project is required", errUsage)
	}
	// Every check of the options comes before the database is opened.
	var params golden.SnapshotParams
	switch sub {
	case "create":
		if params, err = o.createParams(); err != nil {
			return err
		}
	case "show":
		if *o.snapshot <= 0 {
			return fmt.Errorf("%w: --snapshot is required", errUsage)
		}
	case "compare":
		if *o.a <= 0 || *o.b <= 0 {
			return fmt.Errorf("%w: --a and --b are required", errUsage)
		}
	case "accept-imported":
		if len(o.databases) > 1 {
			return fmt.Errorf("%w: accept-imported takes one --database (or none for all)", errUsage)
		}
	}
	db, p, err := openProject(ctx, cfg, *o.project)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	c := snapshotCommand{ctx: ctx, st: db.store, snaps: &golden.Snapshots{Store: db.store}, project: p, out: out, o: o}
	switch sub {
	case "accept-imported":
		return c.acceptImported()
	case "create":
		return c.create(params)
	case "list":
		return c.list()
	case "show":
		return c.show()
	}
	return c.compare()
}

// snapshotOptions are the flags of `goldset snapshot`; each subcommand reads its own.
type snapshotOptions struct {
	project, name, from, to, ratios     *string
	stages, databases, hardness, review listFlag
	seed, snapshot, a, b                *int64
	byDB, asJSON                        *bool
}

func snapshotFlags(fs *flag.FlagSet) *snapshotOptions {
	o := &snapshotOptions{}
	o.project = fs.String("project", "", "project name or number")
	o.name = fs.String("name", "", "create: the snapshot's name")
	fs.Var(&o.stages, "stage", "create: only questions of this stage (repeat, or comma-separated)")
	fs.Var(&o.databases, "database", "create: only questions about this database (repeat, or comma-separated)")
	fs.Var(&o.hardness, "hardness", "create: only pairs of these hardness levels: easy, medium, hard, extra")
	fs.Var(&o.review, "review-status", "create: only pairs accepted this way: agreed, reviewed, imported")
	o.from = fs.String("from", "", "create: questions created at or after this date (2006-01-02 or RFC 3339)")
	o.to = fs.String("to", "", "create: questions created before this date")
	o.seed = fs.Int64("seed", 0, "create: the split's seed")
	o.ratios = fs.String("ratios", "", "create: train,val,test shares summing to 1 (default 0.8,0.1,0.1)")
	o.byDB = fs.Bool("split-by-database", false, "create: keep each database in one split")
	o.snapshot = fs.Int64("snapshot", 0, "show: snapshot id")
	o.a = fs.Int64("a", 0, "compare: the older snapshot's id")
	o.b = fs.Int64("b", 0, "compare: the newer snapshot's id")
	o.asJSON = fs.Bool("json", false, "print JSON")
	return o
}

// createParams are the parameters of `snapshot create` (its databases are resolved once the
// database is open).
func (o *snapshotOptions) createParams() (golden.SnapshotParams, error) {
	if strings.TrimSpace(*o.name) == "" {
		return golden.SnapshotParams{}, fmt.Errorf("%w: --name is required", errUsage)
	}
	params := golden.SnapshotParams{Name: *o.name, Seed: *o.seed, SplitByDatabase: *o.byDB,
		Filters: golden.SnapshotFilters{Stages: o.stages, Hardness: o.hardness, ReviewStatus: o.review}}
	var err error
	if params.Filters.CreatedFrom, err = parseDate("from", *o.from); err != nil {
		return params, err
	}
	if params.Filters.CreatedTo, err = parseDate("to", *o.to); err != nil {
		return params, err
	}
	if *o.ratios != "" {
		r, err := parseRatios(*o.ratios)
		if err != nil {
			return params, err
		}
		params.Ratios = &r
	}
	return params, nil
}

// snapshotCommand is one `goldset snapshot` subcommand on an open project.
type snapshotCommand struct {
	ctx     context.Context
	st      *store.Store
	snaps   *golden.Snapshots
	project store.Project
	out     io.Writer
	o       *snapshotOptions
}

func (c snapshotCommand) acceptImported() error {
	var dbID int64
	if len(c.o.databases) == 1 {
		d, err := c.st.DatabaseByName(c.ctx, c.project.ID, c.o.databases[0])
		if err != nil {
			return fmt.Errorf("database %s: %w", c.o.databases[0], err)
		}
		dbID = d.ID
	}
	n, err := c.st.AcceptVerifiedImports(c.ctx, store.System, c.project.ID, dbID)
	if err != nil {
		return err
	}
	return printOutcome(c.out, *c.o.asJSON, map[string]any{"accepted": n}, "%d imported questions with verified gold SQL accepted.\n", n)
}

func (c snapshotCommand) create(params golden.SnapshotParams) error {
	var err error
	if params.Filters.DatabaseIDs, err = databaseIDs(c.ctx, c.st, c.project.ID, c.o.databases); err != nil {
		return err
	}
	snap, _, err := c.snaps.Cut(c.ctx, store.System, c.project.ID, params)
	var verr *store.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w (questions are accepted by annotation and review; an imported benchmark's verified gold by "+
			"'goldset snapshot accept-imported --project %s')", err, c.project.Name)
	}
	if err != nil {
		return err
	}
	if *c.o.asJSON {
		return printJSON(c.out, map[string]any{"snapshot": snap})
	}
	fmt.Fprintf(c.out, "Snapshot %d %q: %d pairs, content hash %s.\n\n", snap.ID, snap.Name, snap.Pairs, snap.ContentHash)
	return printManifest(c.out, snap)
}

func (c snapshotCommand) list() error {
	list, err := c.st.ListSnapshots(c.ctx, c.project.ID)
	if err != nil {
		return err
	}
	if *c.o.asJSON {
		return printJSON(c.out, map[string]any{"snapshots": list})
	}
	if len(list) == 0 {
		fmt.Fprintf(c.out, "Project %s has no snapshots: cut one with 'goldset snapshot create'.\n", c.project.Name)
		return nil
	}
	w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "id\tname\tpairs\ttrain/val/test\tcontent hash\tcreated")
	for _, s := range list {
		var m golden.Manifest
		// The manifest was written by golden.Cut; one unreadable would list zero split sizes.
		_ = json.Unmarshal(s.Manifest, &m)
		fmt.Fprintf(w, "%d\t%s\t%d\t%d/%d/%d\t%s\t%s\n", s.ID, s.Name, s.Pairs, m.Splits[golden.SplitTrain], m.Splits[golden.SplitVal],
			m.Splits[golden.SplitTest], short(s.ContentHash), s.CreatedAt.Local().Format("2006-01-02 15:04"))
	}
	return w.Flush()
}

func (c snapshotCommand) show() error {
	snap, err := c.st.GetSnapshot(c.ctx, c.project.ID, *c.o.snapshot)
	if err != nil {
		return err
	}
	if *c.o.asJSON {
		return printJSON(c.out, map[string]any{"snapshot": snap})
	}
	fmt.Fprintf(c.out, "Snapshot %d %q: %d pairs, content hash %s, created %s.\n\n", snap.ID, snap.Name, snap.Pairs, snap.ContentHash,
		snap.CreatedAt.Local().Format("2006-01-02 15:04"))
	return printManifest(c.out, snap)
}

func (c snapshotCommand) compare() error {
	d, err := c.snaps.Compare(c.ctx, c.project.ID, *c.o.a, *c.o.b)
	if err != nil {
		return err
	}
	if *c.o.asJSON {
		return printJSON(c.out, map[string]any{"diff": d})
	}
	same := "differ"
	if d.SameHash {
		same = "are the same"
	}
	fmt.Fprintf(c.out, "Snapshot %d → %d: %d added, %d removed, %d changed, %d moved to another split, %d the same (content hashes %s).\n",
		d.A, d.B, d.Added, d.Removed, d.Changed, d.Moved, d.Same, same)
	for _, kind := range []struct{ name, mark string }{{"added", "+"}, {"removed", "-"}, {"changed", "~"}} {
		ex := d.Examples[kind.name]
		for i, x := range ex {
			if i == 10 {
				fmt.Fprintf(c.out, "  … %d more %s\n", len(ex)-10, kind.name)
				break
			}
			pair := x.B
			if pair == nil {
				pair = x.A
			}
			fmt.Fprintf(c.out, "%s %d [%s] %s\n", kind.mark, x.NLQID, pair.Split, pair.Question)
			if kind.name == "changed" && x.A.SQL != x.B.SQL {
				fmt.Fprintf(c.out, "    - %s\n    + %s\n", oneLine(x.A.SQL), oneLine(x.B.SQL))
			}
		}
	}
	return nil
}

// printManifest prints what a snapshot holds: its splits, pairs per database and hardness, stages,
// the versions they were cut at and the leakage across splits.
func printManifest(out io.Writer, snap store.Snapshot) error {
	var m golden.Manifest
	if err := json.Unmarshal(snap.Manifest, &m); err != nil {
		return fmt.Errorf("snapshot %d: manifest: %w", snap.ID, err)
	}
	r := m.Ratios
	by := ""
	if m.SplitByDatabase {
		by = ", each database in one split"
	}
	fmt.Fprintf(out, "split: seed %d, ratios %g/%g/%g%s\n", m.Seed, r.Train, r.Val, r.Test, by)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\ttrain\tval\ttest\ttotal\t")
	row := func(label string, n map[string]int) {
		t, v, s := n[golden.SplitTrain], n[golden.SplitVal], n[golden.SplitTest]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", label, t, v, s, t+v+s)
	}
	row("all pairs", m.Splits)
	for _, name := range sortedKeys(m.Databases) {
		row("database "+name, m.Databases[name])
	}
	levels := sortedKeys(m.Hardness)
	slices.SortStableFunc(levels, func(a, b string) int { return hardnessRank(a) - hardnessRank(b) })
	for _, h := range levels {
		row("hardness "+h, m.Hardness[h])
	}
	difficulties := sortedKeys(m.Difficulty) // BIRD's labels, when the pairs have them
	slices.SortStableFunc(difficulties, func(a, b string) int { return difficultyRank(a) - difficultyRank(b) })
	for _, d := range difficulties {
		row("difficulty "+d, m.Difficulty[d])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	stages := sortedKeys(m.Stages)
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = fmt.Sprintf("%s %d", s, m.Stages[s])
	}
	fmt.Fprintf(out, "stages: %s\n", orNone(parts))
	parts = parts[:0]
	for _, d := range m.DatabaseVersions {
		parts = append(parts, fmt.Sprintf("%s v%d (%d pairs)", d.Name, d.Version, d.Pairs))
	}
	fmt.Fprintf(out, "database versions: %s\n", orNone(parts))
	gv := "none"
	if m.GuidelineVersion > 0 {
		gv = strconv.Itoa(m.GuidelineVersion)
	}
	fmt.Fprintf(out, "guideline version in force: %s; cited by the pairs: %v\n", gv, m.GuidelineVersions)
	l := m.Leakage
	fmt.Fprintf(out, "leakage across splits: %d near-duplicate question pairs, %d pairs with the same SQL\n", l.NearDuplicates, l.SameSQL)
	for i, x := range l.Examples {
		if i == 5 {
			fmt.Fprintf(out, "  … %d more examples (--json lists them)\n", len(l.Examples)-5)
			break
		}
		cos := ""
		if x.Cosine > 0 {
			cos = fmt.Sprintf(" (cosine %.3f)", x.Cosine)
		}
		fmt.Fprintf(out, "  %s: question %d (%s) and %d (%s)%s\n", x.Kind, x.A, x.SplitA, x.B, x.SplitB, cos)
	}
	return nil
}

// databaseIDs resolves database names to the ids of every version of each.
func databaseIDs(ctx context.Context, st *store.Store, projectID int64, names []string) ([]int64, error) {
	if len(names) == 0 {
		return nil, nil
	}
	all, err := st.ListDatabases(ctx, projectID, true)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, n := range names {
		found := false
		for _, d := range all {
			if strings.EqualFold(d.Name, n) {
				ids, found = append(ids, d.ID), true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: --database: no database named %q in this project", errUsage, n)
		}
	}
	return ids, nil
}

// parseDate reads a --from or --to date: a day (midnight UTC) or an RFC 3339 time.
func parseDate(flagName, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%w: --%s %q: want a date (2006-01-02) or an RFC 3339 time", errUsage, flagName, s)
}

// parseRatios reads "0.8,0.1,0.1" (train, val, test).
func parseRatios(s string) (golden.SplitRatios, error) {
	parts := strings.Split(s, ",")
	bad := fmt.Errorf("%w: --ratios %q: want three shares, train,val,test, each at least 0 and summing to 1 (e.g. 0.8,0.1,0.1)", errUsage, s)
	if len(parts) != 3 {
		return golden.SplitRatios{}, bad
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 {
			return golden.SplitRatios{}, bad
		}
		v[i] = f
	}
	if s := v[0] + v[1] + v[2]; s < 1-1e-9 || s > 1+1e-9 {
		return golden.SplitRatios{}, bad
	}
	return golden.SplitRatios{Train: v[0], Val: v[1], Test: v[2]}, nil
}

// difficultyRank orders BIRD's labels from simple to challenging, anything else after them.
func difficultyRank(d string) int {
	if i := slices.Index([]string{"simple", "moderate", "challenging"}, d); i >= 0 {
		return i
	}
	return 3
}

// hardnessRank orders Spider's levels from easy to extra, anything else after them.
func hardnessRank(h string) int {
	if i := slices.Index([]string{"easy", "medium", "hard", "extra"}, h); i >= 0 {
		return i
	}
	return 4
}

func orNone(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
