package storetest_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func currentDatabase(t *testing.T, db *sql.DB) string {
	t.Helper()
	var name string
	if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func countUsers(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatalf("the migrated users table should exist: %v", err)
	}
	return n
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	var exists bool
	err := open(t, storetest.AdminURL(t)).QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestURL_EachTestGetsItsOwnMigratedDatabase(t *testing.T) {
	var names [2]string
	t.Run("writer", func(t *testing.T) {
		db := open(t, storetest.URL(t))
		names[0] = currentDatabase(t, db)
		if _, err := db.Exec("INSERT INTO users (email, password_hash) VALUES ('ada@example.com', 'x')"); err != nil {
			t.Fatal(err)
		}
		if n := countUsers(t, db); n != 1 {
			t.Fatalf("writer sees %d users, want 1", n)
		}
	})
	t.Run("reader", func(t *testing.T) {
		db := open(t, storetest.URL(t))
		names[1] = currentDatabase(t, db)
		if n := countUsers(t, db); n != 0 {
			t.Fatalf("reader sees %d users written by another test, want 0", n)
		}
	})
	if names[0] == "" || names[0] == names[1] {
		t.Fatalf("databases %q and %q, want two different ones", names[0], names[1])
	}
}

func TestURL_DropsTheDatabaseAtCleanup(t *testing.T) {
	var name string
	t.Run("user", func(t *testing.T) {
		db := open(t, storetest.URL(t))
		name = currentDatabase(t, db)
		// Left open on purpose: cleanup must drop the database regardless.
		if _, err := db.Exec("SELECT 1"); err != nil {
			t.Fatal(err)
		}
		if !databaseExists(t, name) {
			t.Fatalf("%s should exist during the test", name)
		}
	})
	if databaseExists(t, name) {
		t.Fatalf("%s still exists after the test that owned it ended", name)
	}
}

func TestDB_IsGormOnAFreshDatabase(t *testing.T) {
	db := storetest.DB(t)
	if err := db.Exec("INSERT INTO users (email, password_hash) VALUES (?, ?)", "bo@example.com", "x").Error; err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.Table("users").Count(&n).Error; err != nil || n != 1 {
		t.Fatalf("count = %d, err = %v", n, err)
	}
}

func TestURL_ParallelTestsGetSeparateDatabases(t *testing.T) {
	const n = 8
	seen := make(chan string, n)
	t.Run("group", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				t0 := time.Now()
				url := storetest.URL(t)
				t.Logf("database created in %v", time.Since(t0))
				db := open(t, url)
				if countUsers(t, db) != 0 {
					t.Error("fresh database has users")
				}
				seen <- currentDatabase(t, db)
			})
		}
	})
	close(seen)
	distinct := map[string]bool{}
	for name := range seen {
		distinct[name] = true
	}
	if len(distinct) != n {
		t.Fatalf("%d distinct databases for %d tests", len(distinct), n)
	}
}

func TestAdminURL_IsSuperuser(t *testing.T) {
	var super bool
	if err := open(t, storetest.AdminURL(t)).QueryRowContext(context.Background(), "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		t.Fatal(err)
	}
	if !super {
		t.Fatal("AdminURL does not connect as a superuser")
	}
}

// Reader roles that target databases create belong to the cluster; the test database's cleanup
// drops them too.
func TestURL_DropsTheReaderRolesOfItsDatabase(t *testing.T) {
	ctx := context.Background()
	var role string
	t.Run("inner", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, storetest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var name string
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256([]byte(name))
		role = "gs_" + hex.EncodeToString(h[:5]) + "_tdb_1_reader"
		if _, err := conn.Exec(ctx, "CREATE ROLE "+role+" NOLOGIN"); err != nil {
			t.Fatal(err)
		}
	})
	admin, err := pgx.Connect(ctx, storetest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = $1", role).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("role %s outlived its test database", role)
	}
}
