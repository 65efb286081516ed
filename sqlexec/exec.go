package sqlexec

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ExecOptions bound what one query may cost.
type ExecOptions struct {
	MaxRows       int           // rows returned; more are counted as truncation (default 1000)
	MaxBytes      int           // bytes of returned values (default 8 MiB)
	Timeout       time.Duration // statement_timeout (default 10 s)
	MaxConcurrent int           // queries running at once; the rest wait (default 8)
}

func (o ExecOptions) withDefaults() ExecOptions {
	if o.MaxRows <= 0 {
		o.MaxRows = 1000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 8 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 8
	}
	return o
}

// Executor runs checked SQL against target databases in a read-only sandbox. Give it a pool of its
// own (NewPool): target queries then wait for each other, never for the platform's connections.
type Executor struct {
	pool *pgxpool.Pool
	opt  ExecOptions
	sem  chan struct{}
}

// NewPool opens the sandbox's own connection pool, sized to opt.MaxConcurrent.
func NewPool(ctx context.Context, url string, opt ExecOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: %w", err)
	}
	cfg.MaxConns = int32(opt.withDefaults().MaxConcurrent)
	cfg.ConnConfig.RuntimeParams["application_name"] = "goldset-sandbox"
	// The simple protocol sends the whole batch as one message that the server analyses statement by
	// statement, so the query's names resolve after set_config has switched role and search_path
	// (the extended protocol would parse the DECLARE first, in the platform's search_path).
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return pgxpool.NewWithConfig(ctx, cfg)
}

// NewExecutor runs queries on pool with the given limits.
func NewExecutor(pool *pgxpool.Pool, opt ExecOptions) *Executor {
	opt = opt.withDefaults()
	return &Executor{pool: pool, opt: opt, sem: make(chan struct{}, opt.MaxConcurrent)}
}

// Options are the executor's limits.
func (e *Executor) Options() ExecOptions { return e.opt }

// cursorName is the server-side cursor each sandboxed query runs in. A cursor lets the server stop
// after the row cap instead of producing (and sending) a ten-million-row result.
const cursorName = "goldset_sandbox"

// Run checks sql and executes it as t's reader: in a READ ONLY transaction, with search_path set to
// t's schema alone, under statement_timeout, through a cursor that fetches at most MaxRows+1 rows,
// stopping early at MaxBytes. Every failure, including a refusal, a timeout or cancellation, comes
// back in Result.Error.
func (e *Executor) Run(ctx context.Context, t Target, sql string) *Result {
	start := time.Now()
	res := &Result{}
	stmt, err := check(sql, t.Schema)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	select {
	case e.sem <- struct{}{}:
		defer func() { <-e.sem }()
	case <-ctx.Done():
		res.Error = "cancelled while waiting for a free sandbox slot"
		return res
	}
	conn, err := e.pool.Acquire(ctx)
	if err != nil {
		res.Error = "the database is unavailable: " + err.Error()
		return res
	}
	defer conn.Release()
	e.run(ctx, conn.Conn(), t, stmt, res)
	res.Elapsed = time.Since(start)
	if ctx.Err() != nil && res.Error != "" {
		res.Error = "cancelled: " + res.Error
	}
	return res
}

func (e *Executor) run(ctx context.Context, conn *pgx.Conn, t Target, sql string, res *Result) {
	// The batch ends with its own ROLLBACK, so a query costs one round trip. When a statement fails
	// the server skips the rest, the ROLLBACK included: end the transaction here then, even when
	// the caller's context is gone. A failed ROLLBACK means a broken connection, which is closed so
	// the pool drops it.
	defer func() {
		if conn.PgConn().TxStatus() == 'I' {
			return
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(rctx, "ROLLBACK"); err != nil {
			_ = conn.Close(rctx)
		}
	}()
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SELECT set_config('role', $1, true), set_config('search_path', $2, true), set_config('statement_timeout', $3, true)",
		t.Reader, pgx.Identifier{t.Schema}.Sanitize(), strconv.FormatInt(e.opt.Timeout.Milliseconds(), 10))
	// The newline ends a trailing -- comment of the statement before the next one begins.
	b.Queue("DECLARE " + cursorName + " NO SCROLL CURSOR FOR " + sql + "\n")
	b.Queue("FETCH FORWARD " + strconv.Itoa(e.opt.MaxRows+1) + " FROM " + cursorName)
	b.Queue("ROLLBACK")
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	for i := 0; i < 3; i++ {
		if _, err := br.Exec(); err != nil {
			res.Error = describeError(err, e.opt.Timeout)
			return
		}
	}
	rows, err := br.Query()
	if err != nil {
		res.Error = describeError(err, e.opt.Timeout)
		return
	}
	defer rows.Close()
	tm := conn.TypeMap()
	for _, fd := range rows.FieldDescriptions() {
		typ := strconv.FormatUint(uint64(fd.DataTypeOID), 10)
		if pt, ok := tm.TypeForOID(fd.DataTypeOID); ok {
			typ = pt.Name
		}
		res.Columns = append(res.Columns, ResultColumn{Name: fd.Name, Type: typ})
	}
	fp := NewFingerprinter(len(res.Columns))
	bytes := 0
	for rows.Next() {
		if res.RowCount >= e.opt.MaxRows {
			res.Truncated = true
			break
		}
		vals, err := rows.Values()
		if err != nil {
			res.Error = describeError(err, e.opt.Timeout)
			return
		}
		for _, raw := range rows.RawValues() {
			bytes += len(raw)
		}
		if bytes > e.opt.MaxBytes {
			res.Truncated = true
			break
		}
		res.RowCount++
		res.Rows = append(res.Rows, vals)
		fp.Add(vals)
	}
	if err := rows.Err(); err != nil && !res.Truncated {
		res.Error = describeError(err, e.opt.Timeout)
		res.Rows, res.RowCount = nil, 0
		return
	}
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
	if !res.Truncated {
		res.Fingerprint = fp.Sum()
	}
}

// describeError turns a driver error into the text a person or the agent reads.
func describeError(err error, timeout time.Duration) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57014":
			return fmt.Sprintf("the query ran longer than the %s limit and was stopped", timeout)
		case "42501":
			return "permission denied: " + pe.Message + " (only the tables of this database can be read)"
		case "25006":
			return "only reading is allowed: " + pe.Message
		}
		msg := pe.Message
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		if pe.Hint != "" {
			msg += ". Hint: " + pe.Hint
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return "the query was cancelled"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the query was stopped: its deadline passed"
	}
	return err.Error()
}

// pgMessage is the server's message of err without the driver's decoration.
func pgMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
