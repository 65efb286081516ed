package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/goldset/goldset/store"
)

// revokedReply is the answer of a password change and of revoking a user's tokens.
type revokedReply struct {
	TokensRevoked int `json:"tokens_revoked"`
}

// tokenWorks reports whether an API token still authenticates.
func (e *env) tokenWorks(secret string) bool {
	e.t.Helper()
	rec := e.do(scenario{Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + secret}})
	return rec.Code == http.StatusOK
}

// secondToken gives a fixture user one more live token and returns its secret.
func (e *env) secondToken(u *fixtureUser) string {
	e.t.Helper()
	_, secret, err := e.store.CreateToken(e.ctx, store.System, u.ID, "script", 30*24*time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// lastAudit returns the After of the newest audit entry with action about user id.
func (e *env) lastAudit(action string, id int64) string {
	e.t.Helper()
	var after string
	err := e.store.Pool().QueryRow(e.ctx, `SELECT coalesce(after::text, '') FROM audit_log WHERE action = $1 AND object_type = 'user' AND object_id = $2
		ORDER BY id DESC LIMIT 1`, action, fmt.Sprint(id)).Scan(&after)
	if err != nil {
		e.t.Fatalf("audit %s of user %d: %v", action, id, err)
	}
	return after
}

func TestAccount_ChangingThePasswordRevokesTheAPITokensUnlessAskedNotTo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	newPassword := jsonBody(map[string]string{"current_password": testPassword, "new_password": "a brand new passphrase"})

	t.Run("by default every live token is revoked and the count returned", func(t *testing.T) {
		u := e.newUser("changer", false)
		e.users["changer"] = u
		other := e.secondToken(u)
		spent, _, _ := e.store.CreateToken(e.ctx, store.System, u.ID, "spent", 0)
		noError(t, e.store.RevokeToken(e.ctx, store.System, u.ID, spent.ID))
		rec := e.do(scenario{Method: "PUT", URL: "/api/v1/account/password", Cookie: "changer", Body: newPassword})
		if rec.Code != http.StatusOK {
			t.Fatalf("change: %d %s", rec.Code, rec.Body)
		}
		if got := decode[revokedReply](t, rec); got.TokensRevoked != 2 {
			t.Errorf("tokens_revoked = %d, want 2 (the already revoked one is not counted)", got.TokensRevoked)
		}
		if e.tokenWorks(u.token) || e.tokenWorks(other) {
			t.Error("a token made before the change still works")
		}
		if rec := e.do(scenario{Method: "GET", URL: "/api/v1/auth/me", Cookie: "changer"}); rec.Code != http.StatusOK {
			t.Errorf("the session that changed the password was ended: %d", rec.Code)
		}
		if got := e.lastAudit("user.set_password", u.ID); got != `{"sessions_ended": true, "tokens_revoked": 2}` {
			t.Errorf("audit after = %s", got)
		}
	})

	t.Run("revoke_tokens true says the same", func(t *testing.T) {
		u := e.newUser("changer", false)
		e.users["changer"] = u
		body := jsonBody(map[string]any{"current_password": testPassword, "new_password": "a brand new passphrase", "revoke_tokens": true})
		rec := e.do(scenario{Method: "PUT", URL: "/api/v1/account/password", Cookie: "changer", Body: body})
		if rec.Code != http.StatusOK || e.tokenWorks(u.token) {
			t.Fatalf("change: %d %s; token still works: %v", rec.Code, rec.Body, e.tokenWorks(u.token))
		}
	})

	t.Run("revoke_tokens false keeps them", func(t *testing.T) {
		u := e.newUser("changer", false)
		e.users["changer"] = u
		other := e.secondToken(u)
		body := jsonBody(map[string]any{"current_password": testPassword, "new_password": "a brand new passphrase", "revoke_tokens": false})
		rec := e.do(scenario{Method: "PUT", URL: "/api/v1/account/password", Cookie: "changer", Body: body})
		if rec.Code != http.StatusOK {
			t.Fatalf("change: %d %s", rec.Code, rec.Body)
		}
		if got := decode[revokedReply](t, rec); got.TokensRevoked != 0 {
			t.Errorf("tokens_revoked = %d, want 0", got.TokensRevoked)
		}
		if !e.tokenWorks(u.token) || !e.tokenWorks(other) {
			t.Error("a token was revoked although revoke_tokens was false")
		}
		if got := e.lastAudit("user.set_password", u.ID); got != `{"sessions_ended": true, "tokens_revoked": 0}` {
			t.Errorf("audit after = %s", got)
		}
	})

	t.Run("a change made with a token revokes that token too", func(t *testing.T) {
		u := e.newUser("changer", false)
		e.users["changer"] = u
		rec := e.do(scenario{Method: "PUT", URL: "/api/v1/account/password", As: "changer", Body: newPassword})
		if rec.Code != http.StatusOK {
			t.Fatalf("change: %d %s", rec.Code, rec.Body)
		}
		if e.tokenWorks(u.token) {
			t.Error("the token that changed the password still works")
		}
	})

	t.Run("a wrong current password changes nothing", func(t *testing.T) {
		u := e.newUser("changer", false)
		e.users["changer"] = u
		body := jsonBody(map[string]string{"current_password": "not my password", "new_password": "a brand new passphrase"})
		rec := e.do(scenario{Method: "PUT", URL: "/api/v1/account/password", Cookie: "changer", Body: body})
		if rec.Code != http.StatusBadRequest || !e.tokenWorks(u.token) {
			t.Fatalf("change: %d %s; token still works: %v", rec.Code, rec.Body, e.tokenWorks(u.token))
		}
	})
}

func TestAdmin_RevokesEveryAPITokenOfAUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	victim := e.newUser("victim", false)
	e.users["victim"] = victim
	other := e.secondToken(victim)
	url := fmt.Sprintf("/api/v1/users/%d/tokens", victim.ID)

	e.run(t, []scenario{
		{Name: "anonymous is refused", Method: "DELETE", URL: url, ExpectedStatus: http.StatusUnauthorized},
		{Name: "a lead is refused", Method: "DELETE", URL: url, As: "lead", ExpectedStatus: http.StatusForbidden},
		{Name: "the user themself is refused", Method: "DELETE", URL: url, Cookie: "victim", ExpectedStatus: http.StatusForbidden},
	})
	if !e.tokenWorks(victim.token) || !e.tokenWorks(other) {
		t.Fatal("a refused call revoked tokens")
	}

	e.run(t, []scenario{
		{Name: "an admin revokes them all", Method: "DELETE", URL: url, Cookie: "admin", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"tokens_revoked":2`}},
		{Name: "again there is none left", Method: "DELETE", URL: url, As: "admin", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"tokens_revoked":0`}},
		{Name: "no such user", Method: "DELETE", URL: "/api/v1/users/999999/tokens", As: "admin", ExpectedStatus: http.StatusNotFound,
			ExpectedContent: []string{`"code":"not_found"`}},
	})
	if e.tokenWorks(victim.token) || e.tokenWorks(other) {
		t.Error("a token still works after the admin revoked them all")
	}
	if rec := e.do(scenario{Method: "GET", URL: "/api/v1/auth/me", Cookie: "victim"}); rec.Code != http.StatusOK {
		t.Errorf("the user's browser session should go on (disabling the account ends it): %d", rec.Code)
	}
	if got := e.lastAudit("user.revoke_tokens", victim.ID); got != `{"tokens_revoked": 0}` {
		t.Errorf("newest audit after = %s", got)
	}
	var entries int
	if err := e.store.Pool().QueryRow(e.ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.revoke_tokens' AND object_id = $1 AND actor_id = $2`,
		fmt.Sprint(victim.ID), e.users["admin"].ID).Scan(&entries); err != nil || entries != 2 {
		t.Errorf("audit entries by the admin = %d (%v), want 2", entries, err)
	}
}
