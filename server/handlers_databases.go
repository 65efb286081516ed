package server

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines"
	"github.com/goldset/goldset/pipelines/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// maxUpload bounds an import upload; maxUnzipped bounds what an uploaded zip may expand to.
const (
	maxUpload   = 512 << 20
	maxUnzipped = 2 << 30
)

func (s *Server) projectDatabase(c echo.Context) (store.Database, error) {
	pid, did, err := projectAnd(c, "database")
	if err != nil {
		return store.Database{}, err
	}
	return s.store.Database(c.Request().Context(), pid, did)
}

func (s *Server) listDatabases(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	all := c.QueryParam("all_versions") == "true"
	ds, err := s.store.ListDatabases(c.Request().Context(), pid, all)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"databases": ds})
}

func (s *Server) getDatabase(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	ts, err := s.store.Tables(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"database": d, "tables": ts})
}

func (s *Server) tableRows(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	ts, err := s.store.Tables(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	name := c.Param("table")
	limit := 20
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return invalid("limit", "must be a number from 1 to 200")
		}
		limit = n
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

func (s *Server) runQuery(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	var req queryRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.SQL) == "" {
		return invalid("sql", "is required")
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
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	var req compareRequest
	if err := bind(c, &req); err != nil {
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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"history": hs})
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
	for name, dst := range map[string]*int64{"database": &q.DatabaseID, "before": &q.Before} {
		if raw := c.QueryParam(name); raw != "" {
			n, err := strconv.ParseInt(raw, 10, 64)
			v.Check(err == nil && n > 0, name, "must be a positive id")
			*dst = n
		}
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		v.Check(err == nil && n >= 1 && n <= 500, "limit", "must be a number from 1 to 500")
		q.Limit = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	ns, err := s.store.ListNLQs(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"nlqs": ns})
}

