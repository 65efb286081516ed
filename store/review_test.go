package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// queue is a project with reviewers and a way to add review items.
type queue struct {
	t         *testing.T
	ctx       context.Context
	st        *store.Store
	project   int64
	reviewers []int64
	author    int64 // wrote candidate A of every item
}

// newQueue makes a project, n reviewer users (inserted directly: password hashing is slow and beside
// the point here) and an author.
func newQueue(t *testing.T, n int) *queue {
	t.Helper()
	q := &queue{t: t, ctx: context.Background(), st: open(t)}
	lead, err := q.st.CreateUser(q.ctx, store.System, store.NewUser{Email: "lead@example.com", Name: "Lead", Password: "lead lead lead"})
	if err != nil {
		t.Fatal(err)
	}
	p := newProject(t, q.st, "Review", lead.ID)
	q.project = p.ID
	ids := q.users(n + 1)
	q.reviewers, q.author = ids[:n], ids[n]
	return q
}

func (q *queue) users(n int) []int64 {
	q.t.Helper()
	rows, err := q.st.Pool().Query(q.ctx, `INSERT INTO users (email, name, password_hash)
		SELECT 'u' || g || '-' || gen_random_uuid() || '@example.com', 'User ' || g, 'x' FROM generate_series(1, $1) g RETURNING id`, n)
	if err != nil {
		q.t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			q.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		q.t.Fatal(err)
	}
	return ids
}

// insertNLQ adds a question to q's project.
func (q *queue) insertNLQ(tx pgx.Tx, question string) store.NLQ {
	q.t.Helper()
	nlq := store.NLQ{ProjectID: q.project, Question: question}
	if _, err := store.InsertNLQ(q.ctx, tx, store.System, &nlq); err != nil {
		q.t.Fatal(err)
	}
	return nlq
}

// add queues n items, each a new question with candidate A written by q.author and candidate B by the agent.
func (q *queue) add(n int) []int64 {
	q.t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		inTx(q.t, q.st, func(tx pgx.Tx) {
			nlq := q.insertNLQ(tx, fmt.Sprintf("Question %d?", i))
			a := store.Candidate{NLQID: nlq.ID, Source: "human", SQL: "SELECT 1"}
			if err := store.InsertCandidate(q.ctx, tx, store.Actor{UserID: q.author}, &a); err != nil {
				q.t.Fatal(err)
			}
			b := store.Candidate{NLQID: nlq.ID, Source: "agent", SQL: "SELECT 2"}
			if err := store.InsertCandidate(q.ctx, tx, store.System, &b); err != nil {
				q.t.Fatal(err)
			}
			it := store.ReviewItem{ProjectID: q.project, NLQID: nlq.ID, Reason: "disagreement", CandidateA: &a.ID, CandidateB: &b.ID}
			if err := store.CreateReviewItem(q.ctx, tx, store.System, &it); err != nil {
				q.t.Fatal(err)
			}
			ids = append(ids, it.ID)
		})
	}
	return ids
}

func (q *queue) claim(reviewer int64, lease time.Duration) (store.ReviewItemView, error) {
	return q.st.ClaimReviewItem(q.ctx, store.Actor{UserID: reviewer, RequestID: "test"}, q.project, reviewer, lease)
}

// mustClaim claims the reviewer's next item on a minute's lease.
func (q *queue) mustClaim(reviewer int64) store.ReviewItemView {
	q.t.Helper()
	it, err := q.claim(reviewer, time.Minute)
	if err != nil {
		q.t.Fatal(err)
	}
	return it
}

// oneClaimed is a queue of one item claimed by its one reviewer r.
func oneClaimed(t *testing.T) (q *queue, r int64, it store.ReviewItemView) {
	t.Helper()
	q = newQueue(t, 1)
	q.add(1)
	r = q.reviewers[0]
	return q, r, q.mustClaim(r)
}

func (q *queue) decide(reviewer, item int64, version int) error {
	_, err := q.st.DecideReviewItem(q.ctx, store.Actor{UserID: reviewer}, q.project, item, reviewer, version,
		store.Decision{Decision: "accept_a", ErrorType: "other"})
	return err
}

