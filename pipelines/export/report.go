package export

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/goldset/goldset/store"
)

// problemSpool collects the pairs a Spider or BIRD export could not write, as JSON objects in a
// temporary file, so that a snapshot whose every pair fails does not hold them all in memory;
// writeReport copies them into the report.
type problemSpool struct {
	f *os.File
	n int
}

func newProblemSpool(dir string) (*problemSpool, error) {
	f, err := os.Create(filepath.Join(dir, "problems.json"))
	if err != nil {
		return nil, err
	}
	return &problemSpool{f: f}, nil
}

// add records that pair pr (of database dbID) was not exported as it is: kind says what happened.
func (s *problemSpool) add(pr *store.SnapshotPair, dbID, kind, reason string) error {
	b, err := json.Marshal(SpiderProblem{NLQID: pr.NLQID, DBID: dbID, Question: pr.Question, Kind: kind, Reason: reason})
	if err != nil {
		return err
	}
	if s.n > 0 {
		b = append([]byte(",\n"), b...)
	}
	s.n++
	_, err = s.f.Write(b)
	return err
}

func (s *problemSpool) Close() error { return s.f.Close() }

// pairDatabase is the exported database of pair pr, nil when it has none.
func pairDatabase(dbs map[int64]*spiderDatabase, pr *store.SnapshotPair) *spiderDatabase {
	if pr.DatabaseID == nil {
		return nil
	}
	return dbs[*pr.DatabaseID]
}

// writeReport writes goldset_export_report.json: its head as JSON, then the problems copied from
// the spool.
func writeReport(zw *datedZip, rep SpiderReport, spool *problemSpool) error {
	head, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	rw, err := zw.create(SpiderReportFile)
	if err != nil {
		return err
	}
	if _, err := rw.Write(append(head[:len(head)-2], []byte(",\n  \"problems\": [\n")...)); err != nil {
		return err
	}
	if _, err := spool.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(rw, spool.f); err != nil {
		return err
	}
	_, err = io.WriteString(rw, "\n  ]\n}\n")
	return err
}
