package server

import (
	"math/rand/v2"
	"testing"

	"github.com/goldset/goldset/store"
)

// The policy's remembered decisions are casbin's own: for random admins and memberships, every
// user, in every domain, for every permission (and one no role has), asked in a random order so that
// any of them may be the one whose decision is remembered, allowed answers what the enforcer answers.
func TestPolicy_RememberedDecisionsAreTheEnforcers(t *testing.T) {
	t.Parallel()
	roles := []string{"lead", "reviewer", "annotator"}
	perms := append(append([][]string{}, rolePermissions...), []string{"nobody", "nothing", "ever"})
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		const users, projects = 12, 4
		var admins []int64
		var members []store.Membership
		for u := int64(1); u <= users; u++ {
			if rng.IntN(5) == 0 {
				admins = append(admins, u)
			}
			for p := int64(1); p <= projects; p++ {
				if rng.IntN(2) == 0 {
					members = append(members, store.Membership{ProjectID: p, UserID: u, Role: roles[rng.IntN(len(roles))]})
				}
			}
		}
		pol, err := newPolicy(admins, members)
		if err != nil {
			t.Fatal(err)
		}
		type ask struct {
			user     int64
			domain   string
			obj, act string
		}
		var asks []ask
		domains := []string{globalDomain}
		for p := int64(1); p <= projects+1; p++ { // project 5 has no members
			domains = append(domains, projectDomain(p))
		}
		for u := int64(1); u <= users+1; u++ { // user 13 holds no role
			for _, d := range domains {
				for _, pm := range perms {
					asks = append(asks, ask{u, d, pm[1], pm[2]})
				}
			}
		}
		rng.Shuffle(len(asks), func(i, j int) { asks[i], asks[j] = asks[j], asks[i] })
		allowedSome, deniedSome := false, false
		for _, a := range asks {
			want, err := pol.enforcer.Enforce(subject(a.user), a.domain, a.obj, a.act)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pol.allowed(a.user, a.domain, a.obj, a.act)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("seed %d: user %d in %s, %s %s: allowed says %v, casbin %v", seed, a.user, a.domain, a.act, a.obj, got, want)
			}
			allowedSome = allowedSome || got
			deniedSome = deniedSome || !got
		}
		if !allowedSome || !deniedSome {
			t.Fatalf("seed %d: every decision was %v", seed, allowedSome)
		}
	}
}

// A domain allowed never builds is refused, not decided.
func TestPolicy_RefusesUnknownDomains(t *testing.T) {
	t.Parallel()
	pol, err := newPolicy([]int64{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"", "*", "project:", "project:x", "elsewhere"} {
		if ok, err := pol.allowed(1, d, "project", "read"); err == nil || ok {
			t.Errorf("domain %q: allowed %v, error %v", d, ok, err)
		}
	}
}