// drain has reviewers claim and decide items all at once until each is told there is no work
// (noWork, when not nil, is called then) and returns how many items they decided.
func (q *queue) drain(reviewers []int64, lease time.Duration, noWork func(reviewer int64)) int {
	var mu sync.Mutex
	decided := 0
	var wg sync.WaitGroup
	for _, r := range reviewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				v, err := q.claim(r, lease)
				if errors.Is(err, store.ErrNoWork) {
					if noWork != nil {
						noWork(r)
					}
					return
				}
				if err != nil {
					q.t.Error(err)
					return
				}
				if err := q.decide(r, v.ID, v.Version); err != nil {
					q.t.Error(err)
					return
				}
				mu.Lock()
				decided++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return decided
}

func (q *queue) expire(item int64) {
	q.t.Helper()
	if _, err := q.st.Pool().Exec(q.ctx, `UPDATE review_items SET lease_until = now() - interval '1 second' WHERE id = $1`, item); err != nil {
		q.t.Fatal(err)
	}
}

func (q *queue) status(item int64) (status string, version int, reviews int) {
	q.t.Helper()
	if err := q.st.Pool().QueryRow(q.ctx, `SELECT status, version, (SELECT count(*) FROM reviews WHERE review_item_id = i.id)
		FROM review_items i WHERE id = $1`, item).Scan(&status, &version, &reviews); err != nil {
		q.t.Fatal(err)
	}
	return
}

func TestReviewQueue_ClaimReturnsTheItemWithBothCandidates(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	ids := q.add(1)
	it := q.mustClaim(q.reviewers[0])
	if it.ID != ids[0] || it.Status != store.ReviewClaimed || it.Version != 2 || *it.ClaimedBy != q.reviewers[0] {
		t.Fatalf("claimed %+v", it.ReviewItem)
	}
	if it.Question != "Question 0?" || it.A == nil || it.A.SQL != "SELECT 1" || it.A.Source != "human" || it.B == nil || it.B.SQL != "SELECT 2" {
		t.Fatalf("view: question %q, A %+v, B %+v", it.Question, it.A, it.B)
	}
	if len(it.Authors) != 1 || it.Authors[0] != q.author {
		t.Errorf("authors %v, want the writer of candidate A (%d)", it.Authors, q.author)
	}
	if until := time.Until(*it.LeaseUntil); until < 50*time.Second || until > time.Minute+5*time.Second {
		t.Errorf("lease ends in %v, want about a minute", until)
	}
}

func TestReviewQueue_TwoReviewersNeverClaimSameItem(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 8)
	// Many rounds of two reviewers racing for a single item: exactly one wins each.
	for round := 0; round < 30; round++ {
		q.add(1)
		var wins, empty int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, r := range q.reviewers[:2] {
			wg.Add(1)
			go func(r int64) {
				defer wg.Done()
				it, err := q.claim(r, time.Minute)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, store.ErrNoWork):
					empty++
				case err != nil:
					t.Error(err)
				default:
					wins++
					if err := q.decide(r, it.ID, it.Version); err != nil {
						t.Error(err)
					}
				}
			}(r)
		}
		wg.Wait()
		if wins != 1 || empty != 1 {
			t.Fatalf("round %d: %d winners and %d empty-handed, want 1 and 1", round, wins, empty)
		}
	}
	// Eight reviewers draining 200 items: every item is reviewed exactly once.
	q.add(200)
	q.drain(q.reviewers, time.Minute, nil)
	var items, reviews, twice int
	if err := q.st.Pool().QueryRow(q.ctx, `SELECT count(*), (SELECT count(*) FROM reviews),
		(SELECT count(*) FROM (SELECT review_item_id FROM reviews GROUP BY 1 HAVING count(*) > 1) x)
		FROM review_items WHERE status = 'resolved'`).Scan(&items, &reviews, &twice); err != nil {
		t.Fatal(err)
	}
	if items != 230 || reviews != 230 || twice != 0 {
		t.Errorf("%d items resolved with %d reviews (%d reviewed twice), want 230, 230, 0", items, reviews, twice)
	}
}

func TestReviewQueue_OwnClaimComesBackFirst(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 2)
	q.add(3)
	first := q.mustClaim(q.reviewers[0])
	again := q.mustClaim(q.reviewers[0])
	// The same claim, at the same version: an answer to a double click stays valid.
	if again.ID != first.ID || again.Version != first.Version || !again.LeaseUntil.After(*first.LeaseUntil) && !again.LeaseUntil.Equal(*first.LeaseUntil) {
		t.Errorf("second claim got item %d v%d, want the held item %d at v%d", again.ID, again.Version, first.ID, first.Version)
	}
	other := q.mustClaim(q.reviewers[1])
	if other.ID == first.ID {
		t.Error("another reviewer got an item under a live lease")
	}
}

