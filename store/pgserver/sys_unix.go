//go:build unix

package pgserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
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
