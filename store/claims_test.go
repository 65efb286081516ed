package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/goldset/goldset/store"
)

// annotationQueue adds n questions with k annotation slots each to q's project.
func (q *queue) annotationQueue(n, k int) []int64 {
	q.t.Helper()
	var nlqs []int64
	for i := 0; i < n; i++ {
		inTx(q.t, q.st, func(tx pgx.Tx) {
			nlq := q.insertNLQ(tx, fmt.Sprintf("Annotate %d?", i))
			if _, err := store.CreateAnnotationItems(q.ctx, tx, q.project, nlq.ID, k); err != nil {
				q.t.Fatal(err)
			}
			nlqs = append(nlqs, nlq.ID)
		})
	}
	return nlqs
}

func (q *queue) claimAnnotation(user int64) (store.AnnotationTask, error) {
	return q.st.ClaimAnnotationItem(q.ctx, store.Actor{UserID: user, RequestID: "test"}, q.project, user)
}

// One annotator sending eight claims at once holds one item, and every answer is that item — even
// with two slots of every question open.
func TestClaims_ParallelAnnotationClaimsOfOnePersonGiveOneItem(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	q.annotationQueue(10, 2)
	me := q.reviewers[0]
	for round := 0; round < 5; round++ {
		tasks, errs := parallel(8, func(int) (store.AnnotationTask, error) { return q.claimAnnotation(me) })
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d claim %d: %v", round, i, err)
			}
			if tasks[i].Item.ID != tasks[0].Item.ID {
				t.Fatalf("round %d: one person got items %d and %d at once", round, tasks[0].Item.ID, tasks[i].Item.ID)
			}
		}
		var live int
		q.st.Pool().QueryRow(q.ctx, `SELECT count(*) FROM annotation_items WHERE claimed_by = $1 AND status = 'claimed'`, me).Scan(&live)
		if live != 1 {
			t.Fatalf("round %d: %d live claims", round, live)
		}
		// Finish it, so the next round claims afresh.
		if _, err := q.st.SkipAnnotationItem(q.ctx, store.Actor{UserID: me}, q.project, tasks[0].Item.ID, me, tasks[0].Item.Version, "ambiguous", ""); err != nil {
			t.Fatal(err)
		}
	}
	// Never two slots of one question: each skipped item was of a different question.
	var pairs int
	q.st.Pool().QueryRow(q.ctx, `SELECT count(*) FROM (SELECT nlq_id FROM annotation_items WHERE claimed_by = $1 GROUP BY nlq_id HAVING count(*) > 1) d`, me).Scan(&pairs)
	if pairs != 0 {
		t.Fatalf("%d questions with two slots held by one person", pairs)
	}
}

// Two slots of one question, many people racing for them: two different people get them.
func TestClaims_TheLastSlotsGoToDifferentPeople(t *testing.T) {
	t.Parallel()
	for round := 0; round < 10; round++ {
		q := newQueue(t, 6)
		q.annotationQueue(1, 2)
		users := q.reviewers
		tasks, errs := parallel(12, func(i int) (store.AnnotationTask, error) { return q.claimAnnotation(users[i%len(users)]) })
		holders := map[int64]int64{} // item → person
		for k, err := range errs {
			if errors.Is(err, store.ErrNoWork) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			holders[tasks[k].Item.ID] = *tasks[k].Item.ClaimedBy
		}
		var people []int64
		for _, p := range holders {
			people = append(people, p)
		}
		if len(holders) != 2 || people[0] == people[1] {
			t.Fatalf("round %d: slots held %v", round, holders)
		}
	}
}

// The rules are the database's: a statement that would break them directly is refused.
func TestClaims_TheDatabaseRefusesASecondClaimOrSlot(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	nlqs := q.annotationQueue(2, 2)
	me := q.reviewers[0]
	task, err := q.claimAnnotation(me)
	if err != nil {
		t.Fatal(err)
	}
	other := nlqs[0]
	if other == task.Item.NLQID {
		other = nlqs[1]
	}
	for _, c := range []struct {
		sql string
		nlq int64
	}{
		// a second live claim in the project
		{`UPDATE annotation_items SET status = 'claimed', claimed_by = $1, lease_until = now() + interval '1 hour'
			WHERE id = (SELECT id FROM annotation_items WHERE nlq_id = $2 AND status = 'pending' LIMIT 1)`, other},
		// a second slot of the same question, even finished
		{`UPDATE annotation_items SET status = 'submitted', claimed_by = $1 WHERE id = (SELECT id FROM annotation_items WHERE nlq_id = $2 AND claimed_by IS NULL LIMIT 1)`, task.Item.NLQID},
	} {
		_, err := q.st.Pool().Exec(q.ctx, c.sql, me, c.nlq)
		sql := c.sql
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23505" {
			t.Errorf("%s: %v, want a unique violation", sql, err)
		}
	}
	items := q.add(2)
	if _, err := q.claim(me, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, err = q.st.Pool().Exec(q.ctx, `UPDATE review_items SET status = 'claimed', claimed_by = $1, lease_until = now() + interval '1 hour'
		WHERE id = ANY($2) AND status = 'pending'`, me, items)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		t.Errorf("a second review claim: %v", err)
	}
}

