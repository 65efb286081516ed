// Package goldset holds what belongs to the repository as a whole: the sample dataset under
// testdata/sample (a cut of Spider and WikiTableQuestions, with their licenses), embedded so that
// the binary can import it by itself and tests can read it from a clean clone.
package goldset
