package tsgen

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type base struct {
	ID      int64     `json:"id"`
	Created time.Time `json:"created_at"`
}

type inner struct {
	Name string `json:"name"`
}

type sample struct {
	base
	Title    string            `json:"title"`
	Note     string            `json:"note,omitempty"`
	Secret   string            `json:"-"`
	Parent   *int64            `json:"parent"`
	Tags     []string          `json:"tags"`
	Grid     [2]float64        `json:"grid"`
	Counts   map[string]int    `json:"counts"`
	Raw      json.RawMessage   `json:"raw"`
	Any      any               `json:"any"`
	Role     string            `json:"role" tstype:"Role"`
	Inner    inner             `json:"inner"`
	Inners   []*inner          `json:"inners"`
	Anon     struct{ X int }   `json:"anon"`
	Blob     []byte            `json:"blob"`
	Odd      string            `json:"odd-name"`
	NoTag    bool              //nolint: a field without a tag keeps its Go name
	Shadowed map[string]string `json:"id"` // a deeper field of the same name loses to the shallower... here this one is shallower
}

type selfMarshaling struct{ A int }

func (selfMarshaling) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

type shaped struct{ A int }

func (shaped) MarshalJSON() ([]byte, error) { return nil, nil }
func (shaped) JSONShape() any {
	return struct {
		B string `json:"b"`
	}{}
}

// generate is Generate of decls, which must succeed.
func generate(t *testing.T, decls []Decl) string {
	t.Helper()
	got, err := Generate(decls, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// wantDeclared fails t for each of want the generated TypeScript got lacks.
func wantDeclared(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("generated TypeScript lacks\n%s\n--- got:\n%s", w, got)
		}
	}
}

func TestGenerate(t *testing.T) {
	got := generate(t, []Decl{
		{Name: "Role", Enum: []string{"lead", "annotator"}},
		{Name: "Either", TS: "Sample | null", Doc: "A sample or nothing."},
		{Name: "Sample", Value: sample{}, Doc: "What the test declares."},
		{Name: "Shaped", Value: shaped{}},
	})
	wantDeclared(t, got,
		"export type Role = 'lead' | 'annotator';",
		"/** A sample or nothing. */\nexport type Either = Sample | null;",
		"/** What the test declares. */\nexport interface Sample {\n  created_at: string;\n  title: string;\n  note?: string;\n",
		"  parent: number | null;\n  tags: string[] | null;\n  grid: number[];\n  counts: Record<string, number> | null;\n  raw: unknown;\n  any: unknown;\n  role: Role;\n  inner: Inner;\n  inners: (Inner | null)[] | null;\n  anon: {\n    X: number;\n  };\n  blob: string | null;\n  'odd-name': string;\n  NoTag: boolean;\n  id: Record<string, string> | null;\n}",
		"export interface Shaped {\n  b: string;\n}",
		"export interface Inner {\n  name: string;\n}",
	)
	if strings.Contains(got, "Secret") || strings.Contains(got, "secret") {
		t.Error(`a json:"-" field was declared`)
	}
}

func TestGenerateRefusesWhatItCannotSee(t *testing.T) {
	type holder struct {
		V selfMarshaling `json:"v"`
	}
	for name, decls := range map[string][]Decl{
		"a field that marshals itself": {{Name: "H", Value: holder{}}},
		"a type that marshals itself":  {{Name: "S", Value: selfMarshaling{}}},
		"not a struct":                 {{Name: "N", Value: 3}},
		"a name given twice":           {{Name: "Inner", Value: inner{}}, {Name: "Inner", Value: base{}}},
		"an enum named twice":          {{Name: "R", Enum: []string{"a"}}, {Name: "R", Enum: []string{"b"}}},
	} {
		if _, err := Generate(decls, Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	type holder2 struct {
		V selfMarshaling `json:"v"`
	}
	got, err := Generate([]Decl{{Name: "H", Value: holder2{}}}, Options{Override: map[reflect.Type]string{reflect.TypeFor[selfMarshaling](): "string"}})
	if err != nil || !strings.Contains(got, "  v: string;") {
		t.Errorf("override: %v\n%s", err, got)
	}
}

type authored struct {
	inner
	Author string `json:"author"`
}

type shadowing struct {
	inner
	Name int `json:"name"` // encoding/json drops the embedded name
}

type twice struct {
	inner
	base
	Extra bool `json:"extra"`
}

type onlyEmbeds struct{ inner }

func TestGenerateExtendsAnEmbeddedDeclaration(t *testing.T) {
	got := generate(t, []Decl{
		{Name: "Inner", Value: inner{}}, {Name: "Base", Value: base{}},
		{Name: "Authored", Value: authored{}}, {Name: "Shadowing", Value: shadowing{}}, {Name: "Twice", Value: twice{}},
		{Name: "OnlyEmbeds", Value: onlyEmbeds{}},
	})
	wantDeclared(t, got,
		"export interface Authored extends Inner {\n  author: string;\n}",
		// Shadowed, embedded twice, or nothing of its own: the members are written out.
		"export interface Shadowing {\n  name: number;\n}",
		"export interface Twice {\n  name: string;\n  id: number;\n  created_at: string;\n  extra: boolean;\n}",
		"export interface OnlyEmbeds {\n  name: string;\n}",
	)
}
