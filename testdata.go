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
