package sqlexec

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ExecOptions bound what one query may cost.
type ExecOptions struct {
	MaxRows       int           // rows returned; more are counted as truncation (default 1000)
	MaxBytes      int           // bytes of returned values (default 8 MiB)
	Timeout       time.Duration // statement_timeout, also enforced from outside the session (default 10 s)
	MaxConcurrent int           // queries running at once, and sandbox connections; the rest wait (default 8)
	// MaxPerUser is how many queries one person may run at once (default a quarter of
	// MaxConcurrent, at least 2); MaxPerProject how many one project's people and runs may run at
	// once (default MaxConcurrent − 2, at least 1), so another project always finds a slot.
	MaxPerUser    int
	MaxPerProject int
	WorkMem       string // work_mem of each query (default 32MB)
	// CheckCache is how many statement verdicts to remember (default 4096; negative: none).
	CheckCache int

	// serverTimeout, when set, replaces Timeout as the session's statement_timeout: tests use it
	// to show the outside deadline holds on its own.
	serverTimeout time.Duration
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
	if o.MaxPerUser <= 0 {
		o.MaxPerUser = max(2, o.MaxConcurrent/4)
	}
	if o.MaxPerProject <= 0 {
		o.MaxPerProject = max(1, o.MaxConcurrent-2)
	}
	if o.WorkMem == "" {
		o.WorkMem = "32MB"
	}
	if o.CheckCache == 0 {
		o.CheckCache = 4096
	}
	if o.serverTimeout <= 0 {
		o.serverTimeout = o.Timeout
	}
	return o
}

// The outside deadline: cancelGrace past the timeout the query is cancelled (a cancel request on
// a separate connection, as psql's Ctrl-C), and terminateGrace later its backend is terminated from
// the platform's connection, so nothing a query does inside its session can lengthen its life
// beyond Timeout + cancelGrace + terminateGrace.
const (
	cancelGrace    = 250 * time.Millisecond
	terminateGrace = 500 * time.Millisecond
	idleLifetime   = 5 * time.Minute
)

// Executor runs checked SQL against target databases in a read-only sandbox.
//
// It logs in as each target's reader role, on connections of its own (at most MaxConcurrent, kept
// per target and reused): the session user can read one schema and become no other role. Each
// query runs in a READ ONLY transaction with its statement_timeout, work_mem and search_path set
// locally, is rolled back, and the session is reset (DISCARD ALL) before the connection is reused;
// a connection that fails any of this, or whose query was cut short, is closed instead.
type Executor struct {
	opt    ExecOptions
	base   *pgx.ConnConfig // the platform URL's; each connection copies it with a reader's credentials
	admin  *pgxpool.Pool   // the platform's role: the secret, and terminating runaway backends
	secret []byte
	checks *checkCache
	slots  *slots
	conns  *connPool

	noCancelRequest bool // tests: leave a runaway query to the terminator alone
	// watchLate, in tests, runs when a query's watchdog has started its terminate grace: a
	// goroutine the scheduler wakes late, as a loaded machine does.
	watchLate func()
}

// NewExecutor prepares the sandbox for the platform database at url (the platform's own role): it
// reads the secret reader passwords derive from and keeps two platform connections for stopping
// runaway queries. Reader connections are opened as queries need them.
func NewExecutor(ctx context.Context, url string, opt ExecOptions) (*Executor, error) {
	opt = opt.withDefaults()
	base, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: %w", err)
	}
	acfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: %w", err)
	}
	acfg.MaxConns = 2
	acfg.ConnConfig.RuntimeParams["application_name"] = "goldset-sandbox-admin"
	admin, err := pgxpool.NewWithConfig(ctx, acfg)
	if err != nil {
		return nil, fmt.Errorf("sqlexec: %w", err)
	}
	secret, err := readSecret(ctx, admin)
	if err != nil {
		admin.Close()
		return nil, err
	}
	skipped, err := UpgradeReaders(ctx, admin)
	if err != nil {
		admin.Close()
		return nil, err
	}
	for _, s := range skipped {
		slog.Warn("sandbox: a reader role could not be upgraded", "what", s)
	}
	e := &Executor{opt: opt, base: base, admin: admin, secret: secret, checks: newCheckCache(opt.CheckCache),
		slots: newSlots(opt)}
	e.conns = newConnPool(opt.MaxConcurrent, e.dial)
	return e, nil
}

