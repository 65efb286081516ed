package pgserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the cluster's superuser role, created by initdb.
const Superuser = "goldset"

// defaultPort only names the socket file (.s.PGSQL.5432): the server listens on no TCP port, and
// the socket directory is private to the cluster, so every cluster can use the same number.
const defaultPort = 5432

// maxSocketPath keeps dir + "/.s.PGSQL.5432" under the unix socket path limit (107 bytes on
// Linux, 103 on macOS) with a margin.
const maxSocketPath = 100

// Options configures Start.
type Options struct {
	// DataDir is Goldset's data directory; the cluster lives in DataDir/postgres
	// (PGDATA = DataDir/postgres/data), beside whatever else Goldset keeps there.
	DataDir string
	// BinDir holds initdb, pg_ctl and postgres. Empty: found by FindBinaries.
	BinDir string
	// OSUser runs the binaries when this process is root, because PostgreSQL refuses to run as
	// root. Empty: "postgres", else "nobody".
	OSUser string
	// Settings are extra server settings, passed as -c name=value on every start (tests pass
	// fsync=off and friends, which trade durability for speed).
	Settings map[string]string
	// Logger receives start/attach/stop events. Nil: discarded.
	Logger *slog.Logger
}

// Cluster is this process's use of a private PostgreSQL server. Obtain it with Start and give it
// back with Close; the server keeps running while any process still uses it.
type Cluster struct {
	opt     Options
	log     *slog.Logger
	dataDir string // absolute
	root    string // DataDir/postgres
	pgdata  string // DataDir/postgres/data
	bin     string
	major   string
	user    *osUser // nil unless this process is root

	mu      sync.Mutex
	sockDir string
	port    int
	started bool
	users   *os.File // shared flock on users.lock while in use; nil once closed
}

// clusterInfo is cluster.json: how to reach the server, for processes that did not start it (their
// TMPDIR may differ, so they could not recompute a temporary socket directory).
type clusterInfo struct {
	SocketDir string `json:"socket_dir"`
	Port      int    `json:"port"`
	Version   string `json:"version"`
	BinDir    string `json:"bin_dir"`
}

// Start makes sure the cluster under opt.DataDir exists and runs, and registers this process as a
// user of it: it initialises the cluster on first use, attaches to a server another process (or
// an earlier, killed run) left running, or starts one.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	c, err := newCluster(opt)
	if err != nil {
		return nil, err
	}
	if err := c.prepareDirs(); err != nil {
		return nil, err
	}
	lock, err := c.startLock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Close()

	if err := c.ensureInitialized(ctx); err != nil {
		return nil, err
	}
	if err := c.attachOrStart(ctx); err != nil {
		return nil, err
	}
	// No one can hold users.lock exclusively: that only happens under the start lock, which we hold.
	users, err := lockFile(ctx, c.path("users.lock"), false, false)
	if err != nil {
		return nil, fmt.Errorf("pgserver: take users lock in %s: %w", c.root, err)
	}
	c.users = users
	return c, nil
}

func newCluster(opt Options) (*Cluster, error) {
	if opt.DataDir == "" {
		return nil, errors.New("pgserver: Options.DataDir is empty")
	}
	abs, err := filepath.Abs(opt.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgserver: data dir %s: %w", opt.DataDir, err)
	}
	c := &Cluster{opt: opt, log: opt.Logger, dataDir: abs, root: filepath.Join(abs, "postgres"), port: defaultPort}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.pgdata = filepath.Join(c.root, "data")
	dataVersion := c.dataVersion()
	if c.bin, err = findBinaries(opt.BinDir, dataVersion); err != nil {
		return nil, err
	}
	if c.major, err = binaryMajor(c.bin); err != nil {
		return nil, err
	}
	if err := c.checkVersion(dataVersion); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if c.user, err = lookupOSUser(opt.OSUser); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Cluster) path(name string) string { return filepath.Join(c.root, name) }

