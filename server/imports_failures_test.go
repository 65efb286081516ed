package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
)

// spiderZip is a zip of a made-up Spider folder holding dbs.
func spiderZip(t *testing.T, dbs ...pipelinetest.SpiderDB) []byte {
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, filepath.Join(dir, "spider"), dbs...)
	zipPath := filepath.Join(t.TempDir(), "spider.zip")
	pipelinetest.ZipFiles(t, zipPath, dir)
	data, err := os.ReadFile(zipPath)
	noError(t, err)
	return data
}

func TestImports_FailedDatabasesAreNamedWithTheirReasons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mixed := spiderZip(t, pipelinetest.GoodSpiderDB("alpha"), pipelinetest.DamagedSpiderDB("broken"), pipelinetest.RefusedSpiderDB("refused"))

	// Some imported: 201 with the summary, the failed databases listed beside the others.
	rec := e.upload("lead", map[string]string{"kind": "spider"}, map[string][]byte{"spider.zip": mixed})
	if rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var sum struct {
		Databases []struct {
			Database struct{ Name string }
		}
		Failed []struct{ Name, Reason string }
	}
	noError(t, json.Unmarshal(rec.Body.Bytes(), &sum))
	if len(sum.Databases) != 1 || sum.Databases[0].Database.Name != "alpha" || len(sum.Failed) != 2 ||
		sum.Failed[0].Name != "broken" || !strings.Contains(sum.Failed[0].Reason, "database/broken/broken.sqlite") ||
		sum.Failed[1].Name != "refused" || !strings.Contains(sum.Failed[1].Reason, "row is too big") {
		t.Fatalf("summary %s", rec.Body)
	}
	if strings.Contains(rec.Body.String(), os.TempDir()) {
		t.Errorf("a path of the server in %s", rec.Body)
	}

	// Nothing imported: 422 import_failed, the message and the details naming each database.
	bad := spiderZip(t, pipelinetest.DamagedSpiderDB("broken"), pipelinetest.RefusedSpiderDB("refused"))
	rec = e.upload("lead", map[string]string{"kind": "spider"}, map[string][]byte{"spider.zip": bad})
	body := rec.Body.String()
	if rec.Code != 422 || !strings.Contains(body, `"code":"import_failed"`) || !strings.Contains(body, "2 of 2 databases could not be imported") ||
		!strings.Contains(body, `"failed":[{"name":"broken","reason":"database/broken/broken.sqlite: `) || !strings.Contains(body, `"name":"refused"`) {
		t.Fatalf("%d %s", rec.Code, body)
	}

	// A zip of SQLite files, kind sqlite, likewise.
	src := t.TempDir()
	pipelinetest.WriteSQLite(t, filepath.Join(src, "shop.sqlite"), pipelinetest.GoodSpiderDB("shop"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "junk.db"), pipelinetest.DamagedSpiderDB("junk"))
	zipPath := filepath.Join(t.TempDir(), "dbs.zip")
	pipelinetest.ZipFiles(t, zipPath, src)
	data, _ := os.ReadFile(zipPath)
	rec = e.upload("lead", map[string]string{"kind": "sqlite"}, map[string][]byte{"dbs.zip": data})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"name":"junk","reason":"junk.db: `) || !strings.Contains(rec.Body.String(), `"name":"shop"`) {
		t.Fatalf("sqlite zip: %d %s", rec.Code, rec.Body)
	}
	rec = e.upload("lead", map[string]string{"kind": "sqlite", "name": "one"}, map[string][]byte{"dbs.zip": data})
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "does not apply to a zip of SQLite files") {
		t.Fatalf("a name with a zip: %d %s", rec.Code, rec.Body)
	}
}
