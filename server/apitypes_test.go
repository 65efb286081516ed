package server

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/server/tsgen"
)

var updateTypes = flag.Bool("update-types", false, "rewrite annotator-ui/src/shared/api.gen.ts from the Go types")

// TestAPITypesGenerated: the web UI's API types are what the Go types generate, so they cannot drift.
// `make types` rewrites the file.
func TestAPITypesGenerated(t *testing.T) {
	t.Parallel()
	decls, opt := apiTypes()
	want, err := tsgen.Generate(decls, opt)
	noError(t, err)
	path := filepath.Join("..", "annotator-ui", "src", "shared", "api.gen.ts")
	if *updateTypes {
		noError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	noError(t, err)
	if string(got) != want {
		t.Fatalf("%s is not what the Go types generate: run `make types`; first difference:\n%s", path, firstDiff(string(got), want))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n  file:      " + gl + "\n  generated: " + wl
		}
	}
	return ""
}
