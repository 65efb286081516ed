package spider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Question is one question of a Spider split with its gold SQL (SQLite dialect).
type Question struct {
	Index    int    `json:"index"` // position in the split file, from 0
	DBID     string `json:"db_id"`
	Question string `json:"question"`
	Query    string `json:"query"`
}

// SchemaJSON is one database of Spider's tables.json.
type SchemaJSON struct {
	DBID                string   `json:"db_id"`
	TableNames          []string `json:"table_names"`
	TableNamesOriginal  []string `json:"table_names_original"`
	ColumnNames         [][2]any `json:"column_names"`          // [table index (-1 for *), name]
	ColumnNamesOriginal [][2]any `json:"column_names_original"` // [table index, name]
	ColumnTypes         []string `json:"column_types"`
	PrimaryKeys         []any    `json:"primary_keys"` // column indexes; composite keys as lists
	ForeignKeys         [][2]int `json:"foreign_keys"` // [column index, referenced column index]
}

// Dataset is a Spider-format folder: questions of one split, the schemas, and the SQLite files.
type Dataset struct {
	Questions   []Question
	Schemas     map[string]SchemaJSON // tables.json by db_id
	DatabaseDir string
	// Missing says, by db_id, why a database the questions use cannot be read (no schema in
	// tables.json, no SQLite file); only with DatasetOptions.SkipMissing.
	Missing map[string]error
}

// DatasetOptions says which split to read.
type DatasetOptions struct {
	// QuestionsFile is the split's file name in the folder; "" means dev.json.
	QuestionsFile string
	// SkipMissing records a db_id whose schema or SQLite file is absent in Dataset.Missing instead
	// of refusing the dataset, so that an import can go on with the databases that are there.
	SkipMissing bool
}

// Errors a caller can test with errors.Is.
var (
	// ErrMissingFile is a file the dataset needs that is absent.
	ErrMissingFile = errors.New("missing file")
	// ErrNUL is a question, query or db_id holding a NUL byte.
	ErrNUL = errors.New("contains a NUL byte (U+0000), which PostgreSQL text cannot hold")
)

// ReadDataset reads a Spider-format folder: the questions file (dev.json unless opt says
// otherwise, e.g. train_spider.json), tables.json, and database/<db_id>/<db_id>.sqlite for every
// db_id the questions use.
func ReadDataset(dir string, opt ...DatasetOptions) (*Dataset, error) {
	qfile := "dev.json"
	var o DatasetOptions
	if len(opt) > 0 {
		o = opt[0]
	}
	if o.QuestionsFile != "" {
		qfile = o.QuestionsFile
	}
	var questions []Question
	if err := readJSON(filepath.Join(dir, qfile), &questions); err != nil {
		return nil, err
	}
	var schemas []SchemaJSON
	if err := readJSON(filepath.Join(dir, "tables.json"), &schemas); err != nil {
		return nil, err
	}
	d := &Dataset{Questions: questions, Schemas: map[string]SchemaJSON{}, DatabaseDir: filepath.Join(dir, "database"), Missing: map[string]error{}}
	for _, s := range schemas {
		d.Schemas[s.DBID] = s
	}
	checked := map[string]bool{}
	for i := range d.Questions {
		q := &d.Questions[i]
		q.Index = i
		if q.DBID == "" || q.Query == "" {
			return nil, fmt.Errorf("spider: %s: question %d: db_id and query are required", qfile, i)
		}
		// Questions and gold SQL are text people read and run: a NUL in them is for their author
		// to fix (PostgreSQL text cannot hold it), not for the import to rewrite silently.
		for _, f := range [][2]string{{"db_id", q.DBID}, {"question", q.Question}, {"query", q.Query}} {
			if strings.Contains(f[1], "\x00") {
				return nil, fmt.Errorf("spider: %s: question %d, field %s: %w", filepath.Base(qfile), i, f[0], ErrNUL)
			}
		}
		if checked[q.DBID] {
			continue
		}
		checked[q.DBID] = true
		var missing error
		if _, ok := d.Schemas[q.DBID]; !ok {
			missing = fmt.Errorf("spider: %s: question %d: db_id %q is not in tables.json", qfile, i, q.DBID)
		} else if _, err := os.Stat(d.SQLitePath(q.DBID)); err != nil {
			// The path relative to the folder: the folder may be a server's temporary copy.
			missing = fmt.Errorf("spider: question %d: database %q: %w: database/%s/%s.sqlite", i, q.DBID, ErrMissingFile, q.DBID, q.DBID)
		}
		if missing != nil && !o.SkipMissing {
			return nil, missing
		}
		if missing != nil {
			d.Missing[q.DBID] = missing
		}
	}
	return d, nil
}

// SQLitePath is where the dataset keeps database dbID.
func (d *Dataset) SQLitePath(dbID string) string {
	return filepath.Join(d.DatabaseDir, dbID, dbID+".sqlite")
}

// DatabaseIDs lists the db_ids the questions use, in order of first use.
func (d *Dataset) DatabaseIDs() []string {
	return FirstUsed(d.Questions, func(q Question) string { return q.DBID })
}

// FirstUsed lists the db_ids the questions qs use (dbID gives a question's), in order of first use.
func FirstUsed[Q any](qs []Q, dbID func(Q) string) []string {
	seen := map[string]bool{}
	var ids []string
	for _, q := range qs {
		if id := dbID(q); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// ReadFile reads a dataset's file; an error names the file by its base name (the folder may be a
// server's temporary copy) and is ErrMissingFile when it is absent.
func ReadFile(path string) ([]byte, error) {
	name := filepath.Base(path)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", name, ErrMissingFile)
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// readJSON decodes a file, saying which file and which line when it is missing or malformed.
func readJSON(path string, v any) error {
	name := filepath.Base(path)
	data, err := ReadFile(path)
	if err != nil {
		return fmt.Errorf("spider: %w", err)
	}
	if err := DecodeJSON(name, data, v); err != nil {
		return fmt.Errorf("spider: %w", err)
	}
	return nil
}

// DecodeJSON decodes the bytes of the file called name into v; an error names the file and, when
// the JSON is malformed or of the wrong type there, the line.
func DecodeJSON(name string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("%s: line %d: %w", name, lineAt(data, syn.Offset), err)
		case errors.As(err, &typ):
			return fmt.Errorf("%s: line %d: %w", name, lineAt(data, typ.Offset), err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
