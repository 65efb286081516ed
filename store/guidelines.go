package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Guidelines are a project's rules for writing NLQs and SQL, kept as markdown. Every save is a new,
// immutable version; annotators and the agent always get the newest one, and what they produce
// records its version.
//
// # Rule syntax
//
// A rule is a markdown heading (any level, # to ######) whose text starts with its ID and a colon:
//
//	## R3: Always qualify ambiguous columns
//	When two joined tables share a column name, write table.column.
//
// The rule's text is everything after its heading up to the next heading (of any level). A new rule
// is written with a bare "R:" — "## R: Prefer COUNT(DISTINCT …)" — and gets the next free ID when it
// is saved; the saved markdown is rewritten to carry it. IDs are stable: a rule keeps its ID across
// versions, and a new rule never gets the ID of a rule that was deleted (the next ID is one more than
// the largest ever used in the project). Writing a deleted rule's ID by hand restores that rule.
// Headings inside fenced code blocks are not rules; any other heading is an ordinary section.

// Rule is one rule of a guideline version.
type Rule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// ParsedGuideline is guideline markdown with its rules read and every new rule given an ID.
type ParsedGuideline struct {
	Markdown string   // rewritten: "## R: title" headings now carry their assigned IDs
	Rules    []Rule   // in document order
	Assigned []string // the IDs given to new rules, in document order
}

var (
	ruleHeading = regexp.MustCompile(`^(#{1,6})[ \t]+R(\d*)[ \t]*:[ \t]*(.*?)[ \t]*$`)
	anyHeading  = regexp.MustCompile(`^#{1,6}(?:[ \t]|$)`)
	fenceLine   = regexp.MustCompile("^[ ]{0,3}(```|~~~)")
	// "## R1: title ##": the optional closing sequence is not part of the title.
	closingHashes = regexp.MustCompile(`(?:^|[ \t]+)#+[ \t]*$`)
)

// ParseGuideline reads the rules of markdown. New rules ("R:") get IDs from max(maxUsed, the
// largest ID written in markdown)+1 on; maxUsed is the largest number any earlier version used.
// Problems (a duplicate ID, a malformed ID, a rule without a title) come back as a *ValidationError
// on the field "markdown" that names the line.
func ParseGuideline(markdown string, maxUsed int) (ParsedGuideline, error) {
	lines := strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n")
	type found struct {
		line  int // index into lines
		level string
		num   int // 0: new rule
		title string
	}
	var heads []found
	headingAt := map[int]bool{}
	seen := map[int]int{} // rule number → 1-based line
	var problems []string
	inFence := ""
	for i, ln := range lines {
		if m := fenceLine.FindStringSubmatch(ln); m != nil {
			switch {
			case inFence == "":
				inFence = m[1]
			case inFence == m[1]:
				inFence = ""
			}
			continue
		}
		if inFence != "" || !anyHeading.MatchString(ln) {
			continue
		}
		headingAt[i] = true
		m := ruleHeading.FindStringSubmatch(ln)
		if m == nil {
			continue
		}
		f := found{line: i, level: m[1], title: strings.TrimSpace(closingHashes.ReplaceAllString(m[3], ""))}
		if m[2] != "" {
			n, err := strconv.Atoi(m[2])
			if err != nil || n <= 0 || m[2][0] == '0' {
				problems = append(problems, fmt.Sprintf("line %d: R%s is not a rule ID; IDs are R1, R2, … (or R: for a new rule)", i+1, m[2]))
				continue
			}
			if first, dup := seen[n]; dup {
				problems = append(problems, fmt.Sprintf("line %d: R%d is used twice (also on line %d); every rule needs its own ID — write R: for a new rule", i+1, n, first))
				continue
			}
			seen[n] = i + 1
			f.num = n
			maxUsed = max(maxUsed, n)
		}
		if f.title == "" {
			problems = append(problems, fmt.Sprintf("line %d: a rule needs a title after the colon", i+1))
			continue
		}
		heads = append(heads, f)
	}
	if len(problems) > 0 {
		return ParsedGuideline{}, &ValidationError{Fields: map[string]string{"markdown": strings.Join(problems, "; ")}}
	}

	out := ParsedGuideline{Rules: []Rule{}, Assigned: []string{}}
	for _, f := range heads {
		if f.num == 0 {
			maxUsed++
			f.num = maxUsed
			out.Assigned = append(out.Assigned, "R"+strconv.Itoa(f.num))
			lines[f.line] = fmt.Sprintf("%s R%d: %s", f.level, f.num, f.title)
		}
		end := f.line + 1
		for end < len(lines) && !headingAt[end] {
			end++
		}
		out.Rules = append(out.Rules, Rule{ID: "R" + strconv.Itoa(f.num), Title: f.title,
			Text: strings.TrimSpace(strings.Join(lines[f.line+1:end], "\n"))})
	}
	out.Markdown = strings.Join(lines, "\n")
	return out, nil
}

