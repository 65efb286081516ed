package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/goldset/goldset/store/storetest"
)

// cli runs goldset's commands in a test against the test's own database, as an operator would with
// --database-url on every command.
type cli struct {
	t   *testing.T
	url string // the test's own database, migrated
}

// newCLI marks the test parallel and gives it its own database.
func newCLI(t *testing.T) *cli {
	t.Helper()
	t.Parallel()
	return newSerialCLI(t)
}

// newSerialCLI is newCLI for a test that must not run beside others: one that sets the environment
// (t.Setenv refuses a parallel test), kills a child or measures memory.
func newSerialCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, url: storetest.URL(t)}
}

// run runs goldset with args against the test's database and returns what it printed.
func (c *cli) run(args ...string) (string, error) {
	c.t.Helper()
	return runCLI(c.t, c.onDatabase(args)...)
}

// must runs goldset with args against the test's database and fails the test if the command fails.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	return mustCLI(c.t, c.onDatabase(args)...)
}

// onDatabase is args with --database-url last: flags may follow positional arguments (parseArgs).
func (c *cli) onDatabase(args []string) []string {
	return append(append([]string(nil), args...), "--database-url", c.url)
}

// runCLI runs goldset with args as they are, for the tests of how the database is found, and of the
// commands that need none.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("goldset %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// wantAll fails the test for each of wants that out, the output of what, lacks.
func wantAll(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}
