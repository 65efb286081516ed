package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

func (s *Server) projectDatabase(c echo.Context) (store.Database, error) {
	pid, did, err := projectAnd(c, "database")
	if err != nil {
		return store.Database{}, err
	}
	return s.store.Database(c.Request().Context(), pid, did)
}

// databaseBody resolves the project's database named by the path and decodes the body into req.
func (s *Server) databaseBody(c echo.Context, req any) (store.Database, error) {
	d, err := s.projectDatabase(c)
	if err != nil {
		return store.Database{}, err
	}
	return d, bind(c, req)
}

func (s *Server) listDatabases(c echo.Context) error {
	all := c.QueryParam("all_versions") == "true"
	return getInProject(c, "databases", func(ctx context.Context, pid int64) ([]store.Database, error) {
		return s.store.ListDatabases(ctx, pid, all)
	})
}

// databaseTables resolves the project's database named by the path, with its tables.
func (s *Server) databaseTables(c echo.Context) (store.Database, []store.DBTable, error) {
	d, err := s.projectDatabase(c)
	if err != nil {
		return d, nil, err
	}
	ts, err := s.store.Tables(c.Request().Context(), d.ID)
	return d, ts, err
}

func (s *Server) getDatabase(c echo.Context) error {
	d, ts, err := s.databaseTables(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"database": d, "tables": ts})
}

func (s *Server) tableRows(c echo.Context) error {
	d, ts, err := s.databaseTables(c)
	if err != nil {
		return err
	}
	name := c.Param("table")
	limit := 20
	v := store.Validator{}
	queryLimit(c, &v, &limit, 200)
	if err := v.Err(); err != nil {
		return err
	}
	for _, t := range ts {
		if t.Name == name { // only a name from the registry reaches the SQL text
			q := fmt.Sprintf("SELECT * FROM %s LIMIT %d", pgx.Identifier{t.Name}.Sanitize(), limit)
			return c.JSON(http.StatusOK, s.cfg.Exec.Run(c.Request().Context(), d.Target(), q))
		}
	}
	return errorf(http.StatusNotFound, "not_found", "no table %q in database %s", name, d.Name)
}

type queryRequest struct {
	SQL string `json:"sql"`
}

// bindSQL decodes a body of SQL to run, which must not be blank.
func bindSQL(c echo.Context) (queryRequest, error) {
	var req queryRequest
	if err := bind(c, &req); err != nil {
		return req, err
	}
	if strings.TrimSpace(req.SQL) == "" {
		return req, invalid("sql", "is required")
	}
	return req, nil
}

