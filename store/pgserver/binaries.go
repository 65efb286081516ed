package pgserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrBinariesNotFound is returned (wrapped, with the places searched) when the PostgreSQL server
// binaries are missing. Its message says how to fix it, because it is what a new user of
// `goldset serve` sees first on a machine without PostgreSQL.
var ErrBinariesNotFound = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: " +
	"install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15) " +
	"or set GOLDSET_DATABASE_URL to use an existing PostgreSQL server")

// FindBinaries returns the directory holding initdb, pg_ctl and postgres. An explicit binDir must
// hold them (a wrong setting is an error, not a reason to pick something else); otherwise it
// looks at pg_ctl on $PATH, /usr/lib/postgresql/<highest>/bin, /usr/local/pgsql/bin and
// Homebrew's postgresql@<highest>.
func FindBinaries(binDir string) (string, error) {
	return findBinaries(binDir, "")
}

// findBinaries prefers the major version an existing data directory was created with, so that a
// machine with several versions installed keeps using the one that can read it.
func findBinaries(binDir, preferMajor string) (string, error) {
	if binDir != "" {
		if hasServerBinaries(binDir) {
			return binDir, nil
		}
		return "", fmt.Errorf("%w (looked in BinDir %s)", ErrBinariesNotFound, binDir)
	}
	var dirs []string
	if preferMajor != "" {
		dirs = append(dirs,
			"/usr/lib/postgresql/"+preferMajor+"/bin",
			"/opt/homebrew/opt/postgresql@"+preferMajor+"/bin",
			"/usr/local/opt/postgresql@"+preferMajor+"/bin")
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real // a symlink farm such as /usr/local/bin need not hold initdb and postgres
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	dirs = append(dirs, versionedDirs("/usr/lib/postgresql/*/bin")...)
	dirs = append(dirs, "/usr/local/pgsql/bin")
	dirs = append(dirs, versionedDirs("/opt/homebrew/opt/postgresql@*/bin")...)
	dirs = append(dirs, versionedDirs("/usr/local/opt/postgresql@*/bin")...)
	for _, d := range dirs {
		if hasServerBinaries(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w (looked in $PATH and %s)", ErrBinariesNotFound, strings.Join(dirs, ", "))
}

// versionedDirs expands a glob with one version wildcard, highest version first.
func versionedDirs(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	star := strings.Index(pattern, "*")
	ver := func(p string) int {
		if star < 0 || star > len(p) {
			return 0
		}
		s := p[star:]
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		n, _ := strconv.Atoi(s[:i])
		return n
	}
	sort.SliceStable(matches, func(i, j int) bool { return ver(matches[i]) > ver(matches[j]) })
	return matches
}

func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// binaryMajor returns the major version of the binaries ("15"), read from `pg_ctl --version`
// ("pg_ctl (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)").
func binaryMajor(binDir string) (string, error) {
	out, err := exec.Command(filepath.Join(binDir, "pg_ctl"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("pgserver: %s/pg_ctl --version: %w", binDir, err)
	}
	s := string(out)
	if i := strings.Index(s, ")"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return "", fmt.Errorf("pgserver: cannot read the version from %q", strings.TrimSpace(string(out)))
	}
	major := s[:end]
	// Before PostgreSQL 10 the major version had two parts ("9.6"), as PG_VERSION has.
	if n, _ := strconv.Atoi(major); n < 10 && end < len(s) && s[end] == '.' {
		rest := s[end+1:]
		j := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if j < 0 {
			j = len(rest)
		}
		major += "." + rest[:j]
	}
	return major, nil
}
