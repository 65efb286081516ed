package evaluate

import (
	"regexp"
	"testing"
)

// askedQuestion finds the question in a filled text-to-SQL prompt.
var askedQuestion = regexp.MustCompile(`(?m)^Question: (.*)$`)

func TestExtractSQLAndVerdict(t *testing.T) {
	for reply, want := range map[string]string{
		"```sql\nSELECT a FROM t;\n```":                             "SELECT a FROM t",
		"First\n```sql\nSELECT 1\n```\nthen\n```sql\nSELECT 2\n```": "SELECT 2",
		"Question: q\nSQLQuery: SELECT x FROM y\nSQLResult: 3":      "SELECT x FROM y",
		"  SELECT plain FROM reply ;  ":                             "SELECT plain FROM reply",
		"":                                                          "",
	} {
		if got := ExtractSQL(reply); got != want {
			t.Errorf("ExtractSQL(%q) = %q, want %q", reply, got, want)
		}
	}
	for reply, want := range map[string][2]bool{
		"True": {true, true}, "False.": {false, true}, "**False**": {false, true},
		"The values match, so: True": {true, true}, "no idea": {false, false},
	} {
		if v, ok := ParseVerdict(reply); v != want[0] || ok != want[1] {
			t.Errorf("ParseVerdict(%q) = %v %v", reply, v, ok)
		}
	}
}