func (s *Server) runQuery(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	req, err := bindSQL(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res := s.cfg.Exec.Run(ctx, d.Target(), req.SQL)
	h := store.HistoryEntry{DatabaseID: d.ID, SQL: req.SQL, ElapsedMS: float64(res.Elapsed.Microseconds()) / 1000}
	if res.OK() {
		n := res.RowCount
		h.RowCount = &n
	} else {
		h.Error = &res.Error
	}
	if err := s.store.AddHistory(ctx, currentPrincipal(c).user.ID, &h); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

type compareRequest struct {
	GoldSQL string `json:"gold_sql"`
	PredSQL string `json:"pred_sql"`
}

func (s *Server) compareQueries(c echo.Context) error {
	var req compareRequest
	d, err := s.databaseBody(c, &req)
	if err != nil {
		return err
	}
	v := store.Validator{}
	v.Check(strings.TrimSpace(req.GoldSQL) != "", "gold_sql", "is required")
	v.Check(strings.TrimSpace(req.PredSQL) != "", "pred_sql", "is required")
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	gold := s.cfg.Exec.Run(ctx, d.Target(), req.GoldSQL)
	pred := s.cfg.Exec.Run(ctx, d.Target(), req.PredSQL)
	ordered, _ := sqlexec.HasTopLevelOrderBy(req.GoldSQL)
	opt := sqlexec.MatchOptions{OrderMatters: ordered}
	m := sqlexec.Match(gold, pred, opt)
	return c.JSON(http.StatusOK, map[string]any{
		"match": m.Match, "reason": m.Reason, "order_matters": ordered,
		"gold": gold, "pred": pred, "diff": sqlexec.Diff(gold, pred, opt, 100),
	})
}

func (s *Server) queryHistory(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	hs, err := s.store.History(c.Request().Context(), currentPrincipal(c).user.ID, d.ID, 50)
	return respond(c, http.StatusOK, "history", hs, err)
}

func (s *Server) listNLQs(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	q := store.NLQQuery{ProjectID: pid, Status: c.QueryParam("status"), Stage: c.QueryParam("stage"), Origin: c.QueryParam("origin"),
		ErrorType: c.QueryParam("error_type"), Text: c.QueryParam("q")}
	v := store.Validator{}
	v.Check(q.ErrorType == "" || slices.Contains(store.ReviewErrorTypes, q.ErrorType), "error_type", "must be one of "+strings.Join(store.ReviewErrorTypes, ", "))
	v.Check(len(q.Text) <= 500, "q", "is longer than 500 bytes")
	queryID(c, &v, "database", &q.DatabaseID, false)
	queryID(c, &v, "before", &q.Before, false)
	queryLimit(c, &v, &q.Limit, 500)
	if err := v.Err(); err != nil {
		return err
	}
	ns, err := s.store.ListNLQs(c.Request().Context(), q)
	if err != nil {
		return err
	}
	gate, err := s.answerGate(c, pid)
	if err != nil {
		return err
	}
	for i := range ns {
		gate.question(&ns[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"nlqs": ns})
}

// writeQuestion stores a question a person wrote, with their SQL run first.
func (s *Server) writeQuestion(c echo.Context) error {
	pid, req, err := projectBody[loop.QuestionDraft](c)
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	n, res, err := s.loop.WriteQuestion(c.Request().Context(), p.actor(c), pid, p.user.ID, req)
	if err != nil {
		return err
	}
	out := map[string]any{"nlq": n}
	if res != nil {
		out["result"] = res
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) nlqFacets(c echo.Context) error {
	return getInProject(c, bare, s.store.Facets)
}

func (s *Server) nlqHistory(c echo.Context) error {
	pid, id, err := projectAnd(c, "nlq")
	if err != nil {
		return err
	}
	h, err := s.store.NLQHistory(c.Request().Context(), pid, id)
	if err != nil {
		return err
	}
	gate, err := s.answerGate(c, pid)
	if err != nil {
		return err
	}
	gate.history(&h)
	return c.JSON(http.StatusOK, h)
}

func (s *Server) translationReport(c echo.Context) error {
	return getInProject(c, "reports", s.store.TranslationReports)
}

// importFiles streams a multipart upload into an upload folder, counting every byte against the
// importer's limits, and imports the files. The folder is removed afterwards whatever happens (and
// at the next start after a crash: upload.Clean).
func (s *Server) importFiles(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	req := c.Request()
	im := s.cfg.Importer
	lim := im.Limits.OrDefault()
	dir, err := upload.NewDir()
	if err != nil {
		return err
	}
	defer dir.Close()
	form, paths, err := receiveFiles(req, c.Response(), dir.Path, lim)
	if err != nil {
		return err
	}
	kind := form["kind"]
	v := store.Validator{}
	v.Check(kind == "csv" || kind == "sqlite" || kind == "spider" || kind == "bird" || kind == "wtq" || kind == "questions", "kind", "must be csv, sqlite, spider, bird, wtq or questions")
	v.Check(len(paths) > 0, "files", "at least one file is required")
	v.Check(kind == "csv" || len(paths) <= 1, "files", "this kind takes exactly one file")
	if err := v.Err(); err != nil {
		return err
	}
	ctx := req.Context()
	a := currentPrincipal(c).actor(c)
	name := strings.TrimSpace(form["name"])
	var sum ingest.ImportSummary
	switch kind {
	case "csv":
		ds, err := im.ImportCSV(ctx, a, pid, paths, name)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "sqlite":
		if ingest.IsZip(paths[0]) {
			if name != "" {
				return invalid("name", "does not apply to a zip of SQLite files: each database is named after its file")
			}
			if sum, err = im.ImportSQLiteZip(ctx, a, pid, paths[0], filepath.Base(paths[0])); err != nil {
				return err
			}
			break
		}
		ds, err := im.ImportSQLite(ctx, a, pid, paths[0], name)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "bird":
		return s.importBIRD(c, pid, paths[0], filepath.Join(dir.Path, "dataset"))
	case "spider", "wtq":
		root, err := im.ExtractDataset(ctx, paths[0], filepath.Base(paths[0]), filepath.Join(dir.Path, "dataset"), kind)
		if err != nil {
			return err
		}
		if kind == "spider" {
			sum, err = im.ImportSpider(ctx, a, pid, root, spider.DatasetOptions{})
		} else {
			sum, err = im.ImportWTQ(ctx, a, pid, root, "")
		}
		if err != nil {
			return err
		}
	case "questions":
		qs, err := im.ImportQuestionsCSV(ctx, a, pid, paths[0], strings.TrimSpace(form["database"]))
		if err != nil {
			return err
		}
		sum.Questions = qs
	}
	if sum.Databases == nil {
		sum.Databases = []ingest.DatabaseSummary{}
	}
	if err := sum.Err(); err != nil && len(sum.Databases) == 0 {
		// Nothing was imported: an error, naming each database and its reason. When some were,
		// the summary (201) lists the failed ones beside them.
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "import_failed", Message: err.Error(),
			Details: map[string]any{"failed": sum.Failed}}
	}
	for _, d := range sum.Databases {
		s.cfg.Schemas.Warm(ctx, pid, d.Database.ID) // the retrieval index, before the first question needs it
	}
	return c.JSON(http.StatusCreated, sum)
}

// maxFormValue bounds one plain (non-file) field of an upload form.
const maxFormValue = 64 << 10

// receiveFiles reads a multipart/form-data body part by part: each file of the field "files" is
// streamed into dir/<n>/<its base name> (table names come from file names) through a counter, and
// the other fields are returned. Nothing is held in memory but a copy buffer; past lim.Upload in
// all or lim.File in one file, reading stops with 413.
func receiveFiles(req *http.Request, w http.ResponseWriter, dir string, lim upload.Limits) (map[string]string, []string, error) {
	req.Body = http.MaxBytesReader(w, req.Body, lim.Upload)
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, nil, invalid("files", "send the files as multipart/form-data")
	}
	form := map[string]string{}
	var paths []string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, paths, nil
		}
		if err != nil {
			return nil, nil, uploadError(err, lim, "the upload is not valid multipart/form-data")
		}
		if part.FormName() != "files" || part.FileName() == "" {
			val, err := io.ReadAll(&upload.LimitReader{R: part, Limit: maxFormValue, Err: invalid(part.FormName(), "is longer than 64 KiB")})
			if err != nil {
				return nil, nil, uploadError(err, lim, "the upload is not valid multipart/form-data")
			}
			form[part.FormName()] = string(val)
			continue
		}
		name := filepath.Base(filepath.Clean("/" + part.FileName()))
		if name == "/" || name == "." {
			name = "upload-" + strconv.Itoa(len(paths))
		}
		p := filepath.Join(dir, strconv.Itoa(len(paths)), name)
		if err := os.Mkdir(filepath.Dir(p), 0o700); err != nil {
			return nil, nil, err
		}
		if _, err := upload.Save(part, p, name, lim); err != nil {
			return nil, nil, uploadError(err, lim, "the upload of "+name+" was cut short")
		}
		paths = append(paths, p)
	}
}

