package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest/upload/uploadtest"
)

func TestCLI_ImportRefusesWideTablesAndNULQuestionsClearly(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString("last\n")
	b.WriteString(strings.Repeat("1,", 5000) + "1\n")
	wide := filepath.Join(dir, "wide.csv")
	os.WriteFile(wide, []byte(b.String()), 0o644)
	if _, err := c.run("import", "csv", wide, "--project", "p"); err == nil ||
		!strings.Contains(err.Error(), "wide.csv has 5001 columns: PostgreSQL allows at most 1600 in a table") {
		t.Errorf("wide csv: %v", err)
	}
	ok := filepath.Join(dir, "ok.csv")
	os.WriteFile(ok, []byte("a\n1\n"), 0o644)
	c.must("import", "csv", ok, "--project", "p")
	qs := filepath.Join(dir, "qs.csv")
	os.WriteFile(qs, []byte("question,sql,db\nfine?,SELECT 1,ok\nnot\x00 fine?,SELECT 1,ok\n"), 0o644)
	if _, err := c.run("import", "questions", qs, "--project", "p"); err == nil ||
		!strings.Contains(err.Error(), "qs.csv: line 3, column 1 (question): contains a NUL byte") {
		t.Errorf("NUL question: %v", err)
	}
	if out := c.must("sql", "run", "--project", "p", "--database", "ok", "SELECT 1"); out == "" {
		t.Error("no output")
	}
}

// The bombs run in a child process (this test binary running only TestCLI_ImportZipBombChild) so
// that its peak memory (VmHWM) is the import's own.
func TestCLI_ImportZipBombIsRefusedInLittleMemory(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLI_ImportZipBombChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GOLDSET_BOMB_CHILD=1")
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	peak := int64(-1)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), "peak memory (VmHWM) kB: "); ok {
			peak, _ = strconv.ParseInt(strings.TrimSpace(after), 10, 64)
		}
	}
	if peak < 0 {
		t.Fatal("the child did not report its peak memory")
	}
	if peak > 300<<10 {
		t.Fatalf("peak memory %d MiB during the refused bombs; want under 300 MiB", peak>>10)
	}
}

func TestCLI_ImportZipBombChild(t *testing.T) {
	if os.Getenv("GOLDSET_BOMB_CHILD") != "1" {
		t.Skip("run by TestCLI_ImportZipBombIsRefusedInLittleMemory")
	}
	c := newSerialCLI(t)
	dir := t.TempDir()
	rows := []byte("1,2,3,4\n")
	bombs := map[string]struct {
		zip  []byte
		want string
	}{
		"bomb.zip": {uploadtest.Zip(t, uploadtest.Entry{Name: "big.csv", Size: 3 << 30, Pattern: rows}),
			"bomb.zip: big.csv expands to more than the 1 GiB limit for one file"},
		"liar.zip": {uploadtest.Zip(t, uploadtest.Entry{Name: "small.csv", Size: 1536 << 20, Pattern: rows, Declared: 1 << 10}),
			"liar.zip: small.csv expands past the size its header declares (1 KiB)"},
		"many.zip": {uploadtest.Zip(t, uploadtest.Entry{Name: "a.csv", Size: 1000 << 20, Pattern: rows}, uploadtest.Entry{Name: "b.csv", Size: 1000 << 20, Pattern: rows},
			uploadtest.Entry{Name: "c.csv", Size: 1000 << 20, Pattern: rows}),
			"many.zip expands to more than the 2 GiB limit for one archive"},
	}
	for name, b := range bombs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.zip, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := c.run("import", "csv", p, "--project", "bombs")
		if err == nil || !strings.Contains(err.Error(), b.want) || strings.Contains(err.Error(), os.TempDir()) {
			t.Errorf("%s: %v; want an error saying %q", name, err, b.want)
		}
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			t.Logf("peak memory (VmHWM) kB: %s", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}
