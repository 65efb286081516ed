package prompts

import (
	"io/fs"
	"strings"
	"testing"
)

func TestLoad_EveryFileParsesWithAVersion(t *testing.T) {
	names, err := fs.Glob(files, "*.tmpl")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(n, ".tmpl")
		if name == "guideline_proposal" {
			continue // needs its functions: see Template
		}
		if p := Load(name); !strings.HasPrefix(p.Version, name+"-") || len(p.Version) != len(name)+9 {
			t.Errorf("%s: version %q", name, p.Version)
		}
	}
}

func TestFill_OnePassAndCheckTemplate(t *testing.T) {
	if got := Fill("{dialect}|{schema}|{query_str}", "PostgreSQL", "S {query_str}", "Q"); got != "PostgreSQL|S {query_str}|Q" {
		t.Errorf("Fill: %q", got)
	}
	if CheckTemplate(BuiltinTemplate) != "" || CheckTemplate("no slots") == "" || CheckTemplate(" ") == "" {
		t.Error("CheckTemplate")
	}
}
