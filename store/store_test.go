package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// inTx runs f in a transaction of st and commits it; f fails the test itself.
func inTx(t *testing.T, st *store.Store, f func(tx pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	f(tx)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// insertID runs a statement that sets up a test's rows and returns the id it returns
// (INSERT … RETURNING id).
func insertID(t *testing.T, st *store.Store, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// mustExec runs a statement that sets up a test's rows.
func mustExec(t *testing.T, st *store.Store, sql string, args ...any) {
	t.Helper()
	if _, err := st.Pool().Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// parallel runs f n times at once, with i from 0 to n-1, and returns what each returned.
func parallel[T any](n int, f func(i int) (T, error)) ([]T, []error) {
	out, errs := make([]T, n), make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; out[i], errs[i] = f(i) }()
	}
	close(start)
	wg.Wait()
	return out, errs
}

// newUser creates a user with a throwaway password.
func newUser(t *testing.T, st *store.Store, email string) store.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), store.System, store.NewUser{Email: email, Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// newProject creates a project led by lead (none when 0).
func newProject(t *testing.T, st *store.Store, name string, lead int64) store.Project {
	t.Helper()
	p, err := st.CreateProject(context.Background(), store.System, name, "", lead)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPasswords_HashAndCheck(t *testing.T) {
	t.Parallel()
	h, err := store.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash format: %s", h)
	}
	if !store.CheckPassword(h, "a long enough password") {
		t.Error("right password refused")
	}
	for _, bad := range []string{"", "a long enough passworD", "a long enough password "} {
		if store.CheckPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	h2, _ := store.HashPassword("a long enough password")
	if h == h2 {
		t.Error("two hashes of one password must differ (salt)")
	}
	for _, broken := range []string{"", "$argon2id$", "plain", "$argon2id$v=19$m=x$salt$key", "$bcrypt$v=19$m=1,t=1,p=1$AAAA$AAAA"} {
		if store.CheckPassword(broken, "anything at all") {
			t.Errorf("malformed hash %q accepted", broken)
		}
	}
}

func TestUsers_AuthenticateRefusesEveryBadCase(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, store.System, store.NewUser{Email: " Grace@Example.COM ", Name: "Grace", Password: "hopper hopper"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "grace@example.com" {
		t.Errorf("email not normalised: %q", u.Email)
	}
	if _, err := st.Authenticate(ctx, "GRACE@example.com", "hopper hopper"); err != nil {
		t.Errorf("good login: %v", err)
	}
	if _, err := st.Authenticate(ctx, "grace@example.com", "wrong"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := st.Authenticate(ctx, "nobody@example.com", "hopper hopper"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := st.UpdateUser(ctx, store.System, u.ID, store.UserPatch{Version: 1, Disabled: boolp(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, "grace@example.com", "hopper hopper"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user: %v", err)
	}
}

// A cookie's secret finds its session and user while both are live; an unknown secret, an expired
// session or a disabled user is refused alike. A session unused for more than a minute is extended
// by its use, a session used within the minute is not written.
func TestSessions_ResolveExtendAndRefuse(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u := newUser(t, st, "ada@example.com")
	ns, err := st.CreateSession(ctx, store.System, u, "test agent", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	sess, got, err := st.SessionUser(ctx, ns.Secret)
	if err != nil || got.ID != u.ID || got.Email != "ada@example.com" || sess.ID != ns.Session.ID || sess.CSRFToken != ns.Session.CSRFToken || sess.UserAgent != "test agent" {
		t.Fatalf("live session: %+v %+v %v", sess, got, err)
	}
	if _, _, err := st.SessionUser(ctx, ns.Secret+"x"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("unknown secret: %v", err)
	}

	expiry := func() (lastSeen, expires time.Time) {
		t.Helper()
		if err := st.Pool().QueryRow(ctx, `SELECT last_seen_at, expires_at FROM sessions WHERE id = $1`, ns.Session.ID).Scan(&lastSeen, &expires); err != nil {
			t.Fatal(err)
		}
		return lastSeen, expires
	}
	// Used within the minute: nothing written.
	mustExec(t, st, `UPDATE sessions SET last_seen_at = now() - interval '30 seconds', expires_at = now() + interval '1 hour' WHERE id = $1`, ns.Session.ID)
	before, beforeExp := expiry()
	if _, _, err := st.SessionUser(ctx, ns.Secret); err != nil {
		t.Fatal(err)
	}
	if after, afterExp := expiry(); !after.Equal(before) || !afterExp.Equal(beforeExp) {
		t.Errorf("used within the minute, written: last seen %v → %v, expires %v → %v", before, after, beforeExp, afterExp)
	}
	// Unused for two minutes: extended to a full TTL from now.
	mustExec(t, st, `UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = $1`, ns.Session.ID)
	if _, _, err := st.SessionUser(ctx, ns.Secret); err != nil {
		t.Fatal(err)
	}
	if lastSeen, expires := expiry(); time.Since(lastSeen) > time.Minute || time.Until(expires) < store.SessionTTL-time.Hour {
		t.Errorf("not extended: last seen %v, expires %v", lastSeen, expires)
	}

	mustExec(t, st, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, ns.Session.ID)
	if _, _, err := st.SessionUser(ctx, ns.Secret); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("expired session: %v", err)
	}
	mustExec(t, st, `UPDATE sessions SET expires_at = now() + interval '1 hour' WHERE id = $1`, ns.Session.ID)
	if _, err := st.UpdateUser(ctx, store.System, u.ID, store.UserPatch{Version: u.Version, Disabled: boolp(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SessionUser(ctx, ns.Secret); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user: %v", err)
	}
}

func TestUsers_LastAdminCannotBeRemoved(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	a, err := st.CreateUser(ctx, store.System, store.NewUser{Email: "root@example.com", Password: "0123456789", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.UpdateUser(ctx, store.System, a.ID, store.UserPatch{Version: a.Version, IsAdmin: boolp(false)})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("demoting the last admin: %v", err)
	}
	_, err = st.UpdateUser(ctx, store.System, a.ID, store.UserPatch{Version: a.Version, Disabled: boolp(true)})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("disabling the last admin: %v", err)
	}
	if _, err := st.CreateUser(ctx, store.System, store.NewUser{Email: "second@example.com", Password: "0123456789", IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateUser(ctx, store.System, a.ID, store.UserPatch{Version: a.Version, IsAdmin: boolp(false)}); err != nil {
		t.Fatalf("with another admin: %v", err)
	}
}

// againstPendingChange runs change in a transaction of its own and, while that transaction is
// still open, calls save; it commits once save has returned or waits on a lock, and returns save's
// result and whether save returned before the commit. A save that must see the other change waits;
// one that returns first decided without it.
func againstPendingChange[T any](t *testing.T, st *store.Store, change string, args []any, save func() (T, error)) (T, error, bool) {
	t.Helper()
	ctx := context.Background()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	var early *result
	inTx(t, st, func(tx pgx.Tx) {
		if _, err := tx.Exec(ctx, change, args...); err != nil {
			t.Fatal(err)
		}
		go func() { v, err := save(); done <- result{v, err} }()
		for {
			select {
			case r := <-done:
				early = &r
				return
			case <-time.After(10 * time.Millisecond):
			}
			var waiting bool
			err := st.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting)
			if err != nil {
				t.Fatal(err)
			}
			if waiting {
				return
			}
		}
	})
	if early != nil {
		return early.v, early.err, true
	}
	r := <-done
	return r.v, r.err, false
}

// An admin demoted while another admin's demotion is still being saved must see it: two admins
// demoting each other at once must not leave no admin.
func TestUsers_DemotionWaitsForAnotherAdminsDemotion(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	for _, patch := range []store.UserPatch{{IsAdmin: boolp(false)}, {Disabled: boolp(true)}} {
		var admins [2]store.User
		for i := range admins {
			u, err := st.CreateUser(ctx, store.System, store.NewUser{Email: fmt.Sprintf("admin%d-%t@example.com", i, patch.IsAdmin != nil), Password: "0123456789", IsAdmin: true})
			if err != nil {
				t.Fatal(err)
			}
			admins[i] = u
		}
		if _, err := st.Pool().Exec(ctx, `UPDATE users SET is_admin = false WHERE id NOT IN ($1, $2)`, admins[0].ID, admins[1].ID); err != nil {
			t.Fatal(err)
		}
		patch.Version = admins[0].Version
		_, err, early := againstPendingChange(t, st, `UPDATE users SET is_admin = false WHERE id = $1`, []any{admins[1].ID},
			func() (store.User, error) { return st.UpdateUser(ctx, store.System, admins[0].ID, patch) })
		if early && err == nil {
			t.Errorf("%+v was saved while the other admin's demotion was pending", patch)
		}
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("%+v after the other admin's demotion: %v, want the last-admin conflict", patch, err)
		}
		var left int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM users WHERE is_admin AND NOT disabled`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 1 {
			t.Fatalf("%+v: %d enabled admins left, want 1", patch, left)
		}
	}
}

// A save of a version that another save is replacing at that moment (a user, a project, a
// membership) is told it is stale; the other edit is never overwritten silently.
func TestUpdates_SaveOfAVersionBeingReplacedIsStale(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u := newUser(t, st, "same@example.com")
	p := newProject(t, st, "same version", 0)
	if _, err := st.AddMember(ctx, store.System, p.ID, u.Email, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	name := "mine"
	cases := []struct {
		what, change string
		id           int64
		save         func() (any, error)
	}{
		{"user", `UPDATE users SET name = 'theirs', version = version + 1 WHERE id = $1`, u.ID, func() (any, error) {
			return st.UpdateUser(ctx, store.System, u.ID, store.UserPatch{Version: u.Version, Name: &name})
		}},
		{"project", `UPDATE projects SET description = 'theirs', version = version + 1 WHERE id = $1`, p.ID, func() (any, error) {
			return st.UpdateProject(ctx, store.System, p.ID, store.ProjectPatch{Version: p.Version, Description: &name})
		}},
		{"membership", `UPDATE memberships SET role = 'reviewer', version = version + 1 WHERE user_id = $1`, u.ID, func() (any, error) {
			return st.UpdateMember(ctx, store.System, p.ID, u.ID, store.RoleLead, 1)
		}},
	}
	for _, c := range cases {
		_, err, _ := againstPendingChange(t, st, c.change, []any{c.id}, c.save)
		var stale *store.StaleVersionError
		if !errors.As(err, &stale) || stale.Current != 2 {
			t.Errorf("%s saved over a pending edit of its version: %v, want stale at version 2", c.what, err)
		}
	}
}

// The database itself keeps an enabled admin and a lead for each project that has one, whatever
// writes to it: two transactions that each remove one of the last two commit in turn, and the
// second is refused.
func TestInvariants_TheDatabaseKeepsAnAdminAndALead(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	noErr := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var admins, leads [2]store.User
	for i := range 2 {
		var err error
		admins[i], err = st.CreateUser(ctx, store.System, store.NewUser{Email: fmt.Sprintf("root%d@example.com", i), Password: "0123456789", IsAdmin: true})
		if err != nil {
			t.Fatal(err)
		}
		leads[i] = newUser(t, st, fmt.Sprintf("lead%d@example.com", i))
	}
	p := newProject(t, st, "two leads", leads[0].ID)
	if _, err := st.AddMember(ctx, store.System, p.ID, leads[1].Email, store.RoleLead); err != nil {
		t.Fatal(err)
	}
	// Each pair of statements removes one of the last two; run in two open transactions, the first
	// to commit wins.
	cases := []struct{ name, first, second string }{
		{"admins demoted", `UPDATE users SET is_admin = false WHERE id = $1`, `UPDATE users SET is_admin = false WHERE id = $1`},
		{"admins disabled and deleted", `UPDATE users SET disabled = true WHERE id = $1`, `DELETE FROM users WHERE id = $1`},
		{"leads demoted", `UPDATE memberships SET role = 'annotator' WHERE user_id = $1`, `UPDATE memberships SET role = 'reviewer' WHERE user_id = $1`},
		{"lead demoted and removed", `UPDATE memberships SET role = 'annotator' WHERE user_id = $1`, `DELETE FROM memberships WHERE user_id = $1`},
	}
	for _, c := range cases {
		ids := [2]int64{admins[0].ID, admins[1].ID}
		if strings.HasPrefix(c.name, "lead") {
			ids = [2]int64{leads[0].ID, leads[1].ID}
		}
		a, err := st.Pool().Begin(ctx)
		noErr(err)
		b, err := st.Pool().Begin(ctx)
		noErr(err)
		_, err = a.Exec(ctx, c.first, ids[0])
		noErr(err)
		_, err = b.Exec(ctx, c.second, ids[1])
		noErr(err)
		if err := a.Commit(ctx); err != nil {
			t.Fatalf("%s: the first commit: %v", c.name, err)
		}
		err = b.Commit(ctx)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23514" {
			t.Fatalf("%s: the second commit: %v, want a check violation", c.name, err)
		}
		// Undo the first, for the next case.
		_, err = st.Pool().Exec(ctx, `UPDATE users SET is_admin = true, disabled = false WHERE id = ANY($1)`, []int64{admins[0].ID, admins[1].ID})
		noErr(err)
		_, err = st.Pool().Exec(ctx, `UPDATE memberships SET role = 'lead' WHERE project_id = $1`, p.ID)
		noErr(err)
	}
	// A project deleted with its leads needs none.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM projects WHERE id = $1`, p.ID); err != nil {
		t.Fatalf("deleting a project with its leads: %v", err)
	}
}

func TestUsers_StaleVersion(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	u := newUser(t, st, "v@example.com")
	if _, err := st.UpdateUser(ctx, store.System, u.ID, store.UserPatch{Version: 1, Name: strp("one")}); err != nil {
		t.Fatal(err)
	}
	_, err := st.UpdateUser(ctx, store.System, u.ID, store.UserPatch{Version: 1, Name: strp("two")})
	var se *store.StaleVersionError
	if !errors.As(err, &se) || se.Current != 2 {
		t.Fatalf("stale write: %v", err)
	}
	if _, err := st.UpdateUser(ctx, store.System, 999999, store.UserPatch{Version: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
}

// Two leads demoting each other at the same moment must not leave the project without a lead.
func TestMembers_ConcurrentDemotionsKeepALead(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	a := newUser(t, st, "a@example.com")
	b := newUser(t, st, "b@example.com")
	p := newProject(t, st, "Race", a.ID)
	if _, err := st.AddMember(ctx, store.System, p.ID, b.Email, store.RoleLead); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		ids := []int64{a.ID, b.ID}
		_, errs := parallel(len(ids), func(i int) (store.Member, error) {
			m, err := st.Member(ctx, p.ID, ids[i])
			if err != nil {
				return m, err
			}
			return st.UpdateMember(ctx, store.System, p.ID, ids[i], store.RoleAnnotator, m.Version)
		})
		ms, err := st.ListMembers(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		leads := 0
		for _, m := range ms {
			if m.Role == store.RoleLead {
				leads++
			}
		}
		if leads != 1 || (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: %d leads, errors %v", round, leads, errs)
		}
		// Make both leads again for the next round.
		for _, id := range []int64{a.ID, b.ID} {
			m, _ := st.Member(ctx, p.ID, id)
			if m.Role != store.RoleLead {
				if _, err := st.UpdateMember(ctx, store.System, p.ID, id, store.RoleLead, m.Version); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestAudit_WrittenWithTheChange(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	actor := newUser(t, st, "actor@example.com")
	p, err := st.CreateProject(ctx, store.Actor{UserID: actor.ID, RequestID: "r1"}, "Audited", "d", actor.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A failed change (duplicate name) leaves no audit entry behind.
	if _, err := st.CreateProject(ctx, store.Actor{UserID: actor.ID}, "audited", "", 0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	es, err := st.ListAudit(ctx, store.AuditQuery{ProjectID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
		if e.ActorEmail == nil || *e.ActorEmail != "actor@example.com" {
			t.Errorf("entry %s without its actor", e.Action)
		}
	}
	if strings.Join(actions, ",") != "member.add,project.create" {
		t.Fatalf("actions: %v", actions)
	}
	if es[1].RequestID != "r1" || !strings.Contains(string(es[1].After), `"Audited"`) {
		t.Errorf("project.create entry: %+v", es[1])
	}
}

func TestStore_UnavailableDatabaseIsReportedAsSuch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", store.Options{})
	if err != nil {
		t.Fatal(err) // pgxpool connects lazily
	}
	defer st.Close()
	if err := st.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("ping: %v", err)
	}
	if _, err := st.ListUsers(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("list: %v", err)
	}
}

func boolp(b bool) *bool    { return &b }
func strp(s string) *string { return &s }

func TestNewPassword_LettersAndDigitsOnly(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		p := store.NewPassword()
		if len(p) != 20 || strings.Trim(p, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") != "" || seen[p] {
			t.Fatalf("password %q", p)
		}
		seen[p] = true
	}
}
