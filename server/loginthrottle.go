package server

import (
	"net/netip"
	"sync"
	"time"
)

// LoginThrottle says how failed sign-ins are slowed down; a zero field takes its default.
//
// Failures are counted per (client address, email). After FreeFailures of them, the pair must wait
// BaseDelay before its next attempt, and each further failure doubles the wait, up to MaxDelay. The
// email alone is never locked: an attacker's failures from one address do not delay the account's
// owner signing in from another (OWASP Authentication Cheat Sheet, "Account Lockout": a lockout is a
// denial of service anyone can trigger). AddressLimit, a looser limit per address over any emails,
// slows one address that guesses across many accounts.
type LoginThrottle struct {
	FreeFailures  int              // failures per (address, email) before delays start; default 3
	BaseDelay     time.Duration    // the first delay, doubled by every further failure; default 1 s
	MaxDelay      time.Duration    // the longest delay; default 15 min
	AddressLimit  int              // failures per address in AddressWindow, any email; default 50
	AddressWindow time.Duration    // default 15 min
	Now           func() time.Time // the clock; default time.Now
}

func (t LoginThrottle) withDefaults() LoginThrottle {
	if t.FreeFailures == 0 {
		t.FreeFailures = 3
	}
	if t.BaseDelay == 0 {
		t.BaseDelay = time.Second
	}
	if t.MaxDelay == 0 {
		t.MaxDelay = 15 * time.Minute
	}
	if t.AddressLimit == 0 {
		t.AddressLimit = 50
	}
	if t.AddressWindow == 0 {
		t.AddressWindow = 15 * time.Minute
	}
	if t.Now == nil {
		t.Now = time.Now
	}
	return t
}

const (
	// pairMemory is how long a quiet (address, email) pair keeps its failures. It is long against
	// MaxDelay so that pausing does not buy an attacker a new round of free attempts.
	pairMemory = 24 * time.Hour
	// maxThrottleEntries bounds the memory a flood of distinct addresses and emails can take; past
	// it the oldest state is dropped rather than the process growing without limit.
	maxThrottleEntries = 100_000
)

// loginLimiter applies a LoginThrottle. It lives in memory: it slows guessing against one server
// process, which is what it is for.
type loginLimiter struct {
	cfg   LoginThrottle
	mu    sync.Mutex
	pairs map[loginPair]pairFailures
	addrs map[string][]time.Time // each address's failures in the window, oldest first
}

type loginPair struct{ addr, email string }

type pairFailures struct {
	count int
	last  time.Time
}

func newLoginLimiter(cfg LoginThrottle) *loginLimiter {
	return &loginLimiter{cfg: cfg.withDefaults(), pairs: map[loginPair]pairFailures{}, addrs: map[string][]time.Time{}}
}

// attempt asks whether a sign-in for email from addr may go ahead. It returns how long it must still
// wait, or 0 when it may try now; an attempt that goes ahead is counted as a failure at once, so
// concurrent guesses cannot all pass before the first is judged. The caller then reports the outcome:
// succeeded, or abandoned when the password could not be checked at all.
func (l *loginLimiter) attempt(addr, email string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	addr = throttleAddress(addr)
	k := loginPair{addr, email}
	f, _ := l.pair(k, now)
	var wait time.Duration
	if f.count >= l.cfg.FreeFailures {
		wait = f.last.Add(l.delay(f.count)).Sub(now)
	}
	fs := l.window(addr, now)
	if len(fs) >= l.cfg.AddressLimit {
		wait = max(wait, fs[len(fs)-l.cfg.AddressLimit].Add(l.cfg.AddressWindow).Sub(now))
	}
	if wait > 0 {
		return wait
	}
	l.pairs[k] = pairFailures{count: f.count + 1, last: now}
	l.addrs[addr] = append(fs, now)
	if len(l.pairs)+len(l.addrs) > maxThrottleEntries {
		l.shrink(now)
	}
	return 0
}

// delay is the wait after count failures, count ≥ FreeFailures.
func (l *loginLimiter) delay(count int) time.Duration {
	d := l.cfg.BaseDelay
	for i := l.cfg.FreeFailures; i < count && d < l.cfg.MaxDelay; i++ {
		d *= 2
	}
	return min(d, l.cfg.MaxDelay)
}

// succeeded forgets the pair's failures and takes the attempt back from the address. The address
// keeps its other failures: signing in to one's own account must not reset the allowance for guessing
// others.
func (l *loginLimiter) succeeded(addr, email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	addr = throttleAddress(addr)
	delete(l.pairs, loginPair{addr, email})
	l.dropLatest(addr)
}

// abandoned takes back an attempt whose password was never judged (the database was unavailable).
func (l *loginLimiter) abandoned(addr, email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	addr = throttleAddress(addr)
	k := loginPair{addr, email}
	if f, ok := l.pairs[k]; ok && f.count > 1 {
		l.pairs[k] = pairFailures{count: f.count - 1, last: f.last}
	} else {
		delete(l.pairs, k)
	}
	l.dropLatest(addr)
}

func (l *loginLimiter) dropLatest(addr string) {
	if fs := l.addrs[addr]; len(fs) > 1 {
		l.addrs[addr] = fs[:len(fs)-1]
	} else {
		delete(l.addrs, addr)
	}
}

// pair returns the pair's failures, dropping them when they have been quiet for pairMemory.
func (l *loginLimiter) pair(k loginPair, now time.Time) (pairFailures, bool) {
	f, ok := l.pairs[k]
	if ok && now.Sub(f.last) >= pairMemory {
		delete(l.pairs, k)
		return pairFailures{}, false
	}
	return f, ok
}

// window returns the address's failures inside AddressWindow, dropping older ones.
func (l *loginLimiter) window(addr string, now time.Time) []time.Time {
	fs := l.addrs[addr]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.cfg.AddressWindow {
		i++
	}
	if i == len(fs) {
		delete(l.addrs, addr)
		return nil
	}
	fs = fs[i:]
	l.addrs[addr] = fs
	return fs
}

// shrink drops expired state, then, if a flood of distinct keys is still too much, arbitrary entries.
func (l *loginLimiter) shrink(now time.Time) {
	for k := range l.pairs {
		l.pair(k, now)
	}
	for a := range l.addrs {
		l.window(a, now)
	}
	for k := range l.pairs {
		if len(l.pairs)+len(l.addrs) <= maxThrottleEntries*9/10 {
			return
		}
		delete(l.pairs, k)
	}
}

// throttleAddress is the unit an address is throttled as: an IPv4 address, or the /64 network of an
// IPv6 one, since one subscriber is usually given a whole /64 (RFC 6177) and could otherwise pick a
// fresh address for every attempt.
func throttleAddress(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