// GuidelineInfo describes one version without its text (the version list).
type GuidelineInfo struct {
	Version     int       `json:"version"`
	Summary     string    `json:"summary"`
	AuthorID    *int64    `json:"author_id"`
	AuthorEmail *string   `json:"author_email"`
	AuthorName  *string   `json:"author_name"`
	RuleCount   int       `json:"rule_count"`
	CreatedAt   time.Time `json:"created_at"`
}

// Guideline is one version of a project's guidelines.
type Guideline struct {
	GuidelineInfo
	ProjectID int64  `json:"project_id"`
	Markdown  string `json:"markdown"`
	Rules     []Rule `json:"rules"`
	// Assigned lists the IDs this save gave to new rules (only in SaveGuideline's answer).
	Assigned []string `json:"assigned,omitempty"`
}

// MaxGuidelineBytes bounds a guideline's markdown.
const MaxGuidelineBytes = 256 << 10

// SaveGuideline stores markdown as the project's next guideline version if the current version is
// still baseVersion (0 before the first save); otherwise *StaleVersionError. New rules get IDs and
// the stored markdown carries them.
func (s *Store) SaveGuideline(ctx context.Context, a Actor, projectID int64, markdown, summary string, baseVersion int) (Guideline, error) {
	summary = strings.TrimSpace(summary)
	v := Validator{}
	v.Check(strings.TrimSpace(markdown) != "", "markdown", "is required")
	v.Check(len(markdown) <= MaxGuidelineBytes, "markdown", fmt.Sprintf("must be at most %d KiB", MaxGuidelineBytes>>10))
	v.Check(summary != "", "summary", "is required: say what changed and why")
	v.Check(len(summary) <= 1000, "summary", "must be at most 1000 characters")
	v.Check(baseVersion >= 0, "version", "must be the version you edited (0 before the first save)")
	if err := v.Err(); err != nil {
		return Guideline{}, err
	}

	var current int
	var parsed ParsedGuideline
	err := s.withTx(ctx, "save guideline", func(tx pgx.Tx) error {
		// The project row lock serialises saves of one project, so two editors of one version cannot both win.
		if err := tx.QueryRow(ctx, `SELECT id FROM projects WHERE id = $1 FOR NO KEY UPDATE`, projectID).Scan(&projectID); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("store: save guideline: project %d: %w", projectID, ErrNotFound)
			}
			return classify(err, "save guideline")
		}
		var maxUsed int
		var currentMarkdown string
		err := tx.QueryRow(ctx, `SELECT COALESCE(max(version), 0),
				COALESCE((SELECT markdown FROM guidelines WHERE project_id = $1 ORDER BY version DESC LIMIT 1), ''),
				COALESCE((SELECT max(substring(r->>'id' FROM 2)::int) FROM guidelines g, jsonb_array_elements(g.rules) r
					WHERE g.project_id = $1 AND r->>'id' ~ '^R[0-9]+$'), 0)
			FROM guidelines WHERE project_id = $1`, projectID).Scan(&current, &currentMarkdown, &maxUsed)
		if err != nil {
			return classify(err, "save guideline")
		}
		if current != baseVersion {
			return &StaleVersionError{Object: "the guidelines", Current: current}
		}
		parsed, err = ParseGuideline(markdown, maxUsed)
		if err != nil {
			return err
		}
		if current > 0 && parsed.Markdown == currentMarkdown {
			return &ValidationError{Fields: map[string]string{"markdown": fmt.Sprintf("is the same as version %d; change something before saving", current)}}
		}
		rules, err := json.Marshal(parsed.Rules)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO guidelines (project_id, version, markdown, rules, summary, author_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, projectID, current+1, parsed.Markdown, rules, summary, a.id()).Scan(&id)
		if uniqueViolation(err) {
			return &StaleVersionError{Object: "the guidelines", Current: current + 1}
		}
		if err != nil {
			return classify(err, "save guideline")
		}
		ids := make([]string, len(parsed.Rules))
		for i, r := range parsed.Rules {
			ids[i] = r.ID
		}
		var before any
		if current > 0 {
			before = map[string]any{"version": current}
		}
		after := map[string]any{"version": current + 1, "summary": summary, "rules": ids, "assigned": parsed.Assigned}
		return auditTx(ctx, tx, a, "guideline.save", "guideline", id, &projectID, before, after)
	})
	if err != nil {
		return Guideline{}, err
	}
	g, err := s.Guideline(ctx, projectID, current+1)
	g.Assigned = parsed.Assigned
	return g, err
}

