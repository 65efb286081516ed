package llm

import (
	"context"
	"sync"
	"time"
)

// tokenBucket is the tokens-per-minute limiter: a bucket of capacity tokens refilled evenly over window.
// A call reserves its estimate before it is sent; the bucket may go into debt, and the caller waits
// until the debt is paid back, so calls are served roughly in arrival order and a large call is
// never starved by small ones. After the call, settle replaces the estimate with the real usage.
type tokenBucket struct {
	mu       sync.Mutex
	capacity float64
	perNano  float64 // refill per nanosecond
	tokens   float64
	last     time.Time

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newTokenBucket(perWindow int, window time.Duration) *tokenBucket {
	return &tokenBucket{
		capacity: float64(perWindow),
		perNano:  float64(perWindow) / float64(window),
		tokens:   float64(perWindow),
		now:      time.Now,
		sleep:    sleepCtx,
	}
}

// refill must be called with mu held.
func (b *tokenBucket) refill() {
	now := b.now()
	if !b.last.IsZero() {
		b.tokens = min(b.capacity, b.tokens+float64(now.Sub(b.last))*b.perNano)
	}
	b.last = now
}

// reserve takes n tokens (at most the capacity, so one huge call can still run) and waits until
// the bucket is out of debt. On cancellation the tokens are given back. It returns the tokens taken,
// to be passed to settle.
func (b *tokenBucket) reserve(ctx context.Context, n int) (int, error) {
	if b == nil {
		return 0, nil
	}
	take := min(float64(n), b.capacity)
	b.mu.Lock()
	b.refill()
	b.tokens -= take
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens / b.perNano)
	}
	b.mu.Unlock()
	if wait > 0 {
		if err := b.sleep(ctx, wait); err != nil {
			b.settle(int(take), 0)
			return 0, err
		}
	}
	return int(take), nil
}

// settle corrects a reservation with the tokens really used: a refund or an extra charge.
func (b *tokenBucket) settle(reserved, used int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.tokens = min(b.capacity, b.tokens+float64(reserved-used))
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// semaphore bounds the calls in flight.
type semaphore chan struct{}

func (s semaphore) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s semaphore) release() { <-s }
