//go:build !unix

package pgserver

import (
	"errors"
	"os"
	"syscall"
)

// The embedded server needs flock(2) and unix sockets; elsewhere, use GOLDSET_DATABASE_URL.
var errUnsupported = errors.New("pgserver: the embedded PostgreSQL needs a unix system; set GOLDSET_DATABASE_URL")

type osUser struct {
	name   string
	uid    int
	gid    int
	groups []int
}

var errWouldBlock = errors.New("lock held")

func lookupOSUser(string) (*osUser, error)        { return nil, errUnsupported }
func sysProcAttr(*osUser) *syscall.SysProcAttr    { return nil }
func flock(*os.File, bool, bool) error            { return errUnsupported }
func fileOwner(os.FileInfo) (int, int, bool)      { return 0, 0, false }
func postmasterAlive(pid int, pgdata string) bool { return false }

func findOrphans(string) []int               { return nil }
func signalOrphan(int, string, orphanSignal) {}
