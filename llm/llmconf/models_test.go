package llmconf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestModels_SaveKeepsTheKeyOutOfTheDatabaseAndSafeFromStaleSaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keyFile := filepath.Join(t.TempDir(), "llm-api-key")
	m, err := NewModels(ctx, st, llm.Settings{MaxConcurrency: 4}, keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Client().Configured() {
		t.Fatal("configured without an endpoint")
	}
	key := "sk-secret-value-1234"
	v, err := m.Save(ctx, store.System, llm.Settings{BaseURL: "http://127.0.0.1:1/v1", Model: "m"}, &key, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Client().Configured() || v.KeySource != "file" || v.Version != 1 || !slices.Equal(v.FromEnv, []string{"max_concurrency"}) {
		t.Fatalf("view: %+v", v)
	}
	if b, err := os.ReadFile(keyFile); err != nil || string(b) != key+"\n" {
		t.Fatalf("key file: %q %v", b, err)
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
	var inDB int
	st.Pool().QueryRow(ctx, `SELECT count(*) FROM llm_settings WHERE settings::text LIKE '%' || $1 || '%'`, key).Scan(&inDB)
	if inDB != 0 {
		t.Fatal("the API key reached the database")
	}
	// A stale save changes nothing, the key included.
	other := "sk-other-value-5678"
	_, err = m.Save(ctx, store.System, llm.Settings{BaseURL: "http://127.0.0.1:2/v1", Model: "m2"}, &other, 0)
	var se *store.StaleVersionError
	if !errors.As(err, &se) {
		t.Fatalf("stale save: %v", err)
	}
	if b, _ := os.ReadFile(keyFile); string(b) != key+"\n" {
		t.Fatal("a refused save changed the key")
	}
	// An empty key removes it.
	empty := ""
	if _, err := m.Save(ctx, store.System, llm.Settings{BaseURL: "http://127.0.0.1:1/v1", Model: "m"}, &empty, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("key file still there: %v", err)
	}
}
