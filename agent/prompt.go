package agent

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/sashabaranov/go-openai"
)

// PromptVersion names the agent's prompt set (system prompt, tool descriptions and loop messages).
// Bump it whenever their meaning changes; it is stored with every run. PromptDigest tells apart
// edits that forgot to.
const PromptVersion = "agent-system-v5"

// The tools, in the order they are offered.
const (
	ToolExploreDB       = "explore_db"
	ToolRunSQLQuery     = "run_sql_query"
	ToolScratchpad      = "scratchpad"
	ToolGiveFinalAnswer = "give_final_answer"
)

var toolNames = []string{ToolExploreDB, ToolRunSQLQuery, ToolScratchpad, ToolGiveFinalAnswer}

//go:embed prompts
var promptFS embed.FS

var funcs = template.FuncMap{"join": strings.Join}

var (
	systemTmpl   = template.Must(template.New("system.tmpl").Funcs(funcs).ParseFS(promptFS, "prompts/system.tmpl"))
	messagesTmpl = template.Must(template.New("messages.tmpl").Funcs(funcs).ParseFS(promptFS, "prompts/messages.tmpl"))
	tools        = loadTools()
	// PromptDigest is a short hash of every embedded prompt file.
	PromptDigest = digestPrompts()
)

// toolSpec is one tool: what the model sees and the schema its arguments are validated against.
type toolSpec struct {
	def    openai.Tool
	schema *jsonSchema
}

func loadTools() map[string]*toolSpec {
	out := map[string]*toolSpec{}
	for _, name := range toolNames {
		desc, err := promptFS.ReadFile("prompts/tools/" + name + ".md")
		if err != nil {
			panic(fmt.Sprintf("agent: tool %s: %v", name, err))
		}
		raw, err := promptFS.ReadFile("prompts/tools/" + name + ".schema.json")
		if err != nil {
			panic(fmt.Sprintf("agent: tool %s: %v", name, err))
		}
		var s jsonSchema
		if err := json.Unmarshal(raw, &s); err != nil {
			panic(fmt.Sprintf("agent: tool %s: schema: %v", name, err))
		}
		out[name] = &toolSpec{
			schema: &s,
			def: openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
				Name: name, Description: strings.TrimSpace(string(desc)), Parameters: json.RawMessage(raw),
			}},
		}
	}
	return out
}

// toolDefs are the tools offered to the model, in order.
func toolDefs() []openai.Tool {
	out := make([]openai.Tool, 0, len(toolNames))
	for _, n := range toolNames {
		out = append(out, tools[n].def)
	}
	return out
}

func digestPrompts() string {
	h := sha256.New()
	_ = fs.WalkDir(promptFS, "prompts", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := promptFS.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// userMessage is the question as the model reads it: its text, and its evidence when it has one.
func (q Question) userMessage() string {
	if q.Evidence == "" {
		return q.Text
	}
	return message("question", q)
}

// message renders one of the loop's messages (prompts/messages.tmpl).
func message(name string, data any) string {
	var b bytes.Buffer
	if err := messagesTmpl.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are embedded and covered by tests; this is a programming error.
		panic(fmt.Sprintf("agent: message %s: %v", name, err))
	}
	return b.String()
}

// systemData fills prompts/system.tmpl.
type systemData struct {
	Database         string
	MaxSteps         int
	Guideline        string
	GuidelineVersion int
	// Instructions is the project's text-to-SQL prompt template, filled in, when one was saved.
	Instructions        string
	InstructionsVersion int
	TotalTables         int
	Tables              []promptTable
	Omitted             []string // the tables not described, when the list is short enough to show
	OmittedCount        int
	Scoped              bool // the tables are the question's own and the agent keeps to them
	Notes               []string
}

type promptTable struct {
	DDL           string
	SampleCaption string
	Sample        string
}

func renderSystem(d systemData) (string, error) {
	var b bytes.Buffer
	if err := systemTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("agent: system prompt: %w", err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}

// jsonSchema is the subset of JSON Schema the tools' parameters use: objects of strings with
// enums, lengths, required properties and no extra properties.
type jsonSchema struct {
	Type                 string                 `json:"type"`
	Properties           map[string]*jsonSchema `json:"properties"`
	Required             []string               `json:"required"`
	AdditionalProperties *bool                  `json:"additionalProperties"`
	Enum                 []string               `json:"enum"`
	MinLength            *int                   `json:"minLength"`
	MaxLength            *int                   `json:"maxLength"`
}

// validate checks raw against the schema and returns the arguments as a map of strings. The error
// says what is wrong in words the model can act on.
func (s *jsonSchema) validate(raw string) (map[string]string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = "{}"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return nil, fmt.Errorf("they are not a JSON object (%v)", err)
	}
	out := map[string]string{}
	var names []string
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p := s.Properties[k]
		if p == nil {
			if s.AdditionalProperties != nil && !*s.AdditionalProperties {
				return nil, fmt.Errorf("unknown property %q (allowed: %s)", k, strings.Join(s.propertyNames(), ", "))
			}
			continue
		}
		if string(obj[k]) == "null" {
			continue // an absent optional value, as some models send it
		}
		var v string
		if err := json.Unmarshal(obj[k], &v); err != nil {
			return nil, fmt.Errorf("property %q must be a string", k)
		}
		if len(p.Enum) > 0 && !contains(p.Enum, v) {
			return nil, fmt.Errorf("property %q must be one of %s, not %q", k, strings.Join(p.Enum, ", "), v)
		}
		if p.MinLength != nil && utf8.RuneCountInString(strings.TrimSpace(v)) < *p.MinLength {
			return nil, fmt.Errorf("property %q must not be empty", k)
		}
		if p.MaxLength != nil && utf8.RuneCountInString(v) > *p.MaxLength {
			return nil, fmt.Errorf("property %q must be at most %d characters", k, *p.MaxLength)
		}
		out[k] = v
	}
	for _, r := range s.Required {
		if _, ok := out[r]; !ok {
			return nil, fmt.Errorf("property %q is required", r)
		}
	}
	return out, nil
}

func (s *jsonSchema) propertyNames() []string {
	var out []string
	for k := range s.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