func (c *Cluster) dataVersion() string {
	b, err := os.ReadFile(filepath.Join(c.pgdata, "PG_VERSION"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (c *Cluster) checkVersion(dataVersion string) error {
	if dataVersion == "" || dataVersion == c.major {
		return nil
	}
	return fmt.Errorf("pgserver: data directory %s was created by PostgreSQL %s, but the binaries in %s are PostgreSQL %s: "+
		"install PostgreSQL %s (or point BinDir at it), or upgrade the data with pg_upgrade, or move %s away to start afresh",
		c.pgdata, dataVersion, c.bin, c.major, dataVersion, c.root)
}

// prepareDirs creates DataDir and DataDir/postgres and, as root, hands the latter to the OS user
// and checks that user can reach it.
func (c *Cluster) prepareDirs() error {
	created, err := mkdirAllTracked(c.dataDir)
	if err != nil {
		return fmt.Errorf("pgserver: create data dir %s: %w", c.dataDir, err)
	}
	if c.user != nil {
		// Directories we created as root must be traversable by the OS user; 0711 lets it pass
		// through without listing what else Goldset keeps there.
		for _, d := range created {
			if err := os.Chmod(d, 0o711); err != nil {
				return fmt.Errorf("pgserver: %w", err)
			}
		}
	}
	if err := os.Mkdir(c.root, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("pgserver: create %s: %w", c.root, err)
	}
	if c.user == nil {
		return nil
	}
	fi, err := os.Stat(c.root)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if uid, _, ok := fileOwner(fi); ok && uid != c.user.uid {
		if err := chownTree(c.root, c.user.uid, c.user.gid); err != nil {
			return fmt.Errorf("pgserver: give %s to OS user %s: %w", c.root, c.user.name, err)
		}
	}
	return c.checkTraversable(c.root)
}

// mkdirAllTracked is os.MkdirAll that reports which directories it created.
func mkdirAllTracked(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return missing, nil
}

func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// checkTraversable fails early, naming the directory, when the OS user could not reach dir:
// otherwise initdb or postgres fail later with a less helpful "permission denied".
func (c *Cluster) checkTraversable(dir string) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
		uid, gid, ok := fileOwner(fi)
		if ok {
			perm := fi.Mode().Perm()
			var bit os.FileMode
			switch {
			case uid == c.user.uid:
				bit = 0o100
			case gid == c.user.gid || slices.Contains(c.user.groups, gid):
				bit = 0o010
			default:
				bit = 0o001
			}
			if perm&bit == 0 {
				return fmt.Errorf("pgserver: OS user %s (uid %d), which runs PostgreSQL because goldset runs as root, "+
					"cannot traverse directory %s (mode %04o) on the way to %s: allow it (chmod o+x %s) or choose another data dir",
					c.user.name, c.user.uid, d, perm, dir, d)
			}
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// ensureInitialized runs initdb once. It initialises a temporary directory and renames it into
// place, so a crash half-way leaves only debris that the next attempt removes, never a PGDATA
// that looks valid but is not.
func (c *Cluster) ensureInitialized(ctx context.Context) error {
	if v := c.dataVersion(); v != "" {
		return c.checkVersion(v) // another process may have initialised it meanwhile
	}
	if _, err := os.Stat(c.pgdata); err == nil {
		return fmt.Errorf("pgserver: %s exists but is not a PostgreSQL data directory (no PG_VERSION); move it away", c.pgdata)
	}
	old, _ := filepath.Glob(c.path("data.initdb-*"))
	for _, d := range old {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("pgserver: remove unfinished initdb %s: %w", d, err)
		}
	}
	tmp := c.path("data.initdb-" + strconv.Itoa(os.Getpid()))
	args := []string{"-D", tmp, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale"}
	noSync := c.opt.Settings["fsync"] == "off" // the caller already chose speed over durability
	if noSync {
		args = append(args, "--no-sync")
	}
	t0 := time.Now()
	if out, err := c.command(ctx, "initdb", args...).CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("pgserver: initdb %s: %w\n%s", c.pgdata, err, tail(out, 30))
	}
	if err := os.Rename(tmp, c.pgdata); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if !noSync {
		syncDir(c.root)
	}
	c.log.Info("initialised PostgreSQL cluster", "pgdata", c.pgdata, "version", c.major, "elapsed", time.Since(t0).Round(time.Millisecond))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// attachOrStart is called under the start lock.
func (c *Cluster) attachOrStart(ctx context.Context) error {
	if info, err := c.readInfo(); err == nil && info.SocketDir != "" {
		if c.answers(ctx, info.SocketDir, info.Port) {
			c.sockDir, c.port = info.SocketDir, info.Port
			c.log.Info("attached to running PostgreSQL", "pgdata", c.pgdata, "socket_dir", c.sockDir)
			return nil
		}
	}
	started, err := c.startLocked(ctx, c.socketDirFor(), defaultPort)
	c.started = started
	return err
}

// startLocked is called under the start lock when the server does not answer. A postmaster that
// lives is waited for; otherwise what a killed server left behind is cleared and the server is
// started on sockDir. It reports whether it started the server.
func (c *Cluster) startLocked(ctx context.Context, sockDir string, port int) (bool, error) {
	// A live postmaster that does not answer yet is recovering from a crash, or was being started
	// by a process that died: wait for it rather than start a second one. It may also be dying
	// (killed, its socket already closed), so keep checking that it lives.
	if pid, pidSockDir, pidPort, ok := c.readPostmasterPID(); ok {
		if postmasterAlive(pid, c.pgdata) {
			c.log.Info("waiting for running PostgreSQL to accept connections", "pid", pid)
			if err := c.waitAnswers(ctx, pid, pidSockDir, pidPort, 60*time.Second); err != nil {
				return false, fmt.Errorf("pgserver: PostgreSQL (pid %d) runs on %s but does not accept connections: %w%s", pid, c.pgdata, err, c.logTail())
			}
			if postmasterAlive(pid, c.pgdata) {
				if c.sockDir != "" && (pidSockDir != c.sockDir || pidPort != c.port) {
					c.log.Warn("PostgreSQL runs on another socket than this process connects to", "socket_dir", pidSockDir, "ours", c.sockDir)
				}
				c.sockDir, c.port = pidSockDir, pidPort
				return false, c.writeInfo()
			}
		}
		// Stale: the server was killed. postgres would cope with a dead pid, but not with one
		// that was reused by another process, which is why the file goes before postgres sees it
		// (pg_ctl and postgres themselves only ask kill(pid, 0)).
		// The socket lock file names the same dead pid and would stop postgres just the same.
		c.log.Info("removing stale postmaster.pid", "pid", pid)
		stale := []string{filepath.Join(c.pgdata, "postmaster.pid")}
		if pidSockDir != "" {
			stale = append(stale, filepath.Join(pidSockDir, fmt.Sprintf(".s.PGSQL.%d.lock", pidPort)))
		}
		for _, f := range stale {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return false, fmt.Errorf("pgserver: remove stale %s: %w", f, err)
			}
		}
	}
	if err := c.endOrphans(ctx); err != nil {
		return false, err
	}
	c.sockDir, c.port = sockDir, port
	if err := c.writeInfo(); err != nil {
		return false, err
	}
	// endOrphans cannot see processes where there is no /proc; postgres then refuses to start
	// until they have exited, which they do within moments of noticing the postmaster is gone.
	for attempt := 0; ; attempt++ {
		err := c.startServer(ctx)
		if err == nil {
			return true, nil
		}
		if attempt == 20 || !strings.Contains(err.Error(), "is still in use") {
			return false, err
		}
		select {
		case <-ctx.Done():
			return false, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Orphans are the processes (backends, checkpointer, walwriter...) of a postmaster that was
// killed. Each still maps the dead server's shared memory, and postgres refuses to start while
// any does ("pre-existing shared memory block ... is still in use"). Most exit within
// milliseconds of noticing the postmaster died, but a backend busy computing only notices when
// it next waits, which may be never. So they get orphanGrace to exit, then SIGQUIT (which
// PostgreSQL's processes answer by exiting at once, as in an immediate shutdown), then SIGKILL.
// Nothing of theirs needs saving: the next start replays the WAL as after any crash.
const (
	orphanGrace   = 2 * time.Second
	orphanQuitFor = 3 * time.Second
	orphanKillFor = 5 * time.Second
)

// orphanSignal is what endOrphans sends in each step.
type orphanSignal int

const (
	signalNone orphanSignal = iota
	signalQuit
	signalKill
)

func (s orphanSignal) String() string {
	switch s {
	case signalQuit:
		return "SIGQUIT"
	case signalKill:
		return "SIGKILL"
	}
	return "none"
}

// endOrphans is called under the start lock, once no postmaster lives on PGDATA.
func (c *Cluster) endOrphans(ctx context.Context) error {
	pids := findOrphans(c.pgdata)
	if len(pids) == 0 {
		return nil
	}
	t0 := time.Now()
	c.log.Info("waiting for the processes of a killed PostgreSQL to exit", "pids", pids)
	steps := []struct {
		sig  orphanSignal
		wait time.Duration
	}{{signalNone, orphanGrace}, {signalQuit, orphanQuitFor}, {signalKill, orphanKillFor}}
	for _, step := range steps {
		if step.sig != signalNone {
			pids = findOrphans(c.pgdata)
			if len(pids) > 0 {
				c.log.Warn("ending processes of a killed PostgreSQL", "pids", pids, "signal", step.sig.String())
			}
			for _, pid := range pids {
				signalOrphan(pid, c.pgdata, step.sig)
			}
		}
		deadline := time.Now().Add(step.wait)
		for len(pids) > 0 && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
			pids = findOrphans(c.pgdata)
		}
		if len(pids) == 0 {
			c.log.Info("the processes of the killed PostgreSQL have exited", "elapsed", time.Since(t0).Round(time.Millisecond))
			return nil
		}
	}
	return fmt.Errorf("pgserver: processes %v of a killed PostgreSQL on %s do not exit, even on SIGKILL", pids, c.pgdata)
}

// socketDirFor is DataDir/postgres/run unless the socket path would be too long for a unix
// socket; then a short directory named after the data dir, so it is stable across restarts.
func (c *Cluster) socketDirFor() string {
	d := filepath.Join(c.root, "run")
	if len(d)+len("/.s.PGSQL.5432") <= maxSocketPath {
		return d
	}
	sum := sha256.Sum256([]byte(c.dataDir))
	name := "goldset-pg-" + hex.EncodeToString(sum[:])[:12]
	d = filepath.Join(os.TempDir(), name)
	if len(d)+len("/.s.PGSQL.5432") > maxSocketPath {
		d = filepath.Join("/tmp", name)
	}
	return d
}

// ensureSocketDir creates the socket directory private to the OS user that runs postgres. That
// privacy is what makes --auth=trust safe, so a directory someone else prepared is refused.
func (c *Cluster) ensureSocketDir() error {
	d := c.sockDir
	if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("pgserver: create socket dir: %w", err)
	}
	fi, err := os.Lstat(d)
	if err != nil {
		return fmt.Errorf("pgserver: socket dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("pgserver: socket dir %s is not a directory (symlink?); remove it", d)
	}
	want := os.Geteuid()
	if c.user != nil {
		want = c.user.uid
	}
	if uid, _, ok := fileOwner(fi); ok && uid != want {
		if c.user == nil || uid != 0 {
			return fmt.Errorf("pgserver: socket dir %s belongs to uid %d, not %d: refusing to use it; remove it", d, uid, want)
		}
		if err := os.Lchown(d, c.user.uid, c.user.gid); err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
	}
	if c.user != nil {
		return c.checkTraversable(d)
	}
	return nil
}

func (c *Cluster) startServer(ctx context.Context) error {
	if err := c.ensureSocketDir(); err != nil {
		return err
	}
	c.rotateLog()
	// pg_ctl hands -o to /bin/sh, hence the quoting.
	opts := []string{
		"-p", strconv.Itoa(c.port),
		"-k", shellQuote(c.sockDir),
		"-c", "listen_addresses=''",
		"-c", "unix_socket_permissions=0700",
	}
	for _, k := range slices.Sorted(maps.Keys(c.opt.Settings)) {
		opts = append(opts, "-c", shellQuote(k+"="+c.opt.Settings[k]))
	}
	t0 := time.Now()
	out, err := c.command(ctx, "pg_ctl", "start", "-w", "-t", "60", "-s",
		"-D", c.pgdata, "-l", c.path("server.log"), "-o", strings.Join(opts, " ")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgserver: start PostgreSQL on %s: %w\n%s%s", c.pgdata, err, tail(out, 10), c.logTail())
	}
	c.log.Info("started PostgreSQL", "pgdata", c.pgdata, "socket_dir", c.sockDir, "elapsed", time.Since(t0).Round(time.Millisecond))
	return nil
}

// rotateLog keeps server.log from growing without bound across many starts.
func (c *Cluster) rotateLog() {
	p := c.path("server.log")
	if fi, err := os.Stat(p); err == nil && fi.Size() > 10<<20 {
		os.Rename(p, p+".1")
	}
}

// running reports whether our postmaster is alive. pg_ctl status is not used: it trusts
// kill(pid, 0), which also succeeds for a killed postmaster left as an unreaped zombie (as in
// containers whose init does not reap) and for a reused pid, and pg_ctl stop would then wait
// for a server that is long gone.
func (c *Cluster) running() bool {
	pid, _, _, ok := c.readPostmasterPID()
	return ok && postmasterAlive(pid, c.pgdata)
}

func (c *Cluster) stopServer(ctx context.Context) error {
	if !c.running() {
		return nil
	}
	t0 := time.Now()
	out, err := c.command(ctx, "pg_ctl", "stop", "-D", c.pgdata, "-m", "fast", "-w", "-t", "60", "-s").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgserver: stop PostgreSQL on %s: %w\n%s%s", c.pgdata, err, tail(out, 10), c.logTail())
	}
	if c.sockDir != filepath.Join(c.root, "run") {
		os.Remove(c.sockDir) // a temporary socket dir; empty once the server is gone
	}
	c.log.Info("stopped PostgreSQL", "pgdata", c.pgdata, "elapsed", time.Since(t0).Round(time.Millisecond))
	return nil
}

// command runs a PostgreSQL binary as the OS user, in a directory that user can read (initdb and
// pg_ctl resolve the current directory), with PG* variables removed so that the caller's
// environment cannot redirect them.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.root
	if _, err := os.Stat(c.root); err != nil {
		cmd.Dir = "/"
	}
	env := []string{"LC_ALL=C", "HOME=" + c.root}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	cmd.SysProcAttr = sysProcAttr(c.user)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// answers reports whether our server accepts connections at sockDir. It checks the data
// directory, so a foreign server on a reused temporary socket directory is never mistaken for ours.
func (c *Cluster) answers(ctx context.Context, sockDir string, port int) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, buildURL(sockDir, port, "postgres"))
	if err != nil {
		return false
	}
	defer conn.Close(context.Background())
	var dir string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&dir); err != nil {
		return false
	}
	if !sameFile(dir, c.pgdata) {
		c.log.Warn("a different PostgreSQL answers on the socket", "socket_dir", sockDir, "its_pgdata", dir, "ours", c.pgdata)
		return false
	}
	return true
}

// waitAnswers waits until the postmaster pid answers, or dies (then it returns nil too: the
// caller tells the two apart).
func (c *Cluster) waitAnswers(ctx context.Context, pid int, sockDir string, port int, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for postmasterAlive(pid, c.pgdata) && !c.answers(ctx, sockDir, port) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// readPostmasterPID reads the pid, port and socket directory the server recorded in PGDATA.
func (c *Cluster) readPostmasterPID() (pid int, sockDir string, port int, ok bool) {
	b, err := os.ReadFile(filepath.Join(c.pgdata, "postmaster.pid"))
	if err != nil {
		return 0, "", 0, false
	}
	lines := strings.Split(string(b), "\n")
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	port = defaultPort
	if len(lines) > 3 {
		if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
			port = p
		}
	}
	if len(lines) > 4 {
		sockDir = strings.TrimSpace(lines[4])
	}
	return pid, sockDir, port, true
}

func (c *Cluster) readInfo() (clusterInfo, error) {
	var info clusterInfo
	b, err := os.ReadFile(c.path("cluster.json"))
	if err != nil {
		return info, err
	}
	err = json.Unmarshal(b, &info)
	if info.Port == 0 {
		info.Port = defaultPort
	}
	return info, err
}

func (c *Cluster) writeInfo() error {
	b, _ := json.MarshalIndent(clusterInfo{SocketDir: c.sockDir, Port: c.port, Version: c.major, BinDir: c.bin}, "", "  ")
	tmp := c.path("cluster.json.tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if err := os.Rename(tmp, c.path("cluster.json")); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	return nil
}

// logTail quotes the end of server.log, where postgres explains why it did not start.
func (c *Cluster) logTail() string {
	f, err := os.Open(c.path("server.log"))
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 8192 {
		f.Seek(-8192, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return "\n--- " + c.path("server.log") + " (last lines) ---\n" + tail(b, 20)
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}

func buildURL(sockDir string, port int, database string) string {
	q := url.Values{}
	q.Set("host", sockDir)
	q.Set("port", strconv.Itoa(port)) // explicit, so a PGPORT in the environment cannot redirect it
	q.Set("sslmode", "disable")
	u := url.URL{Scheme: "postgres", User: url.User(Superuser), Path: "/" + database, RawQuery: q.Encode()}
	return u.String()
}

// startLock takes the start lock (see doc.go), waiting for a process that holds it; the caller
// closes it.
func (c *Cluster) startLock(ctx context.Context) (*os.File, error) {
	f, err := lockFile(ctx, c.path("start.lock"), true, true)
	if err != nil {
		return nil, fmt.Errorf("pgserver: take start lock in %s: %w", c.root, err)
	}
	return f, nil
}

// lockFile opens path and flocks it. Waiting polls so that ctx can cancel it: a start lock may be
// held for up to a minute while another process starts the server.
func lockFile(ctx context.Context, path string, exclusive, wait bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	delay := 5 * time.Millisecond
	for {
		err := flock(f, exclusive, false)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, errWouldBlock) || !wait {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// URL is a pgx/libpq URL that connects to database as the cluster's superuser over the unix socket.
func (c *Cluster) URL(database string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return buildURL(c.sockDir, c.port, database)
}

// SocketDir is the directory holding the server's unix socket.
func (c *Cluster) SocketDir() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sockDir
}

// Started reports whether this Start started the server, as opposed to attaching to a running one.
func (c *Cluster) Started() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.started
}

// Close ends this process's use of the cluster and stops the server if no other process (or
// other Cluster in this process) still uses it. It is safe to call more than once.
func (c *Cluster) Close(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users == nil {
		return nil
	}
	c.users.Close() // releases the shared lock
	c.users = nil
	lock, err := c.startLock(ctx)
	if err != nil {
		return err
	}
	defer lock.Close()
	last, err := lockFile(ctx, c.path("users.lock"), true, false)
	if errors.Is(err, errWouldBlock) {
		c.log.Info("PostgreSQL still in use by another process; leaving it running", "pgdata", c.pgdata)
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgserver: users lock in %s: %w", c.root, err)
	}
	defer last.Close()
	return c.stopServer(ctx)
}

// Stop stops the server now, even if other processes use it; Restart starts it again. They exist
// to test how callers behave when the database goes away. A process that Supervises the cluster
// starts it again by itself.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	lock, err := c.startLock(ctx)
	if err != nil {
		return err
	}
	defer lock.Close()
	return c.stopServer(ctx)
}

// Restart starts the server again after Stop, on the same socket, so URLs handed out stay valid.
func (c *Cluster) Restart(ctx context.Context) error {
	_, err := c.EnsureRunning(ctx)
	return err
}

// EnsureRunning makes sure the server runs, for a process that uses it: it returns at once when the
// server answers, waits for a postmaster that is starting or recovering, and otherwise clears what a
// killed server left behind (a stale postmaster.pid, its orphaned processes) and starts it again on
// the same socket, so URLs handed out stay valid and pools reconnect by themselves. started reports
// whether this call started the server: when several processes call it at once, one starts it and
// the others find it running.
func (c *Cluster) EnsureRunning(ctx context.Context) (started bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users == nil {
		return false, errors.New("pgserver: EnsureRunning after Close")
	}
	lock, err := c.startLock(ctx)
	if err != nil {
		return false, err
	}
	defer lock.Close()
	if c.answers(ctx, c.sockDir, c.port) {
		return false, nil
	}
	return c.startLocked(ctx, c.sockDir, c.port)
}

// superviseInterval is how often Supervise looks at the postmaster: reading postmaster.pid and
// /proc costs next to nothing, and it bounds how long an outage goes unnoticed.
const superviseInterval = 500 * time.Millisecond

// Supervise starts the server again whenever it dies (killed, crashed, stopped by hand), until ctx
// ends. Attempts that fail are repeated after 0.5 s, 1 s, 2 s... up to 10 s apart, each logged. Every
// process that uses the cluster may supervise it: EnsureRunning lets one of them start it and the
// others find it started. Stop the supervision before Close.
func (c *Cluster) Supervise(ctx context.Context) {
	tick := time.NewTicker(superviseInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !c.running() {
			c.revive(ctx)
		}
	}
}

// revive calls EnsureRunning until it succeeds or ctx ends.
func (c *Cluster) revive(ctx context.Context) {
	t0 := time.Now()
	delay := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		c.log.Warn("embedded PostgreSQL is not running; starting it again", "pgdata", c.pgdata, "attempt", attempt)
		started, err := c.EnsureRunning(ctx)
		if err == nil {
			how := "another process had started it"
			if started {
				how = "started it"
			}
			c.log.Info("embedded PostgreSQL is running again", "pgdata", c.pgdata, "how", how, "elapsed", time.Since(t0).Round(time.Millisecond))
			return
		}
		if ctx.Err() != nil {
			return
		}
		c.log.Error("embedded PostgreSQL did not start again", "pgdata", c.pgdata, "attempt", attempt, "retry_in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 10*time.Second)
	}
}
