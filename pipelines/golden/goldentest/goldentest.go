package goldentest

import (
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// Cut cuts a snapshot of the fixture's project, as the system, with params.
func Cut(t testing.TB, f *pipelinetest.Fixture, params golden.SnapshotParams) store.Snapshot {
	t.Helper()
	snap, _, err := (&golden.Snapshots{Store: f.St}).Cut(f.Ctx, store.System, f.Project.ID, params)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// CutWithPairs cuts a snapshot like Cut and reads its pairs, of every split.
func CutWithPairs(t testing.TB, f *pipelinetest.Fixture, params golden.SnapshotParams) (store.Snapshot, []store.SnapshotPair) {
	t.Helper()
	snap := Cut(t, f, params)
	pairs, err := f.St.SnapshotPairs(f.Ctx, snap.ID, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return snap, pairs
}
