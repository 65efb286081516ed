package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Exports streams a snapshot's pairs as a file for fine-tuning or evaluation, one row at a
// time from the database to the writer, so a snapshot of millions of pairs takes no more memory
// than one of ten. Each export is recorded with the sha256 of the bytes written.
type Exports struct {
	Store *store.Store
	// Exec reads sample rows for the schema in the prompts and runs the gold SQL for eval_csv.
	Exec *sqlexec.Executor
}

// The export formats.
const (
	FormatOpenAI    = "openai"     // chat fine-tuning JSONL: {"messages": [system, user, assistant]}
	FormatTRL       = "trl"        // prompt/completion JSONL
	FormatAlpaca    = "alpaca"     // a JSON array of {"instruction", "input", "output"}
	FormatEvalCSV   = "eval_csv"   // input,sql,target, as the reference evaluation script reads it
	FormatEvalJSONL = "eval_jsonl" // db_id, question, sql, result_fingerprint, hardness
	// FormatSpider (exports_spider.go) is a zip in Spider's layout, with the databases as SQLite files;
	// FormatBIRD (bird.go) one in BIRD's, with the evidence and the column descriptions.
)

// ExportFormats lists the formats, in the order the API documents them.
var ExportFormats = []string{FormatOpenAI, FormatTRL, FormatAlpaca, FormatEvalCSV, FormatEvalJSONL, FormatSpider, FormatBIRD}

var exportPrompt = prompts.Load("export_system")

// ExportParams choose the file.
type ExportParams struct {
	Format string `json:"format"`
	Split  string `json:"split"` // train, val, test or all ("" is all)
}

// Validate reports a bad format or split as a ValidationError; it fills in the default split.
func (p *ExportParams) Validate() error {
	if p.Split == "" {
		p.Split = golden.SplitAll
	}
	v := store.Validator{}
	v.Check(slices.Contains(ExportFormats, p.Format), "format", "must be one of "+strings.Join(ExportFormats, ", "))
	v.Check(p.Split == golden.SplitAll || slices.Contains(golden.SplitNames, p.Split), "split", `must be "train", "val", "test" or "all"`)
	return v.Err()
}

// ContentType is the media type of the file.
func (p ExportParams) ContentType() string {
	switch p.Format {
	case FormatAlpaca:
		return "application/json"
	case FormatEvalCSV:
		return "text/csv; charset=utf-8"
	case FormatSpider, FormatBIRD:
		return "application/zip"
	}
	return "application/x-ndjson"
}

// FileName names the file of a snapshot's export.
func (p ExportParams) FileName(snapshotID int64) string {
	ext := ".jsonl"
	switch p.Format {
	case FormatAlpaca:
		ext = ".json"
	case FormatEvalCSV:
		ext = ".csv"
	case FormatSpider, FormatBIRD:
		ext = ".zip"
	}
	return fmt.Sprintf("snapshot-%d-%s-%s%s", snapshotID, p.Format, p.Split, ext)
}

// Export writes the snapshot's pairs of the split to w in the format and records the export. The
// record is closed even when ctx is cancelled or w fails midway: it is then failed, with the count
// and hash of what was written so far. A ValidationError names a bad format or split; the snapshot
// must belong to the project.
func (x *Exports) Export(ctx context.Context, a store.Actor, projectID, snapshotID int64, p ExportParams, w io.Writer) (store.Export, error) {
	if err := p.Validate(); err != nil {
		return store.Export{}, err
	}
	if _, err := x.Store.GetSnapshot(ctx, projectID, snapshotID); err != nil {
		return store.Export{}, err
	}
	est, err := (&golden.Snapshots{Store: x.Store}).ErrorRate(ctx, projectID, snapshotID)
	if err != nil {
		return store.Export{}, err
	}
	rate, err := json.Marshal(est)
	if err != nil {
		return store.Export{}, err
	}
	rec := store.Export{ProjectID: projectID, SnapshotID: snapshotID, Format: p.Format, Split: p.Split, ErrorRate: rate}
	if err := x.Store.StartExport(ctx, a, &rec); err != nil {
		return rec, err
	}
	out := &hashingWriter{w: w, h: sha256.New()}
	bw := bufio.NewWriterSize(out, 64<<10)
	rows, err := x.write(ctx, projectID, snapshotID, p, bw)
	if err == nil {
		err = bw.Flush()
	}
	failure := ""
	if err != nil {
		failure = err.Error()
	}
	ferr := x.Store.FinishExport(context.WithoutCancel(ctx), &rec, rows, out.n, hex.EncodeToString(out.h.Sum(nil)), failure)
	if err != nil {
		return rec, fmt.Errorf("export snapshot %d as %s: %w", snapshotID, p.Format, err)
	}
	return rec, ferr
}

// hashingWriter hashes and counts the bytes its writer accepted.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashingWriter) Write(b []byte) (int, error) {
	n, err := hw.w.Write(b)
	hw.h.Write(b[:n])
	hw.n += int64(n)
	return n, err
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type openAIRow struct {
	Messages [3]chatMessage `json:"messages"`
}

type trlRow struct {
	Prompt     string `json:"prompt"`
	Completion string `json:"completion"`
}

type alpacaRow struct {
	Instruction string `json:"instruction"`
	Input       string `json:"input"`
	Output      string `json:"output"`
}

type evalRow struct {
	DBID              string `json:"db_id"`
	Question          string `json:"question"`
	SQL               string `json:"sql"`
	ResultFingerprint string `json:"result_fingerprint"`
	Hardness          string `json:"hardness"`
	Evidence          string `json:"evidence,omitempty"`   // BIRD's external knowledge
	Difficulty        string `json:"difficulty,omitempty"` // BIRD's label
}

