package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/sqlexec"
)

// option is one setting: a flag, its GOLDSET_* environment variable, a default and a validator.
// Secret options may also come from a file named by <ENV>_FILE, so they need not sit in the environment.
type option struct {
	Name     string
	Env      string
	Default  string
	Usage    string
	Secret   bool
	Validate func(string) error
}

// options is every setting Goldset reads; each subcommand takes the ones it lists.
var options = map[string]option{
	"addr": {Name: "addr", Env: "GOLDSET_ADDR", Default: ":8080", Usage: "address the web UI and API listen on"},
	"data-dir": {Name: "data-dir", Env: "GOLDSET_DATA_DIR", Default: "./.goldset",
		Usage: "where Goldset keeps its data, including the embedded PostgreSQL cluster"},
	"database-url": {Name: "database-url", Env: "GOLDSET_DATABASE_URL", Secret: true,
		Usage: "PostgreSQL URL to use instead of the embedded cluster (postgres://user:pass@host:5432/db)"},
	"admin-database-url": {Name: "admin-database-url", Env: "GOLDSET_ADMIN_DATABASE_URL", Secret: true,
		Usage: "with --database-url: a superuser URL of the same database, used only at start to migrate and to hand the database to --database-url's role (created when missing, with its password)"},
	"pg-bin": {Name: "pg-bin", Env: "GOLDSET_PG_BIN",
		Usage: "directory with the PostgreSQL server binaries (initdb, pg_ctl); found automatically when empty"},
	"log-level": {Name: "log-level", Env: "GOLDSET_LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error",
		Validate: oneOf("debug", "info", "warn", "error")},
	"log-format": {Name: "log-format", Env: "GOLDSET_LOG_FORMAT", Default: "text", Usage: "text or json",
		Validate: oneOf("text", "json")},
	"cookie-secure": {Name: "cookie-secure", Env: "GOLDSET_COOKIE_SECURE", Default: "auto",
		Usage: "mark cookies Secure: auto (on HTTPS and localhost), always or never", Validate: oneOf("auto", "always", "never")},
	"sql-timeout": {Name: "sql-timeout", Env: "GOLDSET_SQL_TIMEOUT", Default: "10s",
		Usage: "how long one query on a target database may run", Validate: durationAtLeast(100 * time.Millisecond)},
	"sql-max-rows": {Name: "sql-max-rows", Env: "GOLDSET_SQL_MAX_ROWS", Default: "1000",
		Usage: "rows a query returns at most (more are reported as truncated)", Validate: intBetween(1, 1_000_000)},
	"sql-concurrency": {Name: "sql-concurrency", Env: "GOLDSET_SQL_CONCURRENCY", Default: "8",
		Usage: "target-database queries running at once (the sandbox's own connection pool)", Validate: intBetween(1, 256)},
	"workers": {Name: "workers", Env: "GOLDSET_WORKERS", Default: "64",
		Usage: "pipeline items this process works on at once; 0 on serve leaves them to 'goldset worker' processes", Validate: intBetween(0, 1024)},
	"upload-max": {Name: "upload-max", Env: "GOLDSET_UPLOAD_MAX", Default: "512MiB",
		Usage: "largest import upload, all its files as sent (e.g. 512MiB, 2GiB)", Validate: sizeAtLeast(1 << 10)},
	"upload-max-file": {Name: "upload-max-file", Env: "GOLDSET_UPLOAD_MAX_FILE", Default: "1GiB",
		Usage: "largest file an import reads: an uploaded file or a zip entry expanded (tables are read into memory)", Validate: sizeAtLeast(1 << 10)},
	"upload-max-unzipped": {Name: "upload-max-unzipped", Env: "GOLDSET_UPLOAD_MAX_UNZIPPED", Default: "2GiB",
		Usage: "most a zip given to an import may expand to in all", Validate: sizeAtLeast(1 << 10)},
	"admin-email": {Name: "admin-email", Env: "GOLDSET_ADMIN_EMAIL", Default: "admin@goldset.local",
		Usage: "email of the first admin, created when there is no account yet"},
	"admin-password": {Name: "admin-password", Env: "GOLDSET_ADMIN_PASSWORD", Secret: true,
		Usage: "password of the first admin; a random one is printed once when empty"},
}

