package upload

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Save copies r into a new file at path. name is the file as its owner named it: past limit bytes
// the copy stops and the error is a TooLargeError naming it with lim's file limit.
func Save(r io.Reader, path, name string, lim Limits) (int64, error) {
	lim = lim.OrDefault()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("upload: %w", err)
	}
	n, err := io.Copy(dst, &LimitReader{R: r, Limit: lim.File, Err: lim.FileTooLarge(name)})
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Extract expands the zip archive at zipPath into dir and returns the files it wrote, relative to
// dir with slashes, in archive order. name is the archive as its owner named it; every error names
// it and the entry, never a path here.
//
// Before writing anything it refuses entries whose names are not local (absolute, "..", a volume
// name) and archives whose declared sizes already pass lim. Then every entry is streamed to its
// file through counters: past its declared size (archive/zip also refuses that), past lim.File, or
// with the archive past lim.Unzipped, the copy stops at once. Folders, symlinks and macOS's
// __MACOSX/ metadata are not written.
func Extract(ctx context.Context, zipPath, name, dir string, lim Limits) ([]string, error) {
	lim = lim.OrDefault()
	zr, err := zip.OpenReader(zipPath)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // insecure names get their own message below
		return nil, &ArchiveError{Msg: fmt.Sprintf("%s is not a readable zip archive (%v)", name, err)}
	}
	defer zr.Close()
	var files []*zip.File
	var declared uint64
	for _, f := range zr.File {
		if !filepath.IsLocal(f.Name) || strings.Contains(f.Name, `\`) {
			return nil, &ArchiveError{Msg: fmt.Sprintf("%s: the entry %q points outside the archive", name, f.Name)}
		}
		if strings.HasPrefix(f.Name, "__MACOSX/") || f.FileInfo().IsDir() || f.Mode()&os.ModeSymlink != 0 {
			continue
		}
		if f.UncompressedSize64 > uint64(lim.File) {
			return nil, lim.entryTooLarge(name, f.Name)
		}
		if declared += f.UncompressedSize64; declared > uint64(lim.Unzipped) {
			return nil, lim.archiveTooLarge(name)
		}
		files = append(files, f)
	}
	total := &LimitReader{Limit: lim.Unzipped, Err: lim.archiveTooLarge(name)}
	var out []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rel := path.Clean(f.Name)
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, &ArchiveError{Msg: fmt.Sprintf("%s: the entry %q cannot be written: it clashes with another entry", name, f.Name)}
		}
		if err := extractOne(f, target, name, total, lim); err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

// extractOne streams one entry to target through its own counters and the archive's.
func extractOne(f *zip.File, target, archive string, total *LimitReader, lim Limits) error {
	entry := archive + ": " + f.Name
	rc, err := f.Open()
	if err != nil {
		return &ArchiveError{Msg: fmt.Sprintf("%s cannot be read (%v)", entry, err)}
	}
	defer rc.Close()
	// Innermost first: what the entry says it holds, then the file limit, then the archive's.
	lying := &ArchiveError{Msg: fmt.Sprintf("%s expands past the size its header declares (%s): the archive is damaged or crafted", entry, Size(int64(f.UncompressedSize64)))}
	declared := &LimitReader{R: rc, Limit: int64(f.UncompressedSize64), Err: lying}
	r := &LimitReader{R: declared, Limit: lim.File, Err: lim.entryTooLarge(archive, f.Name)}
	total.R = r
	dst, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return &ArchiveError{Msg: fmt.Sprintf("%s cannot be written: it clashes with another entry", entry)}
	}
	_, err = io.Copy(dst, total)
	if cerr := dst.Close(); err == nil && cerr != nil {
		return fmt.Errorf("upload: %w", cerr)
	}
	var tooLarge *TooLargeError
	var bad *ArchiveError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge), errors.As(err, &bad):
		return err
	case errors.Is(err, zip.ErrFormat) && declared.N == declared.Limit:
		// archive/zip refuses to read past the declared size before our counter sees the byte.
		return lying
	case errors.As(err, new(*fs.PathError)):
		return fmt.Errorf("upload: %w", err) // writing here failed (a full disk): not the archive's fault
	}
	// A checksum, a truncated stream, a flate error: the entry's data is damaged.
	return &ArchiveError{Msg: fmt.Sprintf("%s is damaged (%v)", entry, err)}
}
