//go:build unix

package upload

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f without waiting: held until f is closed or its process
// ends, which is what lets Clean tell a live upload from a crashed one's.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

// tryLock succeeds only when no one else holds f's lock.
func tryLock(f *os.File) error { return lockFile(f) }
