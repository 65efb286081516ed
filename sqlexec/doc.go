// Package sqlexec is the one door every SQL goes through, and the judge of SQL by execution.
//
// It owns the target databases (each in its own PostgreSQL schema tdb_<id> with its own reader
// role), loads imported tables with COPY, checks statements with pg_query before they run,
// executes them in a read-only, time-limited, row- and byte-capped sandbox that logs in as the
// target's reader role (the security model is in harden.go and docs/ARCHITECTURE.md), compares results by
// execution match (Spider test-suite semantics; see match.go), and translates SQLite-dialect SQL
// to PostgreSQL.
package sqlexec