func TestReviewQueue_ExpiredLeaseGoesToAnotherAndTheFirstCannotDecide(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 2)
	q.add(1)
	slow, fast := q.reviewers[0], q.reviewers[1]
	it, err := q.claim(slow, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.claim(fast, time.Minute); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("claim under a live lease: %v, want ErrNoWork", err)
	}
	time.Sleep(1100 * time.Millisecond) // a real lease running out
	taken := q.mustClaim(fast)
	if taken.ID != it.ID {
		t.Fatalf("got item %d, want the expired %d", taken.ID, it.ID)
	}
	err = q.decide(slow, it.ID, it.Version)
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "claimed by someone else") {
		t.Fatalf("decision after losing the claim: %v", err)
	}
	if err := q.st.ReleaseReviewItem(q.ctx, store.System, q.project, it.ID, slow); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("release by the former claimer: %v", err)
	}
	if status, version, reviews := q.status(it.ID); status != "claimed" || version != taken.Version || reviews != 0 {
		t.Errorf("item is %s v%d with %d reviews; the refused calls must change nothing", status, version, reviews)
	}
	if err := q.decide(fast, taken.ID, taken.Version); err != nil {
		t.Fatal(err)
	}
}

func TestReviewQueue_ExpiredOwnLeaseCannotDecide(t *testing.T) {
	t.Parallel()
	q, r, it := oneClaimed(t)
	q.expire(it.ID)
	err := q.decide(r, it.ID, it.Version)
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "your claim on review item") {
		t.Fatalf("decision on an expired lease: %v", err)
	}
}

func TestReviewQueue_StaleDecisionChangesNothing(t *testing.T) {
	t.Parallel()
	q, r, it := oneClaimed(t)
	err := q.decide(r, it.ID, it.Version-1)
	var se *store.StaleVersionError
	if !errors.As(err, &se) || se.Current != it.Version {
		t.Fatalf("stale decision: %v, want a StaleVersionError at %d", err, it.Version)
	}
	if status, version, reviews := q.status(it.ID); status != "claimed" || version != it.Version || reviews != 0 {
		t.Errorf("item is %s v%d with %d reviews after a stale decision", status, version, reviews)
	}
	if err := q.decide(r, it.ID, it.Version); err != nil {
		t.Fatal(err)
	}
	if err := q.decide(r, it.ID, it.Version+1); !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "already resolved") {
		t.Fatalf("second decision: %v", err)
	}
}

func TestReviewQueue_AuthorNeverGetsOwnWork(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	ids := q.add(1)
	if _, err := q.claim(q.author, time.Minute); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("the author claimed their own item: %v", err)
	}
	// Listed authors count too (a question's writer, say), not only the candidates' creators.
	var listed store.ReviewItem
	inTx(t, q.st, func(tx pgx.Tx) {
		nlq := q.insertNLQ(tx, "Listed?")
		listed = store.ReviewItem{ProjectID: q.project, NLQID: nlq.ID, Reason: "audit", Authors: []int64{q.reviewers[0]}}
		if err := store.CreateReviewItem(q.ctx, tx, store.System, &listed); err != nil {
			t.Fatal(err)
		}
	})
	it, err := q.claim(q.reviewers[0], time.Minute)
	if err != nil || it.ID != ids[0] {
		t.Fatalf("reviewer got %d (%v), want %d and never their listed item %d", it.ID, err, ids[0], listed.ID)
	}
	if err := q.decide(q.reviewers[0], it.ID, it.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := q.claim(q.reviewers[0], time.Minute); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("only their own item is left: %v, want ErrNoWork", err)
	}
}