// write streams the rows and returns how many pairs it wrote.
func (x *Exports) write(ctx context.Context, projectID, snapshotID int64, p ExportParams, w *bufio.Writer) (int, error) {
	switch p.Format {
	case FormatSpider:
		return x.writeSpider(ctx, projectID, snapshotID, p, w)
	case FormatBIRD:
		return x.writeBIRD(ctx, projectID, snapshotID, p, w)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // SQL is full of < and >
	var cw *csv.Writer
	switch p.Format {
	case FormatEvalCSV:
		cw = csv.NewWriter(w)
		if err := cw.Write([]string{"input", "sql", "target"}); err != nil {
			return 0, err
		}
	case FormatAlpaca:
		if _, err := w.WriteString("[\n"); err != nil {
			return 0, err
		}
	}
	// One entry per database of the snapshot (a handful), never per pair.
	dbs := map[int64]*exportDatabase{}
	database := func(pr *store.SnapshotPair) (*exportDatabase, error) {
		var id int64
		if pr.DatabaseID != nil {
			id = *pr.DatabaseID
		}
		if d, ok := dbs[id]; ok {
			return d, nil
		}
		d, err := x.database(ctx, projectID, id, pr.DatabaseName)
		if err != nil {
			return nil, err
		}
		dbs[id] = d
		return d, nil
	}
	split := p.Split
	if split == golden.SplitAll {
		split = ""
	}
	n := 0
	err := x.Store.EachSnapshotPair(ctx, snapshotID, split, func(pr *store.SnapshotPair) error {
		var err error
		switch p.Format {
		case FormatEvalJSONL:
			err = enc.Encode(evalRow{DBID: pr.DatabaseName, Question: pr.Question, SQL: pr.SQL, ResultFingerprint: pr.ResultFingerprint,
				Hardness: pr.Hardness, Evidence: pr.Evidence, Difficulty: pr.Difficulty})
		case FormatEvalCSV:
			var d *exportDatabase
			if d, err = database(pr); err == nil {
				err = cw.Write([]string{pr.Question, pr.SQL, x.target(ctx, d, pr.SQL)})
			}
			if err == nil && n%1000 == 999 {
				cw.Flush()
				err = cw.Error()
			}
		default:
			var d *exportDatabase
			if d, err = database(pr); err != nil {
				break
			}
			switch p.Format {
			case FormatOpenAI:
				err = enc.Encode(openAIRow{Messages: [3]chatMessage{{"system", d.system}, {"user", userText(pr)}, {"assistant", pr.SQL}}})
			case FormatTRL:
				err = enc.Encode(trlRow{Prompt: d.system + "\n\nQuestion: " + userText(pr) + "\nSQL:\n", Completion: pr.SQL})
			case FormatAlpaca:
				if n > 0 {
					err = w.WriteByte(',')
				}
				if err == nil {
					err = enc.Encode(alpacaRow{Instruction: d.system, Input: userText(pr), Output: pr.SQL})
				}
			}
		}
		if err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	switch p.Format {
	case FormatEvalCSV:
		cw.Flush()
		err = cw.Error()
	case FormatAlpaca:
		_, err = w.WriteString("]\n")
	}
	return n, err
}

// exportDatabase is what the rows of one database share: the system prompt with its schema, and
// where its gold SQL runs (nil when the database is gone or the pair names none).
type exportDatabase struct {
	name   string
	system string
	db     *store.Database
}

// database renders the system prompt of a database once: the instruction, and its tables as
// CREATE TABLE with keys and sample rows. A pair without a database, or whose database was deleted
// since the cut, gets the instruction alone.
func (x *Exports) database(ctx context.Context, projectID, id int64, name string) (*exportDatabase, error) {
	d := &exportDatabase{name: name}
	var schema string
	if id != 0 {
		db, err := x.Store.Database(ctx, projectID, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			d.db = &db
			tables, err := x.Store.Tables(ctx, id)
			if err != nil {
				return nil, err
			}
			samples := schemas.SampleRows
			if x.Exec == nil {
				samples = 0 // no sandbox to read them from
			}
			blocks := make([]string, len(tables))
			for i, t := range tables {
				if blocks[i], err = schemas.TableBlock(ctx, x.Exec, db, t, samples); err != nil {
					return nil, err
				}
			}
			schema = strings.Join(blocks, "\n\n")
		}
	}
	sys, err := exportPrompt.Render(map[string]string{"Database": name, "Schema": schema})
	if err != nil {
		return nil, err
	}
	d.system = sys
	return d, nil
}

// target is the eval CSV's serialized result of the gold SQL: its rows as a JSON array of arrays
// (at most the sandbox's row cap), or {"error": "..."} when it cannot run, so an evaluator can tell
// a failing gold from an empty result.
func (x *Exports) target(ctx context.Context, d *exportDatabase, sql string) string {
	failed := func(msg string) string {
		b, _ := json.Marshal(map[string]string{"error": msg})
		return string(b)
	}
	if d.db == nil || x.Exec == nil {
		return failed(fmt.Sprintf("database %q is not available", d.name))
	}
	res := x.Exec.Run(ctx, d.db.Target(), sql)
	if !res.OK() {
		return failed(res.Error)
	}
	rows := res.Rows
	if rows == nil {
		rows = [][]any{}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return failed(err.Error())
	}
	return string(b)
}

// userText is the question as a model is asked it, with its evidence (prompts.WithEvidence).
func userText(pr *store.SnapshotPair) string { return prompts.WithEvidence(pr.Question, pr.Evidence) }
