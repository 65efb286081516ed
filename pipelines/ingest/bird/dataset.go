package bird

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goldset/goldset/pipelines/ingest/spider"
)

// Question is one entry of a BIRD questions file.
type Question struct {
	Index      int    `json:"-"`           // position in the file, from 0
	QuestionID *int   `json:"question_id"` // dev only
	DBID       string `json:"db_id"`
	Question   string `json:"question"`
	Evidence   string `json:"evidence"`
	SQL        string `json:"SQL"`
	Difficulty string `json:"difficulty"` // simple, moderate, challenging (dev only)
}

// Dataset is a BIRD folder: the questions of one file and where its databases are.
type Dataset struct {
	File        string // the questions file's name, e.g. dev.json
	Questions   []Question
	DatabaseDir string // <split>_databases
	// Tables is <split>_tables.json (Spider's tables.json format) when the folder has it; the
	// import reads schemas from the SQLite files, so it is informative only.
	Tables []spider.SchemaJSON
	// Missing says, by db_id, why a database the questions use cannot be read (no SQLite file);
	// only with Options.SkipMissing.
	Missing map[string]error
}

// Options say which questions file to read.
type Options struct {
	// QuestionsFile is the file's name in the folder; "" means dev.json. Its databases are in
	// <stem>_databases (dev.json: dev_databases, train.json: train_databases).
	QuestionsFile string
	// SkipMissing records a db_id whose SQLite file is absent in Dataset.Missing instead of
	// refusing the dataset, so the other databases can be imported.
	SkipMissing bool
}

// Errors a caller can test with errors.Is. A missing file and a NUL byte wrap spider's errors of
// the same meaning.
var (
	ErrMissingFile  = spider.ErrMissingFile
	ErrNUL          = spider.ErrNUL
	ErrMissingField = errors.New("missing field")
)

// DatabasesFolder is the folder of a questions file's databases: dev.json → dev_databases.
func DatabasesFolder(questionsFile string) string {
	base := filepath.Base(questionsFile)
	return strings.TrimSuffix(base, filepath.Ext(base)) + "_databases"
}

// ReadDataset reads a BIRD folder: the questions file, <stem>_tables.json when present, and
// checks that <stem>_databases/<db_id>/<db_id>.sqlite exists for every db_id the questions use.
// Every question needs db_id, question and SQL.
func ReadDataset(dir string, opt Options) (*Dataset, error) {
	file := opt.QuestionsFile
	if file == "" {
		file = "dev.json"
	}
	file = filepath.Base(file)
	d := &Dataset{File: file, DatabaseDir: filepath.Join(dir, DatabasesFolder(file)), Missing: map[string]error{}}
	data, err := readFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	// Decoded into raw objects first, so that a missing field is told from an empty one.
	var raw []map[string]json.RawMessage
	if err := decodeJSON(file, data, &raw); err != nil {
		return nil, err
	}
	d.Questions = make([]Question, len(raw))
	for i, obj := range raw {
		q := &d.Questions[i]
		q.Index = i
		for _, f := range []string{"db_id", "question", "SQL"} {
			if _, ok := obj[f]; !ok {
				return nil, fmt.Errorf("bird: %s: question %d%s: no %q field: %w", file, i, idNote(obj), f, ErrMissingField)
			}
		}
		b, _ := json.Marshal(obj)
		if err := json.Unmarshal(b, q); err != nil {
			return nil, fmt.Errorf("bird: %s: question %d%s: %w", file, i, idNote(obj), err)
		}
		q.Index = i
		q.SQL = strings.TrimSpace(q.SQL)
		q.Evidence = strings.TrimSpace(q.Evidence)
		switch {
		case strings.TrimSpace(q.DBID) == "":
			return nil, fmt.Errorf("bird: %s: question %d%s: db_id is empty", file, i, idNote(obj))
		case strings.TrimSpace(q.Question) == "":
			return nil, fmt.Errorf("bird: %s: question %d%s: the question is empty", file, i, idNote(obj))
		case q.SQL == "":
			return nil, fmt.Errorf("bird: %s: question %d%s: SQL is empty", file, i, idNote(obj))
		}
		// Questions, evidence and gold SQL are text people read and run: a NUL in them is for
		// their author to fix (PostgreSQL text cannot hold it), not for the import to rewrite.
		for _, f := range [][2]string{{"db_id", q.DBID}, {"question", q.Question}, {"evidence", q.Evidence}, {"SQL", q.SQL}, {"difficulty", q.Difficulty}} {
			if strings.Contains(f[1], "\x00") {
				return nil, fmt.Errorf("bird: %s: question %d, field %s: %w", file, i, f[0], ErrNUL)
			}
		}
	}
	checked := map[string]bool{}
	for _, q := range d.Questions {
		if checked[q.DBID] {
			continue
		}
		checked[q.DBID] = true
		if st, err := os.Stat(d.SQLitePath(q.DBID)); err != nil || !st.Mode().IsRegular() {
			// The path relative to the folder: the folder may be a server's temporary copy.
			missing := fmt.Errorf("bird: %s: question %d: database %q: %w: %s", file, q.Index, q.DBID, ErrMissingFile,
				filepath.ToSlash(filepath.Join(DatabasesFolder(file), q.DBID, q.DBID+".sqlite")))
			if !opt.SkipMissing {
				return nil, missing
			}
			d.Missing[q.DBID] = missing
		}
	}
	tables := strings.TrimSuffix(file, filepath.Ext(file)) + "_tables.json"
	if data, err := os.ReadFile(filepath.Join(dir, tables)); err == nil {
		if err := decodeJSON(tables, data, &d.Tables); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// idNote names a question by its question_id too, as BIRD's own tools cite it.
func idNote(obj map[string]json.RawMessage) string {
	if id, ok := obj["question_id"]; ok {
		return " (question_id " + string(id) + ")"
	}
	return ""
}

// SQLitePath is where the dataset keeps database dbID.
func (d *Dataset) SQLitePath(dbID string) string {
	return filepath.Join(d.DatabaseDir, dbID, dbID+".sqlite")
}

// DescriptionDir is database dbID's database_description folder (it may be absent).
func (d *Dataset) DescriptionDir(dbID string) string {
	return filepath.Join(d.DatabaseDir, dbID, "database_description")
}

// DatabaseIDs lists the db_ids the questions use, in order of first use.
func (d *Dataset) DatabaseIDs() []string {
	return spider.FirstUsed(d.Questions, func(q Question) string { return q.DBID })
}

func readFile(path string) ([]byte, error) {
	data, err := spider.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bird: %w", err)
	}
	return data, nil
}

// decodeJSON decodes a file's bytes (a UTF-8 byte-order mark allowed), saying which line is
// malformed.
func decodeJSON(name string, data []byte, v any) error {
	if err := spider.DecodeJSON(name, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), v); err != nil {
		return fmt.Errorf("bird: %w", err)
	}
	return nil
}