// Close closes the sandbox's connections.
func (e *Executor) Close() {
	e.conns.close()
	e.admin.Close()
}

// Options are the executor's limits.
func (e *Executor) Options() ExecOptions { return e.opt }

// Run checks sql and executes it as t's reader, read-only, with search_path set to t's schema alone,
// under the timeout, keeping at most MaxRows rows and MaxBytes bytes: past either cap the query is
// cancelled and the result marked truncated. The caller in ctx (WithCaller) waits for a slot of its
// own. Every failure, including a refusal, a timeout or cancellation, comes back in Result.Error.
func (e *Executor) Run(ctx context.Context, t Target, sql string) *Result {
	start := time.Now()
	res := &Result{}
	defer func() { res.Elapsed = time.Since(start) }()
	stmt, err := e.checks.check(sql, t.Schema)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	e.execute(ctx, t, stmt, res, nil)
	return res
}

// execute runs stmt, already checked (or, in tests, deliberately not), into res; with a sink, each
// row goes to the sink instead of res.Rows (see RunStream).
func (e *Executor) execute(ctx context.Context, t Target, stmt string, res *Result, sink *rowSink) {
	release, err := e.slots.acquire(ctx, CallerOf(ctx))
	if err != nil {
		res.Error = "cancelled while waiting for a free sandbox slot"
		return
	}
	defer release()
	for attempt := 0; ; attempt++ {
		conn, reused, err := e.conns.get(ctx, t)
		if err != nil {
			slog.Warn("sandbox: connect", "reader", t.Reader, "err", err)
			res.Error = "the database is unavailable: could not open a sandbox session"
			if ctx.Err() != nil {
				res.Error = "the query was cancelled"
			}
			return
		}
		state := e.query(ctx, conn, t, stmt, res, sink)
		switch {
		case state == stale && reused && attempt == 0 && ctx.Err() == nil:
			// An idle connection the server closed meanwhile (a restart): open another.
			e.conns.discard(conn)
			*res = Result{}
			continue
		case state == clean && e.reset(ctx, conn):
			e.conns.put(t, conn)
		default:
			e.conns.discard(conn)
		}
		return
	}
}

// sessionState is what a query left its connection in.
type sessionState int

const (
	clean  sessionState = iota // in a transaction or idle, in step with the server: reset and reuse
	broken                     // closed, or out of step with the server: discard
	stale                      // it failed before the query was sent: discard, and a retry may work
)

// reset ends the transaction and clears the session (advisory locks, prepared statements, settings,
// cursors) so the next query finds it as it was opened: ROLLBACK and DISCARD ALL, each its own
// implicit transaction (DISCARD ALL refuses to run in one with anything else), in one round trip.
// It reports whether the connection is fit for reuse.
func (e *Executor) reset(ctx context.Context, conn *pgx.Conn) bool {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	pl := conn.PgConn().StartPipeline(rctx)
	pl.SendQueryParams("ROLLBACK", nil, nil, nil, nil)
	pl.SendPipelineSync()
	pl.SendQueryParams("DISCARD ALL", nil, nil, nil, nil)
	pl.SendPipelineSync()
	if err := pl.Flush(); err != nil {
		pl.Close()
		return false
	}
	for syncs := 0; syncs < 2; {
		r, err := pl.GetResults()
		if err != nil {
			pl.Close()
			return false
		}
		switch r := r.(type) {
		case *pgconn.ResultReader:
			if _, err := r.Close(); err != nil {
				pl.Close()
				return false
			}
		case *pgconn.PipelineSync:
			syncs++
		case nil:
			pl.Close()
			return false
		}
	}
	return pl.Close() == nil && conn.PgConn().TxStatus() == 'I'
}

