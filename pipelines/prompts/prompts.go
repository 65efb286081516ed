package prompts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Prompt is one versioned prompt template.
type Prompt struct {
	tmpl *template.Template
	// Version is the file's name and the start of its digest.
	Version string
}

// Load parses the template file name.tmpl; it panics when the file is missing or does not parse,
// which the package's tests rule out for every file.
func Load(name string) Prompt {
	b := Text(name)
	sum := sha256.Sum256([]byte(b))
	return Prompt{tmpl: template.Must(template.New(name).Parse(b)), Version: name + "-" + hex.EncodeToString(sum[:4])}
}

// Render executes the template with data, trimmed of surrounding space.
func (p Prompt) Render(data any) (string, error) {
	var b bytes.Buffer
	if err := p.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompt %s: %w", p.Version, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Template parses name.tmpl with funcs, for a prompt whose template needs functions.
func Template(name string, funcs template.FuncMap) *template.Template {
	return template.Must(template.New(name+".tmpl").Funcs(funcs).ParseFS(files, name+".tmpl"))
}

// Text is the raw text of name.tmpl.
func Text(name string) string {
	b, err := fs.ReadFile(files, name+".tmpl")
	if err != nil {
		panic(err)
	}
	return string(b)
}
