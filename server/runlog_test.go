package server

import (
	"fmt"
	"strings"
	"testing"
)

func TestRunEvents_AFinishedRunReplaysItsWholeLogBeforeDone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	run := e.batch(t, true) // cancelled: finished
	if _, err := e.store.Pool().Exec(e.ctx, `INSERT INTO pipeline_events (run_id, level, message)
		SELECT $1, 'error', 'item ' || g || ': the model gave no answer' FROM generate_series(1, 1234) g`, run); err != nil {
		t.Fatal(err)
	}
	want := e.count(t, `SELECT count(*) FROM pipeline_events WHERE run_id = $1`, run)
	rec := e.do(scenario{Method: "GET", URL: fmt.Sprintf("/api/v1/projects/%d/runs/%d/events", e.project.ID, run), As: "lead"})
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	if got := strings.Count(body, "event: log\n"); got != want {
		t.Fatalf("%d log lines streamed, want all %d", got, want)
	}
	if !strings.Contains(body, "item 1234: the model gave no answer") {
		t.Fatal("the last line is missing")
	}
	if i, j := strings.LastIndex(body, "event: log\n"), strings.Index(body, "event: done\n"); j < i {
		t.Fatalf("done (at %d) before the last log line (at %d)", j, i)
	}
}