// query runs stmt on conn into res, under the outside deadline: in one round trip, it opens a
// READ ONLY transaction, sets the query's limits for that transaction alone, and runs the
// statement. It reports the state the connection is left in.
//
// A query whose deadline passed or whose caller gave up leaves its connection broken, whatever the
// server answered: a cancel request pgx sent for it may still be on its way, and its watchdog may
// be about to terminate the backend; either would hit the next query on a reused connection.
func (e *Executor) query(ctx context.Context, conn *pgx.Conn, t Target, stmt string, res *Result, sink *rowSink) (state sessionState) {
	qctx, cancel := context.WithTimeout(ctx, e.opt.Timeout+cancelGrace)
	defer cancel()
	w := &watchdog{finished: make(chan struct{})}
	go e.watch(qctx, conn.PgConn().PID(), w)
	defer func() {
		// Runs after the results are closed and before qctx is cancelled by the return.
		if killed := w.finish(); (killed || qctx.Err() != nil) && state == clean {
			state = broken
		}
	}()

	// The extended protocol runs exactly one statement, whatever the text holds; no statement is
	// kept prepared, since DISCARD ALL would forget it.
	b := &pgx.Batch{}
	b.Queue("BEGIN TRANSACTION READ ONLY")
	b.Queue("SET LOCAL statement_timeout = " + strconv.FormatInt(e.opt.serverTimeout.Milliseconds(), 10))
	b.Queue("SET LOCAL work_mem = " + quoteLiteral(e.opt.WorkMem))
	b.Queue("SET LOCAL search_path = " + pgx.Identifier{t.Schema}.Sanitize())
	b.Queue(stmt)
	br := conn.SendBatch(qctx, b)
	defer br.Close()
	for i := 0; i < 4; i++ {
		if _, err := br.Exec(); err != nil {
			e.fail(ctx, qctx, res, err)
			var pe *pgconn.PgError
			if i == 0 && !errors.As(err, &pe) {
				return stale
			}
			return e.after(conn)
		}
	}
	rows, err := br.Query()
	if err != nil {
		e.fail(ctx, qctx, res, err)
		return e.after(conn)
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
	var fp *Fingerprinter
	maxRows, maxBytes := e.opt.MaxRows, e.opt.MaxBytes
	if sink != nil {
		// Nothing is held: only the row count bounds the run (and MaxBytes each row, see dial).
		maxRows, maxBytes = sink.maxRows, math.MaxInt
	} else {
		fp = NewFingerprinter(len(res.Columns))
		res.Rows = [][]any{}
	}
	bytes := 0
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			bytes += len(raw)
		}
		if res.RowCount >= maxRows || bytes > maxBytes {
			res.Truncated = true
			e.stop(ctx, conn)
			return broken
		}
		vals, err := rows.Values()
		if err != nil {
			e.fail(ctx, qctx, res, err)
			return broken
		}
		res.RowCount++
		if sink != nil {
			sink.fn(vals)
			continue
		}
		res.Rows = append(res.Rows, vals)
		fp.Add(vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		var big *pgproto3.ExceededMaxBodyLenErr
		if errors.As(err, &big) {
			// One row is larger than the byte cap: the client refused to read it, so the
			// session is out of step and is closed.
			res.Truncated = true
			return broken
		}
		e.fail(ctx, qctx, res, err)
		return e.after(conn)
	}
	if err := br.Close(); err != nil {
		return broken
	}
	if fp != nil {
		res.Fingerprint = fp.Sum()
	}
	return clean
}

// after is the state of conn after a failed statement: a server error leaves it in step.
func (e *Executor) after(conn *pgx.Conn) sessionState {
	if conn.IsClosed() {
		return broken
	}
	return clean
}

