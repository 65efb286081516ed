package sqlexec

import "strings"

// ReservedWord reports whether w (lower case) is a PostgreSQL reserved key word, or one that cannot
// name a table or column unquoted. Unreserved key words (year, date, type, name, ...) are fine as
// identifiers. Importers clean names with it, and the translator decides what needs quoting.
func ReservedWord(w string) bool { return reservedWords[w] }

var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast
		check collate column constraint create current_catalog current_date current_role current_time
		current_timestamp current_user default deferrable desc distinct do else end except false fetch
		for foreign from grant group having in initially intersect into lateral leading limit localtime
		localtimestamp not null offset on only or order placing primary references returning select
		session_user some symmetric system_user table then to trailing true union unique user using
		variadic when where window with
		authorization binary collation concurrently cross current_schema freeze full ilike inner is
		isnull join left like natural notnull outer overlaps right similar tablesample verbose`) {
		m[w] = true
	}
	return m
}()
