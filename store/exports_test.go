package store_test

import (
	"errors"
	"testing"

	"github.com/goldset/goldset/store"
)

// Pairs are walked by question id, one split or all, and an error from the callback stops the walk;
// an export is recorded running, then closed done or failed.
func TestExports_WalkPairsAndRecordTheExport(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	ctx, st := q.ctx, q.st
	snap := insertID(t, st, `INSERT INTO snapshots (project_id, name, params, content_hash, pairs, manifest)
		VALUES ($1, 's', '{}', 'h', 3, '{}') RETURNING id`, q.project)
	mustExec(t, st, `INSERT INTO snapshot_pairs (snapshot_id, nlq_id, candidate_id, split, stage, question, sql, hardness)
		VALUES ($1, 3, 3, 'test', 's', 'c', 'SELECT 3', 'easy'), ($1, 1, 1, 'train', 's', 'a', 'SELECT 1', 'easy'),
			($1, 2, 2, 'train', 's', 'b', 'SELECT 2', 'hard')`, snap)
	walk := func(split string, stopAt int64) ([]int64, error) {
		var ids []int64
		err := st.EachSnapshotPair(ctx, snap, split, func(p *store.SnapshotPair) error {
			if p.NLQID == stopAt {
				return errStop
			}
			ids = append(ids, p.NLQID)
			return nil
		})
		return ids, err
	}
	if ids, err := walk("", 0); err != nil || len(ids) != 3 || ids[0] != 1 || ids[2] != 3 {
		t.Fatalf("all: %v %v", ids, err)
	}
	if ids, err := walk("train", 0); err != nil || len(ids) != 2 {
		t.Fatalf("train: %v %v", ids, err)
	}
	if ids, err := walk("", 2); !errors.Is(err, errStop) || len(ids) != 1 {
		t.Fatalf("stopped: %v %v", ids, err)
	}

	ok := store.Export{ProjectID: q.project, SnapshotID: snap, Format: "trl", Split: "all"}
	bad := store.Export{ProjectID: q.project, SnapshotID: snap, Format: "openai", Split: "test"}
	for _, e := range []*store.Export{&ok, &bad} {
		if err := st.StartExport(ctx, store.System, e); err != nil || e.Status != "running" {
			t.Fatalf("start: %+v %v", e, err)
		}
	}
	if err := st.FinishExport(ctx, &ok, 3, 120, "abc", ""); err != nil || ok.Status != "done" || ok.FinishedAt == nil {
		t.Fatalf("finish: %+v %v", ok, err)
	}
	if err := st.FinishExport(ctx, &bad, 1, 40, "def", "client gone"); err != nil || bad.Status != "failed" {
		t.Fatalf("fail: %+v %v", bad, err)
	}
	list, err := st.ListExports(ctx, q.project)
	if err != nil || len(list) != 2 || list[0].ID != bad.ID || list[1].SHA256 != "abc" || list[1].Rows != 3 {
		t.Fatalf("list %+v %v", list, err)
	}
}

var errStop = errors.New("stop")
