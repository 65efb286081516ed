package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the web UI and API (starts the embedded PostgreSQL unless --database-url is set)", runServe},
		{"worker", "work on pipeline runs without the UI, on more machines against the same database", runWorker},
		{"migrate", "apply or list database migrations: migrate up | migrate status", runMigrate},
		{"user", "manage accounts: user create|list|set-password|token create|token revoke", runUser},
		{"import", "import target databases and questions: import csv|sqlite|spider|bird|wtq|questions", runImport},
		{"sample", "import the sample dataset (Spider and WikiTableQuestions) into a project to try the product", runSample},
		{"sql", "run SQL through the sandbox, or compare two queries by execution: sql run|compare", runSQL},
		{"agent", "ask the SQL agent one question: agent ask; schema retrieval quality: agent recall", runAgent},
		{"run", "run a batch and follow it: run agent|augment|generate|describe-tables", runBatch},
		{"snapshot", "cut, list, show and compare golden snapshots: snapshot create|list|show|compare|accept-imported --project P", runSnapshot},
		{"export", "export a golden snapshot as openai, trl, alpaca, eval_csv, eval_jsonl, spider or bird (zips): export --project P --snapshot ID --format F", runExport},
		{"metrics", "compute a project's diversity and complexity metrics per stage: metrics --project P", runMetrics},
		{"eval", "evaluate a model on a snapshot split by execution match: eval --project P --snapshot ID | eval resume", runEval},
		{"optimize", "optimize the text-to-SQL prompt on a snapshot: optimize --project P --snapshot ID --method opro|apo | optimize resume", runOptimize},
		{"prompts", "list, show or save versions of the project's prompt template: prompts --project P [--show V] [--save FILE]", runPrompts},
		{"llm", "test the language-model endpoint: llm test", runLLM},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "goldset:", err)
		}
		stop()
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, out io.Writer) error {
	args, err := settingsAfterCommand(args)
	if err != nil {
		usage(os.Stderr)
		return err
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(out)
		if len(args) == 0 {
			return fmt.Errorf("%w: name a command", errUsage)
		}
		return nil
	}
	for _, c := range commands() {
		if c.Name == args[0] {
			return c.Run(ctx, args[1:], out)
		}
	}
	usage(os.Stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

// settingsAfterCommand moves settings given before the command to after it, as git and kubectl
// accept them anywhere: "goldset --data-dir D import csv x.csv" is "goldset import --data-dir D csv
// x.csv". Every setting takes a value, as "--name value" or "--name=value".
func settingsAfterCommand(args []string) ([]string, error) {
	var lead []string
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && len(args[i]) > 1; i++ {
		name, _, inline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if name == "h" || name == "help" {
			return args, nil
		}
		if _, ok := options[name]; !ok {
			return nil, fmt.Errorf("%w: unknown setting %s before the command (settings are listed below)", errUsage, args[i])
		}
		lead = append(lead, args[i])
		if !inline {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%w: setting %s needs a value", errUsage, args[i])
			}
			i++
			lead = append(lead, args[i])
		}
	}
	if len(lead) == 0 {
		return args, nil
	}
	if i >= len(args) {
		return nil, fmt.Errorf("%w: name a command after the settings", errUsage)
	}
	return append(append([]string{args[i]}, lead...), args[i+1:]...), nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "goldset %s: build golden Text2SQL datasets with people and an AI agent.\n\nUsage: goldset COMMAND [options]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nSettings (flag, environment variable, default):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, n := range sortedKeys(options) {
		o := options[n]
		def := o.Default
		if def == "" {
			def = "-"
		}
		extra := ""
		if o.Secret {
			extra = " (or " + o.Env + "_FILE)"
		}
		fmt.Fprintf(tw, "  --%s\t%s\t%s\t%s%s\n", n, o.Env, def, o.Usage, extra)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nSettings may come before or after the command; each command takes the ones it uses.\nRun 'goldset COMMAND --help' for a command's options.\n")
}

// dbOptions are the options every command that touches the database takes.
var dbOptions = []string{"data-dir", "database-url", "admin-database-url", "pg-bin", "log-level", "log-format"}

// sqlOptions are the sandbox limits, for every command that runs target SQL.
var sqlOptions = []string{"sql-timeout", "sql-max-rows", "sql-concurrency"}

// runOptions are the options of every command that works on pipeline runs in its own process.
var runOptions = slices.Concat(dbOptions, sqlOptions, []string{"workers"})

// uploadOptions are the import limits, for every command that imports files.
var uploadOptions = []string{"upload-max", "upload-max-file", "upload-max-unzipped"}

func runVersion(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("version [--json]", "Print the version.")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	return printOutcome(out, *asJSON, map[string]string{"version": version}, "goldset %s\n", version)
}

// sortedKeys are m's keys in order, for output that does not change from run to run.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
