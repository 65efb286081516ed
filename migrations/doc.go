// Package migrations holds the platform schema as goose SQL migrations, embedded in the binary, and
// applies River's own migrations (its job tables) with them.
//
// It also owns the database side of the security model: what PUBLIC may not do (Harden), how the
// sandbox's reader roles are made without CREATEROLE (make_reader), and the platform's role (the
// embedded cluster's AppRole, or one an external server's superuser names), to which HandOver gives
// the platform's objects.
//
// Migrations are append-only: a released file is never edited, a change is a new file.
// Apply is safe to run any number of times and from several processes at once
// (goose takes a session advisory lock, and River's migrations run under one of ours).
package migrations
