// Package storetest gives each test its own real PostgreSQL database, migrated to the newest
// schema, so tests can commit, use several connections and run in parallel without seeing one
// another.
//
// The server is GOLDSET_TEST_DATABASE_URL (a superuser URL) when set; otherwise a private cluster
// (package pgserver) under os.TempDir()/goldset-test-pg-<uid>, shared by every test binary of a
// `go test ./...` run and started by whichever needs it first.
//
// The schema (ours and River's job tables) is built once per cluster into a template database named
// after the migrations' fingerprint; each test then gets a copy (CREATE DATABASE ... TEMPLATE), which takes tens of
// milliseconds instead of re-running every migration. Templates of older migration sets are
// left in place (a few MB each); databases left by a killed test binary are dropped by the next
// binary to start. Roles belong to the whole cluster: the reader roles a test database's imports
// make, and the roles a test names with RoleName, are dropped with the database.
//
// Packages that use storetest should release the shared cluster when their tests end:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// Without it the cluster stays up after the run, which is harmless: the next run attaches to it.
package storetest
