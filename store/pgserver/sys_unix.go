//go:build unix

package pgserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// osUser is the unprivileged account that runs the PostgreSQL binaries when we are root.
type osUser struct {
	name   string
	uid    int
	gid    int
	groups []int
}

func lookupOSUser(name string) (*osUser, error) {
	names := []string{name}
	if name == "" {
		names = []string{"postgres", "nobody"}
	}
	var firstErr error
	for _, n := range names {
		u, err := user.Lookup(n)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if uid == 0 {
			return nil, fmt.Errorf("pgserver: OS user %q is root; PostgreSQL must run as an unprivileged user", n)
		}
		ou := &osUser{name: n, uid: uid, gid: gid}
		if ids, err := u.GroupIds(); err == nil {
			for _, s := range ids {
				if g, err := strconv.Atoi(s); err == nil {
					ou.groups = append(ou.groups, g)
				}
			}
		}
		return ou, nil
	}
	return nil, fmt.Errorf("pgserver: running as root, PostgreSQL needs an unprivileged OS user (tried %v): %w", names, firstErr)
}

// sysProcAttr puts the child in its own process group, so a Ctrl-C in the terminal reaches
// goldset (which stops the server cleanly) rather than postgres directly, and drops root.
func sysProcAttr(u *osUser) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if u != nil {
		groups := make([]uint32, 0, len(u.groups))
		for _, g := range u.groups {
			groups = append(groups, uint32(g))
		}
		a.Credential = &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid), Groups: groups}
	}
	return a
}

var errWouldBlock = syscall.EWOULDBLOCK

func flock(f *os.File, exclusive, wait bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

func fileOwner(fi os.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// postmasterAlive reports whether pid is a live postmaster of pgdata. kill(pid, 0) alone is not
// enough: after a crash the pid may be reused by another process (common in containers, where
// pids are small), or be a zombie nobody reaped; postgres itself would then refuse to start.
func postmasterAlive(pid int, pgdata string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc (macOS): trust kill(2)
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && (stat[i+2] == 'Z' || stat[i+2] == 'X') {
		return false
	}
	// The postmaster chdirs into its data directory.
	if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil {
		return sameFile(cwd, pgdata)
	}
	return true
}

// findOrphans lists the PostgreSQL processes that run in pgdata, from /proc (none where there is no
// /proc). It is called only when no postmaster lives on pgdata, so every one found is an orphan of a
// killed postmaster: each PostgreSQL process runs in its data directory (the postmaster chdirs there
// and its children inherit it), and keeps the executable's name "postgres" whatever process title it
// shows. Processes this process may not inspect (another user's, when not root) cannot be ours to end.
func findOrphans(pgdata string) []int {
	data, err := os.Stat(pgdata)
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if isPostgresIn(pid, data) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func isPostgresIn(pid int, data os.FileInfo) bool {
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
		return false
	}
	cwd, err := os.Stat(fmt.Sprintf("/proc/%d/cwd", pid)) // follows the link; fails for zombies
	return err == nil && os.SameFile(cwd, data)
}

// signalOrphan checks again that pid is a PostgreSQL process in pgdata just before signalling it,
// so a pid reused since the scan is left alone.
func signalOrphan(pid int, pgdata string, sig orphanSignal) {
	data, err := os.Stat(pgdata)
	if err != nil || !isPostgresIn(pid, data) {
		return
	}
	switch sig {
	case signalQuit:
		syscall.Kill(pid, syscall.SIGQUIT)
	case signalKill:
		syscall.Kill(pid, syscall.SIGKILL)
	}
}
