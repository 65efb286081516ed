package sqlexec

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
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
	// CheckCache is how many statement verdicts to remember (default 4096; negative: none).
	CheckCache int
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
	if o.CheckCache == 0 {
		o.CheckCache = 4096
	}
	return o
}

// Executor runs checked SQL against target databases in a read-only sandbox, on a connection pool
// of its own: target queries wait for each other, never for the platform's connections.
//
// Each pooled connection starts read-only (default_transaction_read_only) with the statement
// timeout, both set in its startup packet, so no query can change them (Check refuses SET and
// set_config). Before running a query the connection takes on the target's reader role and
// search_path, at session level, and only when it served another target before: most queries cost
// one round trip, and run as cached prepared statements like any direct client's.
type Executor struct {
	pool   *pgxpool.Pool
	opt    ExecOptions
	sem    chan struct{}
	checks *checkCache

	mu      sync.Mutex
	targets map[*pgconn.PgConn]Target // which target each pooled connection is set up for
}

// NewExecutor opens the sandbox's pool on url (as a role that may SET ROLE to every reader role: the
// platform's own) with the given limits.
func NewExecutor(ctx context.Context, url string, opt ExecOptions) (*Executor, error) {
	opt = opt.withDefaults()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: %w", err)
	}
	e := &Executor{opt: opt, sem: make(chan struct{}, opt.MaxConcurrent), checks: newCheckCache(opt.CheckCache),
		targets: map[*pgconn.PgConn]Target{}}
	cfg.MaxConns = int32(opt.MaxConcurrent)
	rp := cfg.ConnConfig.RuntimeParams
	rp["application_name"] = "goldset-sandbox"
	rp["default_transaction_read_only"] = "on"
	rp["statement_timeout"] = strconv.FormatInt(opt.Timeout.Milliseconds(), 10)
	rp["search_path"] = "pg_catalog" // nothing of the platform's until a target is chosen
	cfg.BeforeClose = func(c *pgx.Conn) {
		e.mu.Lock()
		delete(e.targets, c.PgConn())
		e.mu.Unlock()
	}
	if e.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("sqlexec: sandbox pool: %w", err)
	}
	return e, nil
}

// Close closes the sandbox's connections.
func (e *Executor) Close() { e.pool.Close() }

// Options are the executor's limits.
func (e *Executor) Options() ExecOptions { return e.opt }

// Run checks sql and executes it as t's reader, read-only, with search_path set to t's schema alone,
// under statement_timeout, keeping at most MaxRows rows and MaxBytes bytes: past either cap the query
// is cancelled and the result marked truncated. Every failure, including a refusal, a timeout or
// cancellation, comes back in Result.Error.
func (e *Executor) Run(ctx context.Context, t Target, sql string) *Result {
	start := time.Now()
	res := &Result{}
	defer func() { res.Elapsed = time.Since(start) }()
	stmt, err := e.checks.check(sql, t.Schema)
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
	if err := e.use(ctx, conn.Conn(), t); err != nil {
		res.Error = describeError(err, e.opt.Timeout)
		return res
	}
	if retry := e.run(ctx, conn.Conn(), stmt, res); retry {
		// The same SQL text was prepared on this connection for another target whose columns have
		// other types: PostgreSQL refuses the cached plan once, and pgx has now forgotten it.
		*res = Result{}
		e.run(ctx, conn.Conn(), stmt, res)
	}
	if ctx.Err() != nil && res.Error != "" {
		res.Error = "cancelled: " + res.Error
	}
	return res
}

// use sets conn up for target t unless it already is.
func (e *Executor) use(ctx context.Context, conn *pgx.Conn, t Target) error {
	e.mu.Lock()
	cur, ok := e.targets[conn.PgConn()]
	e.mu.Unlock()
	if ok && cur == t {
		return nil
	}
	q := "SET ROLE " + pgx.Identifier{t.Reader}.Sanitize() + "; SET search_path = " + pgx.Identifier{t.Schema}.Sanitize()
	if _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
		return err
	}
	e.mu.Lock()
	e.targets[conn.PgConn()] = t
	e.mu.Unlock()
	return nil
}

// run executes sql on conn into res. It reports whether the query should be run once more because
// a cached plan went stale (see Run).
func (e *Executor) run(ctx context.Context, conn *pgx.Conn, sql string, res *Result) (retry bool) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return e.fail(res, err)
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
	res.Rows = [][]any{}
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			bytes += len(raw)
		}
		if res.RowCount >= e.opt.MaxRows || bytes > e.opt.MaxBytes {
			res.Truncated = true
			e.stop(ctx, conn)
			break
		}
		vals, err := rows.Values()
		if err != nil {
			return e.fail(res, err)
		}
		res.RowCount++
		res.Rows = append(res.Rows, vals)
		fp.Add(vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil && !res.Truncated {
		return e.fail(res, err)
	}
	if !res.Truncated {
		res.Fingerprint = fp.Sum()
	}
	return false
}

// stop cancels the query running on conn, so the server neither produces nor sends the rest of a
// capped result, and closes the connection: the pool replaces it on release, and a cancel that
// arrives late can never hit another query.
func (e *Executor) stop(ctx context.Context, conn *pgx.Conn) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = conn.PgConn().CancelRequest(cctx)
	_ = conn.PgConn().Conn().Close()
}

func (e *Executor) fail(res *Result, err error) (retry bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan must not change result type") && !res.retried {
		res.retried = true
		return true
	}
	res.Error = describeError(err, e.opt.Timeout)
	res.Rows, res.RowCount, res.Columns = nil, 0, nil
	return false
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