const guidelineColumns = `g.version, g.summary, g.author_id, u.email, u.name, jsonb_array_length(g.rules), g.created_at`

func scanGuidelineInfo(row pgx.Row, extra ...any) (GuidelineInfo, error) {
	var i GuidelineInfo
	err := row.Scan(append([]any{&i.Version, &i.Summary, &i.AuthorID, &i.AuthorEmail, &i.AuthorName, &i.RuleCount, &i.CreatedAt}, extra...)...)
	return i, err
}

// Guideline returns one version of a project's guidelines.
func (s *Store) Guideline(ctx context.Context, projectID int64, version int) (Guideline, error) {
	g := Guideline{ProjectID: projectID}
	var rules []byte
	var err error
	g.GuidelineInfo, err = scanGuidelineInfo(s.pool.QueryRow(ctx, `SELECT `+guidelineColumns+`, g.markdown, g.rules
		FROM guidelines g LEFT JOIN users u ON u.id = g.author_id WHERE g.project_id = $1 AND g.version = $2`,
		projectID, version), &g.Markdown, &rules)
	if errors.Is(err, pgx.ErrNoRows) {
		return Guideline{}, fmt.Errorf("store: guideline version %d: %w", version, ErrNotFound)
	}
	if err != nil {
		return Guideline{}, classify(err, "get guideline")
	}
	if err := json.Unmarshal(rules, &g.Rules); err != nil {
		return Guideline{}, fmt.Errorf("store: guideline version %d: rules: %w", version, err)
	}
	return g, nil
}

// CurrentGuideline returns the project's newest guideline version; false when none was ever saved.
func (s *Store) CurrentGuideline(ctx context.Context, projectID int64) (Guideline, bool, error) {
	var version int
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM guidelines WHERE project_id = $1`, projectID).Scan(&version)
	if err != nil {
		return Guideline{}, false, classify(err, "current guideline")
	}
	if version == 0 {
		return Guideline{}, false, nil
	}
	g, err := s.Guideline(ctx, projectID, version)
	return g, err == nil, err
}

// ListGuidelines returns every version of a project's guidelines, newest first, without their text.
func (s *Store) ListGuidelines(ctx context.Context, projectID int64) ([]GuidelineInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+guidelineColumns+`
		FROM guidelines g LEFT JOIN users u ON u.id = g.author_id WHERE g.project_id = $1 ORDER BY g.version DESC`, projectID)
	return collect(rows, err, "list guidelines", func(r pgx.CollectableRow) (GuidelineInfo, error) { return scanGuidelineInfo(r) })
}

// GuidelineDiff compares two versions of a project's guidelines; version 0 is the empty document
// before the first save, so "compare with previous" works for version 1 too.
func (s *Store) GuidelineDiff(ctx context.Context, projectID int64, from, to int) (GuidelineDiff, error) {
	get := func(version int) (Guideline, error) {
		if version == 0 {
			return Guideline{Rules: []Rule{}}, nil
		}
		return s.Guideline(ctx, projectID, version)
	}
	a, err := get(from)
	if err != nil {
		return GuidelineDiff{}, err
	}
	b, err := get(to)
	if err != nil {
		return GuidelineDiff{}, err
	}
	return GuidelineDiff{From: from, To: to, Hunks: DiffLines(splitLines(a.Markdown), splitLines(b.Markdown)),
		Rules: DiffRules(a.Rules, b.Rules)}, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
