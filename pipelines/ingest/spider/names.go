package spider

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/goldset/goldset/sqlexec"
)

// plainIdent reports whether s is usable unquoted in PostgreSQL with the same meaning: lower-case
// ASCII letters, digits and underscores, not starting with a digit, not a reserved word.
func plainIdent(s string) bool {
	if s == "" || len(s) > 63 || sqlexec.ReservedWord(s) {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// cleanName turns a SQLite name into a PostgreSQL identifier: the name in lower case when that
// is a plain identifier (so gold SQL that writes it in any case, unquoted, still works), else
// snake_case of its letters and digits ("Official_ratings_(millions)" → official_ratings_millions),
// with a trailing "_" for reserved words and a leading "c_" for names that start with a digit.
func cleanName(orig string) string {
	low := strings.ToLower(orig)
	if plainIdent(low) {
		return low
	}
	var b strings.Builder
	underscore := false
	for _, r := range low {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			underscore = false
			continue
		}
		if !underscore && b.Len() > 0 {
			b.WriteByte('_')
			underscore = true
		}
	}
	s := strings.TrimRight(b.String(), "_")
	switch {
	case s == "":
		s = "col"
	case s[0] >= '0' && s[0] <= '9':
		s = "c_" + s
	}
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "_")
	}
	if sqlexec.ReservedWord(s) {
		s += "_"
	}
	return s
}

// namer hands out unique clean names within one scope (a database's tables, a table's columns).
type namer struct {
	used map[string]string // clean name → original that took it
}

func newNamer() *namer { return &namer{used: map[string]string{}} }

// name returns a unique clean name for orig and, when orig's clean form was taken by another
// original (a collision), a warning saying what was done.
func (n *namer) name(orig string) (string, string) {
	base := cleanName(orig)
	name := base
	for i := 2; ; i++ {
		if _, taken := n.used[name]; !taken {
			break
		}
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[name] = orig
	if name != base {
		return name, fmt.Sprintf("%q and %q both clean to %q; %q is named %q", n.used[base], orig, base, orig, name)
	}
	return name, ""
}