func oneOf(values ...string) func(string) error {
	return func(v string) error {
		for _, ok := range values {
			if v == ok {
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(values, ", "))
	}
}

func durationAtLeast(least time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < least {
			return fmt.Errorf("must be a duration of at least %s, like 10s", least)
		}
		return nil
	}
}

func intBetween(lo, hi int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

// parseSize reads a byte count: a whole number, optionally followed by KiB, MiB or GiB.
func parseSize(v string) (int64, error) {
	v = strings.TrimSpace(v)
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(v, suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, suffix)), m
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("must be a size like 512MiB, 2GiB or a number of bytes")
	}
	return n * mult, nil
}

func sizeAtLeast(least int64) func(string) error {
	return func(v string) error {
		n, err := parseSize(v)
		if err != nil {
			return err
		}
		if n < least {
			return fmt.Errorf("must be at least %d bytes", least)
		}
		return nil
	}
}

// uploadLimits are the import limits from the upload-* options; commands that do not take them
// get the defaults.
func (c *config) uploadLimits() upload.Limits {
	size := func(name string) int64 {
		n, _ := parseSize(c.getOr(name, options[name].Default))
		return n
	}
	return upload.Limits{Upload: size("upload-max"), File: size("upload-max-file"), Unzipped: size("upload-max-unzipped")}
}

// execOptions are the sandbox limits from the sql-* options (already validated).
func (c *config) execOptions() sqlexec.ExecOptions {
	timeout, _ := time.ParseDuration(c.get("sql-timeout"))
	rows, _ := strconv.Atoi(c.get("sql-max-rows"))
	conc, _ := strconv.Atoi(c.get("sql-concurrency"))
	return sqlexec.ExecOptions{Timeout: timeout, MaxRows: rows, MaxConcurrent: conc}
}

// config holds resolved values: flag, else environment (or <ENV>_FILE), else default.
type config struct {
	values map[string]*string
	set    map[string]bool
	fs     *flag.FlagSet
}

func newConfig(fs *flag.FlagSet, names ...string) *config {
	c := &config{values: map[string]*string{}, set: map[string]bool{}, fs: fs}
	for _, n := range names {
		o, ok := options[n]
		if !ok {
			panic("unknown option " + n)
		}
		c.values[n] = fs.String(n, o.Default, fmt.Sprintf("%s (env %s)", o.Usage, o.Env))
	}
	return c
}

// resolve applies the environment to options not given as flags, then validates every value.
func (c *config) resolve() error {
	c.fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	for _, n := range sortedKeys(c.values) {
		o := options[n]
		if !c.set[n] {
			if v, ok := os.LookupEnv(o.Env); ok {
				*c.values[n] = v
			} else if path, ok := os.LookupEnv(o.Env + "_FILE"); ok && o.Secret {
				b, err := os.ReadFile(path)
				if err != nil {
					return fmt.Errorf("%s_FILE: %w", o.Env, err)
				}
				*c.values[n] = strings.TrimSpace(string(b))
			}
		}
		if o.Validate != nil {
			if err := o.Validate(*c.values[n]); err != nil {
				return fmt.Errorf("--%s (%s): %w", n, o.Env, err)
			}
		}
	}
	return nil
}

func (c *config) get(name string) string {
	v, ok := c.values[name]
	if !ok {
		panic("option not registered: " + name)
	}
	return *v
}

func (c *config) logger() *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.getOr("log-level", "info"))) // resolve checked it is one of the four
	opts := &slog.HandlerOptions{Level: level}
	if c.getOr("log-format", "text") == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// toolLogger is the logger of one-shot commands: warnings and errors only, unless a level was asked
// for, so their output stays what the user asked to see.
func (c *config) toolLogger() *slog.Logger {
	if _, fromEnv := os.LookupEnv(options["log-level"].Env); !c.set["log-level"] && !fromEnv {
		*c.values["log-level"] = "warn"
	}
	return c.logger()
}

func (c *config) getOr(name, def string) string {
	if v, ok := c.values[name]; ok {
		return *v
	}
	return def
}
