//go:build !unix

package upload

import (
	"errors"
	"os"
)

var errUnsupported = errors.New("file locks are not supported on this system")

// Without flock, uploads cannot tell a live folder from a leftover: Clean removes nothing.
func lockFile(*os.File) error { return nil }
func tryLock(*os.File) error  { return errUnsupported }
