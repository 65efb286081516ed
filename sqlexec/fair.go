package sqlexec

import (
	"context"
	"strconv"
	"sync"
)

// Caller is who a query runs for: a person (User) in a project, or a project's batch work (User 0).
// The executor shares its slots fairly among callers: one person flooding the sandbox holds at most
// MaxPerUser slots, and one project at most MaxPerProject, so everyone else's queries still start.
type Caller struct {
	User    int64
	Project int64
}

type callerKey struct{}

// WithCaller returns ctx carrying c, for Executor.Run.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerOf is the caller ctx carries; the zero Caller (no limit but the executor's own) when none.
func CallerOf(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}

// slots are the executor's counting semaphores: one for everything, one per user, one per project.
type slots struct {
	global     chan struct{}
	perUser    int
	perProject int

	mu   sync.Mutex
	keys map[string]*keyed
}

type keyed struct {
	ch   chan struct{}
	refs int
}

func newSlots(o ExecOptions) *slots {
	return &slots{global: make(chan struct{}, o.MaxConcurrent), perUser: o.MaxPerUser, perProject: o.MaxPerProject,
		keys: map[string]*keyed{}}
}

// acquire waits for a slot of c's user, then of its project, then of the executor, and returns the
// function that gives all three back. Waiting in that order means a caller over its own share
// never holds a slot someone else could use.
func (s *slots) acquire(ctx context.Context, c Caller) (release func(), err error) {
	var held []func()
	undo := func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i]()
		}
	}
	if c.User != 0 {
		r, err := s.take(ctx, "u"+strconv.FormatInt(c.User, 10), s.perUser)
		if err != nil {
			return nil, err
		}
		held = append(held, r)
	}
	if c.Project != 0 {
		r, err := s.take(ctx, "p"+strconv.FormatInt(c.Project, 10), s.perProject)
		if err != nil {
			undo()
			return nil, err
		}
		held = append(held, r)
	}
	select {
	case s.global <- struct{}{}:
		held = append(held, func() { <-s.global })
	case <-ctx.Done():
		undo()
		return nil, ctx.Err()
	}
	return undo, nil
}

func (s *slots) take(ctx context.Context, key string, limit int) (func(), error) {
	s.mu.Lock()
	k := s.keys[key]
	if k == nil {
		k = &keyed{ch: make(chan struct{}, limit)}
		s.keys[key] = k
	}
	k.refs++
	s.mu.Unlock()
	done := func() {
		s.mu.Lock()
		if k.refs--; k.refs == 0 {
			delete(s.keys, key)
		}
		s.mu.Unlock()
	}
	select {
	case k.ch <- struct{}{}:
		return func() { <-k.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}