// One reviewer's eight parallel claims hold one item; and many reviewers racing over a queue never
// hear "nothing to review" while something is pending.
func TestClaims_ReviewClaimsHoldOnePerPersonAndNoWorkOnlyWhenNothingIsLeft(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 16)
	q.add(40)
	me := q.reviewers[0]
	views, errs := parallel(8, func(int) (store.ReviewItemView, error) { return q.claim(me, time.Hour) })
	for i, err := range errs {
		if err != nil || views[i].ID != views[0].ID {
			t.Fatalf("claim %d: item %d (%v), first was %d", i, views[i].ID, err, views[0].ID)
		}
	}
	if err := q.decide(me, views[0].ID, views[0].Version); err != nil {
		t.Fatal(err)
	}
	// 15 reviewers claim and decide until the queue is empty; nobody is told "no work" early.
	decided := 1 + q.drain(q.reviewers[1:], time.Hour, func(r int64) {
		var pending int
		q.st.Pool().QueryRow(q.ctx, `SELECT count(*) FROM review_items WHERE project_id = $1 AND status <> 'resolved'`, q.project).Scan(&pending)
		if pending > 0 {
			// Items still held by others are not claimable: only pending ones count.
			var free int
			q.st.Pool().QueryRow(q.ctx, `SELECT count(*) FROM review_items WHERE project_id = $1 AND status = 'pending'`, q.project).Scan(&free)
			if free > 0 {
				t.Errorf("reviewer %d told no work with %d pending", r, free)
			}
		}
	})
	if decided != 40 {
		t.Fatalf("%d of 40 decided", decided)
	}
}

// A claim that finds the only open item locked by another claim in progress waits for it: when that
// claim rolls back, the item is taken, not answered with "no work". Each queue is asked the same way.
func TestClaims_AnItemLockedByAClaimThatRollsBackIsTakenAfterIt(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	items := q.add(1)
	nlqs := q.annotationQueue(1, 1)
	for _, c := range []struct {
		queue string
		id    int64
		claim func() (int64, error)
	}{
		{"review_items", items[0], func() (int64, error) { v, err := q.claim(q.reviewers[0], time.Hour); return v.ID, err }},
		{"annotation_items", 0, func() (int64, error) { task, err := q.claimAnnotation(q.reviewers[0]); return task.Item.NLQID, err }},
	} {
		tx, err := q.st.Pool().Begin(q.ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The other claim: the item is locked, and it stays pending until the claim is given up.
		if _, err := tx.Exec(q.ctx, `SELECT 1 FROM `+c.queue+` WHERE project_id = $1 AND status = 'pending' FOR UPDATE`, q.project); err != nil {
			t.Fatal(err)
		}
		type result struct {
			id  int64
			err error
		}
		done := make(chan result, 1)
		go func() {
			id, err := c.claim()
			done <- result{id, err}
		}()
		// Longer than a few retries take; the claim is asked again after each one.
		time.Sleep(300 * time.Millisecond)
		if err := tx.Rollback(q.ctx); err != nil {
			t.Fatal(err)
		}
		r := <-done
		want := c.id
		if c.queue == "annotation_items" {
			want = nlqs[0]
		}
		if r.err != nil || r.id != want {
			t.Errorf("%s: claimed %d (%v), want %d", c.queue, r.id, r.err, want)
		}
	}
}

// A person never annotates a question they wrote with its SQL, but starting an import, a generating
// run or an agent batch does not make them the author of its questions.
func TestClaims_AnnotatorsSkipOnlyQuestionsTheyWrote(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	user := q.reviewers[0]
	add := func(question string, origin map[string]any) {
		inTx(t, q.st, func(tx pgx.Tx) {
			raw, _ := json.Marshal(origin)
			nlq := store.NLQ{ProjectID: q.project, Question: question, Origin: raw}
			if _, err := store.InsertNLQ(q.ctx, tx, store.Actor{UserID: user, RequestID: "test"}, &nlq); err != nil {
				t.Fatal(err)
			}
			if _, err := store.CreateAnnotationItems(q.ctx, tx, q.project, nlq.ID, 1); err != nil {
				t.Fatal(err)
			}
		})
	}
	add("Written by the user?", map[string]any{"kind": "written", "author_id": user})
	add("Imported by the user?", map[string]any{"kind": "spider", "file": "dev.json", "index": 1})
	task, err := q.claimAnnotation(user)
	if err != nil {
		t.Fatal(err)
	}
	if task.Question != "Imported by the user?" {
		t.Fatalf("claimed %q; want the imported question", task.Question)
	}
	if _, err := q.st.SkipAnnotationItem(q.ctx, store.Actor{UserID: user}, q.project, task.Item.ID, user, task.Item.Version, "ambiguous", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := q.claimAnnotation(user); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("after the imported question: %v; want ErrNoWork (the written one is theirs)", err)
	}
	other := q.users(1)[0]
	if task, err := q.claimAnnotation(other); err != nil || task.Question != "Written by the user?" {
		t.Fatalf("another annotator: %+v, %v", task, err)
	}
}