func TestReviewQueue_DecisionValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		d     store.Decision
		field string
	}{
		{"unknown decision", store.Decision{Decision: "maybe", ErrorType: "other"}, "decision"},
		{"error type required", store.Decision{Decision: "accept_a"}, "error_type"},
		{"unknown error type", store.Decision{Decision: "accept_a", ErrorType: "typo"}, "error_type"},
		{"edit needs final SQL", store.Decision{Decision: "edit", ErrorType: "join"}, "final_sql"},
		{"rewrite needs the question", store.Decision{Decision: "rewrite_question", ErrorType: "question_ambiguous"}, "question"},
		{"rule IDs are cited as R<n>", store.Decision{Decision: "reject", ErrorType: "other", RuleIDs: []string{"R1", "rule 2"}}, "rule_ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ve *store.ValidationError
			if err := tc.d.Validate(); !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
				t.Fatalf("%+v: %v, want an error on %s", tc.d, err, tc.field)
			}
		})
	}
	ok := store.Decision{Decision: "edit", ErrorType: "join", FinalSQL: "SELECT 1", RuleIDs: []string{"R3"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestReviewQueue_EveryActionIsAudited(t *testing.T) {
	t.Parallel()
	q, r, it := oneClaimed(t)
	if err := q.st.ReleaseReviewItem(q.ctx, store.Actor{UserID: r}, q.project, it.ID, r); err != nil {
		t.Fatal(err)
	}
	it = q.mustClaim(r)
	if err := q.decide(r, it.ID, it.Version); err != nil {
		t.Fatal(err)
	}
	entries, err := q.st.ListAudit(q.ctx, store.AuditQuery{ProjectID: &q.project})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(entries) - 1; i >= 0; i-- {
		if e := entries[i]; e.ObjectType == "review_item" && e.ObjectID == fmt.Sprint(it.ID) {
			got = append(got, e.Action)
		}
	}
	want := "review.create review.claim review.release review.claim review.decide"
	if strings.Join(got, " ") != want {
		t.Errorf("audit trail %v, want %s", got, want)
	}
}

func TestReviewQueue_Stats(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 2)
	q.add(3)
	it := q.mustClaim(q.reviewers[0])
	if err := q.decide(q.reviewers[0], it.ID, it.Version); err != nil {
		t.Fatal(err)
	}
	it = q.mustClaim(q.reviewers[1])
	q.expire(it.ID)
	st, err := q.st.ReviewStats(q.ctx, q.project)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 3 || st.ByStatus["resolved"] != 1 || st.ByStatus["expired"] != 1 || st.ByStatus["pending"] != 1 || st.ByReason["disagreement"] != 2 {
		t.Errorf("stats %+v", st)
	}
}

// The pgbench script the review benchmark compares the API with must run the claim the store runs.
func TestClaimPgbenchScriptIsTheStoreSQL(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("../bench/claim.pgbench")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("$1", ":project", "$2", ":reviewer", "$3", ":lease", "$4", ":request").Replace(store.ClaimSQL) + ` \gset`
	if !strings.Contains(string(script), want) {
		t.Errorf("bench/claim.pgbench does not hold store.ClaimSQL (with $n as pgbench variables); update it:\n%s", want)
	}
}

// A reviewer sees every candidate of the question and may accept any of them, not only A or B; a
// candidate of another question is refused.
func TestReviewQueue_EveryCandidateShownAndAcceptable(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	items := q.add(2)
	me := q.reviewers[0]
	v, err := q.claim(me, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	third := store.Candidate{NLQID: v.NLQID, Source: "import", SQL: "SELECT 3"}
	inTx(t, q.st, func(tx pgx.Tx) {
		if err := store.InsertCandidate(q.ctx, tx, store.System, &third); err != nil {
			t.Fatal(err)
		}
	})
	v, err = q.claim(me, time.Hour) // the same claim, now with three candidates
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Candidates) != 3 || v.Candidates[2].ID != third.ID || v.Candidates[0].AuthorEmail == nil {
		t.Fatalf("candidates: %+v", v.Candidates)
	}
	var otherCandidate int64
	q.st.Pool().QueryRow(q.ctx, `SELECT candidate_a FROM review_items WHERE id = $1`, items[1]).Scan(&otherCandidate)
	_, err = q.st.DecideReviewItem(q.ctx, store.Actor{UserID: me}, q.project, v.ID, me, v.Version,
		store.Decision{Decision: "accept", CandidateID: &otherCandidate, ErrorType: "other"})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["candidate_id"] == "" {
		t.Fatalf("a candidate of another question: %v", err)
	}
	if _, err := q.st.DecideReviewItem(q.ctx, store.Actor{UserID: me}, q.project, v.ID, me, v.Version,
		store.Decision{Decision: "accept", CandidateID: &third.ID, ErrorType: "other"}); err != nil {
		t.Fatal(err)
	}
	var gold int64
	q.st.Pool().QueryRow(q.ctx, `SELECT gold_candidate_id FROM nlqs WHERE id = $1`, v.NLQID).Scan(&gold)
	if gold != third.ID {
		t.Fatalf("gold %d, want %d", gold, third.ID)
	}
}
