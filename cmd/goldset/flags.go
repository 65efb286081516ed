package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// parseArgs parses flags that may come before, between or after positional arguments
// ("goldset user create bob@example.com --admin"), and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseArgsFitting parses args like parseArgs and returns the positional ones when fit accepts them;
// otherwise it prints the usage and returns a usage error that says wrong.
func parseArgsFitting(fs *flag.FlagSet, args []string, fit func(pos []string) bool, wrong string) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if !fit(pos) {
		return nil, usageErrorf(fs, "%s", wrong)
	}
	return pos, nil
}

// noArgs fits a command that takes no positional arguments.
func noArgs(pos []string) bool { return len(pos) == 0 }

// oneWordOf fits a command that takes one positional argument, one of words.
func oneWordOf(words ...string) func(pos []string) bool {
	return func(pos []string) bool { return len(pos) == 1 && slices.Contains(words, pos[0]) }
}

func newFlagSet(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("goldset "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: goldset %s\n\n%s\n\nOptions:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseOptions parses the args of a command that takes options only; what says what it takes
// instead ("no positional arguments").
func parseOptions(fs *flag.FlagSet, args []string, what string) error {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	return needArgs(pos, 0, what)
}

// usageErrorf prints the command's usage and says what was wrong with how it was called.
func usageErrorf(fs *flag.FlagSet, format string, a ...any) error {
	fs.Usage()
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

func needArgs(pos []string, n int, what string) error {
	if len(pos) != n {
		return fmt.Errorf("%w: expected %s, got %q", errUsage, what, strings.Join(pos, " "))
	}
	return nil
}

// projectFlags are --project and --database, for the commands that work in a project and, for some,
// one of its databases.
type projectFlags struct{ project, database *string }

// newProjectFlags defines them; databaseHelp says what --database is in this command.
func newProjectFlags(fs *flag.FlagSet, databaseHelp string) projectFlags {
	return projectFlags{project: fs.String("project", "", "project name or number"), database: fs.String("database", "", databaseHelp)}
}

// needBoth is the usage error of a command that works in one database and was not told both names.
func (f projectFlags) needBoth() error {
	if *f.project == "" || *f.database == "" {
		return fmt.Errorf("%w: --project and --database are required", errUsage)
	}
	return nil
}