// uploadError maps a failure while reading an upload: past a size limit is 413, a malformed or
// cut body is 400 with what, anything else (a full disk) the server's.
func uploadError(err error, lim upload.Limits, what string) error {
	var mbe *http.MaxBytesError
	var tooLarge *upload.TooLargeError
	var ve *store.ValidationError
	switch {
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: lim.UploadTooLarge().Error(),
			Details: map[string]any{"limit_bytes": lim.Upload}}
	case errors.As(err, &tooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: tooLarge.Error(),
			Details: map[string]any{"limit_bytes": tooLarge.Limit}}
	case errors.As(err, &ve):
		return ve
	case errors.As(err, new(*fs.PathError)):
		return err
	}
	return invalid("files", what)
}

type tableRequest struct {
	Name    *string `json:"name"`
	Summary *string `json:"summary"`
}

func (s *Server) updateTable(c echo.Context) error {
	var req tableRequest
	d, err := s.databaseBody(c, &req)
	if err != nil {
		return err
	}
	t, err := s.store.UpdateTable(c.Request().Context(), currentPrincipal(c).actor(c), d, c.Param("table"), store.TablePatch{Name: req.Name, Summary: req.Summary})
	if err != nil {
		return err
	}
	s.cfg.Schemas.Forget(d.ID) // the agent's schema context must show the new name and summary
	s.cfg.Schemas.Warm(c.Request().Context(), d.ProjectID, d.ID)
	return c.JSON(http.StatusOK, map[string]any{"table": t})
}

// checkSQL runs SQL written for a question on the question's database and says how it compares:
// with the question's stored SQL by execution match, and with its WikiTableQuestions answer.
func (s *Server) checkSQL(c echo.Context) error {
	pid, nid, err := projectAnd(c, "nlq")
	if err != nil {
		return err
	}
	req, err := bindSQL(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	n, err := s.store.NLQ(ctx, pid, nid)
	if err != nil {
		return err
	}
	if n.DatabaseID == nil {
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "this question has no database to run SQL on"}
	}
	d, err := s.store.Database(ctx, pid, *n.DatabaseID)
	if err != nil {
		return err
	}
	res := s.cfg.Exec.Run(ctx, d.Target(), req.SQL)
	out := map[string]any{"result": res}
	if len(n.TargetValues) > 0 {
		ok, reason := sqlexec.AnswerMatch(res, n.TargetValues)
		out["answer_match"] = map[string]any{"match": ok, "reason": reason, "answers": n.TargetValues}
	}
	gate, err := s.answerGate(c, pid)
	if err != nil {
		return err
	}
	// Whether the SQL matches the stored answer tells a blind annotator what the answer is.
	if n.Candidate != nil && n.Candidate.Error == nil && gate.visible(n.ID) {
		stored := s.cfg.Exec.Run(ctx, d.Target(), n.Candidate.SQL)
		ordered, _ := sqlexec.HasTopLevelOrderBy(n.Candidate.SQL)
		m := sqlexec.Match(stored, res, sqlexec.MatchOptions{OrderMatters: ordered})
		out["execution_match"] = map[string]any{"match": m.Match, "reason": m.Reason, "against_candidate": n.Candidate.ID}
	}
	return c.JSON(http.StatusOK, out)
}
