package store

import "testing"

func TestRunOutcome_SaysWhatHappened(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		run        PipelineRun
		tone, text string
	}{
		{PipelineRun{Status: RunSucceeded, Total: 5, Done: 5, Succeeded: 5, Dropped: map[string]int{"invalid_json": 5}}, "bad",
			"0 kept: all 5 dropped (5: the model did not answer in the JSON asked for)"},
		{PipelineRun{Status: RunSucceeded, Total: 5, Kept: 4, Dropped: map[string]int{"duplicate": 1}}, "good", "4 kept, 1 dropped (1: a question the project already has)"},
		{PipelineRun{Status: RunSucceeded, Total: 5, Kept: 1, Dropped: map[string]int{"refusal": 2, "off_schema": 3}}, "warn",
			"1 kept, 5 dropped (3: not about the database's tables; 2: the model refused)"},
		{PipelineRun{Status: RunSucceeded, Total: 3, Succeeded: 2, Failed: 1}, "warn", "2 of 3 items succeeded, 1 failed"},
		{PipelineRun{Status: RunFailed, Error: "no language model is configured"}, "bad", "failed: no language model is configured"},
		{PipelineRun{Status: RunRunning, Total: 4, Done: 1}, "neutral", "1 of 4 done"},
	} {
		if o := c.run.Outcome(); o.Tone != c.tone || o.Text != c.text {
			t.Errorf("%+v: %+v, want %s %q", c.run, o, c.tone, c.text)
		}
	}
}
