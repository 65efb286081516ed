package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/goldset/goldset/store"
)

func TestRetrievalSettings_DefaultsThenVersionedChanges(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	p := newProject(t, st, "retrieval", 0)
	got, err := st.RetrievalSettings(ctx, p.ID)
	if err != nil || got != store.DefaultRetrieval {
		t.Fatalf("defaults: %+v %v", got, err)
	}
	saved, err := st.SetRetrievalSettings(ctx, store.System, p.ID, store.RetrievalSettings{TopK: 12, Scope: store.ScopeDatabase})
	if err != nil || saved.Version != 1 {
		t.Fatalf("first save: %+v %v", saved, err)
	}
	var stale *store.StaleVersionError
	if _, err := st.SetRetrievalSettings(ctx, store.System, p.ID, store.RetrievalSettings{TopK: 4, Scope: store.ScopeKnown}); !errors.As(err, &stale) || stale.Current != 1 {
		t.Fatalf("a change from the defaults after a save: %v", err)
	}
	var invalid *store.ValidationError
	if _, err := st.SetRetrievalSettings(ctx, store.System, p.ID, store.RetrievalSettings{TopK: 0, Scope: "all", Version: 1}); !errors.As(err, &invalid) || len(invalid.Fields) != 2 {
		t.Fatalf("invalid settings: %v", err)
	}
	if got, _ := st.RetrievalSettings(ctx, p.ID); got.TopK != 12 || got.Scope != store.ScopeDatabase || got.Version != 1 {
		t.Fatalf("read back: %+v", got)
	}
}

func TestKnownTables_ScopeFollowsTheSetting(t *testing.T) {
	t.Parallel()
	wtq := json.RawMessage(`{"kind":"wtq","table":"t_200_csv_1"}`)
	other := json.RawMessage(`{"kind":"csv","tables":["a","b"]}`)
	none := json.RawMessage(`{"kind":"spider"}`)
	tests := []struct {
		scope  string
		origin json.RawMessage
		want   bool
	}{
		{store.ScopeAuto, wtq, true}, {store.ScopeAuto, other, false}, {store.ScopeAuto, none, false},
		{store.ScopeKnown, other, true}, {store.ScopeKnown, none, false},
		{store.ScopeDatabase, wtq, false},
	}
	for _, tc := range tests {
		known, isWTQ := store.KnownTables(tc.origin)
		if got := (store.RetrievalSettings{Scope: tc.scope}).ScopeOnly(known, isWTQ); got != tc.want {
			t.Errorf("%s %s: scope only %v, want %v", tc.scope, tc.origin, got, tc.want)
		}
	}
	if known, _ := store.KnownTables(other); len(known) != 2 {
		t.Errorf("known tables: %v", known)
	}
}
