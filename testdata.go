// Package goldset holds what belongs to the repository as a whole: the sample dataset under
// testdata/sample (a cut of Spider and WikiTableQuestions, with their licenses), embedded so that
// the binary can import it by itself and tests can read it from a clean clone.
package goldset

import (
	"embed"
	"io/fs"
)

//go:embed testdata/sample
var sampleFiles embed.FS

// Sample is the sample dataset: spider/ in Spider's layout and wtq/ in WikiTableQuestions' layout.
func Sample() fs.FS {
	sub, err := fs.Sub(sampleFiles, "testdata/sample")
	if err != nil {
		panic(err) // the directory is embedded above; a failure here is a build defect
	}
	return sub
}
