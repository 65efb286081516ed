package upload_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/pipelines/ingest/upload/uploadtest"
)

func TestLimitReader_FailsAtTheLimitNamingIt(t *testing.T) {
	tooLarge := errors.New("x.csv is larger than 10 bytes")
	r := &upload.LimitReader{R: strings.NewReader(strings.Repeat("a", 11)), Limit: 10, Err: tooLarge}
	got, err := io.ReadAll(r)
	if !errors.Is(err, tooLarge) || len(got) != 10 {
		t.Fatalf("read %d bytes, err %v; want 10 bytes and the limit's error", len(got), err)
	}
	r = &upload.LimitReader{R: strings.NewReader(strings.Repeat("a", 10)), Limit: 10, Err: tooLarge}
	if got, err := io.ReadAll(r); err != nil || len(got) != 10 {
		t.Fatalf("exactly the limit: %d bytes, err %v", len(got), err)
	}
}

func writeZip(t *testing.T, data []byte) string {
	p := filepath.Join(t.TempDir(), "in.zip")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func TestExtract_RefusesBombsAndBadArchivesNamingTheUsersFile(t *testing.T) {
	t.Parallel()
	lim := upload.Limits{Upload: 8 << 20, File: 4 << 20, Unzipped: 6 << 20}
	good := zipOf(t, map[string]string{"d/a.csv": "a\n1\n"})
	cases := []struct {
		name    string
		archive []byte
		is      error
		want    string
	}{
		{"an entry declared past the file limit", uploadtest.Zip(t, uploadtest.Entry{Name: "big.csv", Size: 5 << 20}),
			upload.ErrTooLarge, "data.zip: big.csv expands to more than the 4 MiB limit for one file"},
		{"entries declared past the archive limit", uploadtest.Zip(t, uploadtest.Entry{Name: "a.csv", Size: 3 << 20}, uploadtest.Entry{Name: "b.csv", Size: 4 << 20}),
			upload.ErrTooLarge, "data.zip expands to more than the 6 MiB limit for one archive"},
		{"a header that lies about the size", uploadtest.Zip(t, uploadtest.Entry{Name: "liar.csv", Size: 64 << 20, Declared: 1 << 10}),
			upload.ErrInvalid, "data.zip: liar.csv expands past the size its header declares (1 KiB)"},
		{"an entry escaping the folder", zipOf(t, map[string]string{"../../etc/evil": "x"}), upload.ErrInvalid, `data.zip: the entry "../../etc/evil" points outside the archive`},
		{"an absolute entry", zipOf(t, map[string]string{"/etc/evil": "x"}), upload.ErrInvalid, "points outside the archive"},
		{"a truncated archive", good[:len(good)-30], upload.ErrInvalid, "data.zip is not a readable zip archive"},
		{"not a zip", []byte("PK? no"), upload.ErrInvalid, "data.zip is not a readable zip archive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := upload.Extract(context.Background(), writeZip(t, c.archive), "data.zip", dir, lim)
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want %v saying %q", err, c.is, c.want)
			}
			if strings.Contains(err.Error(), os.TempDir()) {
				t.Errorf("the error shows a server path: %v", err)
			}
		})
	}
}

func TestExtract_WritesEntriesWithinTheLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	archive := zipOf(t, map[string]string{"spider/tables.json": "[]", "spider/database/a/a.sqlite": "x", "__MACOSX/spider/._a": "junk"})
	files, err := upload.Extract(context.Background(), writeZip(t, archive), "s.zip", dir, upload.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Errorf("files %q", files)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "spider", "database", "a", "a.sqlite")); err != nil || string(b) != "x" {
		t.Errorf("extracted %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "__MACOSX")); !errors.Is(err, os.ErrNotExist) {
		t.Error("__MACOSX was written")
	}
}

func TestSave_StopsAtTheFileLimit(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "x")
	_, err := upload.Save(io.LimitReader(zeros{}, 3<<20), p, "huge.csv", upload.Limits{File: 1 << 20})
	if !errors.Is(err, upload.ErrTooLarge) || err.Error() != "huge.csv is larger than the 1 MiB limit for one file" {
		t.Fatalf("err = %v", err)
	}
	if st, _ := os.Stat(p); st.Size() > 1<<20 {
		t.Errorf("wrote %d bytes past the limit", st.Size())
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// A process that crashes mid-upload: it makes an upload folder, writes into it and dies.
func TestMain(m *testing.M) {
	if os.Getenv("UPLOAD_TEST_CRASH") == "1" {
		d, err := upload.NewDir()
		if err != nil {
			os.Exit(2)
		}
		os.WriteFile(filepath.Join(d.Path, "half.sqlite"), []byte("half"), 0o600)
		os.Stdout.WriteString(d.Path)
		os.Exit(1) // no Close: the folder stays behind, as after a kill -9
	}
	os.Exit(m.Run())
}

func TestClean_RemovesACrashedProcesssFilesAndKeepsLiveUploads(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	live, err := upload.NewDir()
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := os.WriteFile(filepath.Join(live.Path, "x.csv"), []byte("a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "UPLOAD_TEST_CRASH=1")
	out, _ := cmd.Output()
	crashed := string(out)
	if !strings.HasPrefix(crashed, upload.Root()) {
		t.Fatalf("the crashing process said %q", crashed)
	}
	if _, err := os.Stat(filepath.Join(crashed, "half.sqlite")); err != nil {
		t.Fatalf("the crash left nothing to clean: %v", err)
	}

	removed, err := upload.Clean()
	if err != nil || removed != 1 {
		t.Fatalf("Clean removed %d, err %v; want the crashed folder only", removed, err)
	}
	if _, err := os.Stat(crashed); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the crashed process's folder is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(live.Path, "x.csv")); err != nil {
		t.Errorf("the live upload lost its file: %v", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live.Path); !errors.Is(err, os.ErrNotExist) {
		t.Error("Close left the folder")
	}
}
