package augment

import (
	"encoding/json"
	"testing"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/store"
)

func TestReplyJSON_StripsFencesAndProse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reply string
		ok          bool
	}{
		{"plain", `{"question": "q"}`, true},
		{"fenced", "```json\n{\"question\": \"q\"}\n```", true},
		{"fenced without a tag", "```\n{\"question\": \"q\"}\n```", true},
		{"prose around", "Sure! Here it is: {\"question\": \"q\"} Hope it helps.", true},
		{"truncated", `{"question": "q`, false},
		{"not JSON", "What about the singers?", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v struct{ Question string }
			err := replyJSON(c.reply, &v)
			if (err == nil) != c.ok || (c.ok && v.Question != "q") {
				t.Fatalf("replyJSON(%q) = %+v, %v", c.reply, v, err)
			}
		})
	}
}

func TestCheckQuestion_DropsByReason(t *testing.T) {
	t.Parallel()
	tables := []store.DBTable{{Name: "singer", Columns: json.RawMessage(`[{"name":"song_name"},{"name":"country","original":"Country"}]`)},
		{Name: "stadium_capacity"}}
	o := filterOptions{MaxLength: 80, Schema: schemaWords(tables), Input: "How many singers do we have?", Related: "How many singers do we have?", English: true}
	cases := []struct{ q, want string }{
		{"Which countries have more than two singers?", ""},
		{"List the song names of French performers.", ""}, // "song"
		{"What are the stadium capacities?", ""},          // plural of a word of a table's name
		{"  ", DropEmpty},
		{"I'm sorry, I can't help with that.", DropRefusal},
		{"As an AI language model, I cannot browse databases.", DropRefusal},
		{"I’m unable to answer.", DropRefusal},
		{"How many singers do we have?", DropDuplicate},
		{"how many SINGERS do we have", DropDuplicate},
		{"¿Cuántos cantantes son de Francia y cuál es la edad media de los cantantes?", DropWrongLanguage},
		{"Combien de chanteurs sont de France et quel est leur âge moyen?", DropWrongLanguage},
		{"Сколько певцов из Франции?", DropWrongLanguage},
		{"What is the capital of Peru?", DropOffSchema},
		{"Which of these singers are older than all the others in the list given before this one?", DropTooLong},
	}
	for _, c := range cases {
		if got := checkQuestion(c.q, o); got != c.want {
			t.Errorf("checkQuestion(%q) = %q, want %q", c.q, got, c.want)
		}
	}
	// A non-English reference: another language is expected, not dropped.
	if englishReference("¿Cuántos cantantes tenemos?") {
		t.Error("a Spanish reference taken for English")
	}
}

func TestQuestionIndex_AdmitsEachTextOnceButNotAgainstItsOwnRetry(t *testing.T) {
	t.Parallel()
	ix := &questionIndex{owner: map[string]string{"how many singers do we have": ""}}
	v := func(s string) []float32 { return metrics.LexicalEmbed(s) }
	ix.set(1).vecs, ix.set(1).owners = [][]float32{v("How many singers do we have?")}, []string{""}
	if r, _ := ix.admit("1:a:0", 1, "How many singers do we have!", v("How many singers do we have!"), 0.97); r != DropDuplicate {
		t.Fatalf("exact duplicate: %q", r)
	}
	if r, cos := ix.admit("1:a:0", 1, "How many singers do we have here?", v("How many singers do we have here?"), 0.8); r != DropNearDuplicate {
		t.Fatalf("near duplicate: %q (%.3f)", r, cos)
	}
	q := "Which stadiums hosted a concert in 2014?"
	if r, _ := ix.admit("1:b:0", 1, q, v(q), 0.97); r != "" {
		t.Fatalf("a new question: %q", r)
	}
	if r, _ := ix.admit("1:b:0", 1, q, v(q), 0.97); r != "" {
		t.Fatalf("the same output admitted again by a retry of its item: %q", r)
	}
	if r, _ := ix.admit("1:c:0", 1, q, v(q), 0.97); r != DropDuplicate {
		t.Fatalf("the same question from another item: %q", r)
	}
	// Near-duplicates are looked for among the questions about the same database only.
	q2 := "How many singers do we have there?"
	if r, _ := ix.admit("1:d:0", 2, q2, v(q2), 0.8); r != "" {
		t.Fatalf("a question about another database: %q", r)
	}
}

func TestCleanTableName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Olympic Medal Table": "olympic_medal_table", "2004 results": "t_2004_results", "--": "", "album-releases ": "album_releases"} {
		if got := cleanTableName(in); got != want {
			t.Errorf("cleanTableName(%q) = %q, want %q", in, got, want)
		}
	}
}
