package upload

import (
	"errors"
	"fmt"
	"io"
)

// Limits bound what an import may bring in. A zero field takes its default.
type Limits struct {
	// Upload is the size of one upload as sent (an HTTP request body: all its files together).
	Upload int64
	// File is the size of one file once on disk: an uploaded file, or one archive entry expanded.
	// Tables are read into memory whole, so this is also about how much memory one table may take.
	File int64
	// Unzipped is what one archive may expand to in all.
	Unzipped int64
}

// DefaultLimits are the limits in force when none are configured.
var DefaultLimits = Limits{Upload: 512 << 20, File: 1 << 30, Unzipped: 2 << 30}

// OrDefault fills the fields left zero with DefaultLimits.
func (l Limits) OrDefault() Limits {
	if l.Upload <= 0 {
		l.Upload = DefaultLimits.Upload
	}
	if l.File <= 0 {
		l.File = DefaultLimits.File
	}
	if l.Unzipped <= 0 {
		l.Unzipped = DefaultLimits.Unzipped
	}
	return l
}

// ErrTooLarge is what every size refusal wraps; test for it with errors.Is.
var ErrTooLarge = errors.New("too large")

// TooLargeError is an upload, file, archive entry or archive past one of the Limits.
type TooLargeError struct {
	Name  string // as its owner named it: "spider.zip", "spider.zip: database/a/a.sqlite"
	Limit int64
	msg   string
}

func (e *TooLargeError) Error() string { return e.msg }
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// UploadTooLarge is the error for an upload (all its files as sent) past l.Upload.
func (l Limits) UploadTooLarge() *TooLargeError {
	return &TooLargeError{Name: "the upload", Limit: l.Upload, msg: fmt.Sprintf("the upload is larger than the %s limit for one upload", Size(l.Upload))}
}

// FileTooLarge is the error for the file called name past l.File.
func (l Limits) FileTooLarge(name string) *TooLargeError {
	return &TooLargeError{Name: name, Limit: l.File, msg: fmt.Sprintf("%s is larger than the %s limit for one file", name, Size(l.File))}
}

func (l Limits) entryTooLarge(archive, entry string) *TooLargeError {
	name := archive + ": " + entry
	return &TooLargeError{Name: name, Limit: l.File, msg: fmt.Sprintf("%s expands to more than the %s limit for one file", name, Size(l.File))}
}

func (l Limits) archiveTooLarge(archive string) *TooLargeError {
	return &TooLargeError{Name: archive, Limit: l.Unzipped, msg: fmt.Sprintf("%s expands to more than the %s limit for one archive", archive, Size(l.Unzipped))}
}

// ErrInvalid is what every refusal of an archive's form wraps (a damaged zip, an entry that would
// land outside its folder); test for it with errors.Is.
var ErrInvalid = errors.New("invalid archive")

// ArchiveError is an archive that cannot be expanded safely; its message names the archive and the
// entry as their owner named them.
type ArchiveError struct{ Msg string }

func (e *ArchiveError) Error() string { return e.Msg }
func (e *ArchiveError) Unwrap() error { return ErrInvalid }

// Size writes a byte count the way the limits are usually given: 512 MiB, 2 GiB, 1500 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// LimitReader reads from R and fails with Err once more than Limit bytes have come through: the
// bytes up to the limit are returned, then Err, so the copy that reads it stops at the limit and
// never holds more. Unlike io.LimitReader it does not end quietly: a cut file must not look whole.
// N counts the bytes read so far; one LimitReader may count across several sources by changing R.
type LimitReader struct {
	R     io.Reader
	Limit int64
	Err   error
	N     int64
}

func (r *LimitReader) Read(p []byte) (int, error) {
	if r.N > r.Limit {
		return 0, r.Err
	}
	// Reads end exactly at the limit; past it, one byte is enough to know it was passed.
	room := max(r.Limit-r.N, 1)
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.R.Read(p)
	r.N += int64(n)
	if r.N > r.Limit {
		return n - int(r.N-r.Limit), r.Err
	}
	return n, err
}
