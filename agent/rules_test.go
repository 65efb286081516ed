package agent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/sqlexec"
)

// TestCheckRules runs every rule on real SQL over concert_singer and car_1, with the data behind
// the literal checks: each case says which rules must fire (none: the SQL must pass clean).
func TestCheckRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "concert_singer", "car_1")
	cases := []struct {
		name     string
		db       string
		question string
		sql      string
		want     []string // rule ids, in any order; empty: no warnings
	}{
		// select_star
		{"star", "concert_singer", "Show all singers.", "SELECT * FROM singer", []string{agent.RuleSelectStar}},
		{"qualified star", "concert_singer", "Show the singers in concerts.",
			"SELECT singer.* FROM singer JOIN singer_in_concert ON singer.singer_id::text = singer_in_concert.singer_id", []string{agent.RuleSelectStar}},
		{"count star is fine", "concert_singer", "How many singers are there?", "SELECT count(*) FROM singer", nil},
		{"star inside EXISTS is fine", "concert_singer", "Which singers sang in a concert?",
			"SELECT name FROM singer WHERE EXISTS (SELECT * FROM singer_in_concert WHERE singer_in_concert.singer_id = singer.singer_id::text)", nil},

		// literal_not_grounded
		{"literal from the question", "concert_singer", "What are the names of singers from France?",
			"SELECT name FROM singer WHERE country = 'France'", nil},
		{"misspelled literal found nowhere", "concert_singer", "What are the names of singers from France?",
			"SELECT name FROM singer WHERE country = 'Frnace'", []string{agent.RuleLiteralNotGrounded}},
		{"literal in the data though not in the question", "concert_singer", "Which singers are male?",
			"SELECT name FROM singer WHERE is_male = 'T'", nil},
		{"hard-coded threshold", "concert_singer", "Which singers are older than average?",
			"SELECT name FROM singer WHERE age > 37", []string{agent.RuleLiteralNotGrounded}},
		{"number from the question", "concert_singer", "Which singers are older than 40?",
			"SELECT name FROM singer WHERE age > 40", nil},
		{"number word from the question", "concert_singer", "Name the three oldest singers.",
			"SELECT name FROM singer ORDER BY age DESC LIMIT 3", nil},
		{"number stored as text, in the data", "concert_singer", "Which concerts were in the latest year?",
			"SELECT concert_name FROM concert WHERE year = '2015'", nil},
		{"LIKE pattern from the question", "concert_singer", "Which stadiums have Park in their name?",
			"SELECT name FROM stadium WHERE name LIKE '%Park%'", nil},
		{"computation constants are fine", "concert_singer", "What share of singers is from France, in percent?",
			"SELECT round(100.0 * count(*) FILTER (WHERE country = 'France') / count(*), 2) FROM singer", nil},
		{"literal through an alias and a join", "car_1", "Which car makers are from Japan?",
			"SELECT car_makers.maker FROM car_makers JOIN countries ON car_makers.country::bigint = countries.countryid WHERE countries.countryname = 'japan'", nil},
		{"IN list with an unknown value", "car_1", "Which makers are from Japan or Germany?",
			"SELECT car_makers.maker FROM car_makers JOIN countries ON car_makers.country::bigint = countries.countryid WHERE countries.countryname IN ('japan', 'germany', 'atlantis')",
			[]string{agent.RuleLiteralNotGrounded}},

		// join_without_condition
		{"comma join without WHERE", "concert_singer", "List singers and concerts.",
			"SELECT singer.name, concert.concert_name FROM singer, concert", []string{agent.RuleJoinWithoutCondition}},
		{"comma join linked in WHERE", "concert_singer", "List concerts and their stadiums.",
			"SELECT concert.concert_name, stadium.name FROM concert, stadium WHERE concert.stadium_id::bigint = stadium.stadium_id", nil},
		{"comma join with an unrelated WHERE", "concert_singer", "List singers from France and concerts.",
			"SELECT singer.name, concert.concert_name FROM singer, concert WHERE singer.country = 'France'", []string{agent.RuleJoinWithoutCondition}},
		{"CROSS JOIN", "concert_singer", "List singers and stadiums.",
			"SELECT singer.name, stadium.name FROM singer CROSS JOIN stadium", []string{agent.RuleJoinWithoutCondition}},
		{"JOIN ON TRUE", "concert_singer", "List singers and stadiums.",
			"SELECT singer.name, stadium.name FROM singer JOIN stadium ON true", []string{agent.RuleJoinWithoutCondition}},
		{"JOIN USING", "car_1", "List models and their makers' ids.",
			"SELECT model_list.model, car_names.make FROM model_list JOIN car_names USING (model)", nil},

		// limit_without_order
		{"LIMIT without ORDER BY", "concert_singer", "Name 3 singers.", "SELECT name FROM singer LIMIT 3", []string{agent.RuleLimitWithoutOrder}},
		{"LIMIT with ORDER BY", "concert_singer", "Name the 3 youngest singers.", "SELECT name FROM singer ORDER BY age LIMIT 3", nil},
		{"LIMIT in EXISTS is fine", "concert_singer", "Which singers sang in a concert?",
			"SELECT name FROM singer WHERE EXISTS (SELECT 1 FROM singer_in_concert WHERE singer_in_concert.singer_id = singer.singer_id::text LIMIT 1)", nil},

		// unused_table
		{"joined table never used", "concert_singer", "What are the names of singers?",
			"SELECT singer.name FROM singer JOIN singer_in_concert ON singer.singer_id::text = singer.singer_id::text", []string{agent.RuleUnusedTable}},
		{"joined table used only to filter by the join", "concert_singer", "Which singers sang in a concert?",
			"SELECT DISTINCT singer.name FROM singer JOIN singer_in_concert ON singer.singer_id::text = singer_in_concert.singer_id", nil},
		{"unqualified columns resolved through the schema", "concert_singer", "Which concerts were in which stadiums?",
			"SELECT concert_name, location FROM concert JOIN stadium ON concert.stadium_id::bigint = stadium.stadium_id", nil},

		// needless_alias
		{"alias on a single table", "concert_singer", "Which singers are older than 40?",
			"SELECT s.name FROM singer AS s WHERE s.age > 40", []string{agent.RuleNeedlessAlias}},
		{"alias equal to the table name", "concert_singer", "Which concerts were in which stadiums?",
			"SELECT concert.concert_name, stadium.name FROM concert AS concert JOIN stadium ON concert.stadium_id::bigint = stadium.stadium_id",
			[]string{agent.RuleNeedlessAlias}},
		{"aliases needed for a self-correlation", "concert_singer", "Which singers are older than the average singer of their country?",
			"SELECT s1.name FROM singer s1 WHERE s1.age > (SELECT avg(s2.age) FROM singer s2 WHERE s2.country = s1.country)", nil},
		{"aliases in a join are fine", "car_1", "Which car makers are from Japan?",
			"SELECT m.maker FROM car_makers m JOIN countries c ON m.country::bigint = c.countryid WHERE c.countryname = 'japan'", nil},

		// shapes that must not raise false alarms
		{"CTE joined to a table", "concert_singer", "Which singers from France sang in a concert?",
			"WITH french AS (SELECT singer_id, name FROM singer WHERE country = 'France') SELECT DISTINCT french.name FROM french JOIN singer_in_concert ON singer_in_concert.singer_id = french.singer_id::text", nil},
		{"subquery in FROM with its alias", "concert_singer", "How many singers are there per country?",
			"SELECT per.country, per.n FROM (SELECT country, count(*) AS n FROM singer GROUP BY country) AS per ORDER BY per.n DESC", nil},
		{"set operation with a number written with a comma", "concert_singer", "Names of singers from France and of stadiums with more than 10,000 seats.",
			"SELECT name FROM singer WHERE country = 'France' UNION SELECT name FROM stadium WHERE capacity > 10000", nil},
		{"whole-row search for a select-list literal", "concert_singer", "Label each singer.",
			"SELECT name, 'Netherlands' AS label FROM singer", nil},

		// several at once
		{"Spider-style with everything wrong", "concert_singer", "Show singers.",
			"SELECT * FROM singer AS singer, concert WHERE singer.country = 'Atlantis' LIMIT 5",
			[]string{agent.RuleSelectStar, agent.RuleLiteralNotGrounded, agent.RuleJoinWithoutCondition, agent.RuleLimitWithoutOrder, agent.RuleNeedlessAlias}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.run(tc.db, tc.sql); !r.OK() {
				t.Fatalf("the case's SQL must run: %s", r.Error)
			}
			exec := func(ctx context.Context, sql string) *sqlexec.Result {
				return e.exec.Run(ctx, e.dbs[tc.db].target, sql)
			}
			got := agent.CheckRules(context.Background(), tc.sql, tc.question, exec)
			rules := map[string]bool{}
			for _, w := range got {
				rules[w.Rule] = true
				if strings.TrimSpace(w.Message) == "" {
					t.Errorf("warning %s has no message", w.Rule)
				}
			}
			want := map[string]bool{}
			for _, r := range tc.want {
				want[r] = true
			}
			for r := range want {
				if !rules[r] {
					t.Errorf("rule %s did not fire; got %+v", r, got)
				}
			}
			for r := range rules {
				if !want[r] {
					t.Errorf("rule %s fired but should not; got %+v", r, got)
				}
			}
		})
	}
}

func TestCheckRules_WithoutExecChecksLiteralsAgainstTheQuestion(t *testing.T) {
	t.Parallel()
	got := agent.CheckRules(context.Background(), "SELECT name FROM singer WHERE country = 'Germany'", "Singers from France?", nil)
	if len(got) != 1 || got[0].Rule != agent.RuleLiteralNotGrounded || !strings.Contains(got[0].Message, "'Germany'") {
		t.Fatalf("got %+v", got)
	}
	if got := agent.CheckRules(context.Background(), "SELECT name FROM singer WHERE country = 'France'", "Singers from France?", nil); len(got) != 0 {
		t.Fatalf("got %+v", got)
	}
}

func TestCheckRules_UnparsableSQLHasNoWarnings(t *testing.T) {
	t.Parallel()
	for _, sql := range []string{"SELEC name FROM singer", "", "DELETE FROM singer", "SELECT 1; SELECT 2"} {
		if got := agent.CheckRules(context.Background(), sql, "q", nil); len(got) != 0 {
			t.Errorf("%q: got %+v", sql, got)
		}
	}
}