// watchdog is what a query and its watch share: whether the query has finished, whether the watch
// has decided to terminate it. Whichever decides first under mu wins, so a backend is terminated
// only while its query still runs, and a connection whose backend is being terminated is never
// reused (a select on two ready channels, which Go picks between at random, cannot decide this).
type watchdog struct {
	finished chan struct{} // closed by finish, to wake the watch
	mu       sync.Mutex
	done     bool // the query has finished
	killing  bool // the watch terminates the backend
}

// finish records that the query has finished and reports whether the watch was terminating its
// backend by then.
func (w *watchdog) finish() (killed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.done = true
		close(w.finished)
	}
	return w.killing
}

// kill decides to terminate the backend unless the query has finished.
func (w *watchdog) kill() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.killing = true
	return true
}

// watch enforces the outside deadline of a query running on backend pid: once qctx ends (the
// timeout plus its grace, or the caller gave up) pgx has sent a cancel request; if the query has
// still not finished terminateGrace later, its backend is terminated from the platform's side.
func (e *Executor) watch(qctx context.Context, pid uint32, w *watchdog) {
	select {
	case <-w.finished:
		return
	case <-qctx.Done():
	}
	t := time.NewTimer(terminateGrace)
	defer t.Stop()
	if e.watchLate != nil {
		e.watchLate()
	}
	select {
	case <-w.finished:
		return
	case <-t.C:
	}
	if !w.kill() {
		return // finished meanwhile: its connection may already serve another query
	}
	tctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := e.admin.Exec(tctx, "SELECT pg_terminate_backend($1)", int64(pid)); err != nil {
		slog.Warn("sandbox: terminate a runaway query", "pid", pid, "err", err)
	}
}

// stop cancels the query running on conn, so the server neither produces nor sends the rest of a
// capped result, and closes the connection: a cancel that arrives late can never hit another query.
func (e *Executor) stop(ctx context.Context, conn *pgx.Conn) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = conn.PgConn().CancelRequest(cctx)
	_ = conn.PgConn().Conn().Close()
}

// fail records err in res, saying whether the caller gave up or the deadline passed.
func (e *Executor) fail(ctx, qctx context.Context, res *Result, err error) {
	res.Rows, res.RowCount, res.Columns, res.Fingerprint = nil, 0, nil, ""
	switch {
	case ctx.Err() != nil:
		res.Error = "cancelled: the query was cancelled"
	case qctx.Err() != nil:
		res.Error = fmt.Sprintf("the query ran longer than the %s limit and was stopped", e.opt.Timeout)
	default:
		res.Error = describeError(err, e.opt.Timeout)
	}
}

// dial opens a connection as t's reader.
func (e *Executor) dial(ctx context.Context, t Target) (*pgx.Conn, error) {
	cfg := e.base.Copy()
	cfg.User = t.Reader
	cfg.Password = readerPassword(e.secret, t.Reader)
	cfg.StatementCacheCapacity = 0
	cfg.DescriptionCacheCapacity = 0
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	cfg.RuntimeParams = map[string]string{
		"application_name":                    "goldset-sandbox",
		"default_transaction_read_only":       "on",
		"search_path":                         t.Schema,
		"statement_timeout":                   strconv.FormatInt(e.opt.serverTimeout.Milliseconds(), 10),
		"idle_in_transaction_session_timeout": strconv.FormatInt((e.opt.Timeout + time.Minute).Milliseconds(), 10),
	}
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		if e.noCancelRequest {
			return &pgconn.DeadlineContextWatcherHandler{Conn: pc.Conn(), DeadlineDelay: terminateGrace + time.Second}
		}
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: terminateGrace + time.Second}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// A row larger than the byte cap is refused as its header arrives, never read into memory.
	conn.PgConn().Frontend().SetMaxBodyLen(e.opt.MaxBytes + 64<<10)
	return conn, nil
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
		case "53100", "53200", "54000":
			return "the query needs more memory or disk than the sandbox allows: " + pe.Message
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
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") {
		// Network errors name the server's socket path; the person needs only the fact.
		return "the connection to the database was lost"
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
