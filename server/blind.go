package server

import (
	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// Blind annotation. In a blind project, an annotator — whose role does not include reading answers
// ("answers", "read": reviewers and leads have it) — sees the SQL others wrote for a question (other
// people, the agent, an imported reference) only once they wrote the question or annotated it
// (submitted or skipped). Before that, what they read could decide what they write; and a question
// not in anyone's queue today can be tomorrow, so the rule holds for every question of the project.
// Every read path that carries a question's SQL goes through an answerGate.

// answerGate says whose SQL the caller may read in one project.
type answerGate struct {
	open bool           // may read everything
	user store.User     // the caller
	mine map[int64]bool // questions the caller wrote or annotated
}

// answerGate builds the caller's gate for project pid.
func (s *Server) answerGate(c echo.Context, pid int64) (*answerGate, error) {
	p := currentPrincipal(c)
	g := &answerGate{user: p.user}
	ok, err := s.authz.allowed(p.user.ID, projectDomain(pid), "answers", "read")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	if !ok {
		pol, err := s.store.Policy(ctx, pid)
		if err != nil {
			return nil, err
		}
		ok = !pol.Blind
	}
	if ok {
		g.open = true
		return g, nil
	}
	g.mine, err = s.store.QuestionsAnsweredBy(ctx, pid, p.user.ID)
	return g, err
}

func (g *answerGate) visible(nlqID int64) bool { return g.open || g.mine[nlqID] }

// question withholds n's SQL unless visible.
func (g *answerGate) question(n *store.NLQWithSQL) {
	if !g.visible(n.ID) {
		n.Candidate, n.AnswersHidden = nil, true
	}
}

// history keeps, of a question the caller may not read yet, only what is the caller's own: their
// candidates, annotations and the audit entries of their actions. Comparisons and review items
// would tell what the others wrote.
func (g *answerGate) history(h *store.NLQHistory) {
	if g.visible(h.NLQ.ID) {
		return
	}
	g.question(&h.NLQ)
	var cands []store.AuthoredCandidate
	for _, c := range h.Candidates {
		if c.AuthorID != nil && *c.AuthorID == g.user.ID {
			cands = append(cands, c)
		}
	}
	var anns []store.UserAnnotation
	for _, a := range h.Annotations {
		if a.UserID == g.user.ID {
			anns = append(anns, a)
		}
	}
	var events []store.HistoryEvent
	for _, e := range h.Events {
		if e.ActorEmail != nil && *e.ActorEmail == g.user.Email {
			events = append(events, e)
		}
	}
	h.Candidates, h.Annotations, h.Events = cands, anns, events
	h.Comparisons, h.ReviewItems = []store.Comparison{}, []store.ReviewItemWithReviews{}
	if h.Candidates == nil {
		h.Candidates = []store.AuthoredCandidate{}
	}
	if h.Annotations == nil {
		h.Annotations = []store.UserAnnotation{}
	}
	if h.Events == nil {
		h.Events = []store.HistoryEvent{}
	}
}
