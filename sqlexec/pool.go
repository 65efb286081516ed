package sqlexec

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// connPool keeps the sandbox's reader connections, at most max of them, idle ones per target. A
// connection belongs to one target for its life (it logged in as that target's reader); when a
// query needs another target and the pool is full, the longest-idle connection makes room.
type connPool struct {
	max  int
	dial func(context.Context, Target) (*pgx.Conn, error)

	mu     sync.Mutex
	idle   []idleConn // oldest first
	open   int
	closed bool
}

type idleConn struct {
	t     Target
	c     *pgx.Conn
	since time.Time
}

func newConnPool(max int, dial func(context.Context, Target) (*pgx.Conn, error)) *connPool {
	return &connPool{max: max, dial: dial}
}

// errPoolClosed is a query after the executor was closed: its process is shutting down, and a
// connection opened now would never be closed.
var errPoolClosed = errors.New("sqlexec: the sandbox is closed")

// get returns an idle connection of t's (reused) or a new one.
func (p *connPool) get(ctx context.Context, t Target) (conn *pgx.Conn, reused bool, err error) {
	var expired []*pgx.Conn
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, errPoolClosed
	}
	now := time.Now()
	for len(p.idle) > 0 && now.Sub(p.idle[0].since) > idleLifetime {
		expired = append(expired, p.idle[0].c)
		p.idle = p.idle[1:]
		p.open--
	}
	for i := len(p.idle) - 1; i >= 0; i-- {
		if p.idle[i].t == t {
			conn = p.idle[i].c
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			break
		}
	}
	if conn == nil {
		if p.open >= p.max && len(p.idle) > 0 {
			expired = append(expired, p.idle[0].c)
			p.idle = p.idle[1:]
			p.open--
		}
		p.open++
	}
	p.mu.Unlock()
	closeAll(expired)
	if conn != nil {
		return conn, true, nil
	}
	conn, err = p.dial(ctx, t)
	if err != nil {
		p.mu.Lock()
		p.open--
		p.mu.Unlock()
		return nil, false, err
	}
	return conn, false, nil
}

// put gives back a clean connection of t's.
func (p *connPool) put(t Target, c *pgx.Conn) {
	p.mu.Lock()
	if p.closed {
		p.open--
		p.mu.Unlock()
		closeAll([]*pgx.Conn{c})
		return
	}
	p.idle = append(p.idle, idleConn{t: t, c: c, since: time.Now()})
	p.mu.Unlock()
}

// discard closes a connection that is not fit for reuse.
func (p *connPool) discard(c *pgx.Conn) {
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
	closeAll([]*pgx.Conn{c})
}

func (p *connPool) close() {
	p.mu.Lock()
	p.closed = true
	var all []*pgx.Conn
	for _, ic := range p.idle {
		all = append(all, ic.c)
	}
	p.open -= len(p.idle)
	p.idle = nil
	p.mu.Unlock()
	closeAll(all)
}

func closeAll(conns []*pgx.Conn) {
	for _, c := range conns {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = c.Close(ctx)
		cancel()
	}
}
