package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

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
