package server

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testClock is a clock the test moves by hand, so delays are asserted without sleeping.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// throttledEnv is a server whose login throttle runs on clock.
func throttledEnv(t *testing.T, clock *testClock, th LoginThrottle) *env {
	th.Now = clock.Now
	return newEnv(t, func(c *Config) { c.Login = th })
}

func (e *env) login(addr, email, password string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(scenario{Method: "POST", URL: "/api/v1/auth/login", RemoteAddr: addr + ":40000",
		Body: jsonBody(map[string]string{"email": email, "password": password})})
}

// expectLogin checks a login's status and, for 429, its Retry-After in seconds.
func expectLogin(t *testing.T, rec *httptest.ResponseRecorder, status, retryAfter int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("login: status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if status != http.StatusTooManyRequests {
		return
	}
	if got := rec.Header().Get("Retry-After"); got != strconv.Itoa(retryAfter) {
		t.Fatalf("Retry-After = %q, want %d", got, retryAfter)
	}
	got := decode[struct {
		Error struct {
			Code    string
			Details struct {
				RetryAfterSeconds int `json:"retry_after_seconds"`
			}
		}
	}](t, rec)
	if got.Error.Code != "rate_limited" || got.Error.Details.RetryAfterSeconds != retryAfter {
		t.Fatalf("body %s, want code rate_limited and retry_after_seconds %d", rec.Body, retryAfter)
	}
}

const (
	attacker = "203.0.113.7"
	office   = "198.51.100.20"
)

func TestLogin_AttackerFailuresFromOneAddressNeverLockOutTheOwnerElsewhere(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	e := throttledEnv(t, clock, LoginThrottle{FreeFailures: 3, BaseDelay: time.Minute})
	admin := e.users["admin"].Email

	for i := range 3 {
		expectLogin(t, e.login(attacker, admin, "guess "+strconv.Itoa(i)), http.StatusUnauthorized, 0)
	}
	for range 5 {
		expectLogin(t, e.login(attacker, admin, "another guess"), http.StatusTooManyRequests, 60)
	}
	// The delay holds whatever the password: a right guess is not even checked.
	expectLogin(t, e.login(attacker, admin, testPassword), http.StatusTooManyRequests, 60)

	expectLogin(t, e.login(office, admin, testPassword), http.StatusOK, 0)
	expectLogin(t, e.login(office, admin, testPassword), http.StatusOK, 0)
}

func TestLogin_IPv6AddressesAreThrottledByTheirSlash64(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	e := throttledEnv(t, clock, LoginThrottle{FreeFailures: 2, BaseDelay: time.Minute})
	lead := e.users["lead"].Email

	expectLogin(t, e.login("[2001:db8:1:2::1]", lead, "guess one"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login("[2001:db8:1:2::2]", lead, "guess two"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login("[2001:db8:1:2:ffff::3]", lead, "guess three"), http.StatusTooManyRequests, 60)
	expectLogin(t, e.login("[2001:db8:1:3::1]", lead, testPassword), http.StatusOK, 0)
}

func TestLogin_DelaysDoubleWithEachFailureUpToTheCap(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	e := throttledEnv(t, clock, LoginThrottle{FreeFailures: 2, BaseDelay: time.Second, MaxDelay: 8 * time.Second})
	email := e.users["reviewer"].Email

	expectLogin(t, e.login(attacker, email, "wrong 1"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login(attacker, email, "wrong 2"), http.StatusUnauthorized, 0)
	for _, wait := range []int{1, 2, 4, 8, 8} {
		expectLogin(t, e.login(attacker, email, "too soon"), http.StatusTooManyRequests, wait)
		clock.Advance(time.Duration(wait)*time.Second - time.Millisecond)
		expectLogin(t, e.login(attacker, email, "still too soon"), http.StatusTooManyRequests, 1)
		clock.Advance(time.Millisecond)
		expectLogin(t, e.login(attacker, email, "wrong again"), http.StatusUnauthorized, 0)
	}
}

func TestLogin_SuccessClearsTheDelay(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	e := throttledEnv(t, clock, LoginThrottle{FreeFailures: 2, BaseDelay: time.Minute})
	email := e.users["annotator"].Email

	expectLogin(t, e.login(office, email, "typo 1"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login(office, email, "typo 2"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login(office, email, testPassword), http.StatusTooManyRequests, 60)
	clock.Advance(time.Minute)
	expectLogin(t, e.login(office, email, testPassword), http.StatusOK, 0)

	// Counting starts over: two free failures again, then the first delay, not a longer one.
	expectLogin(t, e.login(office, email, "typo 3"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login(office, email, "typo 4"), http.StatusUnauthorized, 0)
	expectLogin(t, e.login(office, email, testPassword), http.StatusTooManyRequests, 60)
}

func TestLogin_OneAddressGuessingManyAccountsIsSlowed(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	e := throttledEnv(t, clock, LoginThrottle{AddressLimit: 4, AddressWindow: 10 * time.Minute})
	lead := e.users["lead"].Email

	for i := range 4 {
		expectLogin(t, e.login(attacker, unique("victim")+"@example.com", "guess "+strconv.Itoa(i)), http.StatusUnauthorized, 0)
	}
	expectLogin(t, e.login(attacker, lead, testPassword), http.StatusTooManyRequests, 600)
	expectLogin(t, e.login(office, lead, testPassword), http.StatusOK, 0)

	clock.Advance(10 * time.Minute)
	expectLogin(t, e.login(attacker, lead, testPassword), http.StatusOK, 0)
}

func TestThrottleAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "203.0.113.7",
		"2001:db8:1:2::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ab::9":   "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
		"2001:db8:1:3:0:0:0:1": "2001:db8:1:3::/64",
	} {
		if got := throttleAddress(in); got != want {
			t.Errorf("throttleAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
