package agent

import (
	"strings"
	"testing"
)

// Every message the loop can send renders from prompts/messages.tmpl with the data it is given.
func TestMessages_EveryTemplateRenders(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]any{
		"question":          Question{Text: "How many charter schools?", Evidence: "charter refers to Charter = 1"},
		"nudge":             nil,
		"invalid_args":      map[string]any{"Tool": "run_sql_query", "Error": "property \"sql\" is required"},
		"unknown_tool":      map[string]any{"Tool": "x", "Tools": toolNames},
		"repeated":          map[string]any{"Count": 2},
		"empty_result":      nil,
		"noted":             map[string]any{"Count": 1},
		"final_failed":      map[string]any{"Error": "boom"},
		"final_warnings":    map[string]any{"Warnings": []Warning{{Rule: RuleSelectStar, Message: "m"}}},
		"final_accepted":    map[string]any{"Rows": 1},
		"no_table":          map[string]any{"Table": "t", "Tables": []string{"a", "b"}},
		"no_column":         map[string]any{"Table": "t", "Column": "c", "Columns": []string{"a"}},
		"needs":             map[string]any{"What": "describe_table", "Needs": `"table"`},
		"not_found":         map[string]any{"Value": "v", "Searched": "searched 1 column"},
		"nothing_to_search": nil,
	} {
		got := message(name, data)
		if strings.TrimSpace(got) == "" || strings.Contains(got, "<no value>") {
			t.Errorf("%s renders %q", name, got)
		}
	}
}

func TestTools_SchemasAcceptGoodAndRefuseBadArguments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tool, args string
		ok         bool
	}{
		{ToolExploreDB, `{"action":"list_tables"}`, true},
		{ToolExploreDB, `{"action":"find_value","value":"x","table":null}`, true},
		{ToolExploreDB, `{}`, false},
		{ToolExploreDB, `{"action":"find_value","value":"` + strings.Repeat("x", 201) + `"}`, false},
		{ToolRunSQLQuery, `{"sql":"  "}`, false},
		{ToolRunSQLQuery, ``, false},
		{ToolScratchpad, `{"note":"n"}`, true},
		{ToolGiveFinalAnswer, `{"sql":"SELECT 1","explanation":"e"}`, true},
		{ToolGiveFinalAnswer, `["SELECT 1"]`, false},
	}
	for _, c := range cases {
		_, err := tools[c.tool].schema.validate(c.args)
		if (err == nil) != c.ok {
			t.Errorf("%s %s: err %v, want ok=%v", c.tool, c.args, err, c.ok)
		}
	}
	if len(PromptDigest) != 12 {
		t.Fatalf("digest %q", PromptDigest)
	}
}