// writeQuestion stores a question a person wrote, with their SQL run first.
func (s *Server) writeQuestion(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	var req pipelines.QuestionDraft
	if err := bind(c, &req); err != nil {
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
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	f, err := s.store.Facets(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

func (s *Server) nlqHistory(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	id, err := idParam(c, "nlq")
	if err != nil {
		return err
	}
	h, err := s.store.NLQHistory(c.Request().Context(), pid, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}

func (s *Server) translationReport(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	rs, err := s.store.TranslationReports(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"reports": rs})
}

// importFiles takes a multipart upload, stores the files in a temporary folder, and imports them.
// The folder is removed afterwards whatever happens.
func (s *Server) importFiles(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxUpload)
	if err := req.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "the upload is larger than 512 MiB"}
		}
		return invalid("files", "send the files as multipart/form-data: "+err.Error())
	}
	defer req.MultipartForm.RemoveAll()
	kind := c.FormValue("kind")
	headers := req.MultipartForm.File["files"]
	v := store.Validator{}
	v.Check(kind == "csv" || kind == "sqlite" || kind == "spider" || kind == "wtq" || kind == "questions", "kind", "must be csv, sqlite, spider, wtq or questions")
	v.Check(len(headers) > 0, "files", "at least one file is required")
	v.Check(kind == "csv" || len(headers) <= 1, "files", "this kind takes exactly one file")
	if err := v.Err(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "goldset-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Each file keeps its own name (table names come from it), in a folder of its own.
	var paths []string
	for i, fh := range headers {
		name := filepath.Base(filepath.Clean("/" + fh.Filename))
		if name == "/" || name == "." {
			name = "upload-" + strconv.Itoa(i)
		}
		p := filepath.Join(dir, strconv.Itoa(i), name)
		if err := os.Mkdir(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := saveUpload(func() (multipartFile, error) { return fh.Open() }, p); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	ctx := req.Context()
	a := currentPrincipal(c).actor(c)
	im := s.cfg.Importer
	name := strings.TrimSpace(c.FormValue("name"))
	var sum pipelines.ImportSummary
	switch kind {
	case "csv":
		ds, err := im.ImportCSV(ctx, a, pid, paths, name)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "sqlite":
		ds, err := im.ImportSQLite(ctx, a, pid, paths[0], name)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "spider", "wtq":
		root, err := unzipDataset(paths[0], filepath.Join(dir, "dataset"), map[string]string{"spider": "tables.json", "wtq": "csv"}[kind])
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
		qs, err := im.ImportQuestionsCSV(ctx, a, pid, paths[0], strings.TrimSpace(c.FormValue("database")))
		if err != nil {
			return err
		}
		sum.Questions = qs
	}
	if sum.Databases == nil {
		sum.Databases = []pipelines.DatabaseSummary{}
	}
	return c.JSON(http.StatusCreated, sum)
}

func saveUpload(open func() (multipartFile, error), path string) error {
	src, err := open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

type multipartFile = interface {
	io.Reader
	io.Closer
}

// unzipDataset extracts a dataset zip into dir, refusing entries that would escape it and archives
// that expand past maxUnzipped, and returns the folder that holds marker (the zip may or may not
// wrap the dataset in a top folder).
func unzipDataset(zipPath, dir, marker string) (string, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", invalid("files", "is not a readable zip archive: "+err.Error())
	}
	defer zr.Close()
	var total uint64
	root := ""
	for _, f := range zr.File {
		clean := filepath.Clean("/" + f.Name)
		if strings.Contains(f.Name, "..") && clean != "/"+f.Name || strings.HasPrefix(f.Name, "/") {
			return "", invalid("files", fmt.Sprintf("the zip entry %q points outside the archive", f.Name))
		}
		if strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		total += f.UncompressedSize64
		if total > maxUnzipped {
			return "", invalid("files", "the zip expands to more than 2 GiB")
		}
		target := filepath.Join(dir, clean)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := saveUpload(func() (multipartFile, error) { return f.Open() }, target); err != nil {
			return "", invalid("files", fmt.Sprintf("the zip entry %q cannot be read: %v", f.Name, err))
		}
		if filepath.Base(clean) == marker || (marker == "csv" && strings.Contains(clean, "/csv/")) {
			cand := filepath.Dir(target)
			if marker == "csv" {
				cand = target[:strings.Index(target, string(filepath.Separator)+"csv"+string(filepath.Separator))]
			}
			if root == "" || len(cand) < len(root) {
				root = cand
			}
		}
	}
	if root == "" {
		return "", invalid("files", fmt.Sprintf("the zip has no %s: it does not look like the dataset's folder", marker))
	}
	return root, nil
}

type tableRequest struct {
	Name    *string `json:"name"`
	Summary *string `json:"summary"`
}

func (s *Server) updateTable(c echo.Context) error {
	d, err := s.projectDatabase(c)
	if err != nil {
		return err
	}
	var req tableRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := s.store.UpdateTable(c.Request().Context(), currentPrincipal(c).actor(c), d, c.Param("table"), store.TablePatch{Name: req.Name, Summary: req.Summary})
	if err != nil {
		return err
	}
	s.cfg.Agents.Forget(d.ID) // the agent's schema context must show the new name and summary
	return c.JSON(http.StatusOK, map[string]any{"table": t})
}

// checkSQL runs SQL written for a question on the question's database and says how it compares:
// with the question's stored SQL by execution match, and with its WikiTableQuestions answer.
func (s *Server) checkSQL(c echo.Context) error {
	pid, nid, err := projectAnd(c, "nlq")
	if err != nil {
		return err
	}
	var req queryRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.SQL) == "" {
		return invalid("sql", "is required")
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
	if n.Candidate != nil && n.Candidate.Error == nil {
		stored := s.cfg.Exec.Run(ctx, d.Target(), n.Candidate.SQL)
		ordered, _ := sqlexec.HasTopLevelOrderBy(n.Candidate.SQL)
		m := sqlexec.Match(stored, res, sqlexec.MatchOptions{OrderMatters: ordered})
		out["execution_match"] = map[string]any{"match": m.Match, "reason": m.Reason, "against_candidate": n.Candidate.ID}
	}
	return c.JSON(http.StatusOK, out)
}
