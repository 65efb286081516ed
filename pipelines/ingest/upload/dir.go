package upload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// An upload folder is made as .new-* and renamed to upload-* once its lock is held, so every
// upload-* folder is locked from the moment it has that name: Clean never mistakes a folder being
// made for a leftover.
const (
	dirPrefix = "upload-"
	newPrefix = ".new-"
	// lockName is the file in an upload folder that its process holds locked while it uses it.
	lockName = ".lock"
	// newGrace is how long a .new-* folder is left alone: longer than making and locking one takes.
	newGrace = time.Minute
)

// Root is the folder that holds every upload folder of this OS user: goldset-uploads-<uid> under
// os.TempDir ($TMPDIR), private to the user.
func Root() string {
	return filepath.Join(os.TempDir(), "goldset-uploads-"+strconv.Itoa(os.Getuid()))
}

// Dir is one upload's temporary folder. It is locked until Close, which removes it.
type Dir struct {
	Path string
	lock *os.File
}

// NewDir makes a fresh folder under Root and locks it, so that Clean in another process leaves it
// alone for as long as this process lives.
func NewDir() (*Dir, error) {
	root := Root()
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	tmp, err := os.MkdirTemp(root, newPrefix)
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(tmp, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("upload: %w", err)
	}
	path := filepath.Join(root, dirPrefix+strings.TrimPrefix(filepath.Base(tmp), newPrefix))
	if err := lockFile(f); err != nil {
		f.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("upload: lock: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil { // the lock follows the file
		f.Close()
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("upload: %w", err)
	}
	return &Dir{Path: path, lock: f}, nil
}

// Close removes the folder and everything in it.
func (d *Dir) Close() error {
	err := os.RemoveAll(d.Path)
	d.lock.Close() // after the removal: until then the folder is still in use
	return err
}

// Clean removes the upload folders under Root that no live process holds: what a crashed or killed
// process left behind. Folders in use by any process (this one included) are left alone. It
// returns how many folders it removed. Every Goldset process that imports calls it when it starts.
func Clean() (int, error) {
	root := Root()
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("upload: clean: %w", err)
	}
	removed := 0
	var errs []error
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		switch {
		case !e.IsDir():
			continue
		case strings.HasPrefix(e.Name(), dirPrefix):
			gone, err := removeAbandoned(path)
			if err != nil {
				errs = append(errs, err)
			}
			if gone {
				removed++
			}
			continue
		case strings.HasPrefix(e.Name(), newPrefix):
			if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < newGrace {
				continue
			}
		default:
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("upload: clean: %w", errors.Join(errs...))
	}
	return removed, nil
}

// removeAbandoned removes the upload folder at path when no process holds it, keeping its lock
// until the folder is gone so that nothing can take it meanwhile.
func removeAbandoned(path string) (bool, error) {
	f, err := os.OpenFile(filepath.Join(path, lockName), os.O_RDWR, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
		// upload-* folders are locked from birth: this one lost its lock file in a crash mid-removal.
	case err != nil:
		return false, nil
	default:
		defer f.Close()
		if tryLock(f) != nil {
			return false, nil // in use
		}
	}
	if err := os.RemoveAll(path); err != nil {
		return false, err
	}
	return true, nil
}
