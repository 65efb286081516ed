package server

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"
	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// This file is the whole access policy: the casbin model and every role's permissions.
//
// Subjects are "user:<id>"; domains are "project:<id>" for project routes and "global" for the rest.
// Role assignments come from the database: admins are granted "admin" in every domain ("*"),
// memberships grant lead/reviewer/annotator in their project. Role inheritance
// (admin ⊃ lead ⊃ reviewer ⊃ annotator) holds in every domain. "authenticated" permissions belong to
// every signed-in user, member or not.
const casbinModel = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (p.sub == "authenticated" || g(r.sub, p.sub, r.dom)) && r.obj == p.obj && r.act == p.act
`

// roleHierarchy: each role includes the one after it, everywhere.
var roleHierarchy = [][]string{
	{"admin", "lead", "*"},
	{"lead", "reviewer", "*"},
	{"reviewer", "annotator", "*"},
}

// rolePermissions: role → (object, action). Routes name an (object, action) in routes.go.
var rolePermissions = [][]string{
	{"authenticated", "account", "read"},
	{"authenticated", "account", "update"},
	{"authenticated", "projects", "list"},

	{"annotator", "project", "read"},
	{"annotator", "databases", "read"},
	{"annotator", "sql", "run"},
	{"annotator", "nlqs", "read"},
	{"annotator", "nlqs", "write"},
	{"annotator", "guidelines", "read"},
	{"annotator", "annotation", "work"},

	{"lead", "project", "update"},
	{"lead", "members", "read"},
	{"lead", "members", "write"},
	{"lead", "audit", "read"},
	{"lead", "databases", "import"},
	{"lead", "agent", "run"},
	{"lead", "progress", "read"},
	{"lead", "runs", "read"},
	{"lead", "runs", "write"},
	{"lead", "guidelines", "write"},
	{"lead", "policy", "write"},
	{"lead", "annotation", "plan"},
	{"lead", "metrics", "compute"},
	{"lead", "snapshots", "create"},
	{"lead", "snapshots", "audit"},
	{"lead", "review", "manage"},
	{"lead", "nlqs", "accept"},
	{"lead", "exports", "create"},
	{"lead", "exports", "read"},
	{"lead", "prompts", "write"},
	{"lead", "evaluations", "read"},
	{"lead", "evaluations", "run"},
	{"lead", "optimizations", "read"},
	{"lead", "optimizations", "run"},
	// Other people's, the agent's and the reference SQL of a question an annotator has not answered
	// yet, in a blind project (see blind.go); not a route.
	{"reviewer", "answers", "read"},
	{"reviewer", "policy", "read"},
	{"reviewer", "agent", "read"},
	{"reviewer", "dashboard", "read"},
	{"reviewer", "metrics", "read"},
	{"reviewer", "snapshots", "read"},
	{"reviewer", "prompts", "read"},
	{"reviewer", "review", "read"},
	{"reviewer", "review", "work"},

	{"admin", "users", "read"},
	{"admin", "users", "write"},
	{"admin", "projects", "create"},
	{"admin", "audit", "read_all"},
	{"admin", "settings", "read"},
	{"admin", "settings", "write"},
}

// authorizer answers "may this user do this here?" from an in-memory policy that is rebuilt whenever
// roles change: synchronously after changes made by this process, and on a PostgreSQL NOTIFY (sent by
// triggers on users and memberships) for changes made by any other process.
type authorizer struct {
	store  *store.Store
	log    *slog.Logger
	policy atomic.Pointer[policy]
}

func newAuthorizer(ctx context.Context, st *store.Store, log *slog.Logger) (*authorizer, error) {
	a := &authorizer{store: st, log: log}
	if err := a.reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

func subject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

func projectDomain(projectID int64) string { return "project:" + strconv.FormatInt(projectID, 10) }

const globalDomain = "global"

// reload rebuilds the policy from the database and swaps it in whole, so a request never sees a
// half-loaded one.
func (a *authorizer) reload(ctx context.Context) error {
	admins, err := a.store.AdminIDs(ctx)
	if err != nil {
		return fmt.Errorf("authz: %w", err)
	}
	members, err := a.store.AllMemberships(ctx)
	if err != nil {
		return fmt.Errorf("authz: %w", err)
	}
	p, err := newPolicy(admins, members)
	if err != nil {
		return err
	}
	a.policy.Store(p)
	return nil
}

// allowed reports whether user may perform (obj, act) in domain.
func (a *authorizer) allowed(userID int64, domain, obj, act string) (bool, error) {
	return a.policy.Load().allowed(userID, domain, obj, act)
}

// policy is the access policy at one moment: casbin's enforcer over the roles people then held, and
// the decisions it has made. A decision depends on the caller only through the roles they hold in the
// domain: whether they are an admin (granted everywhere) and their membership's role in the project.
// So each decision is made once by casbin, for the first caller holding those roles, and read from
// memory for the next, whoever they are. Evaluating casbin's matcher over every policy row is what a
// request's authorization costs otherwise.
type policy struct {
	enforcer  *casbin.Enforcer
	admins    map[int64]bool
	roles     map[membershipKey]string // a member's role in a project
	decisions sync.Map                 // decisionKey → bool
}

type membershipKey struct{ user, project int64 }

// decisionKey is a decision's question as far as the caller's identity matters to it.
type decisionKey struct {
	admin    bool
	project  bool   // a project's domain (else the global one)
	role     string // the membership's role in that project, "" for none
	obj, act string
}

func newPolicy(admins []int64, members []store.Membership) (*policy, error) {
	m, err := model.NewModelFromString(casbinModel)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	e.AddNamedDomainMatchingFunc("g", "KeyMatch", util.KeyMatch)
	if _, err := e.AddPolicies(rolePermissions); err != nil {
		return nil, fmt.Errorf("authz: policies: %w", err)
	}
	p := &policy{enforcer: e, admins: make(map[int64]bool, len(admins)), roles: make(map[membershipKey]string, len(members))}
	grouping := append([][]string{}, roleHierarchy...)
	for _, id := range admins {
		grouping = append(grouping, []string{subject(id), "admin", "*"})
		p.admins[id] = true
	}
	for _, mb := range members {
		grouping = append(grouping, []string{subject(mb.UserID), mb.Role, projectDomain(mb.ProjectID)})
		p.roles[membershipKey{mb.UserID, mb.ProjectID}] = mb.Role
	}
	if _, err := e.AddGroupingPolicies(grouping); err != nil {
		return nil, fmt.Errorf("authz: roles: %w", err)
	}
	return p, nil
}

func (p *policy) allowed(userID int64, domain, obj, act string) (bool, error) {
	k := decisionKey{admin: p.admins[userID], obj: obj, act: act}
	if rest, ok := strings.CutPrefix(domain, "project:"); ok {
		project, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return false, fmt.Errorf("authz: domain %q", domain)
		}
		k.project = true
		k.role = p.roles[membershipKey{userID, project}]
	} else if domain != globalDomain {
		return false, fmt.Errorf("authz: domain %q", domain)
	}
	if ok, found := p.decisions.Load(k); found {
		return ok.(bool), nil
	}
	ok, err := p.enforcer.Enforce(subject(userID), domain, obj, act)
	if err != nil {
		return false, err
	}
	p.decisions.Store(k, ok)
	return ok, nil
}

// listen reloads the policy on every goldset_authz notification until ctx ends, reconnecting with
// backoff when the database goes away (and reloading after each reconnect, since notifications may
// have been missed meanwhile).
func (a *authorizer) listen(ctx context.Context) {
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := a.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		a.log.Warn("authz listener lost its connection; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (a *authorizer) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, a.store.URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN goldset_authz"); err != nil {
		return err
	}
	if err := a.reload(ctx); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := a.reload(ctx); err != nil {
			a.log.Error("authz reload failed", "err", err)
		}
	}
}
