package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goldset/goldset/migrations"
)

func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("migrate up|status [--json]", "Apply the embedded migrations (up), or list them with their state (status).\n'goldset serve' applies them on start; both are safe to re-run.")
	cfg := newConfig(fs, dbOptions...)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseArgsFitting(fs, args, oneWordOf("up", "status"), "say 'migrate up' or 'migrate status'")
	if err != nil {
		return err
	}
	db, err := openCommandDatabase(ctx, cfg, pos[0] == "up")
	if err != nil {
		return err
	}
	defer db.Close(ctx)

	if pos[0] == "up" {
		return printOutcome(out, *asJSON, map[string]int{"applied": db.applied}, "Applied %d migration(s); the schema is up to date.\n", db.applied)
	}
	st, err := migrations.List(ctx, db.store.Pool())
	if err != nil {
		return err
	}
	return printList(out, *asJSON, "migrations", st, "VERSION\tNAME\tSTATE\tAPPLIED AT", func(m migrations.Status) string {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		return fmt.Sprintf("%d\t%s\t%s\t%s", m.Version, m.Name, state, m.At)
	})
}
