package goldset

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The repository stands alone: its code and comments cite public sources (papers, specifications),
// never the tracker's issues or documents a reader of the repository does not have. Every tracked
// source file is read line by line for such references.
func TestSources_CiteNoIssuesOrUnpublishedDocuments(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("git", "ls-files", "--", "*.go", "*.sql", "*.tmpl", "*.ts", "*.tsx", "*.mjs", "*.css", "Makefile").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	unpublished := regexp.MustCompile(`(?i)\bissues? #?\d+\b|\bseed \d{3}\b|\bseeds/|\b(DESIGN|STYLE|DEVELOPERS)\.md\b`)
	files := strings.Fields(string(out))
	if len(files) < 100 {
		t.Fatalf("only %d source files listed", len(files))
	}
	for _, name := range files {
		if name == "comments_test.go" {
			continue // the pattern above
		}
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			if m := unpublished.FindString(sc.Text()); m != "" {
				t.Errorf("%s:%d cites %q: %s", name, n, m, strings.TrimSpace(sc.Text()))
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f.Close()
	}
}
